"""Where the graph lives: one small interface, one implementation per engine.

The rest of the code talks Bolt and Cypher through ``graph.db.Graph`` and never asks which
engine is behind it. What does differ (how to get a Bolt endpoint, how to build a full-text
index) is here and in ``graph.engine.dialect``.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.engine.dialect import Dialect
from graph.settings import Settings


class EngineError(RuntimeError):
    """The engine could not be started or reached; the message says why and what to do."""


@dataclass(frozen=True)
class BoltEndpoint:
    uri: str
    user: str
    password: str
    database: str


class Engine(ABC):
    """A source of one Bolt endpoint, plus the statements only that engine understands."""

    name: str
    dialect: Dialect

    @abstractmethod
    def start(self) -> BoltEndpoint:
        """Make the engine reachable and return where; idempotent."""

    @abstractmethod
    def stop(self) -> None:
        """Release what ``start`` took; safe to call twice."""

    @abstractmethod
    def run_admin(self, statement: str) -> None:
        """Run one statement in the engine's own admin language (DDL Cypher cannot express)."""

    def describe(self) -> str:
        return self.name

    def rediscover(self) -> BoltEndpoint | None:
        """Where the engine is now, when it moved since ``start`` (another process's engine that
        restarted on new ports); None when it did not or cannot move."""
        return None

    def storage_trouble(self) -> str | None:
        """Why writes may be failing for lack of room (disk full), or None."""
        return None

    def can_bulk_create(self) -> bool:
        """Whether ``bulk_create`` writes here (else it returns False and writes nothing)."""
        return False

    def bulk_create(
        self,
        nodes: dict[str, list[dict[str, Any]]],
        rels: dict[tuple[str, str, str], list[dict[str, Any]]],
        progress: Callable[[str, int, int], None] | None = None,
        rids: dict[str, str] | None = None,
    ) -> bool:
        """Create ``nodes`` (label -> rows with ``props``) and ``rels`` ((type, source label,
        target label) -> rows with ``from``, ``to``, ``props``) with the engine's own importer:
        a first load, not one transaction. A relationship may end at a node created here or
        at one ``rids`` knows (the engine's record id by node id: ``node_rids``, or an earlier
        call's, which adds its own); any other end fails the call before anything is written.
        False when this engine offers no importer here: the caller then goes through Cypher
        (``graph.backup.bulk_create``)."""
        return False

    def node_rids(self) -> dict[str, str]:
        """The engine's record id of every node with an ``id``, for ``bulk_create``."""
        return {}

    @contextlib.contextmanager
    def search_indexes_after(self) -> Iterator[None]:
        """Around a first load into an (almost) empty graph through ``bulk_create``: the
        full-text indexes built once after it instead of grown row by row, where that is faster
        here; they are there again when the block ends, however it ends. A process killed
        inside leaves them missing until the next start's ``migrate`` makes them again
        (``restore_search_indexes``)."""
        yield

    def restore_search_indexes(self) -> None:
        """Make any full-text index ``search_indexes_after`` left missing (a start after a
        load that was killed); nothing where it has none to make or cannot make them here."""
        return None


def engine_from_settings(settings: Settings) -> Engine:
    if settings.engine_kind == "neo4j":
        from graph.engine.neo4j import Neo4jEngine

        return Neo4jEngine(settings)
    from graph.engine.embedded import EmbeddedEngine

    return EmbeddedEngine(settings)


__all__ = ["BoltEndpoint", "Engine", "EngineError", "engine_from_settings"]
