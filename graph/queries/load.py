"""Writes: batched upserts of nodes and the relationships between them.

Every statement takes its rows as ``$rows`` and is idempotent: MERGE on the stable id (or a
relationship's key), then SET the whole property map, so a second load changes nothing. A node
whose stored ``content_hash`` equals the new one is left untouched, so a rerun does not even
rewrite its full-text index entries. A node upsert returns the ids that existed before it: only
their relationships can need pruning, so a first load prunes nothing.
Relationships that a record owns as a list (an organization's ``works_in``) are replaced as a
set: links no longer in the data are pruned first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

# --- nodes ---------------------------------------------------------------------------------------

UPSERT_SOURCES = """
UNWIND $rows AS row
MERGE (n:Source {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_AREAS = """
UNWIND $rows AS row
MERGE (n:Area {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_ORGANIZATIONS = """
UNWIND $rows AS row
MERGE (n:Organization {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_PEOPLE = """
UNWIND $rows AS row
MERGE (n:Person {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_PARTNERSHIPS = """
UNWIND $rows AS row
MERGE (n:Partnership {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_RESOURCES = """
UNWIND $rows AS row
MERGE (n:Resource {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_PLANS = """
UNWIND $rows AS row
MERGE (n:Plan {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_GOALS = """
UNWIND $rows AS row
MERGE (n:Goal {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_MECHANISMS = """
UNWIND $rows AS row
MERGE (n:Mechanism {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_EVENTS = """
UNWIND $rows AS row
MERGE (n:Event {id: row.id})
WITH n, row, n.content_hash AS before
FOREACH (_ IN CASE WHEN before IS NULL THEN [1] ELSE [] END | SET n += row.props)
FOREACH (_ IN CASE WHEN before <> row.props.content_hash THEN [1] ELSE [] END | SET n = row.props)
RETURN collect(CASE WHEN before IS NOT NULL THEN row.id END) AS existing
"""

UPSERT_NODES: dict[str, LiteralString] = {
    "Source": UPSERT_SOURCES,
    "Area": UPSERT_AREAS,
    "Organization": UPSERT_ORGANIZATIONS,
    "Person": UPSERT_PEOPLE,
    "Partnership": UPSERT_PARTNERSHIPS,
    "Resource": UPSERT_RESOURCES,
    "Plan": UPSERT_PLANS,
    "Goal": UPSERT_GOALS,
    "Mechanism": UPSERT_MECHANISMS,
    "Event": UPSERT_EVENTS,
}

# Which of the given ids exist, per label, so each lookup is an index seek on every engine.
EXISTING_IDS_BY_LABEL: dict[str, LiteralString] = {
    "Source": "UNWIND $ids AS id MATCH (n:Source {id: id}) RETURN n.id AS id",
    "Area": "UNWIND $ids AS id MATCH (n:Area {id: id}) RETURN n.id AS id",
    "Organization": "UNWIND $ids AS id MATCH (n:Organization {id: id}) RETURN n.id AS id",
    "Person": "UNWIND $ids AS id MATCH (n:Person {id: id}) RETURN n.id AS id",
    "Partnership": "UNWIND $ids AS id MATCH (n:Partnership {id: id}) RETURN n.id AS id",
    "Resource": "UNWIND $ids AS id MATCH (n:Resource {id: id}) RETURN n.id AS id",
    "Plan": "UNWIND $ids AS id MATCH (n:Plan {id: id}) RETURN n.id AS id",
    "Goal": "UNWIND $ids AS id MATCH (n:Goal {id: id}) RETURN n.id AS id",
    "Mechanism": "UNWIND $ids AS id MATCH (n:Mechanism {id: id}) RETURN n.id AS id",
    "Event": "UNWIND $ids AS id MATCH (n:Event {id: id}) RETURN n.id AS id",
}

# --- relationships -------------------------------------------------------------------------------
# A relationship's statements differ only in labels, type and direction, which come from the
# closed set of ``Link`` constants below (never from input), so they are built from templates.

NODE_LABELS = frozenset(UPSERT_NODES)

# Nodes the graph does not hold yet (the loader has just looked): created outright, which the
# embedded engine does about three times faster than a MERGE (bench/results/NOTES.md).
CREATE_NODES: dict[str, LiteralString] = {
    "Source": "UNWIND $rows AS row CREATE (n:Source) SET n = row.props",
    "Area": "UNWIND $rows AS row CREATE (n:Area) SET n = row.props",
    "Organization": "UNWIND $rows AS row CREATE (n:Organization) SET n = row.props",
    "Person": "UNWIND $rows AS row CREATE (n:Person) SET n = row.props",
    "Partnership": "UNWIND $rows AS row CREATE (n:Partnership) SET n = row.props",
    "Resource": "UNWIND $rows AS row CREATE (n:Resource) SET n = row.props",
    "Plan": "UNWIND $rows AS row CREATE (n:Plan) SET n = row.props",
    "Goal": "UNWIND $rows AS row CREATE (n:Goal) SET n = row.props",
    "Mechanism": "UNWIND $rows AS row CREATE (n:Mechanism) SET n = row.props",
    "Event": "UNWIND $rows AS row CREATE (n:Event) SET n = row.props",
}
REL_TYPES = frozenset(
    {
        "PART_OF",
        "LOCATED_IN",
        "WORKS_IN",
        "UNIT_OF",
        "MEMBER_OF",
        "MENTORS",
        "PARTY_TO",
        "COVERS",
        "STEWARDS",
        "SERVES",
        "POOLED_INTO",
        "CONTRIBUTED",
        "ALLOCATED_TO",
        "FOR_AREA",
        "PRESENTED",
        "HAS_GOAL",
        "USES",
        "OPERATES_IN",
        "EMBODIED_BY",
        "HELD_IN",
        "ORGANIZED",
        "ATTENDED",
        "DECIDED",
    }
)

# One statement per relationship: MERGE where the owner may already hold it (``key`` tells
# keyed relationships apart), CREATE for owners created in the same load, which cannot hold
# any yet. Only the labels, type and direction vary, and they come from the fixed Link
# constants below, never from input.
_LINK = """
UNWIND $rows AS row
MATCH (a:{owner} {{id: row.owner}})
MATCH (b:{target} {{id: row.target}})
{verb} {pattern}
SET r = row.props
"""
_PRUNE_OUT = """
UNWIND $rows AS row
MATCH (a:{owner} {{id: row.owner}})-[old:{rel}]->(x)
WHERE NOT x.id IN row.keep
DELETE old
"""
_PRUNE_IN = """
UNWIND $rows AS row
MATCH (a:{owner} {{id: row.owner}})<-[old:{rel}]-(x)
WHERE NOT x.id IN row.keep
DELETE old
"""


@dataclass(frozen=True)
class Link:
    """One relationship written from one side (the owner record) to one target label.

    ``outgoing`` says whether the stored relationship points from owner to target.
    ``keyed`` relationships (memberships, contributions) are merged by a key property, so a
    pair of nodes may hold several; the others are one per pair and pruned as a set.
    """

    owner: str
    rel: str
    target: str
    outgoing: bool = True
    keyed: bool = False

    def __post_init__(self) -> None:
        if self.owner not in NODE_LABELS or self.target not in NODE_LABELS:
            raise ValueError(f"unknown label in {self}")
        if self.rel not in REL_TYPES:
            raise ValueError(f"unknown relationship type in {self}")

    def _link(self, verb: str, keyed: bool) -> str:
        rel = f"[r:{self.rel} {{key: row.key}}]" if keyed else f"[r:{self.rel}]"
        pattern = f"(a)-{rel}->(b)" if self.outgoing else f"(a)<-{rel}-(b)"
        return _LINK.format(owner=self.owner, target=self.target, verb=verb, pattern=pattern)

    @property
    def statement(self) -> str:
        return self._link("MERGE", self.keyed)

    @property
    def create_statement(self) -> str:
        """For owners created in the same load: they have no relationships to merge with."""
        return self._link("CREATE", keyed=False)  # the key is among the properties set

    @property
    def prune_statement(self) -> str:
        template = _PRUNE_OUT if self.outgoing else _PRUNE_IN
        return template.format(owner=self.owner, rel=self.rel)


AREA_PART_OF = Link("Area", "PART_OF", "Area")
ORG_LOCATED_IN = Link("Organization", "LOCATED_IN", "Area")
ORG_WORKS_IN = Link("Organization", "WORKS_IN", "Area")
ORG_UNIT_OF = Link("Organization", "UNIT_OF", "Organization")
PERSON_WORKS_IN = Link("Person", "WORKS_IN", "Area")
PERSON_MEMBER_OF = Link("Person", "MEMBER_OF", "Organization", keyed=True)
PERSON_MENTORS = Link("Person", "MENTORS", "Person", keyed=True)
PARTNERSHIP_PARTIES = Link("Partnership", "PARTY_TO", "Organization", outgoing=False)
PARTNERSHIP_COVERS = Link("Partnership", "COVERS", "Area")
RESOURCE_STEWARDS = Link("Resource", "STEWARDS", "Organization", outgoing=False)
RESOURCE_SERVES = Link("Resource", "SERVES", "Area")
RESOURCE_POOLED_INTO = Link("Resource", "POOLED_INTO", "Resource")
CONTRIBUTION = Link("Resource", "CONTRIBUTED", "Organization", outgoing=False, keyed=True)
ALLOCATION_TO_ORG = Link("Resource", "ALLOCATED_TO", "Organization", keyed=True)
ALLOCATION_TO_PARTNERSHIP = Link("Resource", "ALLOCATED_TO", "Partnership", keyed=True)
PLAN_FOR_AREA = Link("Plan", "FOR_AREA", "Area")
PLAN_PRESENTED_BY = Link("Plan", "PRESENTED", "Organization", outgoing=False)
GOAL_OF_PLAN = Link("Goal", "HAS_GOAL", "Plan", outgoing=False)
MECHANISM_OF_PLAN = Link("Mechanism", "USES", "Plan", outgoing=False)
MECHANISM_OPERATES_IN = Link("Mechanism", "OPERATES_IN", "Area")
MECHANISM_EMBODIED_BY_ORG = Link("Mechanism", "EMBODIED_BY", "Organization")
MECHANISM_EMBODIED_BY_PARTNERSHIP = Link("Mechanism", "EMBODIED_BY", "Partnership")
MECHANISM_EMBODIED_BY_RESOURCE = Link("Mechanism", "EMBODIED_BY", "Resource")
EVENT_HELD_IN = Link("Event", "HELD_IN", "Area")
EVENT_ORGANIZED_BY = Link("Event", "ORGANIZED", "Organization", outgoing=False)
EVENT_ATTENDED_BY_PERSON = Link("Event", "ATTENDED", "Person", outgoing=False)
EVENT_ATTENDED_BY_ORG = Link("Event", "ATTENDED", "Organization", outgoing=False)
EVENT_DECIDED_PLAN = Link("Event", "DECIDED", "Plan")
EVENT_DECIDED_GOAL = Link("Event", "DECIDED", "Goal")
EVENT_DECIDED_MECHANISM = Link("Event", "DECIDED", "Mechanism")
EVENT_DECIDED_PARTNERSHIP = Link("Event", "DECIDED", "Partnership")
EVENT_DECIDED_RESOURCE = Link("Event", "DECIDED", "Resource")
EVENT_DECIDED_ORGANIZATION = Link("Event", "DECIDED", "Organization")

# --- schema version ------------------------------------------------------------------------------

SCHEMA_VERSION = """
MATCH (m:Migration)
RETURN m.version AS version, m.name AS name, m.applied_at AS applied_at
ORDER BY m.version
"""

RECORD_MIGRATION = """
MERGE (m:Migration {version: $version})
SET m.name = $name, m.applied_at = $applied_at
"""
