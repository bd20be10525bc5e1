"""How graphql-core completes the fields of an answer, with a shorter way for plain leaves.

Most fields of an answer are a stored value read off a read model: a name, a level, a date
(``nameTh``, ``kind``, ``startOn``). For each of them graphql-core builds a resolve info, calls
Strawberry's resolver, which calls ``getattr``, asks whether the value is awaitable, and
dispatches on the field's type before it serializes the value: about 5 µs per field, measured,
most of a large answer's time beyond its Cypher (``bench/results/read-model``).

``LeafFastExecutor`` does the same for those fields in one step: ``getattr`` and the type's own
``serialize``. A field takes that way only when nothing could tell the difference: Strawberry
says it is *basic* (no resolver, no permission, no field extension), it has no arguments, its
type is a scalar or an enum (possibly non-null), and no schema extension wraps resolvers. Any
other case, and any value the short way cannot complete (``None`` for a non-null field, a value
the type does not serialize), goes through graphql-core's own ``execute_field``, which gives the
error exactly as before. ``tests/test_execution.py`` compares whole answers both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graph.read import ReadModel


class Leaf(NamedTuple):
    attribute: str  # the Python attribute the field reads
    serialize: Callable[[Any], Any]  # the scalar's or enum's own output coercion
    non_null: bool


def plain_leaves(schema: GraphQLSchema) -> dict[tuple[str, str], Leaf]:
    """(object type, field) -> how to read it, for every field that may take the short way."""
    leaves: dict[tuple[str, str], Leaf] = {}
    for type_name, gql_type in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(gql_type, GraphQLObjectType):
            continue
        for field_name, field_def in gql_type.fields.items():
            definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
                continue
            if field_def.args or not getattr(field_def.resolve, "_is_default", False):
                continue
            non_null = is_non_null_type(field_def.type)
            inner = field_def.type
            if isinstance(inner, GraphQLNonNull):
                inner = inner.of_type
            if not is_leaf_type(inner):
                continue
            leaves[type_name, field_name] = Leaf(definition.python_name, inner.serialize, non_null)
    return leaves


class LeafFastExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing plain leaf fields in one step (see the module)."""

    leaves: ClassVar[dict[tuple[str, str], Leaf]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._no_middleware = manager is None or not manager.middlewares
        # graphql-core asks of every value whether it is awaitable; for a read model the answer
        # is no, known from its class instead of a failed ``__await__`` lookup (an exception).
        asked = self.is_awaitable

        def is_awaitable(value: Any) -> bool:
            return False if isinstance(value, ReadModel) else asked(value)

        self.is_awaitable = is_awaitable  # type: ignore[assignment]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        leaf = self.leaves.get((parent_type.name, node.name.value))
        if leaf is not None and not node.arguments and self._no_middleware:
            serialized: Any = Undefined
            try:
                value = getattr(source, leaf.attribute, Undefined)
                if value is None and not leaf.non_null:
                    return None
                if value is not None and value is not Undefined:
                    serialized = leaf.serialize(value)
            except Exception:  # graphql-core's own way below reports it where it belongs
                serialized = Undefined
            if serialized is not None and serialized is not Undefined:
                return serialized
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def executor_for(schema: GraphQLSchema) -> type[LeafFastExecutor]:
    """An executor class that knows ``schema``'s plain leaves."""
    return type("SchemaLeafExecutor", (LeafFastExecutor,), {"leaves": plain_leaves(schema)})
