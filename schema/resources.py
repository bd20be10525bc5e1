"""Shared resources: pooled funds (กองคลัง), budgets, venues; what flows in and out (question 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import read
from graph import resources as res
from graph.models import AreaLevel, ResourceKind, be_year
from schema.base import Connection, Node, Sourced, lookup, related
from schema.context import ctx
from schema.lists import Sort, page
from schema.organizations import Organization
from schema.prefetch import follows, plan_of

if TYPE_CHECKING:
    from schema.areas import Area

AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]


ResourceRef = Annotated["Resource", strawberry.lazy("schema.resources")]
ContributionRef = Annotated["Contribution", strawberry.lazy("schema.resources")]
AllocationRef = Annotated["Allocation", strawberry.lazy("schema.resources")]
ResourceFlowsRef = Annotated["ResourceFlows", strawberry.lazy("schema.resources")]


@strawberry.experimental.pydantic.type(
    model=read.Flows,
    all_fields=True,
    description="Money in and out of a resource (question 6): `balance` is contributed minus "
    "allocated; `feederCount` the pools feeding it at any depth, whose contributions and "
    "allocations are `feedersContributed` and `feedersAllocated`.",
)
class ResourceFlows:
    pass


@strawberry.experimental.pydantic.type(
    model=read.Resource,
    all_fields=True,
    description="A shared resource: a pooled fund (กองคลัง), budget, venue, expertise ...",
)
class Resource(Node):
    id: strawberry.ID

    @strawberry.field(
        description="Organizations that manage it.",
        metadata=follows(res.stewards, "Organization"),
    )
    def stewards(self, root: strawberry.Parent[read.Resource], info: Info) -> list[Organization]:
        return related(info, root, res.stewards)

    @strawberry.field(description="Areas it serves.", metadata=follows(res.serves, "Area"))
    def serves(self, root: strawberry.Parent[read.Resource], info: Info) -> list[AreaRef]:
        return related(info, root, res.serves)

    @strawberry.field(
        description="The pool one level up it feeds.", metadata=follows(res.pooled_into, "Resource")
    )
    def pooled_into(self, root: strawberry.Parent[read.Resource], info: Info) -> ResourceRef | None:
        return related(info, root, res.pooled_into)

    @strawberry.field(
        description="Pools that feed this one.", metadata=follows(res.feeders, "Resource")
    )
    def feeders(self, root: strawberry.Parent[read.Resource], info: Info) -> list[ResourceRef]:
        return related(info, root, res.feeders)

    @strawberry.field(
        description="Contributions into it.",
        metadata=follows(res.contributions, "Contribution", via="contributor"),
    )
    def contributions(
        self, root: strawberry.Parent[read.Resource], info: Info
    ) -> list[ContributionRef]:
        return related(info, root, res.contributions)

    @strawberry.field(
        description="Allocations out of it.",
        metadata=follows(res.allocations, "Allocation", via="recipient"),
    )
    def allocations(
        self, root: strawberry.Parent[read.Resource], info: Info
    ) -> list[AllocationRef]:
        return related(info, root, res.allocations)

    @strawberry.field(
        description="Totals in and out, including the pools that feed it (question 6).",
        metadata=follows(res.flows, "ResourceFlows"),
    )
    def flows(self, root: strawberry.Parent[read.Resource], info: Info) -> ResourceFlowsRef | None:
        return related(info, root, res.flows)


@strawberry.experimental.pydantic.type(
    model=read.Contribution,
    all_fields=True,
    description="Money or in-kind support given to a resource.",
)
class Contribution(Sourced):
    id: strawberry.ID

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self, root: strawberry.Parent[read.Contribution]) -> int:
        return be_year(root.on.year)

    @strawberry.field
    def contributor(self, root: strawberry.Parent[read.Contribution]) -> Organization:
        return root.get_related("contributor")

    @strawberry.field
    def resource(self, root: strawberry.Parent[read.Contribution]) -> ResourceRef:
        return root.get_related("resource")


@strawberry.experimental.pydantic.type(
    model=read.Allocation,
    all_fields=True,
    description="An allocation out of a resource to an organization or partnership.",
)
class Allocation(Sourced):
    id: strawberry.ID

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self, root: strawberry.Parent[read.Allocation]) -> int:
        return be_year(root.on.year)

    @strawberry.field
    def resource(self, root: strawberry.Parent[read.Allocation]) -> ResourceRef:
        return root.get_related("resource")

    @strawberry.field(description="An Organization or a Partnership.")
    def recipient(self, root: strawberry.Parent[read.Allocation]) -> Node:
        return root.get_related("recipient")


@strawberry.experimental.pydantic.type(
    model=res.LevelPools,
    all_fields=True,
    description="Pooled funds of one level under an area, with their flows.",
)
class LevelPools:
    pass


@strawberry.experimental.pydantic.type(
    model=res.PoolReport,
    all_fields=True,
    description="Shared pools under an area, rolled up per level (question 6).",
)
class PoolReport:
    pass


@strawberry.type
class ResourceQueries:
    @strawberry.field(description="One shared resource by id.")
    async def resource(self, info: Info, id: strawberry.ID) -> ResourceRef | None:
        return await lookup(info, "Resource", id)

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
        return await page(
            info,
            "Resource",
            first,
            after,
            within=within,
            sort=sort,
            kinds=kind,
            levels=level,
            synthetic=synthetic,
        )

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
        return await res.pools(  # type: ignore[return-value]
            ctx(info).graph,
            within,
            levels=[lv.value for lv in level] if level else None,
            limit=ctx(info).page_size(first),
            within_plan=plan_of(info, "within"),
            pool_plan=plan_of(info, "pools"),
        )
