"""Writes: batched links between nodes (node upserts are per label, ``graph.queries.nodes``).

Every statement takes its rows as ``$rows`` and is idempotent: MERGE on a relationship's key,
then SET its whole property map, so a second load changes nothing. Relationships that a record
owns as a list (an organization's ``works_in``) are replaced as a set: links no longer in the
data are pruned first.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.registry import NODE_LABELS

# --- relationships -------------------------------------------------------------------------------
# A relationship's statements differ only in labels, type and direction, which come from the
# closed set of ``Link`` constants below (never from input), so they are built from templates.

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

# --- what the seed last loaded -------------------------------------------------------------------
# One node records the hash of the seed's inputs (files, generator code, demo size) once a seed
# has completed, so a restart with the same inputs need not load them again.

SEED_STATE = "MATCH (s:SeedState {key: 'seed'}) RETURN s.inputs AS inputs, s.at AS at"

RECORD_SEED_STATE = """
MERGE (s:SeedState {key: 'seed'})
SET s.inputs = $inputs, s.at = $at, s.demo = $demo
"""
