"""Plain leaf fields completed in one step (schema.execution) give the same answers, byte for
byte, as graphql-core's own way: the same documents to two servers of the same graph, one with
``fast_leaves`` on (the default, the session's server) and one with it off."""

from __future__ import annotations

import enum
from collections.abc import Iterator

import httpx
import pytest
import strawberry
from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from bench.questions import QUESTIONS
from bench.sampling import sample_inputs
from graph.registry import NODE_LABELS
from graph.settings import Settings
from schema.app import build_schema
from schema.execution import LeafFastExecutor, executor_for, plain_leaves
from tests.conftest import CONTACT_TOKEN, EngineUnderTest, served


@pytest.fixture(scope="module")
def slow_api(kb: EngineUnderTest) -> Iterator[str]:
    """The app with every field through graphql-core's resolver path, over real HTTP."""
    with served(kb.settings.model_copy(update={"fast_leaves": False}), "slow-leaves") as url:
        yield url


def _every_leaf_of_every_node_type() -> str:
    """``node(id:)`` asking, on each node type, for each of its leaf fields without arguments."""
    schema = build_schema(Settings(_env_file=None))._schema  # type: ignore[call-arg]
    fragments = []
    for label in NODE_LABELS:
        gql_type = schema.type_map.get(label)
        assert isinstance(gql_type, GraphQLObjectType), label
        leaves = [
            name
            for name, f in gql_type.fields.items()
            if not f.args and is_leaf_type(get_named_type(f.type))
        ]
        fragments.append(f"... on {label} {{ {' '.join(leaves)} }}")
    return "query One($id: ID!) { node(id: $id) { __typename " + " ".join(fragments) + " } }"


def test_the_schema_knows_its_plain_leaves() -> None:
    schema = build_schema(Settings(_env_file=None))  # type: ignore[call-arg]
    assert issubclass(schema.execution_context_class, LeafFastExecutor)  # type: ignore[arg-type]
    leaves = plain_leaves(schema._schema)
    assert ("Organization", "nameTh") in leaves and ("Area", "level") in leaves
    assert ("Event", "on") in leaves  # a date
    # A field with a resolver of its own (a Thai date, a relation, contact data) is not one.
    assert ("Event", "dateTh") not in leaves
    assert ("Organization", "locatedIn") not in leaves
    assert ("Person", "contact") not in leaves
    off = build_schema(Settings(fast_leaves=False, _env_file=None))  # type: ignore[call-arg]
    assert not issubclass(off.execution_context_class, LeafFastExecutor)  # type: ignore[arg-type]


async def test_fast_leaves_answer_byte_for_byte_as_graphql_core(
    kb: EngineUnderTest, api: str, slow_api: str
) -> None:
    inputs = await sample_inputs(kb.graph, 3, seed=7)
    asked: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    for question in QUESTIONS:
        variables = question.variables(inputs)
        assert variables, question.name
        asked += [(question.document, v) for v in variables]
    one = _every_leaf_of_every_node_type()
    for label in NODE_LABELS:
        rows = await kb.graph.read(
            "MATCH (n) WHERE $label IN labels(n) RETURN n.id AS id ORDER BY id LIMIT 5",
            label=label,
        )
        asked += [(one, {"id": r["id"]}) for r in rows]
    asked.append((one, {"id": "org-does-not-exist"}))
    asked.append(("{ node(id: 1) { id } nope }", {}))  # errors, the same both ways
    compared = 0
    for headers in ({}, {"Authorization": f"Bearer {CONTACT_TOKEN}"}):
        with httpx.Client(timeout=60, headers=headers) as http:
            for document, variables in asked:
                body = {"query": document, "variables": variables}
                fast = http.post(f"{api}/graphql", json=body)
                slow = http.post(f"{slow_api}/graphql", json=body)
                assert fast.status_code == slow.status_code, (document, variables)
                assert fast.content == slow.content, (document, variables)
                compared += 1
    assert compared >= 2 * (len(QUESTIONS) + len(NODE_LABELS))


class _Colour(enum.Enum):
    red = "red"


@strawberry.type
class _Item:
    name: str
    note: str | None
    count: int
    colour: _Colour


class _Broken:
    """Reading its name raises, as a property may."""

    note = None
    count = 1
    colour = _Colour.red

    @property
    def name(self) -> str:
        raise RuntimeError("disk on fire")


_ROWS: list[object] = [
    _Item(name="ก", note=None, count=1, colour=_Colour.red),
    _Item(name=None, note="x", count=2, colour=_Colour.red),  # type: ignore[arg-type]
    _Item(name="ข", note=None, count="many", colour=_Colour.red),  # type: ignore[arg-type]
    _Item(name="ค", note=None, count=3, colour="blue"),  # type: ignore[arg-type]
    _Broken(),
]


@strawberry.type
class _Query:
    @strawberry.field
    def items(self) -> list[_Item | None]:
        return _ROWS  # type: ignore[return-value]


async def test_a_value_the_short_way_cannot_complete_gets_graphql_cores_error() -> None:
    """A null in a non-null field, a value its type does not serialize, an attribute that
    raises: each gives the error, path and partial answer graphql-core gives without it."""
    document = "{ items { name note count colour } }"
    plain = strawberry.Schema(query=_Query)
    fast = strawberry.Schema(query=_Query)
    fast.execution_context_class = executor_for(fast._schema)
    assert ("Item", "name") in fast.execution_context_class.leaves  # type: ignore[attr-defined]
    a = await plain.execute(document)
    b = await fast.execute(document)
    assert a.data == b.data
    assert a.data is not None and a.data["items"][0] == {
        "name": "ก",
        "note": None,
        "count": 1,
        "colour": "red",
    }
    assert [e.formatted for e in a.errors or []] == [e.formatted for e in b.errors or []]
    assert len(a.errors or []) == 4  # the null name, "many", "blue", the attribute that raised
