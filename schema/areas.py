"""Areas: the tree from the country down to subdistricts, rollups (question 1) and coverage
gaps (question 5)."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from graph import areas as graph_areas
from graph import read
from graph.errors import InvalidInput, NotFound
from graph.models import AreaLevel
from graph.queries.relations import merge_plans
from schema.base import Connection, Node, lookup, related, resolved
from schema.context import ctx
from schema.lists import page
from schema.prefetch import follows, plan_of, same

if TYPE_CHECKING:
    from schema.events import Event

EventRef = Annotated["Event", strawberry.lazy("schema.events")]


AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]
AreaRollupRef = Annotated["AreaRollup", strawberry.lazy("schema.areas")]
CoverageRef = Annotated["Coverage", strawberry.lazy("schema.areas")]


def _coverage_loader(info: Info, path: str = "") -> Any:
    """The coverage loader for what the current field (or ``path`` in it) asks of areas."""
    prefix = f"{path}." if path else ""
    child_plan = merge_plans(
        *(
            plan_of(info, prefix + field)
            for field in ("children.area", "withoutPartnership", "withoutMechanism", "withoutPool")
        )
    )
    return ctx(info).loaders.coverage(plan_of(info, prefix + "area"), child_plan)


async def _loaded_rollups(areas: Any, info: Info) -> list[graph_areas.Rollup]:
    return list(await ctx(info).loaders.rollup.load_many(await resolved(areas)))


@strawberry.experimental.pydantic.type(
    model=read.Area,
    all_fields=True,
    description="An area: the country, a CODI region or province group, a province, "
    "district (อำเภอ) or subdistrict (ตำบล).",
)
class Area(Node):
    id: strawberry.ID

    @strawberry.field(
        description="The area this one is part of.",
        metadata=follows(graph_areas.parent, "Area"),
    )
    def parent(self, root: strawberry.Parent[read.Area], info: Info) -> AreaRef | None:
        return related(info, root, graph_areas.parent)

    @strawberry.field(
        description="Every area above this one, nearest first, up to the country.",
        metadata=follows(graph_areas.ancestors, "Area"),
    )
    def ancestors(self, root: strawberry.Parent[read.Area], info: Info) -> list[AreaRef]:
        return related(info, root, graph_areas.ancestors)

    @strawberry.field(
        description="The areas directly below this one, by code.",
        metadata=follows(graph_areas.children, "Area"),
    )
    def children(self, root: strawberry.Parent[read.Area], info: Info) -> list[AreaRef]:
        return related(info, root, graph_areas.children)

    @strawberry.field(
        description="Meetings held in this area.", metadata=follows(graph_areas.events, "Event")
    )
    def events(self, root: strawberry.Parent[read.Area], info: Info) -> list[EventRef]:
        return related(info, root, graph_areas.events)

    @strawberry.field(description="Counts in this area's whole subtree (question 1).")
    async def rollup(self, root: strawberry.Parent[read.Area], info: Info) -> AreaRollupRef:
        return await ctx(info).loaders.rollup.load(root)  # type: ignore[return-value]

    @strawberry.field(
        description="Which child areas lack a partnership, mechanism or pool (question 5)."
    )
    async def coverage(self, root: strawberry.Parent[read.Area], info: Info) -> CoverageRef:
        return await _coverage_loader(info).load(root.id)


@strawberry.experimental.pydantic.type(
    model=graph_areas.Rollup,
    all_fields=True,
    description="What an area's whole subtree holds, with the same counts for each child area "
    "below it (question 1). Organizations are counted where they are located, people where "
    "they work, partnerships where they work, resources where they serve; the pooled amount "
    "is what was contributed to the pooled funds (กองคลัง) serving the subtree, in THB.",
)
class AreaRollup:
    area: Area = strawberry.field(metadata=same("Area"))

    @strawberry.field(
        description="Every area above, nearest first, up to the country.",
        metadata=follows(graph_areas.ancestors, "Area"),
    )
    def ancestors(self, root: strawberry.Parent[graph_areas.Rollup], info: Info) -> list[AreaRef]:
        return related(info, root.area, graph_areas.ancestors)

    @strawberry.field(
        description="The same counts for each child area: region → province groups "
        "→ provinces → districts → subdistricts.",
        metadata=follows(graph_areas.children, "AreaRollup"),
    )
    def children(
        self, root: strawberry.Parent[graph_areas.Rollup], info: Info
    ) -> list[AreaRollupRef]:
        # Plain when the children came with their counts (a rollup's one statement fetches
        # them so): an async resolver here cost a coroutine and a DataLoader batch per area.
        kids = related(info, root.area, graph_areas.children)
        if not inspect.isawaitable(kids):
            counted = graph_areas.counted_rollups(kids)
            if counted is not None:
                return counted  # type: ignore[return-value]
        return _loaded_rollups(kids, info)  # type: ignore[return-value]


@strawberry.experimental.pydantic.type(
    model=graph_areas.ChildCoverage,
    all_fields=True,
    description="What one child area's subtree has; `gaps` names what it lacks: "
    "'partnership', 'mechanism', 'pool'.",
)
class ChildCoverage:
    pass


@strawberry.experimental.pydantic.type(
    model=graph_areas.Inherited,
    all_fields=True,
    description="What an area receives from the areas above it (shared by every child).",
)
class Inherited:
    pass


@strawberry.experimental.pydantic.type(
    model=graph_areas.Coverage,
    all_fields=True,
    description="Where coverage is missing under an area (question 5): its children with what "
    "each one's subtree has (active partnerships, mechanisms, pooled funds), those lacking "
    "each, and what the area inherits from above.",
)
class Coverage:
    pass


@strawberry.type
class AreaQueries:
    @strawberry.field(description="An area by id (area:71) or by code (71, pg-central-lower-1).")
    async def area(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> AreaRef | None:
        if (id is None) == (code is None):
            raise InvalidInput("give exactly one of `id` and `code`")
        return await lookup(info, "Area", id if id is not None else f"area:{code}")

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
        return await page(
            info, "Area", first, after, within=within, levels=level, synthetic=synthetic
        )

    @strawberry.field(
        description="1. What an area's subtree holds, broken down by the level below."
    )
    async def rollup(self, info: Info, area: strawberry.ID) -> AreaRollupRef | None:
        return await graph_areas.rollup(ctx(info).graph, area, plan_of(info))  # type: ignore[return-value]

    @strawberry.field(description="5. Which child areas have no partnership, mechanism or pool.")
    async def coverage(self, info: Info, area: strawberry.ID) -> CoverageRef | None:
        found = await _coverage_loader(info).load(area)
        if found is None:
            raise NotFound("Area", area)
        return found
