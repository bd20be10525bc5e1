"""Statements of JSON Lines export, backup and restore (``graph.backup``).

Labels and relationship types come from the registry and ``REL_TYPES`` (closed sets in code),
never from a file being restored; values are parameters.
"""

from __future__ import annotations

from typing import LiteralString, cast

from graph.queries.areas import below
from graph.queries.load import REL_TYPES
from graph.registry import NODE_LABELS

# Nodes kept besides the network itself: accounts and the history of changes (a backup holds
# them; an export for someone who may not see personal data does not). ``Migration`` and
# ``SeedState`` describe the database, not the network: a restored graph gets its own.
BOOKKEEPING_LABELS: tuple[str, ...] = ("Account", "Change")
EXPORT_LABELS: tuple[str, ...] = (*NODE_LABELS, *BOOKKEEPING_LABELS)
EXPORT_REL_TYPES: tuple[str, ...] = tuple(sorted(REL_TYPES))

# --- export --------------------------------------------------------------------------------------

NODES_OF_LABEL: dict[str, LiteralString] = {
    label: cast(LiteralString, f"MATCH (n:{label}) RETURN properties(n) AS props")
    for label in EXPORT_LABELS
}

RELS_OF_TYPE: dict[str, LiteralString] = {
    rel: cast(
        LiteralString,
        f"MATCH (a)-[r:{rel}]->(b) RETURN a.id AS from, b.id AS to, properties(r) AS props",
    )
    for rel in EXPORT_REL_TYPES
}

# What makes up an area's subtree: its areas, the entities tied to one of them (as a write's
# scope is: graph.queries.writes.areas_of), the goals of its plans and the sources cited.
SUBTREE_AREAS = f"""
MATCH {below("(root:Area {id: $area})")}(a:Area)
RETURN DISTINCT a.id AS id
"""

SUBTREE_ENTITIES = f"""
MATCH {below("(root:Area {id: $area})")}(a:Area)
MATCH (a)<-[:LOCATED_IN|WORKS_IN|COVERS|SERVES|FOR_AREA|OPERATES_IN|HELD_IN]-(x)
RETURN DISTINCT x.id AS id
"""

GOALS_OF_PLANS = """
UNWIND $plans AS plan_id
MATCH (:Plan {id: plan_id})-[:HAS_GOAL]->(g:Goal)
RETURN DISTINCT g.id AS id
"""

# What a backup compares before and after reading: any write through the API adds a Change.
FINGERPRINT = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () { MATCH (c:Change) RETURN count(c) AS changes, max(c.at) AS last_change }
RETURN nodes, relationships, changes, last_change
"""

# --- restore -------------------------------------------------------------------------------------

# Anything but the database's own bookkeeping makes a graph non-empty.
ANY_CONTENT = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:SeedState
RETURN count(n) AS nodes
LIMIT 1
"""

CREATE_NODES: dict[str, LiteralString] = {
    label: cast(
        LiteralString,
        f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.props RETURN count(n) AS created",
    )
    for label in EXPORT_LABELS
}


def create_relationships(rel: str, source: str, target: str) -> LiteralString:
    """Relationships of one type between two labels, each endpoint found by its unique id."""
    if rel not in REL_TYPES or source not in NODE_LABELS or target not in NODE_LABELS:
        raise ValueError(f"unknown relationship {source}-[{rel}]->{target}")
    return cast(
        LiteralString,
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{source} {{id: row.from}})\n"
        f"MATCH (b:{target} {{id: row.to}})\n"
        f"CREATE (a)-[r:{rel}]->(b) SET r = row.props\n"
        f"RETURN count(r) AS created",
    )
