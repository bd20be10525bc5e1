"""Meetings: when, where, who attended, what they decided."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.models.common import Id, Named, ShortText


class Attendance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    attendee: Id  # a person or an organization/body
    role: ShortText = "participant"
    role_th: ShortText | None = None


class Event(Named):
    on: dt.date
    place_th: str | None = None
    place_en: str | None = None
    held_in: Id | None = None
    organized_by: list[Id] = Field(default_factory=list)
    attendance_more_than: int | None = Field(default=None, ge=0)
    attendees: list[Attendance] = Field(default_factory=list)
    decided: list[Id] = Field(default_factory=list, description="Plans, goals, mechanisms ...")
    summary_th: str | None = None
    summary_en: str | None = None

    @model_validator(mode="after")
    def _one_role_per_attendee(self) -> Event:
        seen: set[str] = set()
        for a in self.attendees:
            if a.attendee in seen:
                raise ValueError(f"{a.attendee} is listed twice among the attendees")
            seen.add(a.attendee)
        return self
