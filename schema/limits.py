"""Limits on what one request may ask: its depth and an estimate of its cost, both measured by
one walk of the document that prices each fragment once, whatever the document's shape; and the
database round trips it made (reported back in the response's ``extensions``)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    value_from_ast_untyped,
)
from graphql.language import DocumentNode
from graphql.pyutils import Undefined
from strawberry.extensions import SchemaExtension

from graph.db import RoundTrips, _counter
from graph.limits import MAX_PARTNER_HOPS, MAX_PATH_HOPS
from schema.errors import PageSizeExceeded, TooComplex

# Fields that run a whole question: they cost more than a plain field.
QUESTION_COST = {
    "partners": 20,
    "connection": 50,
    "neighborhood": 50,
    "onboarding": 30,
    "rollup": 10,
    "coverage": 10,
    "pools": 10,
    "search": 10,
    "flows": 5,
}
SIZE_ARGUMENTS = ("first", "limit")
# A partner network is searched hop by hop and each hop multiplies the organizations reached
# (measured on the demo data: 4 hops from 100 organizations ran past the 10 s time limit while
# priced like 1 hop), so its own cost grows with `hops`: times HOP_GROWTH for every hop after
# the first.
HOP_PRICED = frozenset({"partners"})
HOP_GROWTH = 4

# The area tree's real size, from the seeded geography (tests/test_limits.py checks the data
# against it): at most AREA_DESCENDANTS[k - 1] areas lie exactly k levels below any one area
# (64 children of the country, 808 grandchildren, ...). A chain of `children { children { ... } } }`
# is priced by these, not by 64 at every level (64**3 would refuse a province group's rollup).
AREA_DESCENDANTS = (64, 808, 6_202, 1_248, 1_248)
# Fields that step one level down the area tree, and fields that stay on the same area.
AREA_STEP_DOWN = frozenset({("Area", "children"), ("AreaRollup", "children")})
AREA_SAME = frozenset({("AreaRollup", "area")})
# A path's nodes and steps: a partner network's path takes two steps a hop (organization,
# partnership, organization), a shortest connection at most MAX_PATH_HOPS.
PATH_LENGTH = max(2 * MAX_PARTNER_HOPS, MAX_PATH_HOPS) + 1
# Other lists without a page size whose bound is known from the data model.
KNOWN_LIST_SIZE = {
    ("Path", "nodes"): PATH_LENGTH,
    ("Path", "steps"): PATH_LENGTH,
    ("Area", "ancestors"): 6,
    ("AreaRollup", "ancestors"): 6,
    ("Coverage", "children"): AREA_DESCENDANTS[0],
    ("Coverage", "withoutPartnership"): AREA_DESCENDANTS[0],
    ("Coverage", "withoutMechanism"): AREA_DESCENDANTS[0],
    ("Coverage", "withoutPool"): AREA_DESCENDANTS[0],
}


def _operation_name(op: OperationDefinitionNode) -> str:
    return op.name.value if op.name else "anonymous"


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operation_depth(
    op: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> int:
    """The depth of an operation as Strawberry's ``QueryDepthLimiter`` counts it (a field with a
    selection is one level; introspection fields are not counted), each fragment measured once."""
    memo: dict[str, int] = {}
    in_progress: set[str] = set()

    def depth(selection: SelectionSetNode | None) -> int:
        deepest = 0
        for node in selection.selections if selection is not None else ():
            if isinstance(node, FieldNode):
                if node.selection_set is not None and not node.name.value.startswith("__"):
                    deepest = max(deepest, 1 + depth(node.selection_set))
            elif isinstance(node, InlineFragmentNode):
                deepest = max(deepest, depth(node.selection_set))
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in memo:
                    if name in in_progress or name not in fragments:
                        continue  # a cycle or an unknown fragment: the standard rules refuse it
                    in_progress.add(name)
                    memo[name] = depth(fragments[name].selection_set)
                    in_progress.discard(name)
                deepest = max(deepest, memo[name])
        return deepest

    return depth(op.selection_set)


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than ``max_depth``, with the message of
    Strawberry's ``QueryDepthLimiter`` (whose walk expands every fragment at every spread: a
    document of 20 fragments, each spreading the previous one twice, took it 10 s)."""

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context.document)
            for op in context.document.definitions:
                if (
                    isinstance(op, OperationDefinitionNode)
                    and operation_depth(op, fragments) > max_depth
                ):
                    context.report_error(
                        GraphQLError(
                            f"'{_operation_name(op)}' exceeds maximum operation depth of "
                            f"{max_depth}",
                            [op],
                        )
                    )

    return DepthLimit


