"""Open the configured engine, connect the one driver, bring the schema up to date."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graph.db import Graph
from graph.engine import Engine, engine_from_settings
from graph.load import MigrationProgress
from graph.migrations import migrate
from graph.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    graph: Graph


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    apply_migrations: bool = True,
    migration_progress: MigrationProgress | None = None,
) -> AsyncIterator[Runtime]:
    engine = engine_from_settings(settings)
    # The embedded engine starts its JVM on this thread; it takes about two seconds.
    endpoint = engine.start()
    try:
        graph = await Graph.connect(
            endpoint,
            engine.dialect,
            engine.name,
            rediscover=engine.rediscover,
            storage_trouble=engine.storage_trouble,
        )
        try:
            if apply_migrations:
                await migrate(graph, engine, migration_progress)
            yield Runtime(settings, engine, graph)
        finally:
            await graph.close()
    finally:
        engine.stop()
