"""Search (question 7): areas, organizations and people by Thai or English name, part of a
name, romanized Thai, or code."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from graph import search as graph_search
from graph.registry import SEARCH_LABELS
from schema.base import Node
from schema.context import ctx
from schema.prefetch import plan_of


@strawberry.enum(description="What a search may return.")
class SearchKind(Enum):
    area = "Area"
    organization = "Organization"
    person = "Person"


@strawberry.type(description="A search result.")
class SearchHit:
    score: float
    matched: str = strawberry.field(description="The written form that matched best.")
    guessed: bool = strawberry.field(
        description="The text did not match this node's names as typed: a slip or another "
        "spelling was assumed (show it as 'did you mean')."
    )
    label: str
    node: Node


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="7. Find people, organizations and areas by Thai or English "
        "name, part of a name, romanized Thai, or code."
    )
    async def search(
        self,
        info: Info,
        text: str,
        kind: list[SearchKind] | None = None,
        within: strawberry.ID | None = None,
        first: int = 10,
    ) -> list[SearchHit]:
        size = ctx(info).page_size(first)
        labels = [k.value for k in kind] if kind else list(SEARCH_LABELS)
        hits = await graph_search.search(
            ctx(info).graph, text, labels=labels, limit=size, within=within
        )
        plans = {label: plan_of(info, "node", as_type=label) for label in labels}
        loaders = ctx(info).loaders

        async def node_of(hit: graph_search.SearchHit) -> Any:
            if not plans[hit.label]:
                return hit.node
            # What the client asks of the node beyond its own fields: one round trip per label.
            return await loaders.node(hit.label, plans[hit.label]).load(hit.id)

        nodes = await asyncio.gather(*(node_of(h) for h in hits))
        return [
            SearchHit(score=h.score, matched=h.matched, guessed=h.guessed, label=h.label, node=n)
            for h, n in zip(hits, nodes, strict=True)
        ]
