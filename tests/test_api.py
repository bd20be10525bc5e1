"""The API as a client meets it: health, lists and pages, limits, errors, personal data,
round trips, the committed schema and the README's examples."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import httpx
import pytest

from graph.dataset import Dataset
from graph.migrations import LATEST
from graph.settings import Settings
from tests.conftest import CONTACT_TOKEN, EngineUnderTest, data, error_codes, gql

ROOT = Path(__file__).parent.parent


def test_health(http: httpx.Client, kb: EngineUnderTest) -> None:
    resp = http.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {
        "status": "ok",
        "engine": kb.name,
        "schema_version": LATEST,
        "rollups": "current",
    }


def test_graphiql_in_the_browser(http: httpx.Client) -> None:
    resp = http.get("/graphql", headers={"accept": "text/html"})
    assert resp.status_code == 200
    assert "graphiql" in resp.text.lower()


# --- lists --------------------------------------------------------------------------------------


def test_pages_cover_a_list_exactly_once(http: httpx.Client, demo: Dataset) -> None:
    query = """query($after: String) {
        organizations(kind: [community_council], first: 7, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id nameTh } } } }"""
    seen: list[str] = []
    names: list[str] = []
    after = None
    while True:
        page = data(gql(http, query, {"after": after}))["organizations"]
        seen += [e["node"]["id"] for e in page["edges"]]
        names += [e["node"]["nameTh"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    councils = [o for o in demo.organizations if o.kind == "community_council"]
    assert page["totalCount"] == len(councils) == len(seen) == len(set(seen))
    assert names == sorted(names)


def test_list_filters(http: httpx.Client, demo: Dataset) -> None:
    body = gql(
        http,
        """{ people(tier: [second_tier_leader], within: "area:71", first: 100) { totalCount }
             ended: partnerships(status: [ended], first: 100) { totalCount }
             real: organizations(synthetic: false, first: 100) { totalCount }
             groups: areas(level: [province_group], first: 10) { nodes { code } } }""",
    )
    result = data(body)
    expected = sum(
        1
        for p in demo.people
        if p.tier == "second_tier_leader"
        and any(a.removeprefix("area:").startswith("71") for a in p.works_in)
    )
    assert result["people"]["totalCount"] == expected
    assert result["ended"]["totalCount"] == sum(1 for p in demo.partnerships if p.status == "ended")
    assert result["real"]["totalCount"] == 8  # the article's organizations and bodies
    assert [n["code"] for n in result["groups"]["nodes"]] == [
        "pg-central-lower-1",
        "pg-central-lower-2",
        "pg-central-upper",
    ]


def test_valid_on_keeps_what_runs_that_day(http: httpx.Client, demo: Dataset) -> None:
    day = "2020-06-01"
    body = gql(http, f'{{ partnerships(validOn: "{day}", first: 100) {{ totalCount }} }}')
    expected = sum(
        1
        for p in demo.partnerships
        if (p.start_on is None or p.start_on.isoformat() <= day)
        and (p.end_on is None or p.end_on.isoformat() >= day)
    )
    assert data(body)["partnerships"]["totalCount"] == expected + 1  # + the article's shared tray


def test_bad_cursor_is_a_user_error(http: httpx.Client) -> None:
    body = gql(http, '{ organizations(after: "not-a-cursor") { totalCount } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]


# --- limits and errors ---------------------------------------------------------------------------


def test_depth_20_is_refused(http: httpx.Client) -> None:
    nested = "code"
    for _ in range(20):
        nested = f"parent {{ {nested} }}"
    body = gql(http, f'{{ area(code: "710101") {{ {nested} }} }}')
    assert error_codes(body) == ["DEPTH_LIMIT_EXCEEDED"]
    assert body.get("data") is None


def test_huge_page_is_refused(http: httpx.Client) -> None:
    body = gql(http, "{ organizations(first: 100000) { totalCount } }")
    assert error_codes(body) == ["PAGE_SIZE_EXCEEDED"]
    assert (
        "100000" in body["errors"][0]["message"]
        and "maximum page size" in body["errors"][0]["message"]
    )


def test_costly_nesting_is_refused(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ organizations(first: 100) { nodes { partners(hops: 4, first: 100) {
               organization { partners(first: 100) { hops } } } } } }""",
    )
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


