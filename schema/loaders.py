"""Per-request DataLoaders: every nested field of a list costs one round trip, not one per item.

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

from graph import areas, entities, network, resources
from graph.db import Graph
from graph.entities import Related
from graph.queries.entities import Relation

Row = dict[str, Any]


class NodeByIdLoader(DataLoader[str, Row | None]):
    def __init__(self, graph: Graph, label: str) -> None:
        self.graph, self.label = graph, label
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[Row | None]:
        found = await entities.nodes_by_id(self.graph, self.label, ids)
        return [found.get(i) for i in ids]


class RelatedByIdLoader(DataLoader[str, list[Related]]):
    def __init__(self, graph: Graph, relation: Relation) -> None:
        self.graph, self.relation = graph, relation
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[list[Related]]:
        found = await entities.related(self.graph, self.relation, ids)
        return [found.get(i, []) for i in ids]


class AncestorsByAreaLoader(DataLoader[str, list[Row]]):
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[list[Row]]:
        found = await areas.ancestors(self.graph, ids)
        return [found.get(i, []) for i in ids]


class RollupByAreaLoader(DataLoader[str, areas.Rollup | None]):
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[areas.Rollup | None]:
        found = await areas.rollups(self.graph, ids)
        return [found.get(i) for i in ids]


class CoverageByAreaLoader(DataLoader[str, areas.Coverage]):
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[areas.Coverage]:
        found = await areas.coverage(self.graph, ids)
        return [found[i] for i in ids]


class FlowsByResourceLoader(DataLoader[str, resources.Flows | None]):
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, ids: list[str]) -> list[resources.Flows | None]:
        found = await resources.flows(self.graph, ids)
        return [found.get(i) for i in ids]


@dataclass(frozen=True)
class PartnersKey:
    origin: str
    hops: int
    kinds: tuple[str, ...] | None
    within: str | None
    on: dt.date | None
    limit: int


class PartnersByOriginLoader(DataLoader[PartnersKey, list[network.Partner]]):
    """Partner networks of many origins, walked together when they share the same filters."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[PartnersKey]) -> list[list[network.Partner]]:
        groups: dict[tuple[Any, ...], list[PartnersKey]] = defaultdict(list)
        for k in keys:
            groups[(k.hops, k.kinds, k.within, k.on, k.limit)].append(k)
        results: dict[PartnersKey, list[network.Partner]] = {}
        for (hops, kinds, within, on, limit), group in groups.items():
            found = await network.partners_within(
                self.graph,
                [k.origin for k in group],
                hops=hops,
                kinds=kinds,
                within=within,
                on=on,
                limit=limit,
            )
            for k in group:
                results[k] = found.get(k.origin, [])
        return [results[k] for k in keys]


class Loaders:
    """The loaders of one request, created lazily."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._nodes: dict[str, NodeByIdLoader] = {}
        self._related: dict[Relation, RelatedByIdLoader] = {}
        self.ancestors = AncestorsByAreaLoader(graph)
        self.rollup = RollupByAreaLoader(graph)
        self.coverage = CoverageByAreaLoader(graph)
        self.flows = FlowsByResourceLoader(graph)
        self.partners = PartnersByOriginLoader(graph)

    def node(self, label: str) -> NodeByIdLoader:
        if label not in self._nodes:
            self._nodes[label] = NodeByIdLoader(self.graph, label)
        return self._nodes[label]

    def related(self, relation: Relation) -> RelatedByIdLoader:
        if relation not in self._related:
            self._related[relation] = RelatedByIdLoader(self.graph, relation)
        return self._related[relation]

    async def nodes(self, label: str, ids: Sequence[str]) -> list[Row | None]:
        return list(await self.node(label).load_many(list(ids)))
