"""One read model per entity: every path to a node shows the same node, nothing is filled with a
default that could pass for data, and nested reads cost a bounded number of round trips.

Over HTTP on each engine, against the seeded graph.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
    parse,
)

from graph import read
from graph.dataset import Dataset
from graph.settings import Settings
from tests.conftest import CONTACT_TOKEN, data, error_codes, gql

ROOT = Path(__file__).parent.parent
DIRECTOR = "person:thiraphong-phromphochuenbun"
PARTNER = "person:piya-phuangsamli"  # the civil-society partner who spoke at the meeting
MEETING = "event:2022-11-19-cw-regional-meeting"
ALLOWED = {"authorization": f"Bearer {CONTACT_TOKEN}"}


def _schema() -> Any:
    from schema.app import build_schema

    return build_schema(Settings(_env_file=None))  # type: ignore[call-arg]


ENTITY_TYPES = ("Area", "Organization", "Person", "Partnership", "Resource", "Plan", "Goal",
                "Mechanism", "Event")  # fmt: skip


def _fragments(query: str) -> str:
    """A fragment per entity type selecting every field that takes no arguments and holds data
    (not another node), contact data included. A field whose name means different types in two
    entity types (an enum `kind`) is aliased by type, as GraphQL requires."""
    schema = _schema()._schema
    leaves: dict[str, dict[str, str]] = {}
    for name in ENTITY_TYPES:
        for field_name, field in schema.type_map[name].fields.items():
            if not field.args and is_leaf_type(get_named_type(field.type)):
                leaves.setdefault(field_name, {})[name] = str(field.type)
    out = []
    for name in ENTITY_TYPES:
        fields = ["__typename"]
        for field_name, field in schema.type_map[name].fields.items():
            if field.args:
                continue
            if field_name in leaves and name in leaves[field_name]:
                clash = len(set(leaves[field_name].values())) > 1
                fields.append(f"{name}_{field_name}: {field_name}" if clash else field_name)
            elif field_name == "contact":
                fields.append("contact { phone email lineId }")
        if f"...All{name}" in query:
            out.append(f"fragment All{name} on {name} {{ {' '.join(fields)} }}")
    return query + "\n" + "\n".join(out)


ALL = "__typename ...AllArea ...AllOrganization ...AllPerson ...AllPartnership ...AllResource " \
      "...AllPlan ...AllGoal ...AllMechanism ...AllEvent"  # fmt: skip


def _nodes_in(value: Any, found: dict[str, dict[str, Any]]) -> None:
    """Every object with an `id` and a `__typename` of an entity, anywhere in a response."""
    if isinstance(value, dict):
        typename = value.get("__typename")
        if typename in ENTITY_TYPES and "id" in value:
            found.setdefault(value["id"], value)
        for v in value.values():
            _nodes_in(v, found)
    elif isinstance(value, list):
        for v in value:
            _nodes_in(v, found)


def _same_as_by_id(http: httpx.Client, found: dict[str, dict[str, Any]]) -> None:
    assert found
    query = _fragments(f"query($id: ID!) {{ node(id: $id) {{ {ALL} }} }}")
    for node_id, seen in found.items():
        assert data(gql(http, query, {"id": node_id}, headers=ALLOWED))["node"] == seen, node_id


def test_a_path_shows_each_node_as_it_is(http: httpx.Client) -> None:
    """The path from the regional director to the civil-society partner goes through the
    meeting of 19 November 2022; on the path it has its real date, place and sources, and
    every node on it equals the same node asked for by id."""
    query = f"""{{ connection(from: "{DIRECTOR}", to: "{PARTNER}") {{
        textTh nodes {{ id node {{ {ALL} }} }} }} }}
    """
    query = _fragments(query)
    paths = data(gql(http, query, headers=ALLOWED))["connection"]
    assert paths, "no path"
    nodes = {n["id"]: n["node"] for n in paths[0]["nodes"]}
    meeting = nodes[MEETING]
    assert meeting["on"] == "2022-11-19"
    assert meeting["dateTh"] == "19 พฤศจิกายน 2565"
    assert meeting["placeTh"] == "โรงแรมริเวอร์แคว จังหวัดกาญจนบุรี"
    assert meeting["sourceIds"] == ["src:article-codi-cw-2565-11-19"]
    assert nodes[DIRECTOR]["honorificTh"] == "นาย"
    found: dict[str, dict[str, Any]] = {}
    _nodes_in(paths, found)
    _same_as_by_id(http, found)


def test_partners_and_their_paths_show_each_node_as_it_is(http: httpx.Client) -> None:
    query = f"""{{
      a: partners(of: "org:wg-pg-central-lower-1", hops: 2, first: 8) {{
        organization {{ ...AllOrganization }} path {{ nodes {{ node {{ {ALL} }} }} }} }}
      b: partners(of: "{DIRECTOR}", hops: 1, first: 5) {{
        organization {{ ...AllOrganization }} path {{ nodes {{ node {{ {ALL} }} }} }} }}
    }}"""
    query = _fragments(query)
    found: dict[str, dict[str, Any]] = {}
    _nodes_in(data(gql(http, query, headers=ALLOWED)), found)
    assert any(i.startswith("person:") for i in found) and any(i.startswith("pt:") for i in found)
    _same_as_by_id(http, found)


def test_onboarding_shows_each_node_as_it_is(http: httpx.Client, demo: Dataset) -> None:
    leader = next(p.id for p in demo.people if p.tier == "second_tier_leader" and p.contact)
    # first: 10, not the default 20: every field of every node in eleven lists is priced
    # above the cost limit at 20 items a list (schema.limits).
    query = f"""{{ onboarding(person: "{leader}", first: 10) {{
        person {{ ...AllPerson }} areas {{ ...AllArea }} above {{ ...AllArea }}
        memberships {{ organization {{ ...AllOrganization }} person {{ ...AllPerson }} }}
        mentors {{ mentor {{ ...AllPerson }} }} mentees {{ mentee {{ ...AllPerson }} }}
        peersInArea {{ people {{ ...AllPerson }} }} provinceGroup {{ ...AllArea }}
        peersInProvinceGroup {{ people {{ ...AllPerson }} }}
        keyPeople {{ area {{ ...AllArea }} person {{ ...AllPerson }} organization {{ ...AllOrganization }} }}
        partnerships {{ partnership {{ ...AllPartnership }} }} resources {{ resource {{ ...AllResource }} }}
        meetings {{ event {{ ...AllEvent }} }} }} }}"""
    query = _fragments(query)
    found: dict[str, dict[str, Any]] = {}
    _nodes_in(data(gql(http, query, headers=ALLOWED)), found)
    assert found[leader]["contact"] is not None, "an allowed caller sees contact data"
    kinds = {i.split(":")[0] for i in found}
    assert {"person", "area", "org", "pt", "res"} <= kinds, kinds
    _same_as_by_id(http, found)


def test_no_type_field_has_a_default_that_could_pass_for_data() -> None:
    """No output field of the schema, and no field of a read model, has a default: a value is
    the stored one, or null because nothing is stored."""
    schema = _schema()
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        definition = schema.get_type_by_name(graphql_type.name)
        for field in getattr(definition, "fields", ()):
            default = field.default
            factory = field.default_factory
            assert default is dataclasses.MISSING or default is None, (graphql_type.name, field)
            assert factory is dataclasses.MISSING, (graphql_type.name, field.python_name)
    models = [
        m for m in vars(read).values() if isinstance(m, type) and issubclass(m, read.ReadModel)
    ]
    assert len(models) > 15
    for model in models:
        for name, info in model.model_fields.items():
            assert info.is_required(), f"{model.__name__}.{name} has a default"


# --- round trips ---------------------------------------------------------------------------------

NESTED_SHAPES = {
    "organization → partnerships → parties → area": """{ organization(id: "org:codi-central-west") {
        nameTh partnerships { role partnership { nameTh parties { role organization {
          nameTh locatedIn { nameTh code } } } } } } }""",
    "person → memberships → organization → area": """{ person(id: "person:thiraphong-phromphochuenbun") {
        nameTh memberships { role organization { nameTh locatedIn { nameTh } worksIn { nameTh } } } } }""",
    "pool → feeders → stewards": """{ resource(id: "res:cw-treasury-pool") {
        nameTh feeders { nameTh stewards { nameTh } feeders { nameTh stewards { nameTh } } } } }""",
    "a list of organizations → area → parent": """{ organizations(first: 30, sort: id) {
        nodes { nameTh locatedIn { nameTh parent { nameTh } } } } }""",
}


@pytest.mark.parametrize("shape", list(NESTED_SHAPES))
def test_a_nested_read_is_at_most_two_round_trips(http: httpx.Client, shape: str) -> None:
    body = gql(http, NESTED_SHAPES[shape])
    result = data(body)
    assert json.dumps(result).count("nameTh") >= 3, "the shape reaches its third level"
    assert body["extensions"]["dbRoundTrips"] <= 2


def _question_documents() -> dict[str, str]:
    """The README's examples of the questions, one document per root field (an example may ask
    the same question several ways under aliases), and the benchmark's document of each."""
    from bench.questions import QUESTIONS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Questions you can ask") : text.index("## Safety")]
    docs = {}
    for i, example in enumerate(re.findall(r"```graphql\n(.*?)```", section, re.S)):
        document = parse(example)
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        for j, root_field in enumerate(operation.selection_set.selections):
            assert root_field.loc is not None
            docs[f"readme-{i + 1}.{j + 1}"] = (
                "{ " + example[root_field.loc.start : root_field.loc.end] + " }"
            )
    docs.update({f"bench-{q.name}": q.document for q in QUESTIONS})
    return docs


