"""Read models: what the graph holds, as the API shows it, one frozen model per entity.

Every model is built once, from the row the statement that fetched it returned
(``graph.entities``): each statement projects every field its model declares (the projections
are generated from these classes, ``graph.queries.projection``), so a field is either the stored
value or ``None`` because nothing is stored. No field has a default: a statement that forgot a
field fails loudly instead of passing a default off as data.

Relations (an organization's members, an area's children) are not fields: they are fetched
with the node when the request asks for them (a *plan*), or loaded on first use, and kept in
``related``. ``Related.NOT_LOADED`` tells the two apart.

Stored empty lists are absent properties (the loader stores none); the projections read an
absent list as an empty one, which is what was written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from graph.models.common import AreaLevel
from graph.models.organization import OrganizationKind, Role
from graph.models.partnership import PartnershipKind, Status
from graph.models.person import Tier
from graph.models.plan import GoalKind, Horizon, MechanismKind
from graph.models.resource import ResourceKind
from graph.models.source import SourceKind

_MISSING = object()


class ReadModel(BaseModel):
    """Base of every read model: frozen, strict about its fields, with room for relations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Stored property names that differ from the field name (see graph.queries.projection).
    STORED_AS: ClassVar[dict[str, str]] = {}
    # Strawberry asks every object of an interface type whether it was cast to one of its
    # types (``strawberry.cast``, never done here): answered by the class, not by a failed
    # lookup (two exceptions, about 1 µs, per object of an answer).
    __as_strawberry_type__: ClassVar[None] = None
    # Fields read from a nested map rather than one property.
    NESTED: ClassVar[dict[str, dict[str, str]]] = {}

    # Relations live in pydantic's slot for private values (``__pydantic_private__``), made on
    # the first ``set_related``: no private attribute is declared, so building a model does not
    # make an empty dict for it first (1.3 of 3.2 µs per model, measured, and most models of an
    # answer never get a relation). Pydantic compares and copies the slot with the model and
    # looks names up in it only for private (underscored) attributes, which relation names
    # are not.
    def loaded(self, name: str) -> bool:
        related = self.__pydantic_private__
        return related is not None and name in related

    def get_related(self, name: str, default: Any = _MISSING) -> Any:
        """A relation fetched with this node; ``default`` (or KeyError) when it was not."""
        related = self.__pydantic_private__
        if related is not None and name in related:
            return related[name]
        if default is _MISSING:
            raise KeyError(f"{type(self).__name__}.{name} was not loaded")
        return default

    def set_related(self, name: str, value: Any) -> None:
        related = self.__pydantic_private__
        if related is None:
            related = {}
            object.__setattr__(self, "__pydantic_private__", related)
        related[name] = value

    if not TYPE_CHECKING:  # as in pydantic: typed, it would let mypy accept any attribute

        def __getattr__(self, name: str) -> Any:
            # graphql-core and Strawberry ask every object of an answer for attributes it does
            # not have (``__await__``, ``__as_strawberry_type__``); pydantic's ``__getattr__``
            # answers with two exceptions, about 3 µs (measured). A dunder is never a private
            # attribute, which is all that pydantic looks up here.
            if name.startswith("__"):
                raise AttributeError(name)
            return super().__getattr__(name)


class Provenance(ReadModel):
    """Where a node or relationship comes from and how sure it is."""

    source_ids: list[str]
    synthetic: bool
    assumption: bool


# --- nodes ---------------------------------------------------------------------------------------


class NodeModel(Provenance):
    id: str
    note: str | None
    # Counts the node's changes through the API (1 as seeded); an update names the revision it
    # read, and a stale one is refused (graph.writes).
    revision: int


class Source(ReadModel):
    id: str
    kind: SourceKind
    title_th: str | None
    title_en: str
    publisher: str | None
    author: str | None
    url: str | None
    published_on: dt.date | None
    version: str | None
    file: str | None
    note: str | None


class Area(NodeModel):
    code: str
    level: AreaLevel
    name_th: str
    name_en: str | None
    aliases: list[str]


class Organization(NodeModel):
    kind: OrganizationKind
    name_th: str
    name_en: str | None
    name_latn: str | None
    short_name_th: str | None
    short_name_en: str | None
    description_th: str | None
    description_en: str | None


class Contact(ReadModel):
    """Personal contact data as stored: each part, or None when none is stored."""

    phone: str | None
    email: str | None
    line_id: str | None


