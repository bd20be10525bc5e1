"""Statements of spreadsheet import and export: the area name table, many records at once,
the file as a Source, revisions and history in batches, and what an export lists.

Labels come from the registry (closed set); values are parameters.
"""

from __future__ import annotations

from functools import cache

from graph.queries.areas import below
from graph.queries.writes import record_statement
from graph.registry import NODE_LABELS

# Every area with its parent: the table names are resolved against (about 8,500 rows).
AREA_TABLE = """
MATCH (a:Area)
OPTIONAL MATCH (a)-[:PART_OF]->(p:Area)
RETURN a.id AS id, a.code AS code, a.level AS level, a.name_th AS name_th,
       a.name_en AS name_en, coalesce(a.aliases, []) AS aliases, p.id AS parent
"""

COUNT_AREAS = "MATCH (a:Area) RETURN count(a) AS n"


@cache
def records_statement(label: str) -> str:
    """``record_statement`` for many ids at once (``$ids``); unknown ids give no row."""
    if label not in NODE_LABELS:
        raise ValueError(label)
    one = record_statement(label)
    head = f"MATCH (n:{label} {{id: $id}})"
    if not one.startswith(head):
        raise ValueError("record_statement changed shape")
    return f"UNWIND $ids AS id\nMATCH (n:{label} {{id: id}})" + one[len(head) :]


# Memberships by key (``$keys``: maps of person, organization, key).
MEMBERSHIPS_BY_KEY = """
UNWIND $keys AS k
MATCH (:Person {id: k.person})-[r:MEMBER_OF {key: k.key}]->(:Organization {id: k.organization})
RETURN k.person AS person, k.organization AS organization, properties(r) AS props
"""

# Contributions and allocations by id (``$ids``), with both ends.
FLOWS_BY_ID = """
UNWIND $ids AS fid
MATCH (res:Resource)-[r:CONTRIBUTED|ALLOCATED_TO]-(x)
WHERE r.id = fid
RETURN fid AS id, type(r) AS type, res.id AS resource, x.id AS other, properties(r) AS props
"""

# The imported file as a Source: created once per content (its checksum names it), so the
# same file imported again cites the same Source and changes nothing.
MERGE_FILE_SOURCE = """
MERGE (s:Source {id: $id})
ON CREATE SET s.kind = 'dataset', s.title_th = $title_th, s.title_en = $title_en,
              s.file = $file, s.checksum = $checksum, s.imported_by = $actor,
              s.imported_at = $at, s.note = $note
"""


@cache
def stamp_many(label: str) -> str:
    """Set each node's revision (``$rows``: id, revision) and who changed it when."""
    if label not in NODE_LABELS:
        raise ValueError(label)
    return (
        f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) "
        "SET n.revision = row.revision, n.updated_at = $at, n.updated_by = $actor"
    )


STAMP_MEMBERSHIPS = """
UNWIND $rows AS row
MATCH (:Person {id: row.person})-[r:MEMBER_OF {key: row.key}]->(:Organization {id: row.organization})
SET r.revision = row.revision, r.updated_at = $at, r.updated_by = $actor
"""

# One Change per record created or changed (``$rows``: the fields of CREATE_CHANGE).
CREATE_CHANGES = """
UNWIND $rows AS row
CREATE (c:Change {id: row.id, entity: row.entity, label: row.label, op: row.op,
                  before: row.before, after: row.after, actor: $actor, at: $at,
                  reason: $reason, source_ids: $source_ids, revision: row.revision,
                  areas: row.areas})
"""

# --- export: which records an export lists --------------------------------------------------------
# Each kind is listed by the area it is tied to (organizations where they are located, people
# where they work, partnerships where they work, resources where they serve, events where they
# were held); ``$within`` null lists them all.
_WITHIN = "MATCH " + below("(w:Area {id: $within})") + "(:Area)"
EXPORT_ALL = {
    "organizations": "MATCH (n:Organization) RETURN n.id AS id ORDER BY id",
    "people": "MATCH (n:Person) RETURN n.id AS id ORDER BY id",
    "partnerships": "MATCH (n:Partnership) RETURN n.id AS id ORDER BY id",
    "resources": "MATCH (n:Resource) RETURN n.id AS id ORDER BY id",
    "events": "MATCH (n:Event) RETURN n.id AS id ORDER BY id",
}
EXPORT_WITHIN = {
    "organizations": f"{_WITHIN}<-[:LOCATED_IN]-(n:Organization) RETURN DISTINCT n.id AS id",
    "people": f"{_WITHIN}<-[:WORKS_IN]-(n:Person) RETURN DISTINCT n.id AS id",
    "partnerships": f"{_WITHIN}<-[:COVERS]-(n:Partnership) RETURN DISTINCT n.id AS id",
    "resources": f"{_WITHIN}<-[:SERVES]-(n:Resource) RETURN DISTINCT n.id AS id",
    "events": f"{_WITHIN}<-[:HELD_IN]-(n:Event) RETURN DISTINCT n.id AS id",
}

MEMBERSHIPS_OF = """
UNWIND $ids AS pid
MATCH (:Person {id: pid})-[r:MEMBER_OF]->(o:Organization)
RETURN pid AS person, o.id AS organization, properties(r) AS props
"""

FLOWS_OF = """
UNWIND $ids AS rid
MATCH (:Resource {id: rid})-[r:CONTRIBUTED|ALLOCATED_TO]-(x)
RETURN rid AS resource, type(r) AS type, x.id AS other, properties(r) AS props
"""

# The graph for GraphML, GEXF and Cytoscape: nodes of the network (not history, accounts or
# migrations) and the relationships between them.
# (An area's subtree is cut from these in Python.)
GRAPH_NODES = """
MATCH (n)
WHERE n.id IS NOT NULL AND NOT n:Change AND NOT n:Account AND NOT n:Migration
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
"""

GRAPH_EDGES = """
MATCH (a)-[r]->(b)
WHERE a.id IS NOT NULL AND b.id IS NOT NULL
  AND NOT a:Change AND NOT a:Account AND NOT b:Change AND NOT b:Account
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props
"""

# The areas of a subtree and every node tied to one of them (an export's scope).
SUBTREE_IDS = f"""
MATCH {below("(w:Area {id: $within})")}(a:Area)
OPTIONAL MATCH (a)<-[:LOCATED_IN|WORKS_IN|COVERS|SERVES|HELD_IN|FOR_AREA|OPERATES_IN]-(x)
RETURN collect(DISTINCT a.id) + collect(DISTINCT x.id) AS ids
"""

# Counts per label and per relationship type (the import round trip is checked with them).
COUNT_LABELS = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label"
COUNT_TYPES = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type"