BENCH_VARIABLES = {
    "rollup": {"area": "area:codi-central-west"},
    "partners": {"of": "org:wg-pg-central-lower-1"},
    "connection": {"from": DIRECTOR, "to": PARTNER},
    "onboarding": {"person": DIRECTOR},
    "coverage": {"area": "area:pg-central-lower-1"},
    "pools": {"within": "area:codi-central-west"},
    "search": {"text": "กาญจนบุรี"},
    "neighborhood": {"id": "org:codi-central-west", "depth": 2},
}


@pytest.mark.parametrize("name", list(_question_documents()))
def test_each_question_is_at_most_three_round_trips(http: httpx.Client, name: str) -> None:
    document = _question_documents()[name]
    variables = BENCH_VARIABLES.get(name.removeprefix("bench-"), {})
    body = gql(http, document, variables)
    data(body)
    assert 1 <= body["extensions"]["dbRoundTrips"] <= 3, body["extensions"]


def test_the_bug_that_started_it_a_meeting_on_a_path_is_the_meeting(http: httpx.Client) -> None:
    query = f"""{{ connection(from: "{DIRECTOR}", to: "{PARTNER}") {{
        nodes {{ node {{ ... on Event {{ on dateTh placeTh sources {{ id }} }} }} }} }} }}"""
    events = [n["node"] for n in data(gql(http, query))["connection"][0]["nodes"] if n["node"]]
    assert events == [
        {
            "on": "2022-11-19",
            "dateTh": "19 พฤศจิกายน 2565",
            "placeTh": "โรงแรมริเวอร์แคว จังหวัดกาญจนบุรี",
            "sources": [{"id": "src:article-codi-cw-2565-11-19"}],
        }
    ]


