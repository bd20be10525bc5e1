"""What every part of the schema shares: the Node interface, sources, enums, pages of lists,
dates in Thai, and how a field reads a relation (fetched with its node, or loaded)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from graph import read
from graph.entities import RelationOf
from graph.errors import NotFound
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
)
from schema.context import ctx
from schema.prefetch import plan_for_relation, plan_of

T = TypeVar("T")

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


def thai_date(day: dt.date | None) -> str | None:
    """A date as Thai readers write it, with the Buddhist-era year: 19 พฤศจิกายน 2565."""
    if day is None:
        return None
    from pythainlp.util import thai_strftime

    return thai_strftime(dt.datetime(day.year, day.month, day.day), "%-d %B %Y")


def related(info: Info, node: Any, relation: RelationOf) -> Any:
    """A relation of ``node``: as fetched with it, or (an awaitable) loaded for every node of the
    request that needs it, in one round trip."""
    if node.loaded(relation.name):
        return node.get_related(relation.name)
    return ctx(info).loaders.related(relation, plan_for_relation(info)).load(node)


async def resolved(value: Any) -> Any:
    """A resolver's value, awaited when it is awaitable (a loader's future)."""
    return await value if inspect.isawaitable(value) else value


def then(value: Any, step: Callable[[Any], Any]) -> Any:
    """``step(value)``, now when ``value`` is at hand (a relation fetched with its node), else
    (an awaitable) once it is loaded. A resolver written with it is plain where it can be: an
    ``async`` resolver costs a coroutine and a trip through graphql-core's awaiting for every
    object it is asked of, which for a relation fetched with its node is all cost."""
    if not inspect.isawaitable(value):
        return step(value)

    async def later() -> Any:
        return step(await value)

    return later()


async def lookup(info: Info, label: str, node_id: str) -> Any:
    """One node by id, fetched with what the request asks of it; ``NotFound`` when unknown."""
    found = await ctx(info).loaders.node(label, plan_of(info)).load(node_id)
    if found is None:
        raise NotFound(label, node_id)
    return found


async def sources_of(info: Info, ids: list[str]) -> list[Source]:
    found = await ctx(info).loaders.node("Source").load_many(ids)
    return [s for s in found if s is not None]


@strawberry.experimental.pydantic.type(
    model=read.Source,
    all_fields=True,
    description="A source of facts: the article, the geothai dataset, or demo data.",
)
class Source:
    id: strawberry.ID


@strawberry.interface(description="An entity of the network, with a stable id and provenance.")
class Node:
    id: strawberry.ID
    synthetic: bool = strawberry.field(description="Generated demo data, not a fact.")
    assumption: bool = strawberry.field(
        description="Editable data the sources do not state; see `note`."
    )
    note: str | None
    source_ids: list[str] = strawberry.field(description="Ids of the sources stating it.")

    @strawberry.field(description="Where this fact comes from.")
    async def sources(self, root: strawberry.Parent[read.Provenance], info: Info) -> list[Source]:
        return await sources_of(info, root.source_ids)


@strawberry.interface(description="Where a relationship's fact comes from.")
class Sourced:
    synthetic: bool
    assumption: bool
    source_ids: list[str]

    @strawberry.field(description="Where this fact comes from.")
    async def sources(self, root: strawberry.Parent[read.Provenance], info: Info) -> list[Source]:
        return await sources_of(info, root.source_ids)


# --- pages of lists ------------------------------------------------------------------------------


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