class Person(NodeModel):
    NESTED: ClassVar[dict[str, dict[str, str]]] = {
        "contact": {"phone": "contact_phone", "email": "contact_email", "line_id": "contact_line"}
    }

    honorific_th: str | None
    name_th: str
    name_en: str | None
    name_latn: str | None
    given_name_th: str
    family_name_th: str | None
    given_name_en: str | None
    family_name_en: str | None
    tier: Tier | None
    contact: Contact | None

    @model_validator(mode="before")
    @classmethod
    def _no_contact_is_none(cls, data: Any) -> Any:
        contact = data.get("contact") if isinstance(data, dict) else None
        if isinstance(contact, dict) and not any(contact.values()):
            return {**data, "contact": None}
        return data


class Partnership(NodeModel):
    kind: PartnershipKind
    level: AreaLevel
    status: Status
    name_th: str
    name_en: str | None
    purpose_th: str | None
    purpose_en: str | None
    start_on: dt.date | None
    end_on: dt.date | None
    as_of: dt.date | None


class Resource(NodeModel):
    kind: ResourceKind
    level: AreaLevel
    status: Status
    unit: str
    name_th: str
    name_en: str | None
    description_th: str | None
    description_en: str | None


class Plan(NodeModel):
    name_th: str
    name_en: str | None
    year_ce: int
    level: AreaLevel
    status: Status


class Goal(NodeModel):
    kind: GoalKind
    text_th: str
    text_en: str | None
    horizon: Horizon | None


class Mechanism(NodeModel):
    kind: MechanismKind
    levels: list[AreaLevel]
    name_th: str
    name_en: str | None
    description_th: str | None
    description_en: str | None


class Event(NodeModel):
    name_th: str
    name_en: str | None
    on: dt.date
    place_th: str | None
    place_en: str | None
    attendance_more_than: int | None
    summary_th: str | None
    summary_en: str | None


# --- relationships with properties of their own --------------------------------------------------
# Their two ends are relations too: ``related`` holds the nodes at either end by the names the
# API gives them (a membership's "person" and "organization").


class Membership(Provenance):
    """(Person)-[:MEMBER_OF]->(Organization)"""

    role: Role
    role_th: str | None
    start_on: dt.date | None
    end_on: dt.date | None
    as_of: dt.date | None
    revision: int


class Mentorship(Provenance):
    """(mentor:Person)-[:MENTORS]->(mentee:Person)"""

    start_on: dt.date | None
    end_on: dt.date | None
    as_of: dt.date | None
    revision: int


class PartyOf(Provenance):
    """(Organization)-[:PARTY_TO]->(Partnership)"""

    role: str | None
    role_th: str | None


class Contribution(Provenance):
    """(Organization)-[:CONTRIBUTED]->(Resource)"""

    id: str
    amount: float
    on: dt.date
    in_kind: bool


class Allocation(Provenance):
    """(Resource)-[:ALLOCATED_TO]->(Organization|Partnership)"""

    id: str
    amount: float
    on: dt.date
    purpose_th: str | None
    purpose_en: str | None


class Attendance(Provenance):
    """(Person|Organization)-[:ATTENDED]->(Event)"""

    role: str | None
    role_th: str | None


# --- values kept with nodes --------------------------------------------------------------------


class Counts(ReadModel):
    """What an area's whole subtree holds, as counted at the last refresh of the rollups
    (``graph.areas.refresh_rollups``); fetched with every area."""

    organizations: int
    people: int
    partnerships: int
    resources: int
    pools: int
    pooled_amount: float
    contributions: int

    @classmethod
    def from_row(cls, row: dict[str, Any] | None) -> Counts | None:
        """None when the area has not been counted yet."""
        if not row or any(v is None for v in row.values()):
            return None
        return cls.model_validate(row)


class Flows(ReadModel):
    """Money in and out of a resource, and of the pools that feed it at any depth."""

    contributed: float
    contributions: int
    allocated: float
    allocations: int
    balance: float
    feeder_count: int
    feeders_contributed: float
    feeders_allocated: float
    contributed_with_feeders: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Flows:
        feeders = {f["id"]: f for f in row["feeders"]}.values()
        contributed, allocated = float(row["contributed"]), float(row["allocated"])
        feeders_contributed = sum(float(f["contributed"]) for f in feeders)
        return cls(
            contributed=contributed,
            contributions=row["contributions"],
            allocated=allocated,
            allocations=row["allocations"],
            balance=contributed - allocated,
            feeder_count=len(feeders),
            feeders_contributed=feeders_contributed,
            feeders_allocated=sum(float(f["allocated"]) for f in feeders),
            contributed_with_feeders=contributed + feeders_contributed,
        )


NODE_MODELS: dict[str, type[ReadModel]] = {
    "Source": Source,
    "Area": Area,
    "Organization": Organization,
    "Person": Person,
    "Partnership": Partnership,
    "Resource": Resource,
    "Plan": Plan,
    "Goal": Goal,
    "Mechanism": Mechanism,
    "Event": Event,
}

AnyNode = Area | Organization | Person | Partnership | Resource | Plan | Goal | Mechanism | Event
