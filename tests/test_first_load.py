"""A first load into an empty graph: rollups counted in Python equal the Cypher recount, and a
restart with unchanged seed inputs skips the seed."""

from __future__ import annotations

import json

from graph.areas import refresh_rollups
from graph.queries import rollup as rq
from seeds.pipeline import seed, seed_inputs, seeded_inputs
from tests.conftest import DEMO_SCALE, EngineUnderTest

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
