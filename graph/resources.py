"""Shared resources: what flows into and out of pools, rolled up across levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph
from graph.queries import resources as q

Row = dict[str, Any]


@dataclass(frozen=True)
class Flows:
    contributed: float
    contributions: int
    allocated: float
    allocations: int
    feeder_count: int
    feeders_contributed: float
    feeders_allocated: float

    @property
    def balance(self) -> float:
        return self.contributed - self.allocated

    @property
    def contributed_with_feeders(self) -> float:
        return self.contributed + self.feeders_contributed


async def flows(graph: Graph, ids: Sequence[str]) -> dict[str, Flows]:
    rows = await graph.read(q.RESOURCE_FLOWS, ids=list(dict.fromkeys(ids)))
    return {
        r["key"]: Flows(
            float(r["contributed"]),
            r["contributions"],
            float(r["allocated"]),
            r["allocations"],
            r["feeder_count"],
            float(r["feeders_contributed"]),
            float(r["feeders_allocated"]),
        )
        for r in rows
    }


@dataclass(frozen=True)
class LevelFlows:
    level: str
    pools: int
    contributed: float
    contributions: int
    allocated: float
    allocations: int


async def pools_by_level(graph: Graph, within: str) -> list[LevelFlows]:
    """Per level, the pooled funds serving ``within``'s subtree and their flows (as counted at
    the last load: ``graph.areas.refresh_rollups``)."""
    from graph.areas import LEVEL_ORDER

    rows = await graph.read(q.POOLS_BY_LEVEL, within=within)
    out = [
        LevelFlows(
            r["level"],
            r["pools"],
            float(r["contributed"] or 0),
            r["contributions"] or 0,
            float(r["allocated"] or 0),
            r["allocations"] or 0,
        )
        for r in rows
    ]
    return sorted(out, key=lambda f: [lv.value for lv in LEVEL_ORDER].index(f.level))


async def pools(
    graph: Graph, within: str, *, levels: Sequence[str] | None = None, limit: int = 50
) -> list[Row]:
    rows = await graph.read(q.POOLS_PAGE, within=within, levels=levels, limit=limit)
    return [r["node"] for r in rows]
