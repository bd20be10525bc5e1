"""Per-label statements, generated from the label registry (``graph.registry``).

Each statement differs between labels only in the label itself, which comes from the registry,
never from input; values are parameters. Reading them here, per label, is reading the
templates below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import LiteralString, cast

from graph.queries.projection import node_map
from graph.queries.relations import Plan, check_plan, projection
from graph.registry import BY_LABEL, LABELS, NODE_LABELS

# --- reads ---------------------------------------------------------------------------------------

_EXISTING = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id"
EXISTING_IDS: dict[str, LiteralString] = {
    s.label: cast(LiteralString, _EXISTING.format(label=s.label)) for s in LABELS
}

NODES_BY_ID: dict[str, LiteralString] = {
    s.label: cast(
        LiteralString,
        f"UNWIND $ids AS id MATCH (n:{s.label} {{id: id}}) "
        f"RETURN id AS key, {node_map(s.label, 'n')} AS node",
    )
    for s in LABELS
}


@lru_cache(maxsize=256)
def any_nodes_statement(plans: tuple[tuple[str, Plan], ...]) -> str:
    """Nodes of several labels by id (``$ids``) in one round trip: one branch per label, each an
    index seek, each node with its label's plan."""
    branches = []
    for label, plan in plans:
        check_plan(label, plan)
        branches.append(
            f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) "
            f"RETURN id AS key, '{label}' AS label, {projection(label, 'n', plan)} AS node"
        )
    return "\nUNION ALL\n".join(branches)


def any_existing_statement(labels: tuple[str, ...]) -> str:
    return "\nUNION ALL\n".join(EXISTING_IDS[label] for label in labels)


# --- writes --------------------------------------------------------------------------------------
# MERGE on the stable id, then SET the whole property map, so a second load changes nothing; a
# node whose stored content hash equals the new one is left untouched (its full-text entries are
# not rewritten). Returns the ids that existed before.
_UPSERT = """
UNWIND $rows AS row
MERGE (n:{label} {{id: row.id}})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""
UPSERT_NODES: dict[str, LiteralString] = {
    s.label: cast(LiteralString, _UPSERT.format(label=s.label)) for s in LABELS
}

# Nodes the graph does not hold yet (the loader has just looked): created outright, which the
# embedded engine does about three times faster than a MERGE (bench/results/NOTES.md).
CREATE_NODES: dict[str, LiteralString] = {
    s.label: cast(LiteralString, f"UNWIND $rows AS row CREATE (n:{s.label}) SET n = row.props")
    for s in LABELS
}

# --- schema --------------------------------------------------------------------------------------

UNIQUE_CONSTRAINTS: list[LiteralString] = [
    cast(
        LiteralString,
        f"CREATE CONSTRAINT {s.label.lower()}_{prop} IF NOT EXISTS "
        f"FOR (n:{s.label}) REQUIRE n.{prop} IS UNIQUE",
    )
    for s in LABELS
    for prop in s.unique
] + [
    "CREATE CONSTRAINT migration_version IF NOT EXISTS "
    "FOR (n:Migration) REQUIRE n.version IS UNIQUE"
]

LOOKUP_INDEXES: list[LiteralString] = [
    cast(
        LiteralString,
        f"CREATE INDEX {s.label.lower()}_{prop} IF NOT EXISTS FOR (n:{s.label}) ON (n.{prop})",
    )
    for s in LABELS
    for prop in s.indexes
]

# --- counts --------------------------------------------------------------------------------------

COUNT_NODES_BY_LABEL: LiteralString = cast(
    LiteralString,
    "\nUNION ALL ".join(
        f"MATCH (n:{label}) RETURN '{label}' AS label, count(n) AS count, "
        "sum(CASE WHEN n.synthetic = true THEN 1 ELSE 0 END) AS synthetic"
        for label in (*NODE_LABELS, "Migration")
    ),
)

assert set(BY_LABEL) == set(NODE_LABELS)


# --- the search text, made again by a migration (graph.load.reindex_search_text) ------------


def _known(label: str) -> str:
    if label not in BY_LABEL:
        raise ValueError(f"unknown label {label!r}")
    return label


@lru_cache(maxsize=16)
def ids_of(label: str) -> str:
    return f"MATCH (n:{_known(label)}) RETURN n.id AS id"


@lru_cache(maxsize=16)
def search_text_rows(label: str) -> str:
    """The stored properties of the nodes ``$ids``, search text included."""
    return f"UNWIND $ids AS id MATCH (n:{_known(label)} {{id: id}}) RETURN n.id AS id, n {{.*}} AS props"


@lru_cache(maxsize=16)
def set_name_latn(label: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (n:{_known(label)} {{id: row.id}}) "
        "SET n.name_latn = row.name_latn"
    )


@lru_cache(maxsize=16)
def set_search_text(label: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (n:{_known(label)} {{id: row.id}}) "
        "SET n.search_text = row.search_text"
    )
