"""GraphQL types of the network's entities, built from the rows the graph stores.

The types live in one module, not one per entity: they refer to each other in every
direction (an area's organizations, an organization's area), and one module keeps those
references plain instead of lazy strings. Every relation field goes through a per-request
DataLoader, so a list of N items costs one round trip per field, not N.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from graph.entities import Related
from graph.models import (
    AreaLevel,
    GoalKind,
    Horizon,
    MechanismKind,
    OrganizationKind,
    PartnershipKind,
    ResourceKind,
    Role,
    SourceKind,
    Status,
    Tier,
    be_year,
)
from graph.queries import entities as eq
from schema.context import ctx

if typing.TYPE_CHECKING:
    from schema.questions import AreaRollup, Coverage, Partner, ResourceFlows

Row = dict[str, Any]
T = TypeVar("T")

# Result types of the questions live in schema.questions and refer back to these types.
AreaRollupRef = Annotated["AreaRollup", strawberry.lazy("schema.questions")]
CoverageRef = Annotated["Coverage", strawberry.lazy("schema.questions")]
PartnerRef = Annotated["Partner", strawberry.lazy("schema.questions")]
ResourceFlowsRef = Annotated["ResourceFlows", strawberry.lazy("schema.questions")]

for _enum, _description in (
    (AreaLevel, "From the country down to a community (ประเทศ ภาค กลุ่มจังหวัด จังหวัด อำเภอ ตำบล)."),
    (OrganizationKind, "What an organization or body is."),
    (Tier, "Leadership tier of a person (ผู้นำแกนหลัก, ผู้นำแถว 2, ...)."),
    (Role, "Role of a person in an organization or body."),
    (PartnershipKind, "Kind of partnership; a shared tray (ถาดร่วม) is a many-party platform."),
    (Status, "Where a partnership, resource or plan stands."),
    (ResourceKind, "Kind of shared resource; a pooled fund is a treasury pool (กองคลัง)."),
    (GoalKind, "Principle, goal or strategy."),
    (Horizon, "Near or far horizon of a goal."),
    (MechanismKind, "Kind of mechanism."),
    (SourceKind, "Kind of source."),
):
    strawberry.enum(_enum, description=_description)


# --- building types from rows --------------------------------------------------------------------


def _convert(value: Any, annotation: Any) -> Any:
    """A stored value as the field's Python type (dates, enums, lists of enums)."""
    if value is None:
        return None
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _convert(value, args[0])
    if origin is list and args:
        return [_convert(v, args[0]) for v in value]
    if annotation is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    return value


@functools.cache
def _plan(cls: type[Any]) -> tuple[list[tuple[str, Any, Any]], bool]:
    """How to fill ``cls`` from a row: (field, annotation, default) per field, once per class."""
    hints = typing.get_type_hints(cls)
    fields = []
    takes_row = False
    for f in dataclasses.fields(cls):
        if f.name == "row":
            takes_row = True
        elif f.init:
            default = f.default if f.default is not dataclasses.MISSING else None
            if f.default_factory is not dataclasses.MISSING:
                default = f.default_factory
            fields.append((f.name, hints[f.name], default))
    return fields, takes_row


def build(cls: type[T], row: Row) -> T:
    """An instance of a GraphQL type from a stored row: fields are filled by name."""
    fields, takes_row = _plan(cls)  # type: ignore[arg-type]  # classes are hashable
    kwargs: dict[str, Any] = {"row": row} if takes_row else {}
    for name, annotation, default in fields:
        value = row.get(name)
        if value is None:
            value = default() if callable(default) else default
        else:
            value = _convert(value, annotation)
        kwargs[name] = value
    return cls(**kwargs)


def as_node(label: str, row: Row) -> Node | None:
    cls = NODE_TYPES.get(label)
    return build(cls, row) if cls else None


async def _one(info: Info, relation: eq.Relation, key: str) -> Node | None:
    related = await ctx(info).loaders.related(relation).load(key)
    return as_node(related[0].label, related[0].node) if related else None


