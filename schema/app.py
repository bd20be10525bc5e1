"""The /graphql router."""

from __future__ import annotations

import strawberry
from strawberry.fastapi import GraphQLRouter

from graph.settings import Settings
from schema.context import context_getter


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


def graphql_router(settings: Settings) -> GraphQLRouter:
    schema = strawberry.Schema(query=Query)
    return GraphQLRouter(schema, context_getter=context_getter(settings))
