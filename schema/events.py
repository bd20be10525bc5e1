"""Meetings: when, where, who attended and how, what they decided."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import events, read
from graph.models import be_year
from schema.base import Connection, Node, Sourced, lookup, related, thai_date
from schema.lists import page
from schema.organizations import Organization
from schema.prefetch import follows

if TYPE_CHECKING:
    from schema.areas import Area

AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]


AttendanceRef = Annotated["Attendance", strawberry.lazy("schema.events")]


@strawberry.experimental.pydantic.type(
    model=read.Event,
    all_fields=True,
    description="A meeting: when, where, who attended, what it decided.",
)
class Event(Node):
    id: strawberry.ID

    @strawberry.field(description="Year in the Buddhist Era.")
    def year_be(self, root: strawberry.Parent[read.Event]) -> int:
        return be_year(root.on.year)

    @strawberry.field(description="The date in Thai with the Buddhist-era year.")
    def date_th(self, root: strawberry.Parent[read.Event]) -> str:
        return thai_date(root.on) or ""

    @strawberry.field(metadata=follows(events.held_in, "Area"))
    def held_in(self, root: strawberry.Parent[read.Event], info: Info) -> AreaRef | None:
        return related(info, root, events.held_in)

    @strawberry.field(metadata=follows(events.organized_by, "Organization"))
    def organized_by(self, root: strawberry.Parent[read.Event], info: Info) -> list[Organization]:
        return related(info, root, events.organized_by)

    @strawberry.field(
        description="People and bodies that attended, with their roles.",
        metadata=follows(events.attendees, "Attendance", via="attendee"),
    )
    def attendees(self, root: strawberry.Parent[read.Event], info: Info) -> list[AttendanceRef]:
        return related(info, root, events.attendees)

    @strawberry.field(
        description="What it decided: plans, mechanisms, partnerships, pools.",
        metadata=follows(events.decided, "Node"),
    )
    def decided(self, root: strawberry.Parent[read.Event], info: Info) -> list[Node]:
        return related(info, root, events.decided)


@strawberry.experimental.pydantic.type(
    model=read.Attendance,
    all_fields=True,
    description="Attendance at a meeting, with the role (spoke, chaired, attended ...).",
)
class Attendance(Sourced):
    @strawberry.field(description="A Person or an Organization.")
    def attendee(self, root: strawberry.Parent[read.Attendance]) -> Node:
        return root.get_related("attendee")

    @strawberry.field
    def event(self, root: strawberry.Parent[read.Attendance]) -> Event:
        return root.get_related("event")


@strawberry.type
class EventQueries:
    @strawberry.field(description="One meeting by id.")
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        return await lookup(info, "Event", id)

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
        return await page(
            info,
            "Event",
            first,
            after,
            within=within,
            synthetic=synthetic,
            **{"from": from_, "to": to},
        )