async def _many(info: Info, relation: eq.Relation, key: str) -> list[Any]:
    related = await ctx(info).loaders.related(relation).load(key)
    return [n for r in related if (n := as_node(r.label, r.node)) is not None]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def thai_date(day: dt.date | None) -> str | None:
    """A date as Thai readers write it, with the Buddhist-era year: 19 พฤศจิกายน 2565."""
    if day is None:
        return None
    from pythainlp.util import thai_strftime

    return thai_strftime(dt.datetime(day.year, day.month, day.day), "%-d %B %Y")


# --- the interface every entity implements -------------------------------------------------------


@strawberry.interface(description="An entity of the network, with a stable id and provenance.")
class Node:
    id: strawberry.ID
    synthetic: bool = strawberry.field(
        default=False, description="Generated demo data, not a fact."
    )
    assumption: bool = strawberry.field(
        default=False, description="Editable data the sources do not state; see `note`."
    )
    note: str | None = None
    row: strawberry.Private[Row] = dataclasses.field(default_factory=dict)

    @strawberry.field(description="Where this fact comes from.")
    async def sources(self, info: Info) -> list[Source]:
        ids = self.row.get("source_ids") or []
        rows = await ctx(info).loaders.nodes("Source", ids)
        return [build(Source, r) for r in rows if r is not None]


@strawberry.type(description="A source of facts: the article, the geothai dataset, or demo data.")
class Source:
    id: strawberry.ID
    kind: SourceKind
    title_en: str
    title_th: str | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    published_on: dt.date | None = None
    version: str | None = None
    file: str | None = None
    note: str | None = None
    row: strawberry.Private[Row] = dataclasses.field(default_factory=dict)


# --- areas ---------------------------------------------------------------------------------------


@strawberry.type(
    description="An area: the country, a CODI region or province group, a province, "
    "district (อำเภอ) or subdistrict (ตำบล)."
)
class Area(Node):
    code: str = ""
    level: AreaLevel = AreaLevel.country
    name_th: str = ""
    name_en: str | None = None
    aliases: list[str] = dataclasses.field(default_factory=list)

    @strawberry.field(description="The area this one is part of.")
    async def parent(self, info: Info) -> Area | None:
        return typing.cast(Area | None, await _one(info, eq.AREA_PARENT, self.id))

    @strawberry.field(description="Every area above this one, nearest first, up to the country.")
    async def ancestors(self, info: Info) -> list[Area]:
        rows = await ctx(info).loaders.ancestors.load(self.id)
        return [build(Area, r) for r in rows]

    @strawberry.field(description="The areas directly below this one, by code.")
    async def children(self, info: Info) -> list[Area]:
        children = await _many(info, eq.AREA_CHILDREN, self.id)
        return sorted(children, key=lambda a: a.code)

    @strawberry.field(description="Meetings held in this area.")
    async def events(self, info: Info) -> list[Event]:
        return await _many(info, eq.AREA_EVENTS, self.id)

    @strawberry.field(description="Counts in this area's whole subtree (question 1).")
    async def rollup(self, info: Info) -> AreaRollupRef:
        from schema.questions import rollup_of

        return await rollup_of(info, self)

    @strawberry.field(
        description="Which child areas lack a partnership, mechanism or pool (question 5)."
    )
    async def coverage(self, info: Info) -> CoverageRef:
        from schema.questions import Coverage

        return Coverage(area=self)


# --- organizations and people --------------------------------------------------------------------


