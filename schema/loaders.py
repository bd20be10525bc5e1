"""Per-request DataLoaders: whatever a request needs that was not fetched with its nodes costs
one round trip per kind, not one per item.

A new ``Loaders`` is made for each request (in the context), never shared: a cache that
outlived the request would serve one caller's view to another.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from graph import areas, entities, network
from graph.db import Graph
from graph.entities import RelationOf
from graph.queries.relations import NO_PLAN, Plan
from graph.read import Area, ReadModel


class NodeByIdLoader(DataLoader[str, Any]):
    """Nodes of one label by id, each with the same plan."""

    def __init__(self, graph: Graph, label: str, plan: Plan) -> None:
        self.graph, self.label, self.plan = graph, label, plan
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[Any]:
        found = await entities.nodes(self.graph, self.label, ids, self.plan)
        return [found.get(i) for i in ids]


def _node_id(node: Any) -> str:
    return str(node.id)


class RelatedByNodeLoader(DataLoader[ReadModel, Any]):
    """One relation of many nodes; the related nodes each with the same plan."""

    def __init__(self, graph: Graph, relation: RelationOf, plan: Plan) -> None:
        self.graph, self.relation, self.plan = graph, relation, plan
        super().__init__(load_fn=self._load, cache_key_fn=_node_id)

    async def _load(self, parents: list[ReadModel]) -> list[Any]:
        await self.relation(self.graph, parents, self.plan)
        return [p.get_related(self.relation.name, None) for p in parents]


class RollupByAreaLoader(DataLoader[Area, areas.Rollup]):
    """Rollups of areas fetched with their counts (counted live for any not counted yet)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load, cache_key_fn=_node_id)

    async def _load(self, found: list[Area]) -> list[areas.Rollup]:
        return await areas.rollups(self.graph, found)


class CoverageByAreaLoader(DataLoader[str, areas.Coverage | None]):
    def __init__(self, graph: Graph, area_plan: Plan, child_plan: Plan) -> None:
        self.graph, self.area_plan, self.child_plan = graph, area_plan, child_plan
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[areas.Coverage | None]:
        found = await areas.coverage(self.graph, ids, self.area_plan, self.child_plan)
        return [found.get(i) for i in ids]


@dataclass(frozen=True)
class PartnersKey:
    origin: str
    hops: int
    max_hops: int
    kinds: tuple[str, ...] | None
    within: str | None
    on: dt.date | None
    limit: int
    plan: Plan


class PartnersByOriginLoader(DataLoader[PartnersKey, list[network.Partner]]):
    """Partner networks of many origins, walked together when they share the same filters."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[PartnersKey]) -> list[list[network.Partner]]:
        groups: dict[tuple[Any, ...], list[PartnersKey]] = defaultdict(list)
        for k in keys:
            groups[(k.hops, k.max_hops, k.kinds, k.within, k.on, k.limit, k.plan)].append(k)
        results: dict[PartnersKey, list[network.Partner]] = {}
        for (hops, max_hops, kinds, within, on, limit, plan), group in groups.items():
            found = await network.partners(
                self.graph,
                [k.origin for k in group],
                hops=hops,
                max_hops=max_hops,
                kinds=kinds,
                within=within,
                on=on,
                limit=limit,
                plans={"Organization": plan},
            )
            for k in group:
                results[k] = found.get(k.origin, [])
        return [results[k] for k in keys]


class Loaders:
    """The loaders of one request, created on first use."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._nodes: dict[tuple[str, Plan], NodeByIdLoader] = {}
        self._related: dict[tuple[RelationOf, Plan], RelatedByNodeLoader] = {}
        self._coverage: dict[tuple[Plan, Plan], CoverageByAreaLoader] = {}
        self.rollup = RollupByAreaLoader(graph)
        self.partners = PartnersByOriginLoader(graph)

    def node(self, label: str, plan: Plan = NO_PLAN) -> NodeByIdLoader:
        key = (label, plan)
        if key not in self._nodes:
            self._nodes[key] = NodeByIdLoader(self.graph, label, plan)
        return self._nodes[key]

    def related(self, relation: RelationOf, plan: Plan = NO_PLAN) -> RelatedByNodeLoader:
        key = (relation, plan)
        if key not in self._related:
            self._related[key] = RelatedByNodeLoader(self.graph, relation, plan)
        return self._related[key]

    def coverage(self, area_plan: Plan, child_plan: Plan) -> CoverageByAreaLoader:
        key = (area_plan, child_plan)
        if key not in self._coverage:
            self._coverage[key] = CoverageByAreaLoader(self.graph, area_plan, child_plan)
        return self._coverage[key]

    async def nodes(self, label: str, ids: Sequence[str]) -> list[Any]:
        return list(await self.node(label).load_many(list(ids)))
