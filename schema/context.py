"""Per-request context: the graph, fresh DataLoaders, and who is asking (graph.accounts)."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graph.accounts import ANONYMOUS, Caller, Role, Unauthenticated, caller_for_token
from graph.accounts import looks_like_token as is_account_token
from graph.db import Graph
from graph.settings import Settings
from schema.errors import PageSizeExceeded
from schema.loaders import Loaders

# The caller holding the old shared KB_CONTACT_TOKEN: reads contact data, writes nothing.
LEGACY_CONTACT = Caller(role=Role.coordinator, account="contact-token", name="KB_CONTACT_TOKEN")


@dataclass
class Context(BaseContext):
    graph: Graph
    settings: Settings
    caller: Caller = ANONYMOUS
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.graph)

    @property
    def can_see_contact(self) -> bool:
        return self.caller.can_see_contact

    def page_size(self, first: int) -> int:
        """The requested page size, refused when outside 0..max_page_size."""
        if first < 0:
            raise PageSizeExceeded(f"first must not be negative (got {first})")
        if first > self.settings.max_page_size:
            raise PageSizeExceeded(
                f"first={first} is more than the maximum page size of "
                f"{self.settings.max_page_size}; page through the results with `after`"
            )
        return first


def ctx(info: Info) -> Context:
    context: Context = info.context
    return context


async def caller_of(request: Request, graph: Graph, settings: Settings) -> Caller:
    """Who presents the request's bearer token: an account's token (graph.accounts), or the
    legacy shared contact token; anonymous without one. A token that stands for nobody is
    refused with 401, never silently treated as anonymous."""
    header = request.headers.get("authorization", "")
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "expected Authorization: Bearer <token>")
    legacy = settings.contact_token
    if legacy is not None and hmac.compare_digest(
        token.encode(), legacy.get_secret_value().encode()
    ):
        return LEGACY_CONTACT
    if not is_account_token(token):
        raise HTTPException(401, "unknown token")
    try:
        return await caller_for_token(graph, token)
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc)) from None


def context_getter(settings: Settings) -> Callable[[Request], Awaitable[Context]]:
    async def get_context(request: Request) -> Context:
        graph: Graph = request.app.state.runtime.graph
        return Context(
            graph=graph, settings=settings, caller=await caller_of(request, graph, settings)
        )

    return get_context