@strawberry.type(description="An organization or body: a council, fund, agency, team ...")
class Organization(Node):
    kind: OrganizationKind = OrganizationKind.community
    name_th: str = ""
    name_en: str | None = None
    name_latn: str | None = strawberry.field(
        default=None, description="Romanized Thai name (PyThaiNLP, RTGS), when no English name."
    )
    short_name_th: str | None = None
    short_name_en: str | None = None
    description_th: str | None = None
    description_en: str | None = None

    @strawberry.field(description="Where it is based.")
    async def located_in(self, info: Info) -> Area | None:
        return typing.cast(Area | None, await _one(info, eq.ORG_LOCATED_IN, self.id))

    @strawberry.field(description="Areas it works in.")
    async def works_in(self, info: Info) -> list[Area]:
        return await _many(info, eq.ORG_WORKS_IN, self.id)

    @strawberry.field(description="The organization it is a unit of.")
    async def unit_of(self, info: Info) -> Organization | None:
        return typing.cast(Organization | None, await _one(info, eq.ORG_UNIT_OF, self.id))

    @strawberry.field(description="Its units.")
    async def units(self, info: Info) -> list[Organization]:
        return await _many(info, eq.ORG_UNITS, self.id)

    @strawberry.field(
        description="Members with their roles; only those valid on `validOn` when given."
    )
    async def members(
        self, info: Info, valid_on: dt.date | None = None, role: list[Role] | None = None
    ) -> list[Membership]:
        related = await ctx(info).loaders.related(eq.ORG_MEMBERS).load(self.id)
        out = [Membership.from_related(r.node, self.row, r.rel) for r in related]
        return _memberships_filtered(out, valid_on, role)

    @strawberry.field(description="Partnerships it is a party to, with its role in each.")
    async def partnerships(self, info: Info) -> list[PartyOf]:
        related = await ctx(info).loaders.related(eq.ORG_PARTNERSHIPS).load(self.id)
        return [PartyOf.build(r.node, self.row, r.rel) for r in related]

    @strawberry.field(description="What it contributed to shared resources.")
    async def contributions(self, info: Info) -> list[Contribution]:
        related = await ctx(info).loaders.related(eq.ORG_CONTRIBUTIONS).load(self.id)
        return [Contribution.build(r.rel, contributor=self.row, resource=r.node) for r in related]

    @strawberry.field(description="Resources it stewards.")
    async def stewards(self, info: Info) -> list[Resource]:
        return await _many(info, eq.ORG_STEWARDS, self.id)

    @strawberry.field(description="Allocations it received from shared resources.")
    async def allocations_received(self, info: Info) -> list[Allocation]:
        related = await ctx(info).loaders.related(eq.ORG_ALLOCATIONS).load(self.id)
        return [
            Allocation.build(r.rel, resource=r.node, recipient=("Organization", self.row))
            for r in related
        ]

    @strawberry.field(description="Meetings it attended as a body.")
    async def events_attended(self, info: Info) -> list[Attendance]:
        related = await ctx(info).loaders.related(eq.ORG_ATTENDED).load(self.id)
        return [Attendance.build(("Organization", self.row), r.node, r.rel) for r in related]

    @strawberry.field(description="Partner network within `hops` steps (question 2).")
    async def partners(
        self,
        info: Info,
        hops: int = 2,
        kind: list[OrganizationKind] | None = None,
        within: strawberry.ID | None = None,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> list[PartnerRef]:
        from schema.questions import load_partners

        return await load_partners(info, self.id, hops, kind, within, valid_on, first)


@strawberry.type(
    description="Contact details: personal data, shown only to callers allowed to see them."
)
class Contact:
    phone: str | None = None
    email: str | None = None
    line_id: str | None = None


@strawberry.type(description="A person in the network.")
class Person(Node):
    honorific_th: str | None = None
    name_th: str = ""
    name_en: str | None = None
    name_latn: str | None = strawberry.field(
        default=None, description="Romanized Thai name (PyThaiNLP, RTGS), when no English name."
    )
    given_name_th: str = ""
    family_name_th: str | None = None
    given_name_en: str | None = None
    family_name_en: str | None = None
    tier: Tier | None = None

    @strawberry.field(
        description="Personal contact data; null unless the caller may see it "
        "(see `contactVisible`)."
    )
    def contact(self, info: Info) -> Contact | None:
        if not ctx(info).can_see_contact:
            return None
        if not any(self.row.get(k) for k in ("contact_phone", "contact_email", "contact_line")):
            return None
        return Contact(
            phone=self.row.get("contact_phone"),
            email=self.row.get("contact_email"),
            line_id=self.row.get("contact_line"),
        )

    @strawberry.field(description="Whether this caller may see personal contact data.")
    def contact_visible(self, info: Info) -> bool:
        return ctx(info).can_see_contact

    @strawberry.field(description="Areas the person works in.")
    async def works_in(self, info: Info) -> list[Area]:
        return await _many(info, eq.PERSON_WORKS_IN, self.id)

    @strawberry.field(
        description="Memberships and roles; only those valid on `validOn` when given."
    )
    async def memberships(
        self, info: Info, valid_on: dt.date | None = None, role: list[Role] | None = None
    ) -> list[Membership]:
        related = await ctx(info).loaders.related(eq.PERSON_MEMBERSHIPS).load(self.id)
        out = [Membership.from_related(self.row, r.node, r.rel) for r in related]
        return _memberships_filtered(out, valid_on, role)

    @strawberry.field(description="Who mentors this person.")
    async def mentors(self, info: Info) -> list[Mentorship]:
        related = await ctx(info).loaders.related(eq.PERSON_MENTORS).load(self.id)
        return [Mentorship.build(r.node, self.row, r.rel) for r in related]

    @strawberry.field(description="Whom this person mentors.")
    async def mentees(self, info: Info) -> list[Mentorship]:
        related = await ctx(info).loaders.related(eq.PERSON_MENTEES).load(self.id)
        return [Mentorship.build(self.row, r.node, r.rel) for r in related]

    @strawberry.field(description="Meetings attended.")
    async def events_attended(self, info: Info) -> list[Attendance]:
        related = await ctx(info).loaders.related(eq.PERSON_ATTENDED).load(self.id)
        return [Attendance.build(("Person", self.row), r.node, r.rel) for r in related]

    @strawberry.field(description="Organizations reachable through this person's own (question 2).")
    async def partners(
        self,
        info: Info,
        hops: int = 2,
        kind: list[OrganizationKind] | None = None,
        within: strawberry.ID | None = None,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> list[PartnerRef]:
        from schema.questions import load_partners

        return await load_partners(info, self.id, hops, kind, within, valid_on, first)


def _memberships_filtered(
    items: list[Membership], valid_on: dt.date | None, roles: list[Role] | None
) -> list[Membership]:
    if valid_on is not None:
        items = [
            m
            for m in items
            if (m.start_on is None or m.start_on <= valid_on)
            and (m.end_on is None or m.end_on >= valid_on)
        ]
    if roles:
        items = [m for m in items if m.role in roles]
    return items


@strawberry.type(description="A person's membership of an organization or body, with a role.")
class Membership:
    role: Role
    role_th: str | None
    start_on: dt.date | None
    end_on: dt.date | None
    as_of: dt.date | None = strawberry.field(description="Date the source observed it.")
    synthetic: bool
    person_row: strawberry.Private[Row]
    organization_row: strawberry.Private[Row]
    rel: strawberry.Private[Row]

    @classmethod
    def from_related(cls, person: Row, organization: Row, rel: Row) -> Membership:
        return cls(
            role=Role(rel.get("role", "member")),
            role_th=rel.get("role_th"),
            start_on=_date(rel.get("start_on")),
            end_on=_date(rel.get("end_on")),
            as_of=_date(rel.get("as_of")),
            synthetic=bool(rel.get("synthetic")),
            person_row=person,
            organization_row=organization,
            rel=rel,
        )

    @strawberry.field
    def person(self) -> Person:
        return build(Person, self.person_row)

    @strawberry.field
    def organization(self) -> Organization:
        return build(Organization, self.organization_row)

    @strawberry.field(description="Start year in the Buddhist Era.")
    def start_year_be(self) -> int | None:
        return be_year(self.start_on.year) if self.start_on else None

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        rows = await ctx(info).loaders.nodes("Source", self.rel.get("source_ids") or [])
        return [build(Source, r) for r in rows if r is not None]


@strawberry.type(description="Mentorship between two people (พี่เลี้ยง).")
class Mentorship:
    start_on: dt.date | None
    end_on: dt.date | None
    mentor_row: strawberry.Private[Row]
    mentee_row: strawberry.Private[Row]

    @classmethod
    def build(cls, mentor: Row, mentee: Row, rel: Row) -> Mentorship:
        return cls(
            start_on=_date(rel.get("start_on")),
            end_on=_date(rel.get("end_on")),
            mentor_row=mentor,
            mentee_row=mentee,
        )

    @strawberry.field
    def mentor(self) -> Person:
        return build(Person, self.mentor_row)

    @strawberry.field
    def mentee(self) -> Person:
        return build(Person, self.mentee_row)


# --- partnerships and resources ------------------------------------------------------------------


@strawberry.type(
    description="A partnership between organizations; a shared tray (ถาดร่วม) is a many-party one."
)
class Partnership(Node):
    kind: PartnershipKind = PartnershipKind.bilateral
    level: AreaLevel = AreaLevel.subdistrict
    status: Status = Status.active
    name_th: str = ""
    name_en: str | None = None
    purpose_th: str | None = None
    purpose_en: str | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    as_of: dt.date | None = None

    @strawberry.field(description="Areas it works across.")
    async def covers(self, info: Info) -> list[Area]:
        return await _many(info, eq.PARTNERSHIP_COVERS, self.id)

    @strawberry.field(description="The organizations that are party to it, with their roles.")
    async def parties(self, info: Info) -> list[PartyOf]:
        related = await ctx(info).loaders.related(eq.PARTNERSHIP_PARTIES).load(self.id)
        return [PartyOf.build(self.row, r.node, r.rel) for r in related]

    @strawberry.field(description="Allocations it received from shared resources.")
    async def allocations_received(self, info: Info) -> list[Allocation]:
        related = await ctx(info).loaders.related(eq.PARTNERSHIP_ALLOCATIONS).load(self.id)
        return [
            Allocation.build(r.rel, resource=r.node, recipient=("Partnership", self.row))
            for r in related
        ]


@strawberry.type(description="An organization's part in a partnership.")
class PartyOf:
    role: str | None
    role_th: str | None
    partnership_row: strawberry.Private[Row]
    organization_row: strawberry.Private[Row]

    @classmethod
    def build(cls, partnership: Row, organization: Row, rel: Row) -> PartyOf:
        return cls(
            role=rel.get("role"),
            role_th=rel.get("role_th"),
            partnership_row=partnership,
            organization_row=organization,
        )

    @strawberry.field
    def partnership(self) -> Partnership:
        return build(Partnership, self.partnership_row)

    @strawberry.field
    def organization(self) -> Organization:
        return build(Organization, self.organization_row)


@strawberry.type(
    description="A shared resource: a pooled fund (กองคลัง), budget, venue, expertise ..."
)
class Resource(Node):
    kind: ResourceKind = ResourceKind.pooled_fund
    level: AreaLevel = AreaLevel.subdistrict
    status: Status = Status.active
    unit: str = "THB"
    name_th: str = ""
    name_en: str | None = None
    description_th: str | None = None
    description_en: str | None = None

    @strawberry.field(description="Organizations that manage it.")
    async def stewards(self, info: Info) -> list[Organization]:
        return await _many(info, eq.RESOURCE_STEWARDS, self.id)

    @strawberry.field(description="Areas it serves.")
    async def serves(self, info: Info) -> list[Area]:
        return await _many(info, eq.RESOURCE_SERVES, self.id)

    @strawberry.field(description="The pool one level up it feeds.")
    async def pooled_into(self, info: Info) -> Resource | None:
        return typing.cast(Resource | None, await _one(info, eq.RESOURCE_POOLED_INTO, self.id))

    @strawberry.field(description="Pools that feed this one.")
    async def feeders(self, info: Info) -> list[Resource]:
        return await _many(info, eq.RESOURCE_FEEDERS, self.id)

    @strawberry.field(description="Contributions into it.")
    async def contributions(self, info: Info) -> list[Contribution]:
        related = await ctx(info).loaders.related(eq.RESOURCE_CONTRIBUTIONS).load(self.id)
        return [Contribution.build(r.rel, contributor=r.node, resource=self.row) for r in related]

    @strawberry.field(description="Allocations out of it.")
    async def allocations(self, info: Info) -> list[Allocation]:
        related = await ctx(info).loaders.related(eq.RESOURCE_ALLOCATIONS).load(self.id)
        return [
            Allocation.build(r.rel, resource=self.row, recipient=(r.label, r.node)) for r in related
        ]

    @strawberry.field(
        description="Totals in and out, including the pools that feed it (question 6)."
    )
    async def flows(self, info: Info) -> ResourceFlowsRef | None:
        from schema.questions import ResourceFlows

        found = await ctx(info).loaders.flows.load(self.id)
        return ResourceFlows.build(found) if found else None


@strawberry.type(description="Money or in-kind support given to a resource.")
class Contribution:
    id: strawberry.ID
    amount: float
    on: dt.date
    in_kind: bool
    contributor_row: strawberry.Private[Row]
    resource_row: strawberry.Private[Row]

    @classmethod
    def build(cls, rel: Row, *, contributor: Row, resource: Row) -> Contribution:
        return cls(
            id=strawberry.ID(rel.get("key") or rel.get("id", "")),
            amount=float(rel.get("amount", 0)),
            on=dt.date.fromisoformat(rel["on"]),
            in_kind=bool(rel.get("in_kind")),
            contributor_row=contributor,
            resource_row=resource,
        )

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self) -> int:
        return be_year(self.on.year)

    @strawberry.field
    def contributor(self) -> Organization:
        return build(Organization, self.contributor_row)

    @strawberry.field
    def resource(self) -> Resource:
        return build(Resource, self.resource_row)


@strawberry.type(description="An allocation out of a resource to an organization or partnership.")
class Allocation:
    id: strawberry.ID
    amount: float
    on: dt.date
    purpose_th: str | None
    purpose_en: str | None
    resource_row: strawberry.Private[Row]
    recipient_ref: strawberry.Private[tuple[str, Row]]

    @classmethod
    def build(cls, rel: Row, *, resource: Row, recipient: tuple[str, Row]) -> Allocation:
        return cls(
            id=strawberry.ID(rel.get("key") or rel.get("id", "")),
            amount=float(rel.get("amount", 0)),
            on=dt.date.fromisoformat(rel["on"]),
            purpose_th=rel.get("purpose_th"),
            purpose_en=rel.get("purpose_en"),
            resource_row=resource,
            recipient_ref=recipient,
        )

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self) -> int:
        return be_year(self.on.year)

    @strawberry.field
    def resource(self) -> Resource:
        return build(Resource, self.resource_row)

    @strawberry.field(description="An Organization or a Partnership.")
    def recipient(self) -> Node | None:
        return as_node(*self.recipient_ref)


