"""Shared resources: their relations, and the pools of an area rolled up per level."""

from __future__ import annotations

from collections.abc import Sequence

from graph.db import Graph
from graph.entities import RelationOf, build_node
from graph.errors import NotFound
from graph.models.common import LEVEL_ORDER, AreaLevel
from graph.queries import resources as q
from graph.queries.relations import NO_PLAN, Plan
from graph.read import Area, ReadModel, Resource

stewards = RelationOf("Resource", "stewards")
serves = RelationOf("Resource", "serves")
pooled_into = RelationOf("Resource", "pooled_into")
feeders = RelationOf("Resource", "feeders")
contributions = RelationOf("Resource", "contributions")
allocations = RelationOf("Resource", "allocations")
flows = RelationOf("Resource", "flows")


class LevelPools(ReadModel):
    """The pooled funds of one level under an area, with what flowed in and out of them."""

    level: AreaLevel
    pools: int
    contributed: float
    contributions: int
    allocated: float
    allocations: int


class PoolReport(ReadModel):
    within: Area
    by_level: list[LevelPools]
    pools: list[Resource]


async def pools(
    graph: Graph,
    within: str,
    *,
    levels: Sequence[str] | None = None,
    limit: int = 50,
    within_plan: Plan = NO_PLAN,
    pool_plan: Plan = NO_PLAN,
) -> PoolReport:
    """The pooled funds serving ``within``'s subtree: per level (all of them, or ``levels``),
    their number and flows as counted at the last refresh; and the first ``limit`` of them."""
    rows = await graph.read(
        q.pools_statement(within_plan, pool_plan),
        within=within,
        levels=list(levels) if levels else None,
        limit=limit,
    )
    if not rows:
        raise NotFound("Area", within)
    row = rows[0]
    order = list(LEVEL_ORDER)
    by_level = sorted(
        (
            LevelPools(
                level=r["level"],
                pools=r["pools"],
                contributed=float(r["contributed"] or 0),
                contributions=r["contributions"] or 0,
                allocated=float(r["allocated"] or 0),
                allocations=r["allocations"] or 0,
            )
            for r in row["by_level"]
            if not levels or r["level"] in levels
        ),
        key=lambda b: order.index(b.level),
    )
    found = [build_node("Resource", p) for p in row["pools"]]
    found.sort(key=lambda r: (r.level.value, r.name_th, r.id))
    return PoolReport(within=build_node("Area", row["within"]), by_level=by_level, pools=found)
