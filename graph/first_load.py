"""A first load into an empty graph: the stored rollups computed in Python, written with the nodes.

``graph.areas.refresh_rollups`` recounts every area's subtree in Cypher and writes the counts
onto the areas. On the embedded engine, each of those writes rewrites the area's record and its
full-text entries: recounting the 7,776 areas of a fresh seed took longer than loading them
(11 s of a 51 s seed, bench/results/loading/README.md). When the graph is empty before the load,
the datasets are the whole graph, so the same counts can be taken from them here and stored as
the nodes are created: no area is written twice.

The counts follow ``graph.queries.rollup`` exactly (the tests compare both on every engine):
an entity is counted once per area whose subtree (the area and every area below it) holds one
of its areas; organizations where they are located, people where they work, partnerships
where they work (``covers``), resources where they serve, mechanisms where they operate; a
pooled fund's contributions are summed once per area.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from graph.dataset import Dataset
from graph.db import Graph, Row
from graph.load import Step, unique_links
from graph.queries.backup import ANY_CONTENT
from graph.queries.rollup import ROLLUP_FIELDS

TIERS = ("core_leader", "second_tier_leader", "member", "staff", "partner", "official")
MAX_STEPS = 8  # graph.queries.areas.SUBTREE_STEPS: *0..8


async def is_empty(graph: Graph) -> bool:
    """No node but the database's own bookkeeping (migrations, the seed's state)."""
    row = await graph.read_one(ANY_CONTENT)
    return not int((row or {}).get("nodes") or 0)


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def compute(datasets: Sequence[Dataset]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{"Area": {id: rollup_* props}, "Resource": {id: flow_* props}}`` for a graph made of
    exactly ``datasets``."""
    parent: dict[str, str | None] = {}
    for ds in datasets:
        for a in ds.areas:
            parent[a.id] = a.parent

    up_cache: dict[str, tuple[str, ...]] = {}

    def up(area: str) -> tuple[str, ...]:
        """The area and every area above it, at most MAX_STEPS steps up."""
        found = up_cache.get(area)
        if found is None:
            chain = [area]
            at = parent.get(area)
            while at is not None and len(chain) <= MAX_STEPS and at not in chain:
                chain.append(at)
                at = parent.get(at)
            found = up_cache[area] = tuple(chain)
        return found

    def reach(areas: Iterable[str | None]) -> set[str]:
        out: set[str] = set()
        for a in areas:
            if a is not None and a in parent:
                out.update(up(a))
        return out

    counts: dict[str, dict[str, Any]] = {
        a: {f: 0 for f in ROLLUP_FIELDS} | {"pooled_amount": 0} for a in parent
    }

    def add(areas: set[str], **amounts: Any) -> None:
        for a in areas:
            row = counts[a]
            for k, v in amounts.items():
                row[k] += v

    contributed: dict[str, list[float]] = defaultdict(list)
    allocated: dict[str, list[float]] = defaultdict(list)
    org_ids = {o.id for ds in datasets for o in ds.organizations}
    for ds in datasets:
        for c in ds.contributions:
            if c.contributor in org_ids:  # (r)<-[:CONTRIBUTED]-(:Organization)
                contributed[c.resource].append(c.amount)
        for al in ds.allocations:
            allocated[al.resource].append(al.amount)

    resources: dict[str, dict[str, Any]] = {}
    for ds in datasets:
        for o in ds.organizations:
            add(reach([o.located_in]), organizations=1)
        for p in ds.people:
            tier = _value(p.tier)
            extra = {f"tier_{tier}": 1} if tier in TIERS else {}
            add(reach(p.works_in), people=1, **extra)
        for pt in ds.partnerships:
            status = _value(pt.status)
            active = int(status is not None and status != "ended")
            add(reach(pt.covers), partnerships=1, active_partnerships=active)
        for r in ds.resources:
            served = reach(r.serves)
            add(served, resources=1)
            if _value(r.kind) == "pooled_fund" and served:
                amounts = contributed.get(r.id, [])
                pooled: Any = 0
                for amount in amounts:
                    pooled += amount
                add(served, pools=1, pooled_amount=pooled, contributions=len(amounts))
            flows_in, flows_out = contributed.get(r.id, []), allocated.get(r.id, [])
            resources[r.id] = {
                "flow_contributed": sum(flows_in, 0),
                "flow_contributions": len(flows_in),
                "flow_allocated": sum(flows_out, 0),
                "flow_allocations": len(flows_out),
            }
        for m in ds.mechanisms:
            add(reach([m.area]), mechanisms=1)
    areas = {a: {f"rollup_{k}": v for k, v in row.items()} for a, row in counts.items()}
    return {"Area": areas, "Resource": resources}


def attach(steps: Sequence[Step], computed: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Put the computed properties into the node rows of ``steps`` (after their content
    hash: they are counts of the graph, not content of the record)."""
    for step in steps:
        extra = computed.get(step.label) if step.kind == "node" else None
        if extra:
            for row in step.rows:
                row["props"] = {**row["props"], **extra.get(row["id"], {})}


def bulk_rows(
    steps: Sequence[Step],
) -> tuple[dict[str, list[Row]], dict[tuple[str, str, str], list[Row]]]:
    """The nodes and relationships of ``steps`` as ``Engine.bulk_create`` takes them: what the
    Cypher path leaves in a graph that held none of them (nothing to prune, one relationship
    per pair or key, the last one given)."""
    nodes: dict[str, list[Row]] = defaultdict(list)
    rels: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for step in steps:
        if step.kind == "node":
            nodes[step.label].extend({"props": r["props"]} for r in step.rows)
        elif step.kind == "link" and step.link is not None:
            link = step.link
            out = link.outgoing
            source, target = (link.owner, link.target) if out else (link.target, link.owner)
            rels[(link.rel, source, target)].extend(
                {
                    "from": r["owner"] if out else r["target"],
                    "to": r["target"] if out else r["owner"],
                    "props": r["props"],
                }
                for r in unique_links(step.rows)
            )
    return dict(nodes), dict(rels)
