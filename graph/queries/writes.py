"""Statements of the write path: locks, revisions, the record as stored, scope, history.

Labels and relationship types come from the registry and the ``RECORD_LINKS`` table below,
never from input; values are parameters.
"""

from __future__ import annotations

from functools import cache

from graph.registry import BY_LABEL, NODE_LABELS

# How each relation field of a record is stored: relationship type, whether it points from the
# record's node, and its shape: "one" id, "many" ids, or a list of maps with a role
# ("roles:<field>": partnership parties, event attendees).
RECORD_LINKS: dict[str, dict[str, tuple[str, bool, str]]] = {
    "sources": {},
    "areas": {"parent": ("PART_OF", True, "one")},
    "organizations": {
        "located_in": ("LOCATED_IN", True, "one"),
        "works_in": ("WORKS_IN", True, "many"),
        "unit_of": ("UNIT_OF", True, "one"),
    },
    "people": {"works_in": ("WORKS_IN", True, "many")},
    "partnerships": {
        "covers": ("COVERS", True, "many"),
        "parties": ("PARTY_TO", False, "roles:organization"),
    },
    "resources": {
        "stewards": ("STEWARDS", False, "many"),
        "serves": ("SERVES", True, "many"),
        "pooled_into": ("POOLED_INTO", True, "one"),
    },
    "plans": {"area": ("FOR_AREA", True, "one"), "presented_by": ("PRESENTED", False, "many")},
    "goals": {"plans": ("HAS_GOAL", False, "many")},
    "mechanisms": {
        "area": ("OPERATES_IN", True, "one"),
        "plans": ("USES", False, "many"),
        "embodied_by": ("EMBODIED_BY", True, "many"),
    },
    "events": {
        "held_in": ("HELD_IN", True, "one"),
        "organized_by": ("ORGANIZED", False, "many"),
        "attendees": ("ATTENDED", False, "roles:attendee"),
        "decided": ("DECIDED", True, "many"),
    },
}


def _link_call(var: str, field: str, rel: str, outgoing: bool, shape: str) -> str:
    pattern = f"({var})-[r:{rel}]->(x)" if outgoing else f"({var})<-[r:{rel}]-(x)"
    if shape.startswith("roles:"):
        key = shape.split(":", 1)[1]
        item = f"{{{key}: x.id, role: r.role, role_th: r.role_th}}"
    else:
        item = "x.id"
    extra = ""
    if field == "parent":  # the area's PART_OF carries its own provenance
        extra = ", collect(r.source_ids) AS parent_source_ids, collect(r.assumption) AS parent_assumption"
    return (
        f"CALL ({var}) {{\n  OPTIONAL MATCH {pattern}\n  WITH r, x ORDER BY x.id\n"
        f"  RETURN collect({item}) AS {field}{extra}\n}}"
    )


@cache
def record_statement(label: str) -> str:
    """The node ``$id`` as stored: every property, and its relation fields as the record's ids."""
    section = BY_LABEL[label].section
    links = RECORD_LINKS[section]
    calls = "\n".join(_link_call("n", f, *spec) for f, spec in links.items())
    fields = ", ".join(links)
    extra = ", parent_source_ids, parent_assumption" if "parent" in links else ""
    returned = f", {fields}{extra}" if links else ""
    return f"MATCH (n:{label} {{id: $id}})\n{calls}\nRETURN properties(n) AS props{returned}"


# A write lock on the node before its revision is read: on Neo4j a property write takes the
# node's lock, and reads after it see the latest committed state, so two writers holding the
# same revision cannot both pass the check (the lost-update pattern of Neo4j's manual). The
# embedded engine detects the concurrent write at commit instead; the write is then retried.
@cache
def lock_statement(label: str) -> str:
    if label not in NODE_LABELS:
        raise ValueError(label)
    return f"MATCH (n:{label} {{id: $id}}) SET n._lock = true RETURN n.id AS id"


@cache
def stamp_statement(label: str) -> str:
    return (
        f"MATCH (n:{label} {{id: $id}}) "
        "SET n.revision = $revision, n.updated_at = $at, n.updated_by = $actor "
        "REMOVE n._lock"
    )


@cache
def delete_statement(label: str) -> str:
    return f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n"


# Relationship records (memberships, mentorships): one relationship found by its key.
LINK_RECORD = {
    "memberships": "MATCH (a:Person {id: $a})-[r:MEMBER_OF {key: $key}]->(b:Organization {id: $b}) "
    "SET r._lock = true RETURN properties(r) AS props",
    "mentorships": "MATCH (a:Person {id: $a})-[r:MENTORS {key: $key}]->(b:Person {id: $b}) "
    "SET r._lock = true RETURN properties(r) AS props",
}
STAMP_LINK = {
    "memberships": "MATCH (:Person {id: $a})-[r:MEMBER_OF {key: $key}]->(:Organization {id: $b}) "
    "SET r.revision = $revision, r.updated_at = $at, r.updated_by = $actor REMOVE r._lock",
    "mentorships": "MATCH (:Person {id: $a})-[r:MENTORS {key: $key}]->(:Person {id: $b}) "
    "SET r.revision = $revision, r.updated_at = $at, r.updated_by = $actor REMOVE r._lock",
}

