"""Write a validated ``Dataset`` into the graph: batched, transactional, idempotent.

The dataset is checked as a whole first (duplicate ids, unknown references, including ids the
graph already holds); only then is anything written. By default the whole dataset is written
in one transaction, so a failure leaves the graph exactly as it was. Very large generated
datasets (the national benchmark) may be written one batch per transaction instead; reruns
are idempotent either way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from graph import text
from graph.dataset import Dataset
from graph.db import Graph, Tx
from graph.derived import mark_load
from graph.queries import load as q
from graph.queries import nodes as nq
from graph.registry import SECTION_LABEL, label_of
from graph.search import FORMS as search_forms

log = logging.getLogger(__name__)

# (dataset, current step, rows written so far, rows in all steps)
Progress = Callable[[str, str, int, int], None]
Row = dict[str, Any]

RELATION_FIELDS: dict[str, set[str]] = {
    "areas": {"parent", "parent_source_ids", "parent_assumption"},
    "organizations": {"located_in", "works_in", "unit_of"},
    "people": {"works_in", "contact"},
    "partnerships": {"covers", "parties"},
    "resources": {"stewards", "serves", "pooled_into"},
    "plans": {"area", "presented_by"},
    "goals": {"plans"},
    "mechanisms": {"area", "plans", "embodied_by"},
    "events": {"held_in", "organized_by", "attendees", "decided"},
}


@dataclass
class Step:
    name: str
    statement: str  # a MERGE: safe whatever the graph already holds
    rows: list[Row]
    kind: str  # "node", "prune" or "link"
    label: str = ""  # node steps: the label
    link: q.Link | None = None  # link steps: which relationship


@dataclass
class LoadReport:
    origin: str
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    statements: int = 0
    rollup_seconds: float = 0.0

    @property
    def elements(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())

    @property
    def per_second(self) -> float:
        return self.elements / self.seconds if self.seconds else 0.0


# --- properties ----------------------------------------------------------------------------------


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != []}


def _with_hash(props: dict[str, Any]) -> dict[str, Any]:
    digest = hashlib.blake2b(
        json.dumps(props, sort_keys=True, ensure_ascii=False).encode(), digest_size=12
    ).hexdigest()
    return {**props, "content_hash": digest}


def latin_name(label: str, name_th: str) -> str:
    """``name_latn``, stored for an organization or a person with no English name: the Thai
    name in RTGS, an organization's word by word ("Sapha Ongkon Chumchon Tambon ..."), a
    person's given name and surname each as one word."""
    return text.romanize_name(name_th, by_word=label == "Organization")


def node_props(section: str, rec: BaseModel) -> dict[str, Any]:
    """The property map stored for a record: its own fields, plus derived search fields."""
    props = rec.model_dump(mode="json", exclude=RELATION_FIELDS.get(section, set()))
    if section == "organizations":
        if rec.name_en is None:  # type: ignore[attr-defined]
            props["name_latn"] = latin_name("Organization", rec.name_th)  # type: ignore[attr-defined]
    elif section == "people":
        person: Any = rec
        props["name_th"] = person.name_th
        props["name_en"] = person.name_en
        if person.name_en is None:
            props["name_latn"] = latin_name("Person", person.name_th)
        # Contact data is personal: kept in its own properties so the API can withhold it,
        # and never put into search text.
        if person.contact is not None:
            props["contact_phone"] = person.contact.phone
            props["contact_email"] = person.contact.email
            props["contact_line"] = person.contact.line_id
    label = SECTION_LABEL[section]
    if label in SEARCH_TEXT_NAMES:
        props["search_text"] = search_text_of(label, props)
    if label in STORED_WORDS:
        props["search_words"] = text.form_words(_forms_of(label, props))
    return _with_hash(_clean(props))


# The properties whose values are indexed for search, per label: names (segmented, romanized,
# their skeletons and typo terms: ``graph.text.name_terms``), then codes (as they are).
SEARCH_TEXT_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Area": (("name_th", "name_en", "aliases"), ("code",)),
    "Organization": (("name_th", "name_en", "short_name_th", "short_name_en"), ()),
    "Person": (("name_th", "given_name_th", "family_name_th", "name_en"), ()),
}