def test_too_many_aliases_are_refused(http: httpx.Client) -> None:
    aliases = " ".join(f'a{i}: area(code: "71") {{ code }}' for i in range(40))
    assert error_codes(gql(http, f"{{ {aliases} }}")) == ["TOO_MANY_ALIASES"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ area(code: ", "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ area(id: "area:nowhere") { code } }', "NOT_FOUND"),
        ('{ organization(id: "area:71") { id } }', "NOT_FOUND"),
        ('{ area(id: "area:71", code: "71") { code } }', "BAD_USER_INPUT"),
        ('{ neighborhood(id: "org:codi", depth: 9) { root } }', "BAD_USER_INPUT"),
        ('{ search(text: "' + "ก" * 300 + '") { score } }', "BAD_USER_INPUT"),
    ],
)
def test_errors_carry_a_code_and_never_a_500(http: httpx.Client, query: str, code: str) -> None:
    resp = http.post("/graphql", json={"query": query})
    assert resp.status_code < 500
    body = resp.json()
    assert error_codes(body) == [code]
    assert "Traceback" not in resp.text


def test_not_json_is_a_client_error(http: httpx.Client) -> None:
    resp = http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500


async def test_time_limit(kb: EngineUnderTest) -> None:
    """An operation over the time limit gets a TIMEOUT error (in-process, a real engine)."""
    from schema.app import build_schema
    from schema.context import Context

    settings = kb.settings.model_copy(update={"request_timeout_s": 0.001})
    schema = build_schema(settings)
    result = await schema.execute(
        '{ rollup(area: "area:TH") { organizations people children { organizations } } }',
        context_value=Context(graph=kb.graph, settings=settings),
    )
    assert result.errors and result.errors[0].extensions == {"code": "TIMEOUT"}


# --- personal data -------------------------------------------------------------------------------

CONTACT = "{ person(id: $id) { contact { phone email } contactVisible } }"


def _someone_with_contact(demo: Dataset) -> str:
    return next(p.id for p in demo.people if p.contact and p.contact.phone)


@pytest.mark.parametrize("token", ["wrong-token", "kb.000000000000.not-a-secret", "kb.."])
def test_a_token_that_stands_for_nobody_is_refused(http: httpx.Client, token: str) -> None:
    """A wrong token is an error (401), never silently anonymous."""
    response = http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401, response.text
    assert "token" in response.text


@pytest.mark.parametrize(
    ("headers", "visible"),
    [
        ({}, False),
        ({"authorization": f"Bearer {CONTACT_TOKEN}"}, True),
    ],
)
def test_contact_data_is_hidden_unless_allowed(
    http: httpx.Client, demo: Dataset, headers: dict[str, str], visible: bool
) -> None:
    person = _someone_with_contact(demo)
    expected = next(p.contact for p in demo.people if p.id == person)
    body = gql(http, "query($id: ID!) " + CONTACT, {"id": person}, headers=headers)
    got = data(body)["person"]
    assert got["contactVisible"] is visible
    if visible:
        assert expected is not None
        assert got["contact"] == {"phone": expected.phone, "email": expected.email}
    else:
        assert got["contact"] is None


def test_contact_data_is_not_searchable(http: httpx.Client, demo: Dataset) -> None:
    person = next(p for p in demo.people if p.contact and p.contact.email)
    assert person.contact is not None and person.contact.email
    body = gql(
        http, "query($t: String!) { search(text: $t) { node { id } } }", {"t": person.contact.email}
    )
    assert all(h["node"]["id"] != person.id for h in data(body)["search"])


@pytest.mark.parametrize(("text", "guessed"), [("Kanchanaburi", False), ("Kanchanabury", True)])
def test_a_guess_says_so(http: httpx.Client, text: str, guessed: bool) -> None:
    """A hit found only by assuming a slip is marked, for a "did you mean"."""
    body = gql(
        http,
        "query($t: String!) { search(text: $t, first: 1) { guessed node { id } } }",
        {"t": text},
    )
    assert data(body)["search"] == [{"guessed": guessed, "node": {"id": "area:71"}}]


