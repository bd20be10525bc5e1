"""Per-request context: the graph, fresh DataLoaders, and what this caller may see."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import Request
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graph.db import Graph
from graph.settings import Settings
from schema.errors import PageSizeExceeded
from schema.loaders import Loaders


@dataclass
class Context(BaseContext):
    graph: Graph
    settings: Settings
    can_see_contact: bool = False
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.graph)

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


def _may_see_contact(request: Request, settings: Settings) -> bool:
    """Personal contact data is for callers holding KB_CONTACT_TOKEN; nobody, when unset."""
    if settings.contact_token is None:
        return False
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.encode(), settings.contact_token.get_secret_value().encode())


def context_getter(settings: Settings) -> Callable[[Request], Awaitable[Context]]:
    async def get_context(request: Request) -> Context:
        graph: Graph = request.app.state.runtime.graph
        return Context(
            graph=graph, settings=settings, can_see_contact=_may_see_contact(request, settings)
        )

    return get_context
