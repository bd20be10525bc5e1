"""Partnerships as nodes of their own: two-party ties and many-party joint platforms (ถาดร่วม)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.models.common import AreaLevel, Dated, Id, Named, ShortText


class PartnershipKind(StrEnum):
    bilateral = "bilateral"
    shared_tray = "shared_tray"  # ถาดร่วม: a joint platform with other agencies
    network = "network"
    mou = "mou"
    project = "project"


class Status(StrEnum):
    proposed = "proposed"
    planned = "planned"  # decided, not yet running
    active = "active"
    ended = "ended"


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: Id
    role: ShortText = "party"
    role_th: ShortText | None = None


class Partnership(Named, Dated):
    kind: PartnershipKind
    level: AreaLevel
    status: Status = Status.active
    purpose_th: str | None = None
    purpose_en: str | None = None
    covers: list[Id] = Field(default_factory=list, description="Areas it works across.")
    parties: list[Party] = Field(default_factory=list)
