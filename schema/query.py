"""The root Query: lookups, filtered lists, and the eight connection questions."""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from graph import lists, network, people, resources
from graph.errors import InvalidInput, NotFound
from graph.models import (
    AreaLevel,
    OrganizationKind,
    PartnershipKind,
    ResourceKind,
    Status,
    Tier,
    label_of,
)
from schema.context import ctx
from schema.questions import (
    AreaRollup,
    Coverage,
    LevelPools,
    Neighborhood,
    Onboarding,
    Partner,
    Path,
    PoolReport,
    SearchHit,
    build_neighborhood,
    build_onboarding,
    load_partners,
    rollup_of,
)
from schema.types import (
    Area,
    Connection,
    Edge,
    Event,
    Goal,
    Mechanism,
    Node,
    Organization,
    PageInfo,
    Partnership,
    Person,
    Plan,
    Resource,
    Source,
    as_node,
    build,
)

T = TypeVar("T")


@strawberry.enum(description="Order of a list.")
class Sort(Enum):
    name = "name"
    id = "id"


@strawberry.enum(description="What a search may return.")
class SearchKind(Enum):
    area = "Area"
    organization = "Organization"
    person = "Person"


def _values(items: list[Any] | None) -> list[str] | None:
    return [i.value for i in items] if items else None


async def _lookup(info: Info, label: str, node_id: str) -> Any:
    if label_of(node_id) != label:
        raise NotFound(label, node_id)
    row = await ctx(info).loaders.node(label).load(node_id)
    if row is None:
        raise NotFound(label, node_id)
    return as_node(label, row) if label != "Source" else build(Source, row)


async def _page(
    info: Info, label: str, cls: type[T], first: int, after: str | None, **filters: Any
) -> Connection[T]:
    size = ctx(info).page_size(first)
    result = await lists.page(ctx(info).graph, label, first=size, after=after, **filters)
    edges = [
        Edge(cursor=c, node=build(cls, row))
        for c, row in zip(result.cursors, result.rows, strict=True)
    ]
    return Connection(
        total_count=result.total,
        page_info=PageInfo(
            has_next_page=result.has_next,
            has_previous_page=after is not None,
            start_cursor=result.start_cursor,
            end_cursor=result.end_cursor,
        ),
        edges=edges,
    )


def _lookup_field(label: str, cls: type[Any], description: str | None = None) -> Any:
    """A root field giving one entity of ``label`` by id: null and NOT_FOUND when unknown."""

    async def resolve(info: Info, id: strawberry.ID) -> Any:
        return await _lookup(info, label, id)

    # Built at runtime for each label, so the types are given here rather than as annotations.
    resolve.__annotations__ = {"info": Info, "id": strawberry.ID, "return": cls | None}
    return strawberry.field(
        resolver=resolve, description=description or f"One {label.lower()} by id."
    )