# --- round trips ---------------------------------------------------------------------------------

NESTED = """query($n: Int!) {
  organizations(first: $n, sort: id) {
    nodes {
      nameTh
      locatedIn { nameTh parent { nameTh } }
      partners(hops: 1, first: 5) { organization { nameTh } path { textEn } }
    }
  }
}"""


def test_nested_lists_cost_a_bounded_number_of_round_trips(http: httpx.Client) -> None:
    """100 organizations with their areas and partners: the same round trips as 10."""
    trips = {}
    for n in (10, 100):
        body = gql(http, NESTED, {"n": n})
        assert len(data(body)["organizations"]["nodes"]) == n
        trips[n] = body["extensions"]["dbRoundTrips"]
    assert trips[100] == trips[10]
    assert trips[100] <= 12, trips


# --- the committed schema and the README ---------------------------------------------------------


def test_committed_schema_matches_the_code() -> None:
    from schema.app import build_schema

    committed = (ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == str(build_schema(Settings(_env_file=None))) + "\n", (  # type: ignore[call-arg]
        "schema/schema.graphql is stale: run `make schema`"
    )


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Questions you can ask") : text.index("## Safety")]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


def test_readme_has_an_example_per_question() -> None:
    assert len(_readme_examples()) == 8


@pytest.mark.parametrize("index", range(8), ids=lambda i: f"question-{i + 1}")
def test_readme_examples_run(http: httpx.Client, index: int) -> None:
    example = _readme_examples()[index]
    result = data(gql(http, example))
    for field, value in result.items():
        assert value not in (None, [], {}), f"{field} answered nothing"


def test_a_document_is_validated_once() -> None:
    """The limits' validation rules are made once, so a repeated document hits the validation
    cache instead of being validated on every request."""
    import asyncio

    from strawberry.extensions.validation_cache import _get_validate_cache

    from schema.app import build_schema

    schema = build_schema(Settings(_env_file=None))  # type: ignore[call-arg]
    cache = _get_validate_cache(256)
    document = "query Once { __typename __schema { queryType { name } } }"
    before = cache.cache_info()
    for _ in range(3):
        result = asyncio.run(schema.execute(document))
        assert result.errors is None, result.errors
    after = cache.cache_info()
    assert after.misses - before.misses <= 1
    assert after.hits - before.hits >= 2


def test_pages_and_large_answers_are_compressed_for_a_client_that_asks(http: httpx.Client) -> None:
    """Offices and phones on poor connections: the explorer's script and a large answer travel
    compressed when the client asks (browsers do); Thai travels as UTF-8, not as escapes."""
    from api.app import STATIC_DIR

    script = (STATIC_DIR / "explorer.js").read_bytes()
    gzip = {"Accept-Encoding": "gzip"}
    with http.stream("GET", "/static/explorer.js", headers=gzip) as packed:
        wire = b"".join(packed.iter_raw())  # what crossed the wire
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert len(wire) < len(script) / 2
    assert zlib.decompress(wire, wbits=31) == script  # as the browser unpacks it
    assert "accept-encoding" in packed.headers["vary"].lower()
    plain = http.get("/static/explorer.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == script
    font = http.get("/static/fonts/sarabun-thai-400-normal.woff2", headers=gzip)
    assert font.status_code == 200 and "content-encoding" not in font.headers  # packed already
    query = "{ areas(level: [province], first: 100) { nodes { code nameTh nameEn } } }"
    answer = http.post("/graphql", json={"query": query}, headers=gzip)
    assert answer.headers["content-encoding"] == "gzip"
    text = answer.content.decode("utf-8")
    assert "กรุงเทพมหานคร" in text and "\\u0e" not in text
    assert len(answer.json()["data"]["areas"]["nodes"]) == 77
    small = http.post("/graphql", json={"query": "{ __typename }"}, headers=gzip)
    assert "content-encoding" not in small.headers  # under 1 KB: not worth it
