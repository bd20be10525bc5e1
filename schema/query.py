"""The root Query: every domain's lookups, lists and questions in one type."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graph.errors import NotFound
from graph.registry import ENTITY_LABELS, label_of
from schema.areas import AreaQueries
from schema.base import Node, Source, lookup
from schema.events import EventQueries
from schema.mutations import HistoryQueries
from schema.network import NetworkQueries
from schema.organizations import OrganizationQueries
from schema.partnerships import PartnershipQueries
from schema.people import PersonQueries
from schema.plans import PlanQueries
from schema.resources import ResourceQueries
from schema.search import SearchQueries


@strawberry.type(description="Ask the network (ถามเครือข่าย).")
class Query(
    AreaQueries,
    OrganizationQueries,
    PersonQueries,
    PartnershipQueries,
    ResourceQueries,
    PlanQueries,
    EventQueries,
    NetworkQueries,
    SearchQueries,
    HistoryQueries,
):
    @strawberry.field(description="Any entity by id (area:71, org:codi, person:...).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        label = label_of(id)
        if label not in ENTITY_LABELS:
            raise NotFound("node", id)
        return await lookup(info, label, id)

    @strawberry.field(description="A source of facts by id (src:geothai ...).")
    async def source(self, info: Info, id: strawberry.ID) -> Source | None:
        return await lookup(info, "Source", id)
