"""Areas: their relations, what a subtree holds (rollup) and where coverage is missing."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from graph import derived
from graph.db import Graph
from graph.entities import RelationOf, build_node, nodes
from graph.errors import NotFound
from graph.queries import areas as q
from graph.queries import rollup as rq
from graph.queries.relations import NO_PLAN, Plan
from graph.read import Area, Counts, ReadModel

parent = RelationOf("Area", "parent")
children = RelationOf("Area", "children")
ancestors = RelationOf("Area", "ancestors")
events = RelationOf("Area", "events")
log = logging.getLogger(__name__)


# --- 1. rollup -----------------------------------------------------------------------------------


class Rollup(ReadModel):
    """What an area's whole subtree holds."""

    area: Area
    organizations: int
    people: int
    partnerships: int
    resources: int
    pools: int
    pooled_amount: float
    contributions: int

    @classmethod
    def of(cls, area: Area, counts: Counts) -> Rollup:
        return cls(area=area, **counts.model_dump())


async def counts(graph: Graph, ids: Sequence[str], *, live: bool = False) -> dict[str, Counts]:
    """Each area's subtree counts: materialized at the last refresh, or (``live``) counted now."""
    if not live:
        found = await nodes(graph, "Area", ids)
        return {i: c for i, a in found.items() if (c := a.get_related("counts")) is not None}
    rows = await graph.read(q.ROLLUP_LIVE, ids=list(dict.fromkeys(ids)))
    return {r.pop("key"): Counts.model_validate(r) for r in rows}


def counted_rollups(areas: Sequence[Area]) -> list[Rollup] | None:
    """The rollups of areas fetched with their counts, without a round trip; None when one of
    them was not counted yet."""
    found = [a.get_related("counts") for a in areas]
    if any(c is None for c in found):
        return None
    return [Rollup.of(a, c) for a, c in zip(areas, found, strict=True)]


async def rollups(graph: Graph, areas: Sequence[Area]) -> list[Rollup]:
    """The rollups of areas fetched with their counts; an area not counted yet (no refresh
    since it was written) is counted now."""
    counted = counted_rollups(areas)
    if counted is not None:
        return counted
    uncounted = [a.id for a in areas if a.get_related("counts") is None]
    live = await counts(graph, uncounted, live=True)
    return [Rollup.of(a, a.get_related("counts") or live[a.id]) for a in areas]


async def rollup(graph: Graph, area_id: str, plan: Plan = NO_PLAN) -> Rollup:
    """An area's rollup; ``plan`` says which relations to fetch with it (its children's
    children, its ancestors) for the same round trip."""
    found = await nodes(graph, "Area", [area_id], plan)
    if area_id not in found:
        raise NotFound("Area", area_id)
    return (await rollups(graph, [found[area_id]]))[0]


async def refresh_rollups(graph: Graph) -> float:
    """Recount every area's materialized subtree counts, in one transaction (readers never
    see them half done); returns the seconds it took."""
    started = time.perf_counter()
    log.info("recounting area rollups")
    async with graph.transaction() as tx:
        for _name, statement in rq.REFRESH:
            await tx.run(statement)
        await derived.mark_rollups(tx)
    return time.perf_counter() - started


async def ensure_rollups(graph: Graph, *, refresh: bool) -> derived.RollupState:
    """At start: recount stale rollups (``refresh``), or say loudly that they are stale."""
    found = await derived.rollup_state(graph)
    if found.state != "stale":
        return found
    if not refresh:
        log.error(
            "ยอดรวมของพื้นที่ไม่ตรงกับข้อมูลล่าสุด (STALE ROLLUPS): %s; the counts served are "
            "wrong until `kb seed` runs again or a start with KB_REFRESH_STALE_ROLLUPS=true",
            found.describe(),
        )
        return found
    log.warning("ยอดรวมของพื้นที่ไม่ตรงกับข้อมูลล่าสุด: %s; recounting them before serving", found.describe())
    seconds = await refresh_rollups(graph)
    log.info("rollups recounted in %.1fs", seconds)
    return await derived.rollup_state(graph)


# --- 5. coverage ---------------------------------------------------------------------------------

GAPS = ("partnership", "mechanism", "pool")


class ChildCoverage(ReadModel):
    """What one child area's subtree has: active partnerships, mechanisms, pooled funds."""

    area: Area
    partnerships: int
    mechanisms: int
    pools: int
    gaps: list[str]

    @classmethod
    def of(cls, area: Area, partnerships: int, mechanisms: int, pools: int) -> ChildCoverage:
        have = dict(zip(GAPS, (partnerships, mechanisms, pools), strict=True))
        gaps = [name for name, n in have.items() if n == 0]
        return cls(
            area=area, partnerships=partnerships, mechanisms=mechanisms, pools=pools, gaps=gaps
        )


class Inherited(ReadModel):
    """What an area receives from the areas above it (shared by all its children)."""

    partnerships: int
    mechanisms: int
    pools: int


class Coverage(ReadModel):
    area: Area
    children: list[ChildCoverage]
    without_partnership: list[Area]
    without_mechanism: list[Area]
    without_pool: list[Area]
    inherited: Inherited

    @classmethod
    def of(cls, area: Area, children: list[ChildCoverage], inherited: Inherited) -> Coverage:
        def without(gap: str) -> list[Area]:
            return [c.area for c in children if gap in c.gaps]

        return cls(
            area=area,
            children=children,
            without_partnership=without("partnership"),
            without_mechanism=without("mechanism"),
            without_pool=without("pool"),
            inherited=inherited,
        )


async def coverage(
    graph: Graph, ids: Sequence[str], area_plan: Plan = NO_PLAN, child_plan: Plan = NO_PLAN
) -> dict[str, Coverage]:
    """For each area: its children and what each one's subtree has (as counted at the last
    refresh), and what the area inherits from above. One round trip; unknown ids are absent."""
    rows = await graph.read(
        q.coverage_statement(area_plan, child_plan), ids=list(dict.fromkeys(ids))
    )
    out = {}
    for r in rows:
        children = [
            ChildCoverage.of(
                build_node("Area", c["node"]),
                c["partnerships"] or 0,
                c["mechanisms"] or 0,
                c["pools"] or 0,
            )
            for c in r["children"]
        ]
        children.sort(key=lambda c: c.area.code)
        inherited = Inherited(
            partnerships=r["partnerships"] or 0,
            mechanisms=r["mechanisms"] or 0,
            pools=r["pools"] or 0,
        )
        out[r["key"]] = Coverage.of(build_node("Area", r["area"]), children, inherited)
    return out


async def child_coverage_live(graph: Graph, ids: Sequence[str]) -> dict[str, list[tuple]]:
    """(child id, partnerships, mechanisms, pools) of each area's children, counted now: what
    the materialized counts behind ``coverage`` must equal."""
    out: dict[str, list[tuple]] = {i: [] for i in ids}
    for r in await graph.read(q.CHILD_COVERAGE_LIVE, ids=list(dict.fromkeys(ids))):
        out[r["key"]].append((r["child_id"], r["partnerships"], r["mechanisms"], r["pools"]))
    return out
