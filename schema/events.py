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
    def year_be(self) -> int:
        return be_year(self.on.year)

    @strawberry.field(description="The date in Thai with the Buddhist-era year.")
    def date_th(self) -> str:
        return thai_date(self.on) or ""

    @strawberry.field(metadata=follows(events.held_in, "Area"))
    def held_in(self, info: Info) -> AreaRef | None:
        return related(info, self, events.held_in)  # type: ignore[no-any-return]

    @strawberry.field(metadata=follows(events.organized_by, "Organization"))
    def organized_by(self, info: Info) -> list[Organization]:
        return related(info, self, events.organized_by)  # type: ignore[no-any-return]

    @strawberry.field(
        description="People and bodies that attended, with their roles.",
        metadata=follows(events.attendees, "Attendance", via="attendee"),
    )
    def attendees(self, info: Info) -> list[AttendanceRef]:
        return related(info, self, events.attendees)  # type: ignore[no-any-return]

    @strawberry.field(
        description="What it decided: plans, mechanisms, partnerships, pools.",
        metadata=follows(events.decided, "Node"),
    )
    def decided(self, info: Info) -> list[Node]:
        return related(info, self, events.decided)  # type: ignore[no-any-return]


@strawberry.experimental.pydantic.type(
    model=read.Attendance,
    all_fields=True,
    description="Attendance at a meeting, with the role (spoke, chaired, attended ...).",
)
class Attendance(Sourced):
    @strawberry.field(description="A Person or an Organization.")
    def attendee(self) -> Node:
        return self.get_related("attendee")  # type: ignore[attr-defined,no-any-return]

    @strawberry.field
    def event(self) -> Event:
        return self.get_related("event")  # type: ignore[attr-defined,no-any-return]


@strawberry.type
class EventQueries:
    @strawberry.field(description="One meeting by id.")
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        return await lookup(info, "Event", id)  # type: ignore[no-any-return]

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
