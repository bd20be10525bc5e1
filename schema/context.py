"""Per-request context: the graph, fresh DataLoaders, and what this caller may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from strawberry.fastapi import BaseContext

from graph.db import Graph
from graph.settings import Settings


@dataclass
class Context(BaseContext):
    graph: Graph
    settings: Settings
    can_see_contact: bool = False
    loaders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()


def context_getter(settings: Settings):  # type: ignore[no-untyped-def]
    async def get_context(request: Request) -> Context:
        graph: Graph = request.app.state.runtime.graph
        return Context(graph=graph, settings=settings, can_see_contact=False)

    return get_context