def search_text_of(label: str, props: dict[str, Any]) -> str:
    """The ``search_text`` of a node of ``label`` with these stored properties."""
    names, codes = SEARCH_TEXT_NAMES[label]

    def values(keys: tuple[str, ...]) -> list[str | None]:
        out: list[str | None] = []
        for key in keys:
            value = props.get(key)
            out.extend(value if isinstance(value, list) else [value])
        return out

    return text.search_text(values(names), values(codes), whole_apart=label == "Person")


def _latin_name_of(label: str, props: dict[str, Any]) -> str | None:
    """The ``name_latn`` a node of ``label`` with these stored properties should hold; None
    for a label that holds none, or a node with an English name."""
    if label not in ("Organization", "Person") or props.get("name_en") or not props.get("name_th"):
        return None
    return latin_name(label, props["name_th"])


# (what is being done, nodes done, nodes in all) of a data migration
MigrationProgress = Callable[[str, int, int], None]
_LOG_EVERY = 50_000  # nodes between two log lines of a long migration (kb serve shows no bar)


async def reindex_search_text(
    graph: Graph, *, chunk: int = 2_000, progress: MigrationProgress | None = None
) -> int:
    """Write ``search_text`` and ``name_latn`` again for every node whose stored ones differ
    from what this code makes of its names (a migration, after the index terms or the
    romanization changed); return how many nodes were written. On a national graph this is
    minutes (831,354 people in about 4.5 on Neo4j): ``progress`` hears of each chunk, and the
    log of every 50,000 nodes."""
    changed = 0
    for label in SEARCH_TEXT_NAMES:
        ids = [r["id"] for r in await graph.read(nq.ids_of(label))]
        step = f"search text of {label}"
        for start in range(0, len(ids), chunk):
            rows = await graph.read(nq.search_text_rows(label), ids=ids[start : start + chunk])
            stale = [
                {"id": r["id"], "search_text": new}
                for r in rows
                if (new := search_text_of(label, r["props"])) != r["props"].get("search_text")
            ]
            if stale:
                await graph.write(nq.set_search_text(label), rows=stale)
            latin = [
                {"id": r["id"], "name_latn": latn}
                for r in rows
                if (latn := _latin_name_of(label, r["props"])) is not None
                and latn != r["props"].get("name_latn")
            ]
            if latin:
                await graph.write(nq.set_name_latn(label), rows=latin)
            changed += len({row["id"] for row in [*stale, *latin]})
            done = min(start + chunk, len(ids))
            if progress:
                progress(step, done, len(ids))
            if done < len(ids) and done // _LOG_EVERY > start // _LOG_EVERY:
                log.info("%s: %d of %d nodes checked", step, done, len(ids))
        log.info("search text of %s: %d nodes checked", label, len(ids))
    return changed


# Labels whose forms' words are stored for the search's ranking. Organizations' names are
# long and nearly all different ("สภาองค์กรชุมชนตำบล..."), so segmenting them at search time
# cost most of a slow search; people's and areas' names repeat (given and family names,
# place names) and are segmented once per process (graph.text.words is cached). Storing the
# words on every node made the national load about a quarter slower (bench/results/NOTES.md).
STORED_WORDS = frozenset({"Organization"})


