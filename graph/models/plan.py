"""Plans for a level and a year, their goals (near and far horizon) and mechanisms."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from graph.models.common import AreaLevel, Id, Named, Node
from graph.models.partnership import Status


class Plan(Named):
    year_ce: int = Field(ge=1900, le=2200, description="Stored in CE; the BE year is derived.")
    level: AreaLevel
    area: Id
    status: Status = Status.planned
    presented_by: list[Id] = Field(default_factory=list, description="Organizations/bodies.")


class GoalKind(StrEnum):
    principle = "principle"
    goal = "goal"
    strategy = "strategy"


class Horizon(StrEnum):
    near = "near"
    far = "far"


class Goal(Node):
    kind: GoalKind = GoalKind.goal
    text_th: str = Field(min_length=1)
    text_en: str | None = None
    horizon: Horizon | None = None
    plans: list[Id] = Field(default_factory=list)


class MechanismKind(StrEnum):
    management_team = "management_team"
    working_group = "working_group"
    shared_tray = "shared_tray"
    pool = "pool"
    budget_system = "budget_system"
    work_system = "work_system"
    representation = "representation"


class Mechanism(Named):
    kind: MechanismKind
    levels: list[AreaLevel] = Field(min_length=1)
    area: Id | None = None
    plans: list[Id] = Field(default_factory=list)
    embodied_by: list[Id] = Field(default_factory=list, description="Body, partnership, pool.")
    description_th: str | None = None
    description_en: str | None = None
