"""Area questions: the way up, what a subtree holds (rollup), and where coverage is missing."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.db import Graph
from graph.models.common import LEVEL_ORDER, AreaLevel
from graph.queries import areas as q
from graph.queries import rollup as rq

Row = dict[str, Any]


def level_rank(row: Row) -> int:
    return LEVEL_ORDER.index(AreaLevel(row["level"]))


async def ancestors(graph: Graph, ids: Sequence[str]) -> dict[str, list[Row]]:
    """For each area, the areas above it, nearest first, up to the country."""
    rows = await graph.read(q.ANCESTORS, ids=list(dict.fromkeys(ids)))
    out: dict[str, list[Row]] = {i: [] for i in ids}
    for r in rows:
        out[r["key"]].append(r["node"])
    for chain in out.values():
        chain.sort(key=level_rank, reverse=True)
    return out


@dataclass(frozen=True)
class Rollup:
    organizations: int
    people: int
    partnerships: int
    resources: int
    pools: int
    pooled_amount: float
    contributions: int


def rollup_from_row(row: Row) -> Rollup | None:
    """The materialized counts carried by an area's stored row, if it has them."""
    if row.get("rollup_organizations") is None:
        return None
    return Rollup(
        organizations=row["rollup_organizations"],
        people=row["rollup_people"],
        partnerships=row["rollup_partnerships"],
        resources=row["rollup_resources"],
        pools=row["rollup_pools"],
        pooled_amount=float(row["rollup_pooled_amount"] or 0),
        contributions=row["rollup_contributions"],
    )


async def rollups(graph: Graph, ids: Sequence[str], *, live: bool = False) -> dict[str, Rollup]:
    """Counts in each area's whole subtree, for many areas in one round trip: the counts
    materialized at the last load, or (``live``) counted now."""
    query = q.ROLLUP_LIVE if live else rq.ROLLUPS
    rows = await graph.read(query, ids=list(dict.fromkeys(ids)))
    return {
        r["key"]: Rollup(
            organizations=r["organizations"] or 0,
            people=r["people"] or 0,
            partnerships=r["partnerships"] or 0,
            resources=r["resources"] or 0,
            pools=r["pools"] or 0,
            pooled_amount=float(r["pooled_amount"] or 0),
            contributions=r["contributions"] or 0,
        )
        for r in rows
    }


@dataclass(frozen=True)
class ChildCoverage:
    area: Row
    partnerships: int
    mechanisms: int
    pools: int

    @property
    def gaps(self) -> list[str]:
        return [
            name
            for name, n in (
                ("partnership", self.partnerships),
                ("mechanism", self.mechanisms),
                ("pool", self.pools),
            )
            if n == 0
        ]


@dataclass(frozen=True)
class Inherited:
    partnerships: int = 0
    mechanisms: int = 0
    pools: int = 0


@dataclass
class Coverage:
    area_id: str
    children: list[ChildCoverage] = field(default_factory=list)
    inherited: Inherited = field(default_factory=Inherited)

    def missing(self, what: str) -> list[ChildCoverage]:
        return [c for c in self.children if what in c.gaps]


async def coverage(graph: Graph, ids: Sequence[str], *, live: bool = False) -> dict[str, Coverage]:
    """Per child area: partnerships, mechanisms and pools in its subtree (materialized, or
    counted now with ``live``); what is inherited from above."""
    keys = list(dict.fromkeys(ids))
    out = {i: Coverage(i) for i in keys}
    for r in await graph.read(q.COVERAGE_LIVE if live else rq.COVERAGE, ids=keys):
        out[r["key"]].children.append(
            ChildCoverage(r["node"], r["partnerships"] or 0, r["mechanisms"] or 0, r["pools"] or 0)
        )
    for r in await graph.read(q.INHERITED, ids=keys):
        out[r["key"]].inherited = Inherited(r["partnerships"], r["mechanisms"], r["pools"])
    return out


async def refresh_rollups(graph: Graph) -> float:
    """Recount every area's materialized subtree counts, in one transaction (readers never
    see them half done); returns the seconds it took."""
    started = time.perf_counter()
    async with graph.transaction() as tx:
        for _name, statement in rq.REFRESH:
            await tx.run(statement)
    return time.perf_counter() - started
