"""Versioned schema migrations, applied in order, idempotently, at start-up and by `kb migrate`.

Each migration's statements are safe to run twice (IF NOT EXISTS), and the graph records the
versions applied in ``(:Migration {version})`` nodes, so a partly applied migration is simply
run again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from graph.db import Graph
from graph.engine import Engine
from graph.engine.dialect import FULLTEXT_LABELS, Statement
from graph.load import MigrationProgress, reindex_search_text
from graph.queries.load import RECORD_MIGRATION, SCHEMA_VERSION
from graph.queries.nodes import LOOKUP_INDEXES, UNIQUE_CONSTRAINTS
from graph.queries.writes import HISTORY_CONSTRAINTS

log = logging.getLogger(__name__)


# A migration's data step: the graph, and who hears of its progress (graph.load).
DataStep = Callable[..., Awaitable[object]]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: Callable[[Engine], list[Statement]]
    # Data the migration changes, after its statements (e.g. the search text made again).
    data: DataStep | None = None


def _cypher(texts: list[str]) -> Callable[[Engine], list[Statement]]:
    return lambda _engine: [Statement("cypher", t) for t in texts]


def _fulltext(engine: Engine) -> list[Statement]:
    return [s for label in FULLTEXT_LABELS for s in engine.dialect.fulltext_ddl[label]]


FULLTEXT_VERSION = 3

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "unique ids", _cypher(UNIQUE_CONSTRAINTS)),
    Migration(2, "lookup indexes", _cypher(LOOKUP_INDEXES)),
    Migration(FULLTEXT_VERSION, "full-text search over segmented Thai names", _fulltext),
    Migration(4, "accounts and the history of changes", _cypher(HISTORY_CONSTRAINTS)),
    Migration(
        5,
        "typo terms in the search text (a skeleton with a letter left out)",
        _cypher([]),
        data=reindex_search_text,
    ),
    Migration(
        6,
        "romanization syllable by syllable (graph.romanization): search text and nameLatn",
        _cypher([]),
        data=reindex_search_text,
    ),
    Migration(
        7,
        "a person's whole name's skeleton marked apart from its words' (graph.text.WHOLE_MARK)",
        _cypher([]),
        data=reindex_search_text,
    ),
)
LATEST = MIGRATIONS[-1].version


async def applied_versions(graph: Graph) -> dict[int, str]:
    rows = await graph.read(SCHEMA_VERSION)
    return {int(r["version"]): r["name"] for r in rows}


async def migrate(
    graph: Graph, engine: Engine, progress: MigrationProgress | None = None
) -> list[Migration]:
    """Apply every migration not yet recorded; return those applied now. A full-text index
    that a first load killed in the middle left missing is made again first
    (``Engine.search_indexes_after``)."""
    done = await applied_versions(graph)
    if FULLTEXT_VERSION in done:
        engine.restore_search_indexes()
    applied = []
    ran: set[DataStep] = set()
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for stmt in migration.statements(engine):
            if stmt.language == "sql":
                engine.run_admin(stmt.text)
            else:
                await graph.write(stmt.text)  # DDL from the constants above
        # A data step writes what this code makes (5 and 6 both write the search text again):
        # once per run is enough, however many pending migrations name it.
        if migration.data is not None and migration.data not in ran:
            await migration.data(graph, progress=progress)
            ran.add(migration.data)
        await graph.write(
            RECORD_MIGRATION,
            version=migration.version,
            name=migration.name,
            applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        log.info("migration %d applied: %s", migration.version, migration.name)
        applied.append(migration)
    return applied
