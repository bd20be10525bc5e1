"""Organizations and bodies: councils, savings groups, welfare funds, agencies, teams."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import organizations as orgs
from graph import read
from graph.models import OrganizationKind, Role
from schema.base import Connection, Node, lookup, related, then
from schema.lists import Sort, page
from schema.prefetch import follows

if TYPE_CHECKING:
    from schema.areas import Area
    from schema.events import Attendance
    from schema.network import Partner
    from schema.partnerships import PartyOf
    from schema.people import Membership
    from schema.resources import Allocation, Contribution, Resource

AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]
AttendanceRef = Annotated["Attendance", strawberry.lazy("schema.events")]
PartnerRef = Annotated["Partner", strawberry.lazy("schema.network")]
PartyOfRef = Annotated["PartyOf", strawberry.lazy("schema.partnerships")]
MembershipRef = Annotated["Membership", strawberry.lazy("schema.people")]
AllocationRef = Annotated["Allocation", strawberry.lazy("schema.resources")]
ContributionRef = Annotated["Contribution", strawberry.lazy("schema.resources")]
ResourceRef = Annotated["Resource", strawberry.lazy("schema.resources")]


OrganizationRef = Annotated["Organization", strawberry.lazy("schema.organizations")]


def memberships_on(
    found: list[read.Membership], valid_on: dt.date | None, role: list[Role] | None
) -> list[read.Membership]:
    """Memberships valid on a date (when given) and of the given roles (when given)."""
    out = found
    if valid_on is not None:
        out = [
            m
            for m in out
            if (m.start_on is None or m.start_on <= valid_on)
            and (m.end_on is None or m.end_on >= valid_on)
        ]
    if role:
        out = [m for m in out if m.role in role]
    return out


@strawberry.experimental.pydantic.type(
    model=read.Organization,
    all_fields=True,
    description="An organization or body: a council, fund, agency, team ...; `nameLatn` is its "
    "Thai name romanized (PyThaiNLP, RTGS) when it has no English name.",
)
class Organization(Node):
    id: strawberry.ID

    @strawberry.field(description="Where it is based.", metadata=follows(orgs.located_in, "Area"))
    def located_in(self, root: strawberry.Parent[read.Organization], info: Info) -> AreaRef | None:
        return related(info, root, orgs.located_in)

    @strawberry.field(description="Areas it works in.", metadata=follows(orgs.works_in, "Area"))
    def works_in(self, root: strawberry.Parent[read.Organization], info: Info) -> list[AreaRef]:
        return related(info, root, orgs.works_in)

    @strawberry.field(
        description="The organization it is a unit of.",
        metadata=follows(orgs.unit_of, "Organization"),
    )
    def unit_of(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> OrganizationRef | None:
        return related(info, root, orgs.unit_of)

    @strawberry.field(description="Its units.", metadata=follows(orgs.units, "Organization"))
    def units(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> list[OrganizationRef]:
        return related(info, root, orgs.units)

    @strawberry.field(
        description="Members with their roles; only those valid on `validOn` when given.",
        metadata=follows(orgs.members, "Membership", via="person"),
    )
    def members(
        self,
        root: strawberry.Parent[read.Organization],
        info: Info,
        valid_on: dt.date | None = None,
        role: list[Role] | None = None,
    ) -> list[MembershipRef]:
        found = related(info, root, orgs.members)
        return then(found, lambda found: memberships_on(found, valid_on, role))

    @strawberry.field(
        description="Partnerships it is a party to, with its role in each.",
        metadata=follows(orgs.partnerships, "PartyOf", via="partnership"),
    )
    def partnerships(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> list[PartyOfRef]:
        return related(info, root, orgs.partnerships)

    @strawberry.field(
        description="What it contributed to shared resources.",
        metadata=follows(orgs.contributions, "Contribution", via="resource"),
    )
    def contributions(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> list[ContributionRef]:
        return related(info, root, orgs.contributions)

    @strawberry.field(
        description="Resources it stewards.", metadata=follows(orgs.stewards, "Resource")
    )
    def stewards(self, root: strawberry.Parent[read.Organization], info: Info) -> list[ResourceRef]:
        return related(info, root, orgs.stewards)

    @strawberry.field(
        description="Allocations it received from shared resources.",
        metadata=follows(orgs.allocations_received, "Allocation", via="resource"),
    )
    def allocations_received(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> list[AllocationRef]:
        return related(info, root, orgs.allocations_received)

    @strawberry.field(
        description="Meetings it attended as a body, latest first.",
        metadata=follows(orgs.events_attended, "Attendance", via="event"),
    )
    def events_attended(
        self, root: strawberry.Parent[read.Organization], info: Info
    ) -> list[AttendanceRef]:
        return related(info, root, orgs.events_attended)

    @strawberry.field(description="Partner network within `hops` steps (question 2).")
    async def partners(
        self,
        root: strawberry.Parent[read.Organization],
        info: Info,
        hops: int = 2,
        kind: list[OrganizationKind] | None = None,
        within: strawberry.ID | None = None,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> list[PartnerRef]:
        from schema.network import load_partners

        return await load_partners(info, root.id, hops, kind, within, valid_on, first)


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="One organization by id.")
    async def organization(self, info: Info, id: strawberry.ID) -> OrganizationRef | None:
        return await lookup(info, "Organization", id)

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
        return await page(
            info,
            "Organization",
            first,
            after,
            within=within,
            sort=sort,
            kinds=kind,
            synthetic=synthetic,
        )
