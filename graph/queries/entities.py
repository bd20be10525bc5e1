"""Nodes by id, and the one-step neighbours of nodes, batched for the API's DataLoaders.

Every statement takes a list of ids (``$ids``) so that one round trip serves every item of a
GraphQL list. Results carry the key they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graph.queries.load import NODE_LABELS, REL_TYPES

NODES_BY_ID: dict[str, LiteralString] = {
    "Source": "UNWIND $ids AS id MATCH (n:Source {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Area": "UNWIND $ids AS id MATCH (n:Area {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Organization": (
        "UNWIND $ids AS id MATCH (n:Organization {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node"
    ),
    "Person": "UNWIND $ids AS id MATCH (n:Person {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Partnership": (
        "UNWIND $ids AS id MATCH (n:Partnership {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node"
    ),
    "Resource": "UNWIND $ids AS id MATCH (n:Resource {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Plan": "UNWIND $ids AS id MATCH (n:Plan {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Goal": "UNWIND $ids AS id MATCH (n:Goal {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Mechanism": "UNWIND $ids AS id MATCH (n:Mechanism {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
    "Event": "UNWIND $ids AS id MATCH (n:Event {id: id}) RETURN id AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node",
}

AREAS_BY_CODE = """
UNWIND $codes AS code
MATCH (n:Area {code: code})
RETURN code AS key, n {.*, search_text: null, search_words: null, content_hash: null} AS node
"""

# One step out from nodes of any label, in one round trip: each branch seeks its own label's
# unique index, so an id of another label costs nothing. Each branch keeps at most $cap rows,
# in a stable order, and only what a network view draws of each node. Used by the
# neighbourhood export.
NEIGHBOURS = """
UNWIND $ids AS id MATCH (a:Area {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Organization {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Person {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Partnership {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Resource {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Plan {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Goal {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Mechanism {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
UNION ALL
UNWIND $ids AS id MATCH (a:Event {id: id})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, b {.id, .name_th, .name_en, .name_latn, .text_th, .title_th, .kind, .level, .tier, .synthetic} AS node,
       type(r) AS type, startNode(r) = a AS out, r {.key, .id} AS rel ORDER BY key, type, b.id LIMIT $cap
"""


# --- one-step relations for nested fields --------------------------------------------------------
# A relation differs only in labels, type and direction, all from the closed sets in
# graph.queries.load, so its statement is built from a template (never from input).

_OUT = """
UNWIND $ids AS id
MATCH (a:{source} {{id: id}})-[r:{rel}]->(b{target})
RETURN id AS key, labels(b)[0] AS label, b {{.*, search_text: null, search_words: null, content_hash: null}} AS node, r {{.*, search_text: null, search_words: null, content_hash: null}} AS rel
ORDER BY key, b.id
"""
_IN = """
UNWIND $ids AS id
MATCH (a:{source} {{id: id}})<-[r:{rel}]-(b{target})
RETURN id AS key, labels(b)[0] AS label, b {{.*, search_text: null, search_words: null, content_hash: null}} AS node, r {{.*, search_text: null, search_words: null, content_hash: null}} AS rel
ORDER BY key, b.id
"""


@dataclass(frozen=True)
class Relation:
    """Nodes one relationship away from nodes of ``source``; ``target`` None means any label."""

    source: str
    rel: str
    target: str | None
    outgoing: bool = True

    def __post_init__(self) -> None:
        if self.source not in NODE_LABELS or (self.target and self.target not in NODE_LABELS):
            raise ValueError(f"unknown label in {self}")
        if self.rel not in REL_TYPES:
            raise ValueError(f"unknown relationship type in {self}")

    @property
    def statement(self) -> str:
        return (_OUT if self.outgoing else _IN).format(
            source=self.source, rel=self.rel, target=f":{self.target}" if self.target else ""
        )


AREA_PARENT = Relation("Area", "PART_OF", "Area")
AREA_CHILDREN = Relation("Area", "PART_OF", "Area", outgoing=False)
AREA_ORGANIZATIONS = Relation("Area", "LOCATED_IN", "Organization", outgoing=False)
AREA_EVENTS = Relation("Area", "HELD_IN", "Event", outgoing=False)
ORG_LOCATED_IN = Relation("Organization", "LOCATED_IN", "Area")
ORG_WORKS_IN = Relation("Organization", "WORKS_IN", "Area")
ORG_UNIT_OF = Relation("Organization", "UNIT_OF", "Organization")
ORG_UNITS = Relation("Organization", "UNIT_OF", "Organization", outgoing=False)
ORG_MEMBERS = Relation("Organization", "MEMBER_OF", "Person", outgoing=False)
ORG_PARTNERSHIPS = Relation("Organization", "PARTY_TO", "Partnership")
ORG_CONTRIBUTIONS = Relation("Organization", "CONTRIBUTED", "Resource")
ORG_STEWARDS = Relation("Organization", "STEWARDS", "Resource")
ORG_ALLOCATIONS = Relation("Organization", "ALLOCATED_TO", "Resource", outgoing=False)
ORG_ATTENDED = Relation("Organization", "ATTENDED", "Event")
PERSON_WORKS_IN = Relation("Person", "WORKS_IN", "Area")
PERSON_MEMBERSHIPS = Relation("Person", "MEMBER_OF", "Organization")
PERSON_MENTORS = Relation("Person", "MENTORS", "Person", outgoing=False)
PERSON_MENTEES = Relation("Person", "MENTORS", "Person")
PERSON_ATTENDED = Relation("Person", "ATTENDED", "Event")
PARTNERSHIP_PARTIES = Relation("Partnership", "PARTY_TO", "Organization", outgoing=False)
PARTNERSHIP_COVERS = Relation("Partnership", "COVERS", "Area")
PARTNERSHIP_ALLOCATIONS = Relation("Partnership", "ALLOCATED_TO", "Resource", outgoing=False)
RESOURCE_STEWARDS = Relation("Resource", "STEWARDS", "Organization", outgoing=False)
RESOURCE_SERVES = Relation("Resource", "SERVES", "Area")
RESOURCE_POOLED_INTO = Relation("Resource", "POOLED_INTO", "Resource")
RESOURCE_FEEDERS = Relation("Resource", "POOLED_INTO", "Resource", outgoing=False)
RESOURCE_CONTRIBUTIONS = Relation("Resource", "CONTRIBUTED", "Organization", outgoing=False)
RESOURCE_ALLOCATIONS = Relation("Resource", "ALLOCATED_TO", None)
PLAN_AREA = Relation("Plan", "FOR_AREA", "Area")
PLAN_GOALS = Relation("Plan", "HAS_GOAL", "Goal")
PLAN_MECHANISMS = Relation("Plan", "USES", "Mechanism")
PLAN_PRESENTED_BY = Relation("Plan", "PRESENTED", "Organization", outgoing=False)
PLAN_DECIDED_AT = Relation("Plan", "DECIDED", "Event", outgoing=False)
GOAL_PLANS = Relation("Goal", "HAS_GOAL", "Plan", outgoing=False)
MECHANISM_PLANS = Relation("Mechanism", "USES", "Plan", outgoing=False)
MECHANISM_AREA = Relation("Mechanism", "OPERATES_IN", "Area")
MECHANISM_EMBODIED_BY = Relation("Mechanism", "EMBODIED_BY", None)
EVENT_HELD_IN = Relation("Event", "HELD_IN", "Area")
EVENT_ORGANIZED_BY = Relation("Event", "ORGANIZED", "Organization", outgoing=False)
EVENT_ATTENDEES = Relation("Event", "ATTENDED", None, outgoing=False)
EVENT_DECIDED = Relation("Event", "DECIDED", None)