# --- one rule per argument -----------------------------------------------------------------------

UNKNOWN_AREA = "area:nowhere"
UNKNOWN_ORG = "org:nobody"
UNKNOWN_PERSON = "person:nobody"

NOT_FOUND = {
    "node(id)": f'{{ node(id: "{UNKNOWN_ORG}") {{ id }} }}',
    "area(id)": f'{{ area(id: "{UNKNOWN_AREA}") {{ id }} }}',
    "area(code)": '{ area(code: "999999") { id } }',
    "organization(id)": f'{{ organization(id: "{UNKNOWN_ORG}") {{ id }} }}',
    "person(id)": f'{{ person(id: "{UNKNOWN_PERSON}") {{ id }} }}',
    "partnership(id)": '{ partnership(id: "pt:none") { id } }',
    "resource(id)": '{ resource(id: "res:none") { id } }',
    "plan(id)": '{ plan(id: "plan:none") { id } }',
    "goal(id)": '{ goal(id: "goal:none") { id } }',
    "mechanism(id)": '{ mechanism(id: "mech:none") { id } }',
    "event(id)": '{ event(id: "event:none") { id } }',
    "source(id)": '{ source(id: "src:none") { id } }',
    "areas(within)": f'{{ areas(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "organizations(within)": f'{{ organizations(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "people(within)": f'{{ people(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "partnerships(within)": f'{{ partnerships(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "resources(within)": f'{{ resources(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "events(within)": f'{{ events(within: "{UNKNOWN_AREA}") {{ totalCount }} }}',
    "rollup(area)": f'{{ rollup(area: "{UNKNOWN_AREA}") {{ people }} }}',
    "coverage(area)": f'{{ coverage(area: "{UNKNOWN_AREA}") {{ area {{ id }} }} }}',
    "pools(within)": f'{{ pools(within: "{UNKNOWN_AREA}") {{ pools {{ id }} }} }}',
    "partners(of: organization)": f'{{ partners(of: "{UNKNOWN_ORG}") {{ hops }} }}',
    "partners(of: person)": f'{{ partners(of: "{UNKNOWN_PERSON}") {{ hops }} }}',
    "partners(within)": f'{{ partners(of: "org:codi-central-west", within: "{UNKNOWN_AREA}") {{ hops }} }}',
    "Organization.partners(within)": f'{{ organization(id: "org:codi-central-west") {{ partners(within: "{UNKNOWN_AREA}") {{ hops }} }} }}',
    "connection(from)": f'{{ connection(from: "{UNKNOWN_PERSON}", to: "{PARTNER}") {{ length }} }}',
    "connection(to)": f'{{ connection(from: "{DIRECTOR}", to: "{UNKNOWN_ORG}") {{ length }} }}',
    "onboarding(person)": f'{{ onboarding(person: "{UNKNOWN_PERSON}") {{ person {{ id }} }} }}',
    "search(within)": f'{{ search(text: "กาญจนบุรี", within: "{UNKNOWN_AREA}") {{ score }} }}',
    "neighborhood(id)": f'{{ neighborhood(id: "{UNKNOWN_ORG}") {{ root }} }}',
}


@pytest.mark.parametrize("field", list(NOT_FOUND))
def test_an_unknown_id_is_not_found_on_every_argument(http: httpx.Client, field: str) -> None:
    body = gql(http, NOT_FOUND[field])
    assert error_codes(body) == ["NOT_FOUND"], body
    assert "nowhere" in body["errors"][0]["message"] or "no" in body["errors"][0]["message"]


def test_every_argument_that_takes_an_id_is_tested() -> None:
    """Each root field argument that names a node (an ID) has a NOT_FOUND case above."""
    schema = _schema()._schema
    # history, changes and asOf need a token: their cases are in tests/test_writes.py.
    from tests.test_writes import NOT_FOUND_WITH_TOKEN

    covered = " ".join([*NOT_FOUND, *NOT_FOUND_WITH_TOKEN])
    for name, field in schema.query_type.fields.items():
        for arg_name, arg in field.args.items():
            arg_type = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            if isinstance(arg_type, GraphQLList) or get_named_type(arg_type).name != "ID":
                continue
            assert f"{name}({arg_name}" in covered, f"{name}({arg_name}:) has no NOT_FOUND test"