def _forms_of(label: str, props: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """The written forms ``graph.search`` ranks a node by, named as it names them."""
    for name in search_forms[label]:
        value = props.get(name)
        if isinstance(value, list):
            yield from ((f"{name}[{i}]", v) for i, v in enumerate(value))
        else:
            yield name, value


def _rel_props(rec: BaseModel, **extra: Any) -> dict[str, Any]:
    base = {
        "source_ids": getattr(rec, "source_ids", None),
        "synthetic": getattr(rec, "synthetic", None) or None,
        "assumption": getattr(rec, "assumption", None) or None,
    }
    return _clean({**base, **extra})


# --- steps ---------------------------------------------------------------------------------------


class _Links:
    """Collects prune and link rows per relationship, in the order they were declared."""

    def __init__(self) -> None:
        self.prune: dict[tuple[str, str, bool], list[Row]] = defaultdict(list)
        self.links: dict[q.Link, list[Row]] = defaultdict(list)
        self._prune_link: dict[tuple[str, str, bool], q.Link] = {}

    def replace(self, link: q.Link, owner: str, targets: Sequence[tuple[str, dict[str, Any]]]):
        """The owner's links of this type become exactly ``targets``."""
        self.replace_split(link, owner, {link: list(targets)})

    def replace_split(
        self, prune_as: q.Link, owner: str, by_link: dict[q.Link, list[tuple[str, dict[str, Any]]]]
    ) -> None:
        """Like ``replace``, for one relationship type whose targets carry different labels:
        one prune over all of them, one link statement per target label."""
        key = (prune_as.owner, prune_as.rel, prune_as.outgoing)
        self._prune_link.setdefault(key, prune_as)
        self.prune[key].append(
            {"owner": owner, "keep": [t for targets in by_link.values() for t, _ in targets]}
        )
        for link, targets in by_link.items():
            for target, props in targets:
                self.links[link].append({"owner": owner, "target": target, "props": props})

    def keyed(self, link: q.Link, owner: str, target: str, key: str, props: dict[str, Any]):
        self.links[link].append(
            {"owner": owner, "target": target, "key": key, "props": {**props, "key": key}}
        )

    def steps(self) -> Iterator[Step]:
        for key, rows in self.prune.items():
            link = self._prune_link[key]
            yield Step(f"prune {link.owner}-{link.rel}", link.prune_statement, rows, "prune")
        for link, rows in self.links.items():
            name = f"{link.owner}-{link.rel}-{link.target}"
            yield Step(name, link.statement, rows, "link", link=link)


def _by_label(
    ids: Iterable[str], links: dict[str, q.Link], props: Callable[[str], dict[str, Any]]
) -> dict[q.Link, list[tuple[str, dict[str, Any]]]]:
    out: dict[q.Link, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for i in ids:
        out[links[label_of(i) or ""]].append((i, props(i)))
    return out


def plan_steps(ds: Dataset) -> list[Step]:
    steps: list[Step] = []
    for section, label in SECTION_LABEL.items():
        records = getattr(ds, section)
        if records:
            rows = [{"id": r.id, "props": node_props(section, r)} for r in records]
            steps.append(Step(f"{label} nodes", nq.UPSERT_NODES[label], rows, "node", label))

    lk = _Links()
    for a in ds.areas:
        part_of = _rel_props(a)
        if a.parent_source_ids:
            part_of = _clean(
                {
                    **part_of,
                    "source_ids": a.parent_source_ids,
                    "assumption": a.parent_assumption or None,
                }
            )
        lk.replace(q.AREA_PART_OF, a.id, [(a.parent, part_of)] if a.parent else [])
    for o in ds.organizations:
        p = _rel_props(o)
        lk.replace(q.ORG_LOCATED_IN, o.id, [(o.located_in, p)] if o.located_in else [])
        lk.replace(q.ORG_WORKS_IN, o.id, [(a, p) for a in o.works_in])
        lk.replace(q.ORG_UNIT_OF, o.id, [(o.unit_of, p)] if o.unit_of else [])
    for person in ds.people:
        lk.replace(q.PERSON_WORKS_IN, person.id, [(a, _rel_props(person)) for a in person.works_in])
    for m in ds.memberships:
        props = _rel_props(
            m,
            role=m.role.value,
            role_th=m.role_th,
            start_on=_iso(m.start_on),
            end_on=_iso(m.end_on),
            as_of=_iso(m.as_of),
        )
        lk.keyed(q.PERSON_MEMBER_OF, m.person, m.organization, m.key, props)
    for mt in ds.mentorships:
        props = _rel_props(
            mt, start_on=_iso(mt.start_on), end_on=_iso(mt.end_on), as_of=_iso(mt.as_of)
        )
        lk.keyed(q.PERSON_MENTORS, mt.mentor, mt.mentee, mt.key, props)
    for pt in ds.partnerships:
        base = _rel_props(pt)
        lk.replace(
            q.PARTNERSHIP_PARTIES,
            pt.id,
            [
                (x.organization, {**base, **_clean({"role": x.role, "role_th": x.role_th})})
                for x in pt.parties
            ],
        )
        lk.replace(q.PARTNERSHIP_COVERS, pt.id, [(a, base) for a in pt.covers])
    for r in ds.resources:
        base = _rel_props(r)
        lk.replace(q.RESOURCE_STEWARDS, r.id, [(o, base) for o in r.stewards])
        lk.replace(q.RESOURCE_SERVES, r.id, [(a, base) for a in r.serves])
        lk.replace(q.RESOURCE_POOLED_INTO, r.id, [(r.pooled_into, base)] if r.pooled_into else [])
    for c in ds.contributions:
        props = _rel_props(c, id=c.id, amount=c.amount, on=c.on.isoformat(), in_kind=c.in_kind)
        lk.keyed(q.CONTRIBUTION, c.resource, c.contributor, c.id, props)
    for al in ds.allocations:
        props = _rel_props(
            al,
            id=al.id,
            amount=al.amount,
            on=al.on.isoformat(),
            purpose_th=al.purpose_th,
            purpose_en=al.purpose_en,
        )
        link = (
            q.ALLOCATION_TO_ORG
            if label_of(al.recipient) == "Organization"
            else q.ALLOCATION_TO_PARTNERSHIP
        )
        lk.keyed(link, al.resource, al.recipient, al.id, props)
    for pl in ds.plans:
        base = _rel_props(pl)
        lk.replace(q.PLAN_FOR_AREA, pl.id, [(pl.area, base)])
        lk.replace(q.PLAN_PRESENTED_BY, pl.id, [(o, base) for o in pl.presented_by])
    for g in ds.goals:
        lk.replace(q.GOAL_OF_PLAN, g.id, [(p, _rel_props(g)) for p in g.plans])
    for me in ds.mechanisms:
        base = _rel_props(me)
        lk.replace(q.MECHANISM_OF_PLAN, me.id, [(p, base) for p in me.plans])
        lk.replace(q.MECHANISM_OPERATES_IN, me.id, [(me.area, base)] if me.area else [])
        embodied = _by_label(
            me.embodied_by,
            {
                "Organization": q.MECHANISM_EMBODIED_BY_ORG,
                "Partnership": q.MECHANISM_EMBODIED_BY_PARTNERSHIP,
                "Resource": q.MECHANISM_EMBODIED_BY_RESOURCE,
            },
            lambda _i, base=base: base,  # type: ignore[misc]
        )
        lk.replace_split(q.MECHANISM_EMBODIED_BY_ORG, me.id, embodied)
    for ev in ds.events:
        base = _rel_props(ev)
        lk.replace(q.EVENT_HELD_IN, ev.id, [(ev.held_in, base)] if ev.held_in else [])
        lk.replace(q.EVENT_ORGANIZED_BY, ev.id, [(o, base) for o in ev.organized_by])
        roles = {a.attendee: _clean({"role": a.role, "role_th": a.role_th}) for a in ev.attendees}
        attended = _by_label(
            roles,
            {"Person": q.EVENT_ATTENDED_BY_PERSON, "Organization": q.EVENT_ATTENDED_BY_ORG},
            lambda i, base=base, roles=roles: {**base, **roles[i]},  # type: ignore[misc]
        )
        lk.replace_split(q.EVENT_ATTENDED_BY_PERSON, ev.id, attended)
        decided = _by_label(
            ev.decided,
            {
                "Plan": q.EVENT_DECIDED_PLAN,
                "Goal": q.EVENT_DECIDED_GOAL,
                "Mechanism": q.EVENT_DECIDED_MECHANISM,
                "Partnership": q.EVENT_DECIDED_PARTNERSHIP,
                "Resource": q.EVENT_DECIDED_RESOURCE,
                "Organization": q.EVENT_DECIDED_ORGANIZATION,
            },
            lambda _i, base=base: base,  # type: ignore[misc]
        )
        lk.replace_split(q.EVENT_DECIDED_PLAN, ev.id, decided)
    steps.extend(s for s in lk.steps() if s.rows)
    return steps


def _iso(d: Any) -> str | None:
    return d.isoformat() if d else None


def unique_links(rows: list[Row]) -> list[Row]:
    """One row per relationship, the last one given, as merging them one by one would leave."""
    by_key: dict[tuple[Any, ...], Row] = {}
    for r in rows:
        by_key[(r["owner"], r["target"], r.get("key"))] = r
    return list(by_key.values())


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


# --- public API ----------------------------------------------------------------------------------


async def existing_ids(graph: Graph, ids: Iterable[str]) -> set[str]:
    by_label: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        label = label_of(i)
        if label in nq.EXISTING_IDS:
            by_label[label].append(i)
    found: set[str] = set()
    for label, chunk in by_label.items():
        for part in range(0, len(chunk), 5000):
            rows = await graph.read(nq.EXISTING_IDS[label], ids=chunk[part : part + 5000])
            found.update(r["id"] for r in rows)
    return found


async def check_dataset(graph: Graph, ds: Dataset) -> None:
    """Raise ``DatasetError`` naming every bad record; reads only."""
    ds.check(await existing_ids(graph, ds.external_references()))


async def load_dataset(
    graph: Graph,
    ds: Dataset,
    *,
    progress: Progress | None = None,
    batch_size: int = 2000,
    one_transaction: bool = True,
    checked: bool = False,
    refresh: bool = True,
    steps: list[Step] | None = None,
    tx: Tx | None = None,
) -> LoadReport:
    """Validate, then write ``ds``. With ``one_transaction`` (the default) it all commits or
    nothing does. Then (``refresh``) the areas' materialized rollups are recounted: a caller
    loading many datasets in a row may pass False and call ``refresh_rollups`` once at the end.
    ``steps``: ``plan_steps(ds)`` computed beforehand (say, on another thread while the previous
    dataset was being written). ``tx``: write in the caller's open transaction (a write through
    the API, with its own steps around this one)."""
    if not checked:
        await check_dataset(graph, ds)
    if steps is None:
        steps = plan_steps(ds)
    report = LoadReport(ds.origin)
    started = time.perf_counter()

    total = sum(len(s.rows) for s in steps)
    done = 0
    if tx is None:
        log.info("loading %s: %d rows in %d steps", ds.origin, total, len(steps))

    # Nodes of this dataset the graph held before: only their links may need pruning.
    existing: set[str] = set()
    # Nodes this load created: nothing links to them yet, so their links are created outright
    # rather than merged (a MERGE costs the embedded engine about three times a CREATE).
    created: set[str] = set()

    async def run(tx: Tx | None, statement: str, **params: Any) -> list[Row]:
        if tx is not None:
            return await tx.run(statement, **params)
        async with graph.transaction() as own:
            return await own.run(statement, **params)

    async def held(tx: Tx | None, label: str, batch: list[Row]) -> set[str]:
        ids = [r["id"] for r in batch]
        if tx is not None:
            rows = await tx.run(nq.EXISTING_IDS[label], ids=ids)
        else:
            rows = await graph.read(nq.EXISTING_IDS[label], ids=ids)
        return {r["id"] for r in rows}

    async def write_nodes(tx: Tx | None, step: Step, batch: list[Row]) -> None:
        found = await held(tx, step.label, batch)
        new = [r for r in batch if r["id"] not in found]
        old = [r for r in batch if r["id"] in found]
        if new:
            rows = [{"props": r["props"]} for r in new]
            await run(tx, nq.CREATE_NODES[step.label], rows=rows)
            created.update(r["id"] for r in new)
        if old:
            await run(tx, step.statement, rows=old)  # unchanged content is left as it is
            existing.update(found)
        report.statements += 1 + bool(new) + bool(old)

    async def run_steps(tx: Tx | None) -> None:
        nonlocal done
        for step in steps:
            rows = step.rows
            if step.kind == "prune":
                rows = [r for r in rows if r["owner"] in existing]
                done += len(step.rows) - len(rows)
            parts: list[tuple[str, list[Row]]] = [(step.statement, rows)]
            if step.kind == "link" and step.link is not None:
                fresh = unique_links([r for r in rows if r["owner"] in created])
                rest = [r for r in rows if r["owner"] not in created]
                done += len(rows) - len(fresh) - len(rest)
                parts = [(step.link.create_statement, fresh), (step.statement, rest)]
            for statement, part in parts:
                for batch in _chunks(part, batch_size):
                    if step.kind == "node":
                        await write_nodes(tx, step, batch)
                    else:
                        await run(tx, statement, rows=batch)
                        report.statements += 1
                    done += len(batch)
                    if progress:
                        progress(ds.origin, step.name, done, total)
            if step.kind == "node":
                report.nodes[step.label] = len(step.rows)
            elif step.kind == "link":
                report.relationships[step.name] = len(step.rows)

    # A load in its own transactions marks the rollups stale (graph.derived) in the same
    # transaction as its data, or before its first batch when it has several: a crash before
    # the recount leaves them marked stale. A caller's transaction keeps them current itself.
    if tx is not None:
        await run_steps(tx)
    elif one_transaction:
        async with graph.transaction() as own:
            await mark_load(own, ds.origin)
            await run_steps(own)
    else:
        async with graph.transaction() as own:
            await mark_load(own, ds.origin)
        await run_steps(None)
    report.seconds = time.perf_counter() - started
    if refresh:
        from graph.areas import refresh_rollups

        if progress:
            progress(ds.origin, "recounting area rollups", done, total)
        report.rollup_seconds = await refresh_rollups(graph)
    return report