# --- scope: the areas a record is tied to -----------------------------------------------------
# An area is itself; another node is tied to the areas it is located, working, covering,
# serving, planned, operating or held in, and a goal to its plans' areas.
_AREAS_OF = """
UNWIND $ids AS id
MATCH (x:{label} {{id: id}})
CALL (x) {{
  OPTIONAL MATCH (x)-[:LOCATED_IN|WORKS_IN|COVERS|SERVES|FOR_AREA|OPERATES_IN|HELD_IN]->(a:Area)
  RETURN collect(DISTINCT a.id) AS direct
}}
CALL (x) {{
  OPTIONAL MATCH (x)<-[:HAS_GOAL]-(:Plan)-[:FOR_AREA]->(a:Area)
  RETURN collect(DISTINCT a.id) AS via_plans
}}
RETURN id, {areas} AS areas
"""


@cache
def areas_of(label: str) -> str:
    """The areas each of ``$ids`` (nodes of ``label``) is tied to."""
    if label not in NODE_LABELS:
        raise ValueError(label)
    areas = "[id]" if label == "Area" else "direct + via_plans"
    return _AREAS_OF.format(label=label, areas=areas)


@cache
def unlock_statement(label: str) -> str:
    return f"MATCH (n:{label} {{id: $id}}) REMOVE n._lock"


# A contribution or allocation, by its id, from its resource.
KEYED_FLOW = (
    "MATCH (:Resource {id: $resource})-[r:CONTRIBUTED|ALLOCATED_TO]-() WHERE r.id = $id "
    "RETURN r.id AS id LIMIT 1"
)


# Each area with every area above it (itself included).
ANCESTORS = """
UNWIND $ids AS id
MATCH (a:Area {id: id})
OPTIONAL MATCH (a)-[:PART_OF*1..8]->(up:Area)
RETURN id, [id] + collect(DISTINCT up.id) AS above
"""

AREA_ID_BY_CODE = "MATCH (a:Area {code: $code}) RETURN a.id AS id"
AREA_LEVEL = "MATCH (a:Area {id: $id}) RETURN a.level AS level"

# --- history ------------------------------------------------------------------------------------

CREATE_CHANGE = """
CREATE (c:Change {id: $id, entity: $entity, label: $label, op: $op, before: $before,
                  after: $after, actor: $actor, at: $at, reason: $reason,
                  source_ids: $source_ids, revision: $revision, areas: $areas})
"""

_CHANGE = (
    "{id: c.id, entity: c.entity, label: c.label, op: c.op, before: c.before, after: c.after, "
    "actor: c.actor, at: c.at, reason: c.reason, source_ids: coalesce(c.source_ids, []), "
    "revision: c.revision}"
)

HISTORY = f"""
MATCH (c:Change {{entity: $id}})
RETURN {_CHANGE} AS change
ORDER BY c.at, c.revision
"""

CHANGES_SINCE = f"""
MATCH (c:Change)
WHERE c.at >= $since AND ($within IS NULL OR $within IN c.areas)
RETURN {_CHANGE} AS change
ORDER BY c.at, c.entity
LIMIT $limit
"""

# --- accounts -----------------------------------------------------------------------------------

CREATE_ACCOUNT = """
CREATE (a:Account {id: $id, name: $name, role: $role, areas: $areas, hash: $hash,
                   created_at: $at, expires_at: $expires_at, created_by: $actor})
"""
ACCOUNT_BY_ID = """
MATCH (a:Account {id: $id})
RETURN a.id AS id, a.name AS name, a.role AS role, coalesce(a.areas, []) AS areas,
       a.hash AS hash, a.created_at AS created_at, a.expires_at AS expires_at,
       a.revoked_at AS revoked_at
"""
LIST_ACCOUNTS = """
MATCH (a:Account)
RETURN a.id AS id, a.name AS name, a.role AS role, coalesce(a.areas, []) AS areas,
       a.created_at AS created_at, a.expires_at AS expires_at, a.revoked_at AS revoked_at
ORDER BY a.created_at
"""
REVOKE_ACCOUNT = """
MATCH (a:Account {id: $id}) SET a.revoked_at = $at RETURN a.id AS id
"""

HISTORY_CONSTRAINTS = [
    "CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX change_entity IF NOT EXISTS FOR (n:Change) ON (n.entity)",
    "CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at)",
]
