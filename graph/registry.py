"""The one list of the graph's node labels: each with its id prefix, its section in seed files,
its input model, its read model and its indexes.

Every per-label statement (by-id lookups, upserts, creates, counts, uniqueness constraints,
lookup indexes) and every label map the code uses is derived from this list
(``graph.queries.nodes``); adding a label means adding one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from graph import read
from graph.models.area import Area
from graph.models.event import Event
from graph.models.organization import Organization
from graph.models.partnership import Partnership
from graph.models.person import Person
from graph.models.plan import Goal, Mechanism, Plan
from graph.models.resource import Resource
from graph.models.source import Source


@dataclass(frozen=True)
class LabelSpec:
    label: str
    prefix: str  # ids look like "<prefix>:<slug>": area:71, org:codi, person:...
    section: str  # the list that holds records of this label in a seed file (a Dataset)
    model: type[BaseModel]  # the input contract, validated on the way in
    read: type[read.ReadModel]  # what a statement gives back
    indexes: tuple[str, ...] = ()  # properties with a lookup index (filters and sort keys)
    unique: tuple[str, ...] = ("id",)  # properties unique across the label
    searchable: bool = False  # has a full-text index over its search text


LABELS: tuple[LabelSpec, ...] = (
    LabelSpec("Source", "src", "sources", Source, read.Source),
    LabelSpec(
        "Area", "area", "areas", Area, read.Area, ("level",), ("id", "code"), searchable=True
    ),
    LabelSpec(
        "Organization",
        "org",
        "organizations",
        Organization,
        read.Organization,
        ("kind", "synthetic"),
        searchable=True,
    ),
    LabelSpec(
        "Person", "person", "people", Person, read.Person, ("tier", "synthetic"), searchable=True
    ),
    LabelSpec("Partnership", "pt", "partnerships", Partnership, read.Partnership, ("kind",)),
    LabelSpec("Resource", "res", "resources", Resource, read.Resource, ("kind",)),
    LabelSpec("Plan", "plan", "plans", Plan, read.Plan, ("year_ce",)),
    LabelSpec("Goal", "goal", "goals", Goal, read.Goal),
    LabelSpec("Mechanism", "mech", "mechanisms", Mechanism, read.Mechanism),
    LabelSpec("Event", "event", "events", Event, read.Event, ("on",)),
)

BY_LABEL: dict[str, LabelSpec] = {s.label: s for s in LABELS}
NODE_LABELS: tuple[str, ...] = tuple(BY_LABEL)
PREFIX_LABEL: dict[str, str] = {s.prefix: s.label for s in LABELS}
LABEL_PREFIX: dict[str, str] = {s.label: s.prefix for s in LABELS}
SECTION_LABEL: dict[str, str] = {s.section: s.label for s in LABELS}
SEARCH_LABELS: tuple[str, ...] = tuple(s.label for s in LABELS if s.searchable)
# Labels of the network's entities: everything but the sources that state them.
ENTITY_LABELS: tuple[str, ...] = tuple(label for label in NODE_LABELS if label != "Source")


def label_of(node_id: str) -> str | None:
    """The label an id belongs to, from its prefix; None for an id of no known kind."""
    return PREFIX_LABEL.get(node_id.split(":", 1)[0])
