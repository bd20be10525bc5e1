"""A first load into an empty graph: rollups counted in Python equal the Cypher recount, the
engine's importer writes what Cypher writes, and a restart with unchanged seed inputs skips the
seed."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

from graph.areas import refresh_rollups
from graph.engine.embedded import free_port
from graph.queries import rollup as rq
from seeds.pipeline import seed, seed_inputs, seeded_inputs
from tests.conftest import DEMO_SCALE, EngineUnderTest, settings_for

AREA_COUNTS = (
    "MATCH (a:Area) RETURN a.id AS id, "
    + ", ".join(f"a.rollup_{f} AS {f}" for f in rq.ROLLUP_FIELDS)
    + " ORDER BY id"
)
RESOURCE_FLOWS = (
    "MATCH (r:Resource) RETURN r.id AS id, r.flow_contributed AS contributed, "
    "r.flow_contributions AS contributions, r.flow_allocated AS allocated, "
    "r.flow_allocations AS allocations ORDER BY id"
)


async def test_a_first_seed_stores_the_rollups_a_recount_gives(kb: EngineUnderTest) -> None:
    """The session's graph was seeded into an empty graph, so its rollups and flows were
    counted in Python (graph.first_load); the Cypher recount must leave them as they are,
    value for value and type for type (0 stays an integer, amounts stay floats)."""
    stored = await kb.graph.read(AREA_COUNTS)
    flows = await kb.graph.read(RESOURCE_FLOWS)
    assert any(r["pooled_amount"] for r in stored) and any(r["people"] for r in stored)
    await refresh_rollups(kb.graph)
    assert json.dumps(await kb.graph.read(AREA_COUNTS)) == json.dumps(stored)
    assert json.dumps(await kb.graph.read(RESOURCE_FLOWS)) == json.dumps(flows)


async def test_a_restart_with_the_same_seed_inputs_skips_the_seed(kb: EngineUnderTest) -> None:
    inputs = seed_inputs(demo=True, scale=DEMO_SCALE, random_seed=2565)
    assert await seeded_inputs(kb.graph) == inputs
    again = await seed(kb.graph, demo=True, scale=DEMO_SCALE, skip_unchanged=True)
    assert again.skipped and not again.reports
    # Another demo size, or no demo, is another seed.
    assert seed_inputs(demo=True, scale=0.5, random_seed=2565) != inputs
    assert seed_inputs(demo=False, scale=DEMO_SCALE, random_seed=2565) != inputs


# --- a first seed through the engine's importer, planned in another process ----------------------


def _seed_and_export(data_dir: str, importer: bool) -> tuple[list[int], list[str]]:
    """In a child process (one embedded engine per process): migrate, seed the real data and
    the demo into the empty graph, with the engine's importer and the plan worked out in yet
    another process (what `kb serve --demo` does on a first start), or through Cypher."""
    import asyncio

    from graph.backup import export_lines
    from graph.runtime import open_runtime
    from seeds.pipeline import PlanElsewhere
    from tests.conftest import settings_for

    settings, _ = settings_for("embedded", Path(data_dir))

    async def work() -> tuple[list[int], list[str]]:
        async with open_runtime(settings) as rt:
            if importer:
                planned = PlanElsewhere(demo=True, scale=DEMO_SCALE)
                try:
                    result = await seed(
                        rt.graph, demo=True, scale=DEMO_SCALE, planned=planned, engine=rt.engine
                    )
                finally:
                    planned.close()
            else:
                result = await seed(rt.graph, demo=True, scale=DEMO_SCALE)
            lines, _ = await export_lines(rt.graph, personal=True)
        return [r.elements for r in result.reports], lines

    return asyncio.run(work())


def test_a_first_seed_through_the_importer_writes_what_cypher_writes(tmp_path: Path) -> None:
    """The seed into an empty graph through the engine's importer (rows planned in another
    process) against the same seed through Cypher: the same graph, property for property (the
    JSON Lines export, search text and rollups included), and the same counts reported."""
    spawn = multiprocessing.get_context("spawn")
    outcomes = {}
    for importer in (True, False):
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            job = pool.submit(_seed_and_export, str(tmp_path / str(importer)), importer)
            outcomes[importer] = job.result()
    (imported, with_importer), (loaded, with_cypher) = outcomes[True], outcomes[False]
    assert imported == loaded and sum(imported) > 20_000, (imported, loaded)
    assert len(with_importer) == len(with_cypher)
    differ = [(a, b) for a, b in zip(with_importer, with_cypher, strict=True) if a != b]
    assert not differ, differ[:3]


def test_kb_serve_demo_on_a_fresh_directory_then_a_restart(tmp_path: Path) -> None:
    """What `make run` runs, twice on the same data directory: the first start plans the seed
    in another process and writes it with the engine's importer, then serves it (search finds
    a province by its English name); the restart skips the seed and serves the same graph."""
    from tests.test_faults import Kb

    _, env = settings_for("embedded", tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    query = '{ search(text: "Kanchanaburi", first: 1) { label node { id } } }'
    answers = []
    for start in ("first", "restart"):
        server = Kb(["serve", "--demo", "--port", str(port)], env)
        try:
            server.wait_for("Application startup complete", timeout=300)
            health = httpx.get(f"{url}/health", timeout=10).json()
            assert health["status"] == "ok" and health["rollups"] == "current", health
            resp = httpx.post(f"{url}/graphql", json={"query": query}, timeout=30)
            body = resp.json()
            # The server's log holds the traceback of an unexpected error: its end is shown.
            assert not body.get("errors"), (start, body, server.output[-6000:])
            answers.append(body["data"])
        finally:
            server.stop()
        if start == "first":
            assert "the seed is planned in another process" in server.output, server.output
            assert "through the engine's importer" in server.output, server.output
        else:
            assert "the seed is planned" not in server.output, server.output
            assert "seed skipped" in server.output, server.output
    assert answers[0] == answers[1] == {"search": [{"label": "Area", "node": {"id": "area:71"}}]}, (
        answers
    )
