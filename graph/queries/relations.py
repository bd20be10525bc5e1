"""Relations between nodes, and the statements that fetch nodes with the relations a request
asks for.

A relation is one step from a node of one label (an organization's ``members``, an area's
``children``), declared once below. A *plan* says which relations to fetch with a node, and
which of theirs in turn: ``(("members", ()), ("located_in", (("parent", ()),)))``. A plan is
compiled into one statement of nested pattern comprehensions, so an organization with its
partnerships, their parties and the parties' areas comes back in one round trip. Labels,
relationship types and directions come from the declarations here, never from a request; a
plan only picks among them by name.

The same comprehension serves a relation loaded on its own (``related_statement``): for many
source nodes at once, one round trip per relation and plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from graph.queries.projection import model_map, node_entries
from graph.read import (
    Allocation,
    Attendance,
    Contribution,
    Membership,
    Mentorship,
    PartyOf,
    ReadModel,
)
from graph.registry import NODE_LABELS

Plan = tuple[tuple[str, "Plan"], ...]
NO_PLAN: Plan = ()

Order = Literal["id", "code", "nearest_first", "latest_first"]


@dataclass(frozen=True)
class Relation:
    """Nodes one step (or a bounded number of steps along one type) away from a node.

    ``edge``: the model read from the relationship itself (a membership's role and dates);
    ``ends``: the names the API gives this node and the other one on such an edge.
    """

    source: str
    name: str
    rel_type: str
    outgoing: bool
    targets: tuple[str, ...]
    many: bool = True
    edge: type[ReadModel] | None = None
    ends: tuple[str, str] = ("", "")
    steps: str = ""  # a variable length, e.g. "*1..8"
    order: Order = "id"

    def __post_init__(self) -> None:
        labels = (self.source, *self.targets)
        if any(label not in NODE_LABELS for label in labels):
            raise ValueError(f"unknown label in {self}")
        if self.edge is not None and (self.steps or not all(self.ends)):
            raise ValueError(f"{self}: an edge relation is one step and names both ends")

    def pattern(self, here: str, edge: str, there: str, target: str) -> str:
        rel = (
            f"[{edge}:{self.rel_type}{self.steps}]"
            if self.edge
            else f"[:{self.rel_type}{self.steps}]"
        )
        arrow = f"-{rel}->" if self.outgoing else f"<-{rel}-"
        return f"({here}){arrow}({there}:{target})"


# fmt: off
_RELATIONS: tuple[Relation, ...] = (
    Relation("Area", "parent", "PART_OF", True, ("Area",), many=False),
    Relation("Area", "children", "PART_OF", False, ("Area",), order="code"),
    Relation("Area", "ancestors", "PART_OF", True, ("Area",), steps="*1..8", order="nearest_first"),
    Relation("Area", "events", "HELD_IN", False, ("Event",)),
    Relation("Organization", "located_in", "LOCATED_IN", True, ("Area",), many=False),
    Relation("Organization", "works_in", "WORKS_IN", True, ("Area",)),
    Relation("Organization", "unit_of", "UNIT_OF", True, ("Organization",), many=False),
    Relation("Organization", "units", "UNIT_OF", False, ("Organization",)),
    Relation("Organization", "members", "MEMBER_OF", False, ("Person",),
             edge=Membership, ends=("organization", "person")),
    Relation("Organization", "partnerships", "PARTY_TO", True, ("Partnership",),
             edge=PartyOf, ends=("organization", "partnership")),
    Relation("Organization", "contributions", "CONTRIBUTED", True, ("Resource",),
             edge=Contribution, ends=("contributor", "resource")),
    Relation("Organization", "stewards", "STEWARDS", True, ("Resource",)),
    Relation("Organization", "allocations_received", "ALLOCATED_TO", False, ("Resource",),
             edge=Allocation, ends=("recipient", "resource")),
    Relation("Organization", "events_attended", "ATTENDED", True, ("Event",),
             edge=Attendance, ends=("attendee", "event"), order="latest_first"),
    Relation("Person", "works_in", "WORKS_IN", True, ("Area",)),
    Relation("Person", "memberships", "MEMBER_OF", True, ("Organization",),
             edge=Membership, ends=("person", "organization")),
    Relation("Person", "mentors", "MENTORS", False, ("Person",),
             edge=Mentorship, ends=("mentee", "mentor")),
    Relation("Person", "mentees", "MENTORS", True, ("Person",),
             edge=Mentorship, ends=("mentor", "mentee")),
    Relation("Person", "events_attended", "ATTENDED", True, ("Event",),
             edge=Attendance, ends=("attendee", "event"), order="latest_first"),
    Relation("Partnership", "covers", "COVERS", True, ("Area",)),
    Relation("Partnership", "parties", "PARTY_TO", False, ("Organization",),
             edge=PartyOf, ends=("partnership", "organization")),
    Relation("Partnership", "allocations_received", "ALLOCATED_TO", False, ("Resource",),
             edge=Allocation, ends=("recipient", "resource")),
    Relation("Resource", "stewards", "STEWARDS", False, ("Organization",)),
    Relation("Resource", "serves", "SERVES", True, ("Area",)),
    Relation("Resource", "pooled_into", "POOLED_INTO", True, ("Resource",), many=False),
    Relation("Resource", "feeders", "POOLED_INTO", False, ("Resource",)),
    Relation("Resource", "contributions", "CONTRIBUTED", False, ("Organization",),
             edge=Contribution, ends=("resource", "contributor")),
    Relation("Resource", "allocations", "ALLOCATED_TO", True, ("Organization", "Partnership"),
             edge=Allocation, ends=("resource", "recipient")),
    Relation("Plan", "area", "FOR_AREA", True, ("Area",), many=False),
    Relation("Plan", "goals", "HAS_GOAL", True, ("Goal",)),
    Relation("Plan", "mechanisms", "USES", True, ("Mechanism",)),
    Relation("Plan", "presented_by", "PRESENTED", False, ("Organization",)),
    Relation("Plan", "decided_at", "DECIDED", False, ("Event",)),
    Relation("Goal", "plans", "HAS_GOAL", False, ("Plan",)),
    Relation("Mechanism", "area", "OPERATES_IN", True, ("Area",), many=False),
    Relation("Mechanism", "plans", "USES", False, ("Plan",)),
    Relation("Mechanism", "embodied_by", "EMBODIED_BY", True,
             ("Organization", "Partnership", "Resource")),
    Relation("Event", "held_in", "HELD_IN", True, ("Area",), many=False),
    Relation("Event", "organized_by", "ORGANIZED", False, ("Organization",)),
    Relation("Event", "attendees", "ATTENDED", False, ("Person", "Organization"),
             edge=Attendance, ends=("event", "attendee")),
    Relation("Event", "decided", "DECIDED", True,
             ("Plan", "Goal", "Mechanism", "Partnership", "Resource", "Organization")),
)
# fmt: on

RELATIONS: dict[tuple[str, str], Relation] = {(r.source, r.name): r for r in _RELATIONS}


def relation(source: str, name: str) -> Relation:
    try:
        return RELATIONS[(source, name)]
    except KeyError:
        raise ValueError(f"{source} has no relation {name!r}") from None


# --- computed values fetched like relations -------------------------------------------------------
# Money in and out of a resource, and of every pool feeding it (POOLED_INTO, any depth), counted
# live: a pool's flows are right the moment a contribution is written.

FEEDER_STEPS = "*1..6"


def _sum(var: str, arrow: str, edge: str) -> str:
    return f"reduce(s = 0.0, x IN [({var}){arrow}() | {edge}.amount] | s + x)"


def _count(var: str, arrow: str) -> str:
    return f"size([({var}){arrow}() | 1])"


def flows_map(var: str, depth: int) -> str:
    c, a, f = f"c{depth}", f"al{depth}", f"f{depth}"
    contributed_in = f"<-[{c}:CONTRIBUTED]-"
    allocated_out = f"-[{a}:ALLOCATED_TO]->"
    feeder = (
        f"{{id: {f}.id, contributed: {_sum(f, contributed_in, c)}, "
        f"allocated: {_sum(f, allocated_out, a)}}}"
    )
    return (
        f"{{contributed: {_sum(var, contributed_in, c)}, "
        f"contributions: {_count(var, f'<-[{c}:CONTRIBUTED]-')}, "
        f"allocated: {_sum(var, allocated_out, a)}, "
        f"allocations: {_count(var, f'-[{a}:ALLOCATED_TO]->')}, "
        f"feeders: [({var})<-[:POOLED_INTO{FEEDER_STEPS}]-({f}:Resource) | {feeder}]}}"
    )


COMPUTED: dict[tuple[str, str], str] = {("Resource", "flows"): "flows"}


# --- compiling plans -----------------------------------------------------------------------------

RELATIONS_KEY = "_rel"  # key of the fetched relations in a node's row


def _comprehension(rel: Relation, here: str, plan: Plan, depth: int) -> str:
    there, edge = f"n{depth}", f"r{depth}"
    parts = []
    for target in rel.targets:
        node = projection(target, there, plan, depth + 1)
        item = f"{{label: '{target}', node: {node}"
        if rel.edge is not None:
            item += f", edge: {model_map(rel.edge, edge)}"
        parts.append(f"[{rel.pattern(here, edge, there, target)} | {item}}}]")
    return " + ".join(parts)


def relation_value(source: str, name: str, here: str, plan: Plan, depth: int) -> str:
    """The Cypher expression for one relation (or computed value) of the node ``here``."""
    if (source, name) in COMPUTED:
        return flows_map(here, depth)
    return _comprehension(relation(source, name), here, plan, depth)


def projection(label: str, var: str, plan: Plan = NO_PLAN, depth: int = 0) -> str:
    """A node's row: its model's fields and, under ``_rel``, the relations of ``plan``."""
    entries = node_entries(label, var)
    if plan:
        rels = ", ".join(
            f"{name}: {relation_value(label, name, var, sub, depth)}" for name, sub in plan
        )
        entries.append(f"{RELATIONS_KEY}: {{{rels}}}")
    return "{" + ", ".join(entries) + "}"


def merge_plans(*plans: Plan) -> Plan:
    """One plan fetching everything any of ``plans`` fetches."""
    merged: dict[str, list[Plan]] = {}
    for plan in plans:
        for name, sub in plan:
            merged.setdefault(name, []).append(sub)
    return tuple(sorted((name, merge_plans(*subs)) for name, subs in merged.items()))


def check_plan(label: str, plan: Plan) -> None:
    """Refuse a plan naming a relation the label does not have (a programming error)."""
    for name, sub in plan:
        if (label, name) in COMPUTED:
            continue
        rel = relation(label, name)
        for target in rel.targets:
            check_plan(target, sub)


@lru_cache(maxsize=512)
def nodes_statement(label: str, plan: Plan = NO_PLAN) -> str:
    """Nodes of one label by id (``$ids``), each with the relations of ``plan``."""
    check_plan(label, plan)
    return (
        f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) "
        f"RETURN id AS key, {projection(label, 'n', plan)} AS node"
    )


@lru_cache(maxsize=512)
def related_statement(source: str, name: str, plan: Plan = NO_PLAN) -> str:
    """One relation of many nodes of one label (``$ids``), each related node with ``plan``."""
    for target in relation(source, name).targets if (source, name) not in COMPUTED else ():
        check_plan(target, plan)
    value = relation_value(source, name, "n", plan, 0)
    return f"UNWIND $ids AS id MATCH (n:{source} {{id: id}}) RETURN id AS key, {value} AS value"
