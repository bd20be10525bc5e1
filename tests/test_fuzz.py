"""Generated GraphQL operations against the real server on each engine (issue 11): whatever a
client sends, the answer is never a 5xx and never later than the time limit.

The operations come from the committed schema (hypothesis-graphql): valid queries, mutations
(refused without a token, but parsed, validated and checked), and invalid documents. The run is
bounded (``KB_FUZZ_OPERATIONS``, 200 by default) and repeatable (derandomized). With
``KB_FUZZ_REPORT`` set, each engine's figures are appended there as one JSON line (CI prints
them).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import httpx
from graphql import Undefined, build_schema, print_ast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from tests.conftest import EngineUnderTest

OPERATIONS = int(os.environ.get("KB_FUZZ_OPERATIONS", "200"))
SCHEMA = (Path(__file__).parent.parent / "schema" / "schema.graphql").read_text()

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def _literal(value: object) -> object:
    from graphql.type import GraphQLString
    from graphql.utilities import ast_from_value

    return ast_from_value(value, GraphQLString) if value is not Undefined else None


SCALARS = {
    "Date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(
        lambda d: _literal(d.isoformat())
    ),
    "DateTime": st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)).map(
        lambda d: _literal(d.isoformat())
    ),
    "JSON": _json.map(lambda v: _literal(json.dumps(v))),
}


def operations() -> st.SearchStrategy[str]:
    schema = build_schema(SCHEMA)
    kw = {"custom_scalars": SCALARS, "print_ast": print_ast}
    return st.one_of(
        queries(schema, **kw),  # type: ignore[arg-type]
        mutations(schema, **kw),  # type: ignore[arg-type]
        queries(schema, mode=Mode.NEGATIVE, **kw),  # type: ignore[arg-type]
    )


def test_generated_operations_never_get_a_5xx(api: str, kb: EngineUnderTest) -> None:
    limit = kb.settings.request_timeout_s
    seen: list[tuple[float, int, str]] = []
    client = httpx.Client(base_url=api, timeout=limit + 30)

    @settings(
        max_examples=OPERATIONS,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(document=operations())
    def send(document: str) -> None:
        started = time.perf_counter()
        resp = client.post("/graphql", json={"query": document})
        took = time.perf_counter() - started
        seen.append((took, resp.status_code, document))
        assert resp.status_code < 500, (resp.status_code, resp.text[:500], document)
        assert took <= limit + 1, (took, document)
        body = resp.json()
        assert "data" in body or body.get("errors"), body

    try:
        send()
    finally:
        client.close()
        slowest = max(seen, default=(0.0, 0, ""))
        figures = {
            "engine": kb.name,
            "operations": len(seen),
            "5xx": sum(1 for _, code, _ in seen if code >= 500),
            "over_time_limit": sum(1 for t, _, _ in seen if t > limit + 1),
            "slowest_s": round(slowest[0], 3),
            "slowest_operation": slowest[2][:200],
        }
        print(f"\nfuzzing {json.dumps(figures, ensure_ascii=False)}")
        report = os.environ.get("KB_FUZZ_REPORT")
        if report:
            with open(report, "a", encoding="utf-8") as f:
                f.write(json.dumps(figures, ensure_ascii=False) + "\n")
    assert len(seen) >= OPERATIONS