# --- plans, goals, mechanisms, events ------------------------------------------------------------


@strawberry.type(description="A plan for an area and a year (e.g. the 2566 BE plan).")
class Plan(Node):
    name_th: str = ""
    name_en: str | None = None
    year_ce: int = 0
    level: AreaLevel = AreaLevel.region
    status: Status = Status.planned

    @strawberry.field(description="Year in the Buddhist Era (CE + 543).")
    def year_be(self) -> int:
        return be_year(self.year_ce)

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return typing.cast(Area | None, await _one(info, eq.PLAN_AREA, self.id))

    @strawberry.field
    async def goals(self, info: Info) -> list[Goal]:
        return await _many(info, eq.PLAN_GOALS, self.id)

    @strawberry.field
    async def mechanisms(self, info: Info) -> list[Mechanism]:
        return await _many(info, eq.PLAN_MECHANISMS, self.id)

    @strawberry.field(description="Bodies that presented it.")
    async def presented_by(self, info: Info) -> list[Organization]:
        return await _many(info, eq.PLAN_PRESENTED_BY, self.id)

    @strawberry.field(description="Meetings that decided it.")
    async def decided_at(self, info: Info) -> list[Event]:
        return await _many(info, eq.PLAN_DECIDED_AT, self.id)


@strawberry.type(description="A principle, goal or strategy of a plan.")
class Goal(Node):
    kind: GoalKind = GoalKind.goal
    text_th: str = ""
    text_en: str | None = None
    horizon: Horizon | None = None

    @strawberry.field
    async def plans(self, info: Info) -> list[Plan]:
        return await _many(info, eq.GOAL_PLANS, self.id)


