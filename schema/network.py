"""Connection questions: partner networks (2), shortest paths (3), neighbourhoods (8)."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graph import network
from graph.models import OrganizationKind
from schema.base import Node
from schema.context import ctx
from schema.loaders import PartnersKey
from schema.prefetch import plan_of


@strawberry.experimental.pydantic.type(
    model=network.PathNode,
    all_fields=True,
    description="A node on a path, named in Thai and in English (romanized Thai, or its id, "
    "when it has no English name).",
)
class PathNode:
    id: strawberry.ID

    @strawberry.field(description="The node itself.")
    def node(self, root: strawberry.Parent[network.PathNode]) -> Node:
        return root.get_related("node")


@strawberry.experimental.pydantic.type(
    model=network.PathStep,
    all_fields=True,
    description="One step of a path, named as it reads in the walking direction; `forward` is "
    "true when it is walked in the relationship's stored direction.",
)
class PathStep:
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")


@strawberry.experimental.pydantic.type(
    model=network.Path,
    all_fields=True,
    description="A path through the network: nodes and the steps between them, and the whole "
    "of it as one line of Thai (`textTh`) and of English (`textEn`).",
)
class Path:
    pass


@strawberry.experimental.pydantic.type(
    model=network.Partner,
    all_fields=True,
    description="An organization in a partner network: `hops` steps from the origin (1: a "
    "direct partner), `ties` distinct partnerships and shared members linking it to the step "
    "before, and the `path` that reaches it.",
)
class Partner:
    pass


async def load_partners(
    info: Info,
    origin: str,
    hops: int,
    kinds: list[OrganizationKind] | None,
    within: str | None,
    valid_on: dt.date | None,
    first: int,
) -> list[Partner]:
    context = ctx(info)
    key = PartnersKey(
        origin=origin,
        hops=hops,
        max_hops=context.settings.max_hops,
        kinds=tuple(sorted(k.value for k in kinds)) if kinds else None,
        within=within,
        on=valid_on,
        limit=context.page_size(first),
        plan=plan_of(info, "organization"),
    )
    return await context.loaders.partners.load(key)  # type: ignore[return-value]


@strawberry.experimental.pydantic.type(
    model=network.GraphNode,
    all_fields=True,
    description="A node of a neighbourhood, ready for a network view: `label` is its Thai "
    "name, `type` its label (Area, Organization, Person ...), `kind` its kind, level or tier.",
)
class GraphNode:
    id: strawberry.ID


@strawberry.experimental.pydantic.type(
    model=network.GraphEdge,
    all_fields=True,
    description="A relationship of a neighbourhood, with both Cytoscape (source/target) and "
    "vis-network (from/to) endpoint names.",
)
class GraphEdge:
    id: strawberry.ID
    source: strawberry.ID
    target: strawberry.ID
    # The read model's own properties: plain fields, read as a name is (schema.execution).
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID


@strawberry.experimental.pydantic.type(
    model=network.Neighbourhood,
    all_fields=True,
    name="Neighborhood",
    description="Nodes and relationships within a depth of an entity (question 8); "
    "`truncated` is true when the node limit cut it short.",
)
class Neighborhood:
    root: strawberry.ID

    @strawberry.field(description="Cytoscape.js `elements`: pass straight to cytoscape().")
    def cytoscape(self, root: strawberry.Parent[network.Neighbourhood]) -> JSON:
        elements: list[dict[str, Any]] = [
            {"data": n.model_dump(mode="json")} for n in root.nodes
        ] + [
            {
                "data": {
                    "id": e.id,
                    "source": e.source,
                    "target": e.target,
                    "label": e.label_en,
                    "label_th": e.label_th,
                    "type": e.type,
                    "start_on": e.start_on and e.start_on.isoformat(),
                    "end_on": e.end_on and e.end_on.isoformat(),
                }
            }
            for e in root.edges
        ]
        return typing.cast(JSON, elements)

    @strawberry.field(description="vis-network data: `{nodes, edges}` for new vis.Network().")
    def vis_network(self, root: strawberry.Parent[network.Neighbourhood]) -> JSON:
        data: dict[str, Any] = {
            "nodes": [
                {"id": n.id, "label": n.label, "group": n.type, "level": n.depth}
                for n in root.nodes
            ],
            "edges": [
                {"id": e.id, "from": e.source, "to": e.target, "label": e.label_en, "arrows": "to"}
                for e in root.edges
            ],
        }
        return typing.cast(JSON, data)


@strawberry.type
class NetworkQueries:
    @strawberry.field(
        description="2. Organizations within `hops` steps of an organization or "
        "person, through shared partnerships and members; each with its path."
    )
    async def partners(
        self,
        info: Info,
        of: strawberry.ID,
        hops: int = 2,
        kind: list[OrganizationKind] | None = None,
        within: strawberry.ID | None = None,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> list[Partner]:
        return await load_partners(info, of, hops, kind, within, valid_on, first)

    @strawberry.field(
        description="3. A shortest path between any two entities, each step named in "
        "Thai and English; `all: true` gives every shortest path (up to `first`), which can "
        "be slow on a large graph. Empty when none is at most `maxHops` long."
    )
    async def connection(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 10,
        all: bool = False,
        first: int = 5,
    ) -> list[Path]:
        size = ctx(info).page_size(first)
        paths = await network.connection(
            ctx(info).graph, from_, to, max_hops=max_hops, every=all, limit=max(size, 1)
        )
        return paths[:size]  # type: ignore[return-value]

    @strawberry.field(
        description="8. Nodes and relationships within `depth` of an entity, "
        "ready for Cytoscape.js or vis-network."
    )
    async def neighborhood(
        self, info: Info, id: strawberry.ID, depth: int = 1, limit: int = 200
    ) -> Neighborhood | None:
        return await network.neighbourhood(ctx(info).graph, id, depth=depth, limit=limit)  # type: ignore[return-value]