def alias_count(op: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> int:
    """The aliased fields of an operation as Strawberry's ``MaxAliasesLimiter`` counts them (a
    fragment's once for every spread of it), each fragment counted once."""
    memo: dict[str, int] = {}
    in_progress: set[str] = set()

    def count(selection: SelectionSetNode | None) -> int:
        total = 0
        for node in selection.selections if selection is not None else ():
            if isinstance(node, FieldNode):
                total += (1 if node.alias else 0) + count(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                total += count(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in memo:
                    if name in in_progress or name not in fragments:
                        continue
                    in_progress.add(name)
                    memo[name] = count(fragments[name].selection_set)
                    in_progress.discard(name)
                total += memo[name]
        return total

    return count(op.selection_set)


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing documents with more than ``max_aliases`` aliases, with the
    message of Strawberry's ``MaxAliasesLimiter``, whose count expands every spread again (the
    fragment fan-out took it 10 s)."""

    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context.document)
            total = sum(
                alias_count(op, fragments)
                for op in context.document.definitions
                if isinstance(op, OperationDefinitionNode)
            )
            if total > max_aliases:
                context.report_error(GraphQLError(f"{total} aliases found. Allowed: {max_aliases}"))

    return AliasLimit


@dataclass(frozen=True)
class Pricing:
    """How lists without a page size are priced."""

    unpaged_list_size: int = 20
    # Hops above this are refused by the question itself (BAD_USER_INPUT, KB_MAX_HOPS), so a
    # partner network is priced for at most this many.
    max_hops: int = 4


class _CostWalk:
    """The estimated cost of operations of one document, with its variables.

    Each field costs 1 (a question more, see QUESTION_COST), times the number of items of every
    list it is nested in: a list's `first`/`limit` (given, from a variable, a variable's
    default or the argument's default), the area tree's real size for `children`, a known
    bound for a few other lists, else ``Pricing.unpaged_list_size``. The cost of a selection is
    proportional to the number of items it is asked for, so each fragment is priced once per
    context (its position in a chain of `children`, whether it is a page's content) and the
    result multiplied: the walk is linear in the size of the document.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        op: OperationDefinitionNode,
        pricing: Pricing,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.pricing = pricing
        self.variables = dict(variables)
        for definition in op.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)
        self.memo: dict[tuple[str, int, bool], int] = {}
        self.in_progress: set[tuple[str, int, bool]] = set()
        self.read: set[str] = set()  # the variables the estimate depends on
        self.sizes: list[tuple[FieldNode, str, int]] = []  # fields given a size, to check

    def argument(self, field: FieldNode, name: str, parent: GraphQLNamedType | None) -> Any:
        for arg in field.arguments or ():
            if arg.name.value == name:
                if isinstance(arg.value, VariableNode):
                    self.read.add(arg.value.name.value)
                    return self.variables.get(arg.value.name.value)
                return value_from_ast_untyped(arg.value)
        definition = getattr(parent, "fields", {}).get(field.name.value)
        if definition is not None and name in definition.args:
            default = definition.args[name].default_value
            return None if default is Undefined else default
        return None

    def selection(
        self,
        selection: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        chain: int,
        paged: bool,
        introspection: bool = False,
    ) -> int:
        """The cost of ``selection`` asked once; ``chain`` is how many levels below the first
        area of a chain of `children` it is; ``paged`` when it is a page's content."""
        total = 0
        # On an interface or union, fragments on different object types exclude each other:
        # an item is one of them, so it costs the dearest of them, not their sum.
        by_type: dict[str, int] = {}
        abstract = is_abstract_type(parent)
        for node in selection.selections if selection is not None else ():
            if isinstance(node, FieldNode):
                total += self.field(node, parent, chain, paged, introspection)
                continue
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost = self.selection(node.selection_set, inner, chain, paged, introspection)
            elif isinstance(node, FragmentSpreadNode):
                definition = self.fragments.get(node.name.value)
                inner = (
                    self.schema.get_type(definition.type_condition.name.value)
                    if definition is not None
                    else None
                )
                cost = self.fragment(node.name.value, chain, paged, introspection)
            else:
                continue
            if abstract and isinstance(inner, GraphQLObjectType):
                by_type[inner.name] = by_type.get(inner.name, 0) + cost
            else:
                total += cost
        return total + max(by_type.values(), default=0)

    def fragment(self, name: str, chain: int, paged: bool, introspection: bool) -> int:
        key = (name, chain, paged)
        if introspection:
            key = (name, -1, False)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or key in self.in_progress:
            return 0  # an unknown fragment or a cycle: the standard rules refuse it
        self.in_progress.add(key)
        parent = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection(definition.selection_set, parent, chain, paged, introspection)
        self.in_progress.discard(key)
        self.memo[key] = cost
        return cost

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        chain: int,
        paged: bool,
        introspection: bool,
    ) -> int:
        name = node.name.value
        if introspection or name.startswith("__"):
            # Answered from the schema in memory, as before: each field 1, lists not multiplied.
            return 1 + self.selection(node.selection_set, None, 0, False, introspection=True)
        parent_name = parent.name if parent is not None else ""
        definition = getattr(parent, "fields", {}).get(name)
        field_type = definition.type if definition is not None else None
        is_list = isinstance(get_nullable_type(field_type), GraphQLList)
        size, has_size_argument = 1, False
        for argument in SIZE_ARGUMENTS:
            given = any(a.name.value == argument for a in node.arguments or ())
            if given or (definition is not None and argument in definition.args):
                value = self.argument(node, argument, parent)
                if isinstance(value, int) and not isinstance(value, bool):
                    self.sizes.append((node, argument, value))
                    size, has_size_argument = max(value, 1), True
                    break
        inner_chain = 0
        if (parent_name, name) in AREA_STEP_DOWN:
            inner_chain = chain + 1
            if not has_size_argument:
                size = _step_down(chain)
        elif (parent_name, name) in AREA_SAME:
            inner_chain = chain
        elif is_list and not has_size_argument:
            size = (
                1
                if paged
                else KNOWN_LIST_SIZE.get((parent_name, name), self.pricing.unpaged_list_size)
            )
        own = QUESTION_COST.get(name, 1)
        if name in HOP_PRICED:
            hops = self.argument(node, "hops", parent)
            if isinstance(hops, int) and not isinstance(hops, bool) and hops > 1:
                own *= HOP_GROWTH ** (min(hops, self.pricing.max_hops) - 1)
        if node.selection_set is None:
            return own
        inner_type = get_named_type(field_type) if field_type is not None else None
        page = has_size_argument and not is_list  # a connection: its lists are the page
        return own + size * self.selection(node.selection_set, inner_type, inner_chain, page)


def _step_down(chain: int) -> int:
    """How many times more areas lie one level further down a chain of `children` that is
    ``chain`` levels deep already: over the whole chain the product of these is at least the
    real number of areas at each level (AREA_DESCENDANTS), rounded up, never below 1."""
    levels = len(AREA_DESCENDANTS)
    if chain == 0:
        return AREA_DESCENDANTS[0]
    below = AREA_DESCENDANTS[min(chain + 1, levels) - 1]
    above = AREA_DESCENDANTS[min(chain, levels) - 1]
    return max(-(-below // above), 1)


def check_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    *,
    max_cost: int,
    max_page_size: int,
    pricing: Pricing,
    read: set[str] | None = None,
) -> int:
    """The highest estimated cost of the document's operations; ``PageSizeExceeded`` for a
    page above ``max_page_size``, ``TooComplex`` above ``max_cost``. ``read`` gets the names of
    the variables the estimate depends on."""
    fragments = _fragments(document)
    highest = 0
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        root = schema.get_root_type(op.operation)
        walk = _CostWalk(schema, fragments, variables or {}, op, pricing)
        cost = walk.selection(op.selection_set, root, 0, False)
        if read is not None:
            read |= walk.read
        for field, argument, value in walk.sizes:
            if argument == "first" and value > max_page_size:
                raise PageSizeExceeded(
                    f"{field.name.value}(first: {value}) asks for more than the maximum page "
                    f"size of {max_page_size}; page through the results with `after`"
                )
        if cost > max_cost:
            raise TooComplex(
                f"this query would cost about {cost:,} units, more than the {max_cost:,} "
                "allowed; ask for smaller pages (`first`) or fewer nested lists"
            )
        highest = max(highest, cost)
    return highest


class CostCache:
    """Documents already found within the limits, with the values of the variables their
    estimate read (a page size, a number of hops): the estimate depends on nothing else, so the
    same document with other ids is not walked again. Made once per schema, like the
    validation cache; an estimate over the limits is not kept and is made again each time."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str | None], tuple[frozenset[str], set[str]]] = (
            OrderedDict()
        )

    @staticmethod
    def _values(names: frozenset[str], variables: dict[str, Any] | None) -> str:
        given = variables or {}
        return json.dumps([given.get(n) for n in sorted(names)], sort_keys=True, default=repr)

    def passed(self, key: tuple[str, str | None], variables: dict[str, Any] | None) -> bool:
        entry = self._entries.get(key)
        if entry is None:
            return False
        self._entries.move_to_end(key)
        names, passed = entry
        return self._values(names, variables) in passed

    def add(
        self, key: tuple[str, str | None], names: set[str], variables: dict[str, Any] | None
    ) -> None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != names:
            entry = (frozenset(names), set())
            self._entries[key] = entry
        if len(entry[1]) < self.maxsize:
            entry[1].add(self._values(entry[0], variables))
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)


class QueryCost(SchemaExtension):
    """Refuse an operation whose estimated cost is above ``max_cost`` (see ``_CostWalk``), or
    which asks for a page larger than ``max_page_size``: an estimate made before anything runs,
    once the variables are known (or found in ``cache``, made once per schema)."""

    def __init__(
        self,
        max_cost: int,
        max_page_size: int,
        pricing: Pricing,
        cache: CostCache | None = None,
    ) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size
        self.pricing = pricing
        self.cache = cache

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            # A document is known by its text; without one (never, over HTTP) nothing is kept.
            cache = self.cache if ctx.query is not None else None
            key = (ctx.query or "", ctx.operation_name)
            if cache is None or not cache.passed(key, ctx.variables):
                read: set[str] = set()
                check_cost(
                    ctx.schema._schema,
                    ctx.graphql_document,
                    ctx.variables,
                    max_cost=self.max_cost,
                    max_page_size=self.max_page_size,
                    pricing=self.pricing,
                    read=read,
                )
                if cache is not None:
                    cache.add(key, read, ctx.variables)
        yield


class DatabaseRoundTrips(SchemaExtension):
    """Count the statements sent to the engine for this operation; report them back.

    With ``trace`` (the server setting KB_TRACE_STATEMENTS, for the benchmark only) the
    statements and their parameters are returned too, so they can be replayed as raw Cypher.
    """

    def __init__(self, trace: bool = False) -> None:
        self.trace = trace

    def on_operation(self) -> Iterator[None]:
        self.counter = RoundTrips(record=self.trace)
        token = _counter.set(self.counter)
        try:
            yield
        finally:
            _counter.reset(token)

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {"dbRoundTrips": self.counter.count}
        if self.trace:
            results["statements"] = [{"query": q, "params": p} for q, p in self.counter.statements]
        return results
