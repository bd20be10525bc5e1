"""Mutations: create, update, end and delete every kind of record; history and as-of reads.

Input types are derived from the same pydantic models the seed loader validates
(``graph.models``), patches from them with every field optional (``graph.writes.patch_model``);
each mutation is one transaction in ``graph.writes``. Who may do what is decided in one place,
the permission classes below and the scope check of ``graph.writes``: writes need a
coordinator (within its areas) or an admin; deletes and government areas are refused otherwise
with ``FORBIDDEN``. A stale revision gives ``CONFLICT`` with the current one; invalid input
gives ``BAD_USER_INPUT`` with one entry per field in ``extensions.errors`` (English and Thai);
nothing is written in any of these cases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from graph import writes
from graph.errors import InvalidInput
from graph.models.area import Area
from graph.models.event import Attendance, Event
from graph.models.organization import Membership, Organization
from graph.models.partnership import Partnership, Party
from graph.models.person import Contact, Mentorship, Person
from graph.models.plan import Goal, Mechanism, Plan
from graph.models.resource import Allocation, Contribution, Resource
from graph.models.source import Source
from graph.registry import BY_LABEL, SECTION_LABEL
from schema.base import Node, lookup
from schema.context import ctx

# --- who may -------------------------------------------------------------------------------------


class CanWrite(BasePermission):
    message = "writing needs a coordinator's or an admin's token"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return ctx(info).caller.can_write


class IsAdmin(BasePermission):
    message = "only an admin may do this"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return ctx(info).caller.is_admin


class CanReadHistory(BasePermission):
    message = "the history of changes is for members, coordinators and admins"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return ctx(info).caller.role.value != "anonymous"


# --- inputs --------------------------------------------------------------------------------------


@pydantic_input(model=Contact, all_fields=True, name="ContactInput")
class ContactInput:
    pass


@pydantic_input(model=Party, all_fields=True, name="PartyInput")
class PartyInput:
    pass


@pydantic_input(model=Attendance, all_fields=True, name="AttendanceInput")
class AttendanceInput:
    pass


@strawberry.input(description="Where a write comes from: sources that exist, or a citation.")
class ProvenanceInput:
    source_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    citation: str | None = strawberry.field(
        default=None, description="A citation text; it becomes a new Source."
    )
    reason: str | None = strawberry.field(default=None, description="Why, kept in the history.")

    def to_graph(self) -> writes.Provenance:
        return writes.Provenance(tuple(self.source_ids), self.citation, self.reason)


# Records written as nodes, by section: the GraphQL name, the input model.
NODE_SECTIONS: dict[str, type[Any]] = {
    "organizations": Organization,
    "people": Person,
    "partnerships": Partnership,
    "resources": Resource,
    "plans": Plan,
    "goals": Goal,
    "mechanisms": Mechanism,
    "events": Event,
    "areas": Area,
    "sources": Source,
}


def _gql_name(section: str) -> str:
    return SECTION_LABEL[section]


def _a(name: str) -> str:
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


INPUTS: dict[str, type[Any]] = {}
PATCHES: dict[str, type[Any]] = {}
for _section, _model in NODE_SECTIONS.items():
    _name = _gql_name(_section)
    INPUTS[_section] = pydantic_input(
        model=_model, all_fields=True, name=f"{_name}Input", description=f"A new {_name}."
    )(type(f"{_name}Input", (), {}))
    PATCHES[_section] = pydantic_input(
        model=writes.patch_model(_section),
        all_fields=True,
        name=f"{_name}Patch",
        description=f"A change to {_a(_name)}: fields left out (or null) stay as they are.",
    )(type(f"{_name}Patch", (), {}))


@pydantic_input(model=Membership, all_fields=True, name="MembershipInput")
class MembershipInput:
    pass


@pydantic_input(model=Mentorship, all_fields=True, name="MentorshipInput")
class MentorshipInput:
    pass


@pydantic_input(model=Contribution, all_fields=True, name="ContributionInput")
class ContributionInput:
    pass


@pydantic_input(model=Allocation, all_fields=True, name="AllocationInput")
class AllocationInput:
    pass


def _plain(value: Any) -> Any:
    """An input object as plain data for the pydantic models: dicts, lists, enum values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- results -------------------------------------------------------------------------------------