@strawberry.type(description="A mechanism: a team, working group, shared tray, pool ...")
class Mechanism(Node):
    kind: MechanismKind = MechanismKind.work_system
    levels: list[AreaLevel] = dataclasses.field(default_factory=list)
    name_th: str = ""
    name_en: str | None = None
    description_th: str | None = None
    description_en: str | None = None

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return typing.cast(Area | None, await _one(info, eq.MECHANISM_AREA, self.id))

    @strawberry.field
    async def plans(self, info: Info) -> list[Plan]:
        return await _many(info, eq.MECHANISM_PLANS, self.id)

    @strawberry.field(description="The body, partnership or pool that carries it out.")
    async def embodied_by(self, info: Info) -> list[Node]:
        return await _many(info, eq.MECHANISM_EMBODIED_BY, self.id)


@strawberry.type(description="A meeting: when, where, who attended, what it decided.")
class Event(Node):
    name_th: str = ""
    name_en: str | None = None
    on: dt.date = dt.date(1970, 1, 1)
    place_th: str | None = None
    place_en: str | None = None
    attendance_more_than: int | None = None
    summary_th: str | None = None
    summary_en: str | None = None

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self) -> int:
        return be_year(self.on.year)

    @strawberry.field(description="The date in Thai with the Buddhist-era year.")
    def date_th(self) -> str:
        return thai_date(self.on) or ""

    @strawberry.field
    async def held_in(self, info: Info) -> Area | None:
        return typing.cast(Area | None, await _one(info, eq.EVENT_HELD_IN, self.id))

    @strawberry.field
    async def organized_by(self, info: Info) -> list[Organization]:
        return await _many(info, eq.EVENT_ORGANIZED_BY, self.id)

    @strawberry.field(description="People and bodies that attended, with their roles.")
    async def attendees(self, info: Info) -> list[Attendance]:
        related = await ctx(info).loaders.related(eq.EVENT_ATTENDEES).load(self.id)
        return [Attendance.build((r.label, r.node), self.row, r.rel) for r in related]

    @strawberry.field(description="What it decided: plans, mechanisms, partnerships, pools.")
    async def decided(self, info: Info) -> list[Node]:
        return await _many(info, eq.EVENT_DECIDED, self.id)


