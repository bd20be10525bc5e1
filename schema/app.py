"""The GraphQL schema with its limits, and the /graphql router (GraphiQL in the browser)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionResult

from graph.db import time_limit
from graph.settings import Settings
from schema.context import context_getter
from schema.errors import classify
from schema.execution import executor_for
from schema.limits import (
    CostCache,
    DatabaseRoundTrips,
    Pricing,
    QueryCost,
    alias_rule,
    depth_rule,
)
from schema.mutations import Mutation
from schema.query import Query

log = logging.getLogger(__name__)


class KBSchema(strawberry.Schema):
    """The schema, with two policies applied to every operation's result: a time limit
    (TIMEOUT after ``timeout`` seconds) and error codes on every error (schema.errors)."""

    def __init__(self, *args: Any, timeout: float, fast_leaves: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout
        if fast_leaves:
            # Plain leaf fields completed in one step (schema.execution); which fields those
            # are is known once the GraphQL schema is built, which is here.
            self.execution_context_class = executor_for(self._schema)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            # The engine gets the time left with every statement (graph.db.time_limit): on
            # Neo4j a statement cancelled here is stopped there too, at the latest by then.
            # asyncio.timeout, not wait_for: the operation runs in this task instead of one more
            # task of its own for every request.
            with time_limit(self.timeout):
                async with asyncio.timeout(self.timeout):
                    result = await super().execute(*args, **kwargs)
        except TimeoutError:
            log.warning("GraphQL operation cancelled after %.1fs", self.timeout)
            error = GraphQLError(
                f"the query took longer than the {self.timeout:g} s this server allows",
                extensions={"code": "TIMEOUT"},
            )
            return ExecutionResult(data=None, errors=[error])
        if result.errors:
            result.errors = [classify(e) for e in result.errors]
            _unavailable_is_503(result, kwargs.get("context_value"))
        return result

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Logged by ``classify`` instead: only unexpected errors, once, with their traceback."""


def _unavailable_is_503(result: ExecutionResult, context: Any) -> None:
    """With the engine gone, the HTTP status says so too (load balancers and probes read it)."""
    codes = {(e.extensions or {}).get("code") for e in result.errors or []}
    response = getattr(context, "response", None)
    if "SERVICE_UNAVAILABLE" in codes and response is not None:
        response.status_code = 503


def build_schema(settings: Settings) -> strawberry.Schema:
    # The depth and alias limits are validation rules. Each limiter instance makes new rule
    # classes, and the validation cache is keyed by the rules: made per request they would
    # never hit the cache, and every request would be validated again (a third of a nested
    # read's time). Made once here, a document is validated once. Both rules are ours
    # (schema.limits): Strawberry's expand a fragment again at every spread of it.
    limit_rules: list[type[ASTValidationRule]] = [
        alias_rule(settings.max_aliases),
        depth_rule(settings.max_query_depth),
    ]
    pricing = Pricing(unpaged_list_size=settings.unpaged_list_size, max_hops=settings.max_hops)
    # Documents found within the cost limit, kept as the validation cache keeps documents found
    # valid: a dashboard asks the same few documents with other ids.
    cost_cache = CostCache(maxsize=256)
    return KBSchema(
        query=Query,
        mutation=Mutation,
        timeout=settings.request_timeout_s,
        fast_leaves=settings.fast_leaves,
        # Factories, so that every operation gets fresh extension instances.
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: AddValidationRules(limit_rules),
            lambda: QueryCost(
                max_cost=settings.max_query_cost,
                max_page_size=settings.max_page_size,
                pricing=pricing,
                cache=cost_cache,
            ),
            lambda: DatabaseRoundTrips(trace=settings.trace_statements),
        ],
    )


class _Router(GraphQLRouter[Any, Any]):
    """Strawberry's router, with the page GraphiQL is served in given by the caller: Strawberry's
    own page loads GraphiQL from a CDN, which shows a blank page without internet access."""

    def __init__(self, *args: Any, ide_html: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide_html = ide_html

    @property
    def graphql_ide_html(self) -> str:
        return self._ide_html if self._ide_html is not None else super().graphql_ide_html

    def encode_json(self, data: object) -> str:
        # Thai as UTF-8 rather than \uXXXX escapes (Strawberry's default): a third fewer
        # bytes for the same answer, at the same cost to encode (measured on a partner list:
        # 41,099 -> 27,935 bytes, 0.13 ms either way). JSON is UTF-8 by its definition.
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def graphql_router(settings: Settings, *, ide_html: str | None = None) -> GraphQLRouter[Any, Any]:
    """The /graphql router; ``ide_html`` is the page served to browsers (GET, Accept text/html)."""
    return _Router(
        build_schema(settings),
        context_getter=context_getter(settings),
        graphql_ide="graphiql",
        ide_html=ide_html,
    )
