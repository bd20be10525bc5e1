"""A dataset: records of every kind, validated as a whole before anything is written.

Seed files, the geothai import and the demo generators all produce a ``Dataset``; one loader
writes it. Every problem is reported with the file, the record and the field it is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.models.area import Area
from graph.models.common import Id
from graph.models.event import Event
from graph.models.organization import Membership, Organization
from graph.models.partnership import Partnership
from graph.models.person import Mentorship, Person
from graph.models.plan import Goal, Mechanism, Plan
from graph.models.resource import Allocation, Contribution, Resource
from graph.models.source import Source
from graph.registry import LABEL_PREFIX, SECTION_LABEL, label_of


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class DatasetError(ValueError):
    """The dataset is invalid; nothing was written. ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} invalid record(s), nothing was written:\n{shown}{more}")


class Dataset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origin: str = Field(default="<memory>", exclude=True)
    sources: list[Source] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    mentorships: list[Mentorship] = Field(default_factory=list)
    partnerships: list[Partnership] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "sources",
        "areas",
        "organizations",
        "people",
        "memberships",
        "mentorships",
        "partnerships",
        "resources",
        "contributions",
        "allocations",
        "plans",
        "goals",
        "mechanisms",
        "events",
    )

    def size(self) -> int:
        return sum(len(getattr(self, s)) for s in self.SECTIONS)

    def node_ids(self) -> Iterator[str]:
        for section in self.SECTIONS:
            for rec in getattr(self, section):
                rid = getattr(rec, "id", None)
                if rid is not None and section not in ("contributions", "allocations"):
                    yield rid

    # -- references ------------------------------------------------------------------------------
    def references(self) -> Iterator[tuple[str, int, str, str, tuple[str, ...]]]:
        """(section, index, field, referenced id, allowed labels) for every reference."""
        node_labels = ("Organization", "Partnership", "Resource", "Plan", "Goal", "Mechanism")

        def refs(
            section: str, field: str, labels: tuple[str, ...], get: Any
        ) -> Iterator[tuple[str, int, str, str, tuple[str, ...]]]:
            for i, rec in enumerate(getattr(self, section)):
                value = get(rec)
                values = value if isinstance(value, list | tuple) else [value]
                for v in values:
                    if v is not None:
                        yield section, i, field, v, labels

        yield from refs("areas", "parent", ("Area",), lambda r: r.parent)
        yield from refs("areas", "parent_source_ids", ("Source",), lambda r: r.parent_source_ids)
        yield from refs("organizations", "located_in", ("Area",), lambda r: r.located_in)
        yield from refs("organizations", "works_in", ("Area",), lambda r: r.works_in)
        yield from refs("organizations", "unit_of", ("Organization",), lambda r: r.unit_of)
        yield from refs("people", "works_in", ("Area",), lambda r: r.works_in)
        yield from refs("memberships", "person", ("Person",), lambda r: r.person)
        yield from refs("memberships", "organization", ("Organization",), lambda r: r.organization)
        yield from refs("mentorships", "mentor", ("Person",), lambda r: r.mentor)
        yield from refs("mentorships", "mentee", ("Person",), lambda r: r.mentee)
        yield from refs("partnerships", "covers", ("Area",), lambda r: r.covers)
        yield from refs(
            "partnerships",
            "parties.organization",
            ("Organization",),
            lambda r: [p.organization for p in r.parties],
        )
        yield from refs("resources", "stewards", ("Organization",), lambda r: r.stewards)
        yield from refs("resources", "serves", ("Area",), lambda r: r.serves)
        yield from refs("resources", "pooled_into", ("Resource",), lambda r: r.pooled_into)
        yield from refs("contributions", "contributor", ("Organization",), lambda r: r.contributor)
        yield from refs("contributions", "resource", ("Resource",), lambda r: r.resource)
        yield from refs("allocations", "resource", ("Resource",), lambda r: r.resource)
        yield from refs(
            "allocations", "recipient", ("Organization", "Partnership"), lambda r: r.recipient
        )
        yield from refs("plans", "area", ("Area",), lambda r: r.area)
        yield from refs("plans", "presented_by", ("Organization",), lambda r: r.presented_by)
        yield from refs("goals", "plans", ("Plan",), lambda r: r.plans)
        yield from refs("mechanisms", "area", ("Area",), lambda r: r.area)
        yield from refs("mechanisms", "plans", ("Plan",), lambda r: r.plans)
        yield from refs(
            "mechanisms",
            "embodied_by",
            ("Organization", "Partnership", "Resource"),
            lambda r: r.embodied_by,
        )
        yield from refs("events", "held_in", ("Area",), lambda r: r.held_in)
        yield from refs("events", "organized_by", ("Organization",), lambda r: r.organized_by)
        yield from refs(
            "events",
            "attendees.attendee",
            ("Person", "Organization"),
            lambda r: [a.attendee for a in r.attendees],
        )
        yield from refs("events", "decided", node_labels, lambda r: r.decided)
        for section in self.SECTIONS:
            if section == "sources":
                continue
            yield from refs(section, "source_ids", ("Source",), lambda r: r.source_ids)

    def record_name(self, section: str, index: int) -> str:
        rec = getattr(self, section)[index]
        rid = getattr(rec, "id", None) or getattr(rec, "key", None)
        return f"{section}[{index}]" + (f" (id {rid})" if rid else "")

    def check(self, existing_ids: Iterable[str] = ()) -> None:
        """Duplicate ids, references to nothing, references of the wrong kind, missing
        provenance. ``existing_ids`` are ids already in the graph that references may use."""
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        for section in self.SECTIONS:
            for i, rec in enumerate(getattr(self, section)):
                rid = getattr(rec, "id", None)
                if rid is None:
                    continue
                if rid in seen:
                    problems.append(
                        Problem(
                            self.origin,
                            self.record_name(section, i),
                            "id",
                            f"duplicate id, first used by {seen[rid]}",
                        )
                    )
                else:
                    seen[rid] = self.record_name(section, i)
                if section in SECTION_LABEL:
                    expected = LABEL_PREFIX[SECTION_LABEL[section]]
                    if rid.split(":", 1)[0] != expected:
                        problems.append(
                            Problem(
                                self.origin,
                                self.record_name(section, i),
                                "id",
                                f"{section} ids start with '{expected}:'",
                            )
                        )
        for section in ("memberships", "mentorships"):
            keys: dict[str, int] = {}
            for i, rec in enumerate(getattr(self, section)):
                if rec.key in keys:
                    problems.append(
                        Problem(
                            self.origin,
                            self.record_name(section, i),
                            "key",
                            f"same as {section}[{keys[rec.key]}]",
                        )
                    )
                keys.setdefault(rec.key, i)
        known = set(seen) | set(existing_ids)
        for section, i, field, ref, labels in self.references():
            label = label_of(ref)
            if label not in labels:
                problems.append(
                    Problem(
                        self.origin,
                        self.record_name(section, i),
                        field,
                        f"{ref!r} is not a {' or '.join(labels)} id",
                    )
                )
            elif ref not in known:
                kind = "area code" if label == "Area" else f"{label} id"
                problems.append(
                    Problem(
                        self.origin, self.record_name(section, i), field, f"unknown {kind} {ref!r}"
                    )
                )
        for section in self.SECTIONS:
            if section == "sources":
                continue
            for i, rec in enumerate(getattr(self, section)):
                if not rec.source_ids:
                    problems.append(
                        Problem(
                            self.origin,
                            self.record_name(section, i),
                            "source_ids",
                            "every record needs a source",
                        )
                    )
        if problems:
            raise DatasetError(problems)

    def external_references(self) -> set[str]:
        own = set(self.node_ids())
        return {ref for _, _, _, ref, _ in self.references() if ref not in own}


