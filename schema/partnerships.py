"""Partnerships: two-party ties and many-party joint platforms (ถาดร่วม)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import partnerships, read
from graph.models import AreaLevel, PartnershipKind, Status
from schema.base import Connection, Node, Sourced, lookup, related
from schema.lists import Sort, page
from schema.organizations import Organization
from schema.prefetch import follows

if TYPE_CHECKING:
    from schema.areas import Area
    from schema.resources import Allocation

AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]
AllocationRef = Annotated["Allocation", strawberry.lazy("schema.resources")]


PartyOfRef = Annotated["PartyOf", strawberry.lazy("schema.partnerships")]


@strawberry.experimental.pydantic.type(
    model=read.Partnership,
    all_fields=True,
    description="A partnership between organizations; a shared tray (ถาดร่วม) is a many-party one.",
)
class Partnership(Node):
    id: strawberry.ID

    @strawberry.field(
        description="Areas it works across.", metadata=follows(partnerships.covers, "Area")
    )
    def covers(self, root: strawberry.Parent[read.Partnership], info: Info) -> list[AreaRef]:
        return related(info, root, partnerships.covers)

    @strawberry.field(
        description="The organizations that are party to it, with their roles.",
        metadata=follows(partnerships.parties, "PartyOf", via="organization"),
    )
    def parties(self, root: strawberry.Parent[read.Partnership], info: Info) -> list[PartyOfRef]:
        return related(info, root, partnerships.parties)

    @strawberry.field(
        description="Allocations it received from shared resources.",
        metadata=follows(partnerships.allocations_received, "Allocation", via="resource"),
    )
    def allocations_received(
        self, root: strawberry.Parent[read.Partnership], info: Info
    ) -> list[AllocationRef]:
        return related(info, root, partnerships.allocations_received)


@strawberry.experimental.pydantic.type(
    model=read.PartyOf, all_fields=True, description="An organization's part in a partnership."
)
class PartyOf(Sourced):
    @strawberry.field
    def partnership(self, root: strawberry.Parent[read.PartyOf]) -> Partnership:
        return root.get_related("partnership")

    @strawberry.field
    def organization(self, root: strawberry.Parent[read.PartyOf]) -> Organization:
        return root.get_related("organization")


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="One partnership by id.")
    async def partnership(self, info: Info, id: strawberry.ID) -> Partnership | None:
        return await lookup(info, "Partnership", id)

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
        return await page(
            info,
            "Partnership",
            first,
            after,
            within=within,
            sort=sort,
            kinds=kind,
            levels=level,
            statuses=status,
            valid_on=valid_on,
            synthetic=synthetic,
        )
