"""Shared building blocks of the data contract: ids, provenance, dates, Thai-first names."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

# Every node has a stable string id, prefixed by its kind so ids are unique across labels:
# area:71, org:codi, person:thiraphong, src:geothai ...
Id = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*:[A-Za-z0-9][A-Za-z0-9._\-]*$", max_length=120)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

BE_OFFSET = 543  # Buddhist Era year = Common Era year + 543


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


class AreaLevel(StrEnum):
    """From the whole country down to a community; the article's levels sit in between."""

    country = "country"
    region = "region"
    province_group = "province_group"
    province = "province"
    district = "district"
    subdistrict = "subdistrict"
    community = "community"


# Depth of each level in the tree; the rollups walk it.
LEVEL_ORDER: tuple[AreaLevel, ...] = tuple(AreaLevel)


class Record(BaseModel):
    """Base of every stored record: strict, immutable, with provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source_ids: list[Id] = Field(default_factory=list, description="Sources stating this fact.")
    synthetic: bool = Field(default=False, description="Generated demo data, not a fact.")
    assumption: bool = Field(
        default=False, description="Editable data the sources do not state (see its note)."
    )
    note: str | None = None


class Node(Record):
    id: Id


class Named(Node):
    """Thai first, English beside it."""

    name_th: ShortText
    name_en: ShortText | None = None


class Dated(BaseModel):
    """Validity of a relationship; open ends are allowed."""

    start_on: dt.date | None = None
    end_on: dt.date | None = None
    as_of: dt.date | None = Field(default=None, description="Date the source observed it.")

    @field_validator("end_on")
    @classmethod
    def _end_after_start(cls, v: dt.date | None, info: object) -> dt.date | None:
        start = getattr(info, "data", {}).get("start_on")
        if v is not None and start is not None and v < start:
            raise ValueError("end_on is before start_on")
        return v