def parse_dataset(raw: Any, origin: str, default_source: Id | None = None) -> Dataset:
    """Validate raw data (parsed YAML) record by record, naming each problem's place."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DatasetError([Problem(origin, "<file>", "<root>", "expected a mapping of sections")])
    default_source = raw.get("default_source", default_source)
    unknown = set(raw) - set(Dataset.SECTIONS) - {"default_source"}
    for key in sorted(unknown):
        problems.append(Problem(origin, key, "<section>", "unknown section"))
    parsed: dict[str, list[Any]] = {}
    for section in Dataset.SECTIONS:
        items = raw.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(origin, section, "<section>", "expected a list of records"))
            continue
        model = Dataset.model_fields[section].annotation.__args__[0]  # type: ignore[union-attr]
        out = []
        for i, item in enumerate(items):
            where = f"{section}[{i}]"
            if isinstance(item, dict) and item.get("id"):
                where += f" (id {item['id']})"
            if not isinstance(item, dict):
                problems.append(Problem(origin, where, "<record>", "expected a mapping"))
                continue
            if section != "sources" and default_source and not item.get("source_ids"):
                item = {**item, "source_ids": [default_source]}
            try:
                out.append(model.model_validate(item))
            except ValidationError as exc:
                for err in exc.errors():
                    field = ".".join(str(p) for p in err["loc"]) or "<record>"
                    problems.append(Problem(origin, where, field, err["msg"]))
        parsed[section] = out
    if problems:
        raise DatasetError(problems)
    return Dataset(origin=origin, **parsed)