def as_input_fields(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored record with the field names of its GraphQL input (``end_on`` → ``endOn``)."""
    if record is None:
        return None
    return {
        to_camel_case(k): as_input_fields(v) if isinstance(v, dict) else v
        for k, v in record.items()
    }


@strawberry.type(description="One change in the history: the record before and after.")
class Change:
    id: strawberry.ID
    entity: strawberry.ID
    label: str
    op: str = strawberry.field(description="create, update, end or delete.")
    before: JSON | None
    after: JSON | None
    actor: str
    at: dt.datetime
    reason: str | None
    source_ids: list[strawberry.ID]
    revision: int

    @classmethod
    def of(cls, change: writes.Change, can_see_contact: bool) -> Change:
        def shown(record: dict[str, Any] | None) -> dict[str, Any] | None:
            if record is None or can_see_contact or "contact" not in record:
                return as_input_fields(record)
            return as_input_fields({**record, "contact": None})

        return cls(
            id=strawberry.ID(change.id),
            entity=strawberry.ID(change.entity),
            label=change.label,
            op=change.op,
            before=shown(change.before),  # type: ignore[arg-type]
            after=shown(change.after),  # type: ignore[arg-type]
            actor=change.actor,
            at=dt.datetime.fromisoformat(change.at),
            reason=change.reason,
            source_ids=[strawberry.ID(s) for s in change.source_ids],
            revision=change.revision,
        )


@strawberry.type(description="What a write did: the record's id and new revision, the change.")
class WriteResult:
    entity: strawberry.ID
    label: str
    revision: int
    changed: bool = strawberry.field(description="False when the write changed nothing.")
    change: Change | None
    node: Node | None = strawberry.field(description="The node as it now stands (nodes only).")


async def _result(info: Info, done: writes.WriteResult) -> WriteResult:
    node = None
    if done.label in BY_LABEL and done.label != "Source" and done.record is not None:
        node = await lookup(info, done.label, done.entity)
    caller = ctx(info).caller
    return WriteResult(
        entity=strawberry.ID(done.entity),
        label=done.label,
        revision=done.revision,
        changed=done.change is not None,
        change=Change.of(done.change, caller.can_see_contact) if done.change else None,
        node=node,
    )


# --- the mutations -------------------------------------------------------------------------------


def _create(section: str) -> Any:
    async def resolve(info: Info, input: Any, provenance: ProvenanceInput) -> WriteResult:
        done = await writes.create(
            ctx(info).graph, ctx(info).caller, section, _plain(input), provenance.to_graph()
        )
        return await _result(info, done)

    resolve.__annotations__ = {
        "info": Info,
        "input": INPUTS[section],
        "provenance": ProvenanceInput,
        "return": WriteResult,
    }
    return resolve


def _update(section: str) -> Any:
    async def resolve(
        info: Info,
        id: strawberry.ID,
        revision: int,
        patch: Any,
        provenance: ProvenanceInput,
        clear: list[str] | None = None,
    ) -> WriteResult:
        done = await writes.update(
            ctx(info).graph,
            ctx(info).caller,
            section,
            str(id),
            revision,
            _plain(patch),
            provenance.to_graph(),
            clear=clear,
        )
        return await _result(info, done)

    resolve.__annotations__ = {
        "info": Info,
        "id": strawberry.ID,
        "revision": int,
        "patch": PATCHES[section],
        "provenance": ProvenanceInput,
        "clear": list[str] | None,
        "return": WriteResult,
    }
    return resolve


def _delete(section: str) -> Any:
    async def resolve(
        info: Info, id: strawberry.ID, revision: int, provenance: ProvenanceInput
    ) -> WriteResult:
        done = await writes.delete(
            ctx(info).graph, ctx(info).caller, section, str(id), revision, provenance.to_graph()
        )
        return await _result(info, done)

    return resolve


def _fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for section in NODE_SECTIONS:
        name = _gql_name(section)
        fields[f"create_{name.lower()}"] = strawberry.mutation(
            resolver=_create(section),
            description=f"Add {_a(name)}. Coordinators within their areas, admins anywhere.",
            permission_classes=[CanWrite],
        )
        fields[f"update_{name.lower()}"] = strawberry.mutation(
            resolver=_update(section),
            description=f"Change {_a(name)} read at `revision`; `clear` empties fields.",
            permission_classes=[CanWrite],
        )
        fields[f"delete_{name.lower()}"] = strawberry.mutation(
            resolver=_delete(section),
            description=f"Delete {_a(name)} and its links (admins only); the history keeps it.",
            permission_classes=[IsAdmin],
        )
    return fields


@strawberry.type
class LinkMutations:
    @strawberry.mutation(
        description="Record that a person is a member of an organization, with a role and dates.",
        permission_classes=[CanWrite],
    )
    async def add_membership(
        self,
        info: Info,
        input: MembershipInput,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.add_link(
            ctx(info).graph, ctx(info).caller, "memberships", _plain(input), provenance.to_graph()
        )
        return await _result(info, done)

    @strawberry.mutation(
        description="End a membership on `endOn`: it stays in the network with its end date.",
        permission_classes=[CanWrite],
    )
    async def end_membership(
        self,
        info: Info,
        person: strawberry.ID,
        organization: strawberry.ID,
        role: str,
        revision: int,
        end_on: dt.date,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        key = f"{person}|{organization}|{role}"
        done = await writes.end_link(
            ctx(info).graph,
            ctx(info).caller,
            "memberships",
            (str(person), str(organization)),
            key,
            revision,
            end_on,
            provenance.to_graph(),
        )
        return await _result(info, done)

    @strawberry.mutation(description="Record who mentors whom.", permission_classes=[CanWrite])
    async def add_mentorship(
        self,
        info: Info,
        input: MentorshipInput,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.add_link(
            ctx(info).graph, ctx(info).caller, "mentorships", _plain(input), provenance.to_graph()
        )
        return await _result(info, done)

    @strawberry.mutation(description="End a mentorship on `endOn`.", permission_classes=[CanWrite])
    async def end_mentorship(
        self,
        info: Info,
        mentor: strawberry.ID,
        mentee: strawberry.ID,
        revision: int,
        end_on: dt.date,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.end_link(
            ctx(info).graph,
            ctx(info).caller,
            "mentorships",
            (str(mentor), str(mentee)),
            f"{mentor}|{mentee}",
            revision,
            end_on,
            provenance.to_graph(),
        )
        return await _result(info, done)

    @strawberry.mutation(
        description="Record a contribution to a resource or pool (กองคลัง).",
        permission_classes=[CanWrite],
    )
    async def add_contribution(
        self,
        info: Info,
        input: ContributionInput,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.add_link(
            ctx(info).graph, ctx(info).caller, "contributions", _plain(input), provenance.to_graph()
        )
        return await _result(info, done)

    @strawberry.mutation(
        description="Record an allocation from a resource to an organization or partnership.",
        permission_classes=[CanWrite],
    )
    async def add_allocation(
        self,
        info: Info,
        input: AllocationInput,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.add_link(
            ctx(info).graph, ctx(info).caller, "allocations", _plain(input), provenance.to_graph()
        )
        return await _result(info, done)

    @strawberry.mutation(
        description="End a partnership on `endOn`: its status becomes ended, it stays.",
        permission_classes=[CanWrite],
    )
    async def end_partnership(
        self,
        info: Info,
        id: strawberry.ID,
        revision: int,
        end_on: dt.date,
        provenance: ProvenanceInput,
    ) -> WriteResult:
        done = await writes.update(
            ctx(info).graph,
            ctx(info).caller,
            "partnerships",
            str(id),
            revision,
            {"status": "ended", "end_on": end_on.isoformat()},
            provenance.to_graph(),
        )
        return await _result(info, done)


Mutation = strawberry.type(
    type("Mutation", (LinkMutations,), _fields()),
    description="Keep the network current (ปรับข้อมูลเครือข่าย). Every write needs a source.",
)


@strawberry.type
class HistoryQueries:
    @strawberry.field(
        description="Every change of a record, oldest first.", permission_classes=[CanReadHistory]
    )
    async def history(self, info: Info, id: strawberry.ID) -> list[Change]:
        found = await writes.history(ctx(info).graph, str(id))
        can_see = ctx(info).caller.can_see_contact
        return [Change.of(c, can_see) for c in found]

    @strawberry.field(
        description="Changes since a time, optionally within an area's subtree.",
        permission_classes=[CanReadHistory],
    )
    async def changes(
        self, info: Info, since: dt.datetime, within: strawberry.ID | None = None, first: int = 50
    ) -> list[Change]:
        size = ctx(info).page_size(first)
        found = await writes.changes(
            ctx(info).graph, since, str(within) if within else None, limit=size
        )
        can_see = ctx(info).caller.can_see_contact
        return [Change.of(c, can_see) for c in found]

    @strawberry.field(
        description="A record as it stood at a time (`at`) or at the end of a day (`on`, UTC): "
        "organizations, people, memberships, partnerships ... as their input fields; null "
        "when it did not exist then.",
        permission_classes=[CanReadHistory],
    )
    async def as_of(
        self,
        info: Info,
        id: strawberry.ID,
        on: dt.date | None = None,
        at: dt.datetime | None = None,
    ) -> JSON | None:
        if (on is None) == (at is None):
            raise InvalidInput("give one of `on` (a date) or `at` (a time)")
        moment: dt.date | dt.datetime = at if at is not None else on  # type: ignore[assignment]
        record = await writes.as_of(ctx(info).graph, str(id), moment)
        if record is not None and "contact" in record and not ctx(info).caller.can_see_contact:
            record = {**record, "contact": None}
        return as_input_fields(record)  # type: ignore[return-value]


__all__ = ["HistoryQueries", "Mutation"]
