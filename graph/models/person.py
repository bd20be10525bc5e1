"""People, their leadership tier, personal contact data, and who mentors whom."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.models.common import Dated, Id, Node, Record, ShortText


class Tier(StrEnum):
    core_leader = "core_leader"  # ผู้นำแกนหลัก
    second_tier_leader = "second_tier_leader"  # ผู้นำแถว 2
    member = "member"
    staff = "staff"  # เจ้าหน้าที่
    partner = "partner"  # ภาคี
    official = "official"


class Contact(BaseModel):
    """Personal data: stored, but never shown to a caller who may not see it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 \-]{6,20}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    line_id: str | None = Field(default=None, max_length=60)


class Person(Node):
    honorific_th: ShortText | None = None  # นาย นาง นางสาว
    given_name_th: ShortText
    family_name_th: ShortText | None = None
    given_name_en: ShortText | None = None
    family_name_en: ShortText | None = None
    tier: Tier | None = None
    works_in: list[Id] = Field(default_factory=list)
    contact: Contact | None = None

    @property
    def name_th(self) -> str:
        return " ".join(p for p in (self.given_name_th, self.family_name_th) if p)

    @property
    def name_en(self) -> str | None:
        parts = [p for p in (self.given_name_en, self.family_name_en) if p]
        return " ".join(parts) or None


class Mentorship(Record, Dated):
    """(mentor:Person)-[:MENTORS]->(mentee:Person)."""

    mentor: Id
    mentee: Id

    @model_validator(mode="after")
    def _not_self(self) -> Mentorship:
        if self.mentor == self.mentee:
            raise ValueError("a person cannot mentor themselves")
        return self

    @property
    def key(self) -> str:
        return f"{self.mentor}|{self.mentee}"
