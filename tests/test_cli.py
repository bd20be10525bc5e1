"""`kb query` is a read-only console; `kb status` reports the engine and counts."""

from __future__ import annotations

import json

import pytest

from graph.errors import ReadOnlyViolation
from graph.readonly import ensure_read_only, run_read_only
from graph.registry import ENTITY_LABELS
from tests.conftest import EngineUnderTest
from tests.test_engine import _kb


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (n) DETACH DELETE n",
        "CREATE (:Area {id: 'x'})",
        "MATCH (a:Area) SET a.name_th = 'x'",
        "match (a:Area) remove a.name_en",
        "MERGE (x:Person {id: 'p'})",
        "DROP INDEX area_level",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "CALL db.createLabel('X')",
        "MATCH (a) WITH a CALL { WITH a DELETE a } RETURN 1",
        # Procedure names quoted or spaced are the same procedures to the engine (issue #11).
        "CALL `merge.node`(['X'], {a: 1})",
        "CALL `do.when`(true, 'MER'+'GE (x:X)-[:XREL]->(y:X)')",
        "CALL `do`.`when`(true, 'RETURN 1')",
        "CALL apoc . create . node(['X'], {})",
        "CALL /* comment */ `apoc.cypher.doIt`('CREATE (:X)', {})",
        "call `db.createLabel`('X')",
        "MATCH (a) CALL (a) { DELETE a } RETURN 1",
        "MATCH (n) DETACH\nDELETE n",
        "MATCH (n) SET n:Changed",
        "LOAD CSV FROM 'file:///x' AS l RETURN l",
    ],
)
def test_writes_are_refused_before_running(statement: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        ensure_read_only(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (a:Area {name_th: 'CREATE'}) RETURN a",  # the word inside a string is data
        "MATCH (a:Area) // delete nothing\nRETURN count(a)",
        "CALL db.labels()",
        "SHOW INDEXES",
        "MATCH (a:Area) WHERE a.code STARTS WITH '71' RETURN a.offset_set",
        # Property names, labels, map keys and quoted names that spell a keyword are not one.
        "MATCH (n:Area) RETURN n.create, n.set, n.delete, n . merge",
        "MATCH (n:Area) RETURN n.call, {create: 1, set: 2} AS m",
        "MATCH (n:Area) WHERE NOT n:Delete RETURN n.`merge.node` AS x",
        "CALL db.labels() YIELD label RETURN label",
        "CALL `db`.`labels`()",
        "CALL db . propertyKeys()",
        "CALL db.index.fulltext.queryNodes('search', 'x') YIELD node RETURN node",
        "MATCH (a:Area) CALL { MATCH (b:Area) RETURN count(b) AS c } RETURN a.code, c",
    ],
)
def test_reads_pass(statement: str) -> None:
    ensure_read_only(statement)


async def test_nothing_is_committed_even_if_a_write_slipped_through(kb: EngineUnderTest) -> None:
    """run_read_only always rolls back: prove it with a statement that bypasses the check."""
    from graph.db import Graph

    graph: Graph = kb.graph
    async with graph.rolled_back() as tx:
        await tx.run("CREATE (:Area {id: 'area:zz-rolled-back', code: 'zz-rb'})")
    assert await graph.read("MATCH (a:Area {id: 'area:zz-rolled-back'}) RETURN a.id") == []
    rows = await run_read_only(graph, "MATCH (a:Area {code: $c}) RETURN a.id AS id", {"c": "71"})
    assert rows == [{"id": "area:71"}]


async def test_the_engine_refuses_writes_where_it_has_a_read_mode(kb: EngineUnderTest) -> None:
    """`kb query` runs in a read-only session: Neo4j refuses a write in it even when it slipped
    past the check. ArcadeDB ignores the Bolt access mode (the write runs, then is rolled
    back): on the embedded engine the check above is the only guard against schema changes."""
    from graph.errors import QueryFailed

    statement = "CREATE (:Area {id: 'area:zz-read-only', code: 'zz-ro'}) RETURN 1 AS one"
    if kb.name == "neo4j":
        with pytest.raises(QueryFailed, match=r"(?i)read|access"):
            async with kb.graph.rolled_back(read_only=True) as tx:
                await tx.run(statement)
    else:
        async with kb.graph.rolled_back(read_only=True) as tx:
            assert await tx.run(statement) == [{"one": 1}]
    assert await kb.graph.read("MATCH (a:Area {id: 'area:zz-read-only'}) RETURN a.id") == []


def test_cli_reads_a_property_named_like_a_keyword(kb: EngineUnderTest) -> None:
    done = _kb(kb.env, "query", "MATCH (n:Area {code: '71'}) RETURN n.create AS c, n.code AS code")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"c": None, "code": "71"}]


def test_cli_refuses_a_quoted_procedure(kb: EngineUnderTest) -> None:
    done = _kb(kb.env, "query", "CALL `merge.node`(['X'], {a: 1})")
    assert done.returncode == 2
    assert "merge.node" in done.stderr and "read-only" in done.stderr


def test_cli_refuses_writes_with_a_clear_message(kb: EngineUnderTest) -> None:
    done = _kb(kb.env, "query", "MATCH (n) DETACH DELETE n")
    assert done.returncode == 2
    assert "read-only" in done.stderr and "DETACH" in done.stderr


def test_cli_status_counts(kb: EngineUnderTest) -> None:
    done = _kb(kb.env, "status")
    assert done.returncode == 0, done.stderr
    assert "subdistrict 7,436" in done.stdout.replace("\n", " ")
    assert kb.name in done.stdout.lower() or "arcadedb" in done.stdout.lower()


async def test_cli_status_tells_synthetic_nodes_for_every_label(kb: EngineUnderTest) -> None:
    """The "of which synthetic" column is filled for every label, with the stored count."""
    done = _kb(kb.env, "status")
    assert done.returncode == 0, done.stderr
    shown: dict[str, tuple[str, str]] = {}
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip("│┃|").split("│")]
        if len(cells) == 3 and cells[0] in ENTITY_LABELS:
            shown[cells[0]] = (cells[1], cells[2])
    assert set(shown) == set(ENTITY_LABELS), done.stdout
    for label, (_, synthetic) in shown.items():
        rows = await _count_synthetic(kb, label)
        assert synthetic == f"{rows:,}", (label, synthetic, rows)
    assert shown["Partnership"][1] != "0", "the demo's partnerships are synthetic"


async def _count_synthetic(kb: EngineUnderTest, label: str) -> int:
    row = await kb.graph.read_one(
        f"MATCH (n:{label}) WHERE n.synthetic = true RETURN count(n) AS n"
    )
    return int(row["n"]) if row else 0


def test_cli_query_counts_areas(kb: EngineUnderTest) -> None:
    done = _kb(
        kb.env,
        "query",
        "MATCH (a:Area) WHERE a.level IN $levels RETURN a.level AS level, count(*) AS n "
        "ORDER BY level",
        "--param",
        'levels:=["province", "district", "subdistrict"]',
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"level": "district", "n": 928},
        {"level": "province", "n": 77},
        {"level": "subdistrict", "n": 7436},
    ]
