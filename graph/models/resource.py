"""Shared resources: pooled funds (กองคลัง), budgets, venues, expertise; who gives and who gets."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from graph.models.common import AreaLevel, Id, Named, Record, ShortText
from graph.models.partnership import Status


class ResourceKind(StrEnum):
    pooled_fund = "pooled_fund"  # กองคลัง / กองทุนร่วม
    budget = "budget"
    venue = "venue"
    expertise = "expertise"
    equipment = "equipment"
    land = "land"


class Resource(Named):
    kind: ResourceKind
    level: AreaLevel
    status: Status = Status.active
    unit: ShortText = "THB"
    stewards: list[Id] = Field(default_factory=list, description="Organizations that manage it.")
    serves: list[Id] = Field(default_factory=list, description="Areas it serves.")
    pooled_into: Id | None = Field(default=None, description="A pool one level up it feeds.")
    description_th: str | None = None
    description_en: str | None = None


class Contribution(Record):
    """(Organization)-[:CONTRIBUTED]->(Resource): how much, when."""

    id: Annotated[Id, StringConstraints(pattern=r"^contrib:")]
    contributor: Id
    resource: Id
    amount: float = Field(ge=0)
    on: dt.date
    in_kind: bool = False


class Allocation(Record):
    """(Resource)-[:ALLOCATED_TO]->(Organization|Partnership): how much, when, for what."""

    id: Annotated[Id, StringConstraints(pattern=r"^alloc:")]
    resource: Id
    recipient: Id
    amount: float = Field(ge=0)
    on: dt.date
    purpose_th: str | None = None
    purpose_en: str | None = None