@strawberry.type(description="Ask the network (ถามเครือข่าย).")
class Query:
    # --- lookups ---------------------------------------------------------------------------------
    @strawberry.field(description="Any entity by id (area:71, org:codi, person:...).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        label = label_of(id)
        if label is None or label == "Source":
            raise NotFound("node", id)
        node: Node | None = await _lookup(info, label, id)
        return node

    @strawberry.field(description="An area by id (area:71) or by code (71, pg-central-lower-1).")
    async def area(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> Area | None:
        if (id is None) == (code is None):
            raise InvalidInput("give exactly one of `id` and `code`")
        area: Area | None = await _lookup(info, "Area", id if id is not None else f"area:{code}")
        return area

    organization = _lookup_field("Organization", Organization)
    person = _lookup_field("Person", Person)
    partnership = _lookup_field("Partnership", Partnership)
    resource = _lookup_field("Resource", Resource)
    plan = _lookup_field("Plan", Plan)
    goal = _lookup_field("Goal", Goal)
    mechanism = _lookup_field("Mechanism", Mechanism)
    event = _lookup_field("Event", Event)
    source = _lookup_field("Source", Source, "A source of facts by id (src:geothai ...).")

    # --- lists -----------------------------------------------------------------------------------
    @strawberry.field(description="Areas, by code; `within` keeps those in an area's subtree.")
    async def areas(
        self,
        info: Info,
        level: list[AreaLevel] | None = None,
        within: strawberry.ID | None = None,
        synthetic: bool | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Area]:
        return await _page(
            info,
            "Area",
            Area,
            first,
            after,
            within=within,
            sort="name",
            levels=_values(level),
            synthetic=synthetic,
        )

    @strawberry.field(
        description="Organizations; `within` keeps those located or working in an area's subtree."
    )
    async def organizations(
        self,
        info: Info,
        kind: list[OrganizationKind] | None = None,
        within: strawberry.ID | None = None,
        synthetic: bool | None = None,
        sort: Sort = Sort.name,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Organization]:
        return await _page(
            info,
            "Organization",
            Organization,
            first,
            after,
            within=within,
            sort=sort.value,
            kinds=_values(kind),
            synthetic=synthetic,
        )

    @strawberry.field(description="People; `within` keeps those working in an area's subtree.")
    async def people(
        self,
        info: Info,
        tier: list[Tier] | None = None,
        within: strawberry.ID | None = None,
        synthetic: bool | None = None,
        sort: Sort = Sort.name,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Person]:
        return await _page(
            info,
            "Person",
            Person,
            first,
            after,
            within=within,
            sort=sort.value,
            tiers=_values(tier),
            synthetic=synthetic,
        )

    @strawberry.field(description="Partnerships; `validOn` keeps those running on that date.")
    async def partnerships(
        self,
        info: Info,
        kind: list[PartnershipKind] | None = None,
        level: list[AreaLevel] | None = None,
        status: list[Status] | None = None,
        within: strawberry.ID | None = None,
        valid_on: dt.date | None = None,
        synthetic: bool | None = None,
        sort: Sort = Sort.name,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Partnership]:
        return await _page(
            info,
            "Partnership",
            Partnership,
            first,
            after,
            within=within,
            sort=sort.value,
            kinds=_values(kind),
            levels=_values(level),
            statuses=_values(status),
            valid_on=valid_on,
            synthetic=synthetic,
        )

    @strawberry.field(
        description="Shared resources; `within` keeps those serving an area's subtree."
    )
    async def resources(
        self,
        info: Info,
        kind: list[ResourceKind] | None = None,
        level: list[AreaLevel] | None = None,
        within: strawberry.ID | None = None,
        synthetic: bool | None = None,
        sort: Sort = Sort.name,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Resource]:
        return await _page(
            info,
            "Resource",
            Resource,
            first,
            after,
            within=within,
            sort=sort.value,
            kinds=_values(kind),
            levels=_values(level),
            synthetic=synthetic,
        )

    @strawberry.field(description="Meetings, by date; `from`/`to` bound the date.")
    async def events(
        self,
        info: Info,
        within: strawberry.ID | None = None,
        from_: Annotated[dt.date | None, strawberry.argument(name="from")] = None,
        to: dt.date | None = None,
        synthetic: bool | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Event]:
        return await _page(
            info,
            "Event",
            Event,
            first,
            after,
            within=within,
            sort="name",
            synthetic=synthetic,
            **{"from": from_, "to": to},
        )

    # --- the questions ---------------------------------------------------------------------------
    @strawberry.field(
        description="1. What an area's subtree holds, broken down by the level below."
    )
    async def rollup(self, info: Info, area: strawberry.ID) -> AreaRollup | None:
        found: Area = await _lookup(info, "Area", area)
        return await rollup_of(info, found)

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
        paths = await network.connection_paths(
            ctx(info).graph, from_, to, max_hops=max_hops, every=all, limit=max(size, 1)
        )
        return [Path.build(p) for p in paths[:size]]

    @strawberry.field(
        description="4. What a person (a second-tier leader) should see: roles, "
        "mentors, peers, key people one level up, reachable partnerships and "
        "resources, meetings."
    )
    async def onboarding(
        self,
        info: Info,
        person: strawberry.ID,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> Onboarding | None:
        size = ctx(info).page_size(first)
        if label_of(person) != "Person":
            raise NotFound("Person", person)
        data = await people.onboarding(ctx(info).graph, person, on=valid_on, limit=size)
        return build_onboarding(data)

    @strawberry.field(description="5. Which child areas have no partnership, mechanism or pool.")
    async def coverage(self, info: Info, area: strawberry.ID) -> Coverage | None:
        found: Area = await _lookup(info, "Area", area)
        return Coverage(area=found)

    @strawberry.field(
        description="6. Shared pools under an area with contributions and "
        "allocations, rolled up per level."
    )
    async def pools(
        self,
        info: Info,
        within: strawberry.ID,
        level: list[AreaLevel] | None = None,
        first: int = 50,
    ) -> PoolReport | None:
        size = ctx(info).page_size(first)
        area: Area = await _lookup(info, "Area", within)
        graph = ctx(info).graph
        by_level, pool_rows = await asyncio.gather(
            resources.pools_by_level(graph, within),
            resources.pools(graph, within, levels=_values(level), limit=size),
        )
        if level:
            by_level = [b for b in by_level if b.level in _values(level)]  # type: ignore[operator]
        return PoolReport(
            within=area,
            by_level=[LevelPools.build(b) for b in by_level],
            pools=[build(Resource, r) for r in pool_rows],
        )

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
        from graph.search import search as run_search

        size = ctx(info).page_size(first)
        labels = [k.value for k in kind] if kind else ["Area", "Organization", "Person"]
        hits = await run_search(ctx(info).graph, text, labels=labels, limit=size, within=within)
        out = []
        for h in hits:
            node = as_node(h.label, h.row)
            if node is not None:
                out.append(SearchHit(score=h.score, matched=h.matched, label=h.label, node=node))
        return out

    @strawberry.field(
        description="8. Nodes and relationships within `depth` of an entity, "
        "ready for Cytoscape.js or vis-network."
    )
    async def neighborhood(
        self, info: Info, id: strawberry.ID, depth: int = 1, limit: int = 200
    ) -> Neighborhood | None:
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit must be between 1 and 1000")
        hood = await network.neighbourhood(ctx(info).graph, id, depth=depth, limit=limit)
        return build_neighborhood(hood)
