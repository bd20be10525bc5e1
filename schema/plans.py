"""Plans for a level and a year (the 2566 BE plans), their goals and mechanisms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import plans as graph_plans
from graph import read
from graph.models import be_year
from schema.base import Node, lookup, related
from schema.organizations import Organization
from schema.prefetch import follows

if TYPE_CHECKING:
    from schema.areas import Area
    from schema.events import Event

AreaRef = Annotated["Area", strawberry.lazy("schema.areas")]
EventRef = Annotated["Event", strawberry.lazy("schema.events")]


PlanRef = Annotated["Plan", strawberry.lazy("schema.plans")]
GoalRef = Annotated["Goal", strawberry.lazy("schema.plans")]
MechanismRef = Annotated["Mechanism", strawberry.lazy("schema.plans")]


@strawberry.experimental.pydantic.type(
    model=read.Plan,
    all_fields=True,
    description="A plan for an area and a year (e.g. the 2566 BE plan); the year is stored in "
    "the Common Era (`yearCe`), `yearBe` gives it in the Buddhist Era.",
)
class Plan(Node):
    id: strawberry.ID

    @strawberry.field(description="Year in the Buddhist Era (CE + 543).")
    def year_be(self, root: strawberry.Parent[read.Plan]) -> int:
        return be_year(root.year_ce)

    @strawberry.field(metadata=follows(graph_plans.area, "Area"))
    def area(self, root: strawberry.Parent[read.Plan], info: Info) -> AreaRef | None:
        return related(info, root, graph_plans.area)

    @strawberry.field(metadata=follows(graph_plans.goals, "Goal"))
    def goals(self, root: strawberry.Parent[read.Plan], info: Info) -> list[GoalRef]:
        return related(info, root, graph_plans.goals)

    @strawberry.field(metadata=follows(graph_plans.mechanisms, "Mechanism"))
    def mechanisms(self, root: strawberry.Parent[read.Plan], info: Info) -> list[MechanismRef]:
        return related(info, root, graph_plans.mechanisms)

    @strawberry.field(
        description="Bodies that presented it.",
        metadata=follows(graph_plans.presented_by, "Organization"),
    )
    def presented_by(self, root: strawberry.Parent[read.Plan], info: Info) -> list[Organization]:
        return related(info, root, graph_plans.presented_by)

    @strawberry.field(
        description="Meetings that decided it.", metadata=follows(graph_plans.decided_at, "Event")
    )
    def decided_at(self, root: strawberry.Parent[read.Plan], info: Info) -> list[EventRef]:
        return related(info, root, graph_plans.decided_at)


@strawberry.experimental.pydantic.type(
    model=read.Goal, all_fields=True, description="A principle, goal or strategy of a plan."
)
class Goal(Node):
    id: strawberry.ID

    @strawberry.field(metadata=follows(graph_plans.goal_plans, "Plan"))
    def plans(self, root: strawberry.Parent[read.Goal], info: Info) -> list[PlanRef]:
        return related(info, root, graph_plans.goal_plans)


@strawberry.experimental.pydantic.type(
    model=read.Mechanism,
    all_fields=True,
    description="A mechanism: a team, working group, shared tray, pool ...",
)
class Mechanism(Node):
    id: strawberry.ID

    @strawberry.field(metadata=follows(graph_plans.mechanism_area, "Area"))
    def area(self, root: strawberry.Parent[read.Mechanism], info: Info) -> AreaRef | None:
        return related(info, root, graph_plans.mechanism_area)

    @strawberry.field(metadata=follows(graph_plans.mechanism_plans, "Plan"))
    def plans(self, root: strawberry.Parent[read.Mechanism], info: Info) -> list[PlanRef]:
        return related(info, root, graph_plans.mechanism_plans)

    @strawberry.field(
        description="The body, partnership or pool that carries it out.",
        metadata=follows(graph_plans.embodied_by, "Node"),
    )
    def embodied_by(self, root: strawberry.Parent[read.Mechanism], info: Info) -> list[Node]:
        return related(info, root, graph_plans.embodied_by)


@strawberry.type
class PlanQueries:
    @strawberry.field(description="One plan by id.")
    async def plan(self, info: Info, id: strawberry.ID) -> PlanRef | None:
        return await lookup(info, "Plan", id)

    @strawberry.field(description="One goal by id.")
    async def goal(self, info: Info, id: strawberry.ID) -> GoalRef | None:
        return await lookup(info, "Goal", id)

    @strawberry.field(description="One mechanism by id.")
    async def mechanism(self, info: Info, id: strawberry.ID) -> MechanismRef | None:
        return await lookup(info, "Mechanism", id)