@strawberry.type(description="Attendance at a meeting.")
class Attendance:
    role: str | None
    role_th: str | None
    attendee_ref: strawberry.Private[tuple[str, Row]]
    event_row: strawberry.Private[Row]

    @classmethod
    def build(cls, attendee: tuple[str, Row], event: Row, rel: Row) -> Attendance:
        return cls(
            role=rel.get("role"),
            role_th=rel.get("role_th"),
            attendee_ref=attendee,
            event_row=event,
        )

    @strawberry.field(description="A Person or an Organization.")
    def attendee(self) -> Node | None:
        return as_node(*self.attendee_ref)

    @strawberry.field
    def event(self) -> Event:
        return build(Event, self.event_row)


NODE_TYPES: dict[str, type[Any]] = {
    "Area": Area,
    "Organization": Organization,
    "Person": Person,
    "Partnership": Partnership,
    "Resource": Resource,
    "Plan": Plan,
    "Goal": Goal,
    "Mechanism": Mechanism,
    "Event": Event,
}


# --- connections ---------------------------------------------------------------------------------


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list: `first` items after the cursor `after`.")
class Connection(Generic[T]):
    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def related_nodes(items: list[Related]) -> list[Any]:
    return [n for r in items if (n := as_node(r.label, r.node)) is not None]


__all__ = [
    "Allocation",
    "Area",
    "Attendance",
    "Connection",
    "Contact",
    "Contribution",
    "Edge",
    "Event",
    "Goal",
    "Mechanism",
    "Membership",
    "Mentorship",
    "Node",
    "Organization",
    "PageInfo",
    "Partnership",
    "PartyOf",
    "Person",
    "Plan",
    "Resource",
    "Source",
    "as_node",
    "build",
    "thai_date",
]
