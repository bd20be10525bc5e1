"""Keeping the network current: create, update, end and delete records, one transaction each.

Every write goes through the same steps, in one transaction (all of it commits or none):

1. The input is normalized (Unicode NFC, zero-width characters removed) and validated by the
   same pydantic models and dataset checks the seed loader uses; problems come back as
   ``Rejected`` with one ``UserError`` per field, in English and Thai.
2. The caller's scope is checked: a coordinator writes only records tied to areas inside the
   subtrees it was given, before and after the change; government areas (from geothai) are
   read-only.
3. The node is locked and its revision compared with the one the caller read: a stale
   revision gives ``Conflict`` with the current one, and nothing is written.
4. The record is written by the loader's own statements (``graph.load``), the node stamped
   with its new revision, and an immutable ``(:Change)`` appended with the record before and
   after, the actor, the time, the reason and the sources.
5. The rollups change in the same transaction, so the next read sees the change: each counted
   entity's share (the areas it reaches, what it adds there) is read before and after the
   write and the difference added to those areas; a write to an area itself recounts the
   areas touched. The flows of the resources touched are recounted.

Ending is not deleting: ending a membership or a partnership sets its end date (and status)
and keeps it; ``validOn`` questions see it until then. Only an admin deletes, and the
deletion is itself a change in the history.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, create_model

from graph.accounts import Caller
from graph.dataset import Dataset, DatasetError
from graph.db import Graph, Tx
from graph.errors import GraphError, NotFound, QueryFailed
from graph.load import existing_ids, load_dataset
from graph.models.organization import Membership
from graph.models.person import Mentorship
from graph.models.resource import Allocation, Contribution
from graph.queries import nodes as nq
from graph.queries import rollup as rq
from graph.queries import writes as q
from graph.registry import BY_LABEL, SECTION_LABEL, label_of
from graph.search import forget_area_names

T = TypeVar("T")

# Levels whose areas come from geothai (the government's tree): read-only through the API.
GOVERNMENT_LEVELS = frozenset({"country", "province", "district", "subdistrict"})
MAX_LIST = 200  # items in one list field of one record (parties, attendees, areas ...)
# Every write adds to the rollups of the areas above it, so concurrent writers meet on the
# country's and the region's counters: retry with a growing, jittered wait (about 2 s in all).
RETRIES = 9

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


# --- errors ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserError:
    """One problem with the input: where (a field path), what (a code), and why."""

    path: tuple[str, ...]
    code: str
    message: str
    message_th: str


class Rejected(GraphError):
    """The input is invalid; nothing was written."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(f"{'.'.join(e.path) or '<input>'}: {e.message}" for e in errors))
        self.errors = errors


class Conflict(GraphError):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, entity: str, expected: int, current: int) -> None:
        super().__init__(
            f"{entity} is at revision {current}, not {expected}: read it again and reapply "
            "your change"
        )
        self.entity = entity
        self.current = current


class Forbidden(GraphError):
    """The caller may not make this change; nothing was written."""


def _error(path: tuple[str, ...], code: str, en: str, th: str) -> UserError:
    return UserError(path, code, en, th)


# --- provenance and results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """Where a write comes from: existing sources, or a citation that becomes a new one."""

    source_ids: tuple[str, ...] = ()
    citation: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Change:
    id: str
    entity: str
    label: str
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    actor: str
    at: str
    reason: str | None
    source_ids: tuple[str, ...]
    revision: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> Change:
        return cls(
            id=row["id"],
            entity=row["entity"],
            label=row["label"],
            op=row["op"],
            before=json.loads(row["before"]) if row["before"] else None,
            after=json.loads(row["after"]) if row["after"] else None,
            actor=row["actor"],
            at=row["at"],
            reason=row["reason"],
            source_ids=tuple(row["source_ids"] or ()),
            revision=int(row["revision"]),
        )


@dataclass(frozen=True)
class WriteResult:
    entity: str
    label: str  # the node's label, or "Membership" / "Mentorship" ...
    revision: int
    change: Change | None  # None when the write changed nothing
    record: dict[str, Any] | None = field(repr=False, default=None)


# --- input --------------------------------------------------------------------------------------


def normalize(value: Any) -> Any:
    """Thai text as one form: NFC, no zero-width characters, in every string of the input."""
    if isinstance(value, str):
        return _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", value))
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    return value


_TH_CODES = {
    "missing": "ต้องระบุ",
    "string_too_long": "ยาวเกินกำหนด",
    "string_too_short": "สั้นเกินไป",
    "string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "greater_than_equal": "ต้องไม่ติดลบหรือน้อยกว่าที่กำหนด",
    "enum": "ไม่ใช่ค่าที่อนุญาต",
    "extra_forbidden": "ไม่มีช่องนี้",
    "date_from_datetime_parsing": "วันที่ไม่ถูกต้อง",
    "date_parsing": "วันที่ไม่ถูกต้อง",
    "value_error": "ค่าไม่ถูกต้อง",
}


def _validation_errors(exc: ValidationError) -> list[UserError]:
    out = []
    for e in exc.errors():
        path = tuple(str(p) for p in e["loc"])
        kind = str(e["type"])
        th = _TH_CODES.get(kind, "ค่าไม่ถูกต้อง")
        out.append(_error(path, "INVALID", str(e["msg"]), f"{'.'.join(path)}: {th}"))
    return out


def _validate(model: type[T], data: dict[str, Any]) -> T:
    try:
        return model.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise Rejected(_validation_errors(exc)) from None


def _check_lists(data: dict[str, Any]) -> None:
    errors = [
        _error(
            (name,),
            "TOO_MANY",
            f"at most {MAX_LIST} items in one write",
            f"{name}: ได้ไม่เกิน {MAX_LIST} รายการต่อครั้ง",
        )
        for name, value in data.items()
        if isinstance(value, list) and len(value) > MAX_LIST
    ]
    if errors:
        raise Rejected(errors)


def _dataset_errors(exc: DatasetError) -> list[UserError]:
    out = []
    for p in exc.problems:
        field_name = p.field if isinstance(p.field, str) else str(p.field)
        code = "UNKNOWN_REFERENCE" if "unknown" in p.message else "INVALID"
        if "is not a" in p.message:
            code = "WRONG_KIND"
        th = {
            "UNKNOWN_REFERENCE": "ไม่พบรหัสที่อ้างถึง",
            "WRONG_KIND": "รหัสที่อ้างถึงเป็นข้อมูลผิดประเภท",
        }.get(code, "ค่าไม่ถูกต้อง")
        out.append(_error((field_name,), code, p.message, f"{field_name}: {th}"))
    return out


# Patch models: every field of a record optional, ``None`` meaning "leave as it is".
_PATCHES: dict[str, type[BaseModel]] = {}


def patch_model(section: str) -> type[BaseModel]:
    """The patch of a record of ``section``: its model's fields but ``id``, all optional."""
    if section not in _PATCHES:
        model = BY_LABEL[SECTION_LABEL[section]].model
        fields: dict[str, Any] = {
            name: (info.annotation | None, None)  # type: ignore[operator]
            for name, info in model.model_fields.items()
            if name != "id"
        }
        _PATCHES[section] = create_model(
            f"{model.__name__}Patch", __doc__=f"A change to a {model.__name__}.", **fields
        )
    return _PATCHES[section]


# --- the record as stored ------------------------------------------------------------------------


async def read_record(tx: Tx | Graph, label: str, node_id: str) -> dict[str, Any] | None:
    """The record of node ``node_id`` as its input model holds it (relations as ids), and its
    revision under ``_revision``; None when there is no such node."""
    run = tx.run if isinstance(tx, Tx) else tx.read
    rows = await run(q.record_statement(label), id=node_id)
    if not rows:
        return None
    return record_from_row(label, rows[0])


def record_from_row(label: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``record_statement`` as its input model holds it (see ``read_record``)."""
    spec = BY_LABEL[label]
    props = dict(row["props"])
    fields = set(spec.model.model_fields)
    record: dict[str, Any] = {k: v for k, v in props.items() if k in fields}
    if label == "Person" and any(props.get(f"contact_{k}") for k in ("phone", "email", "line")):
        record["contact"] = {
            "phone": props.get("contact_phone"),
            "email": props.get("contact_email"),
            "line_id": props.get("contact_line"),
        }
    for name, (_, _, shape) in q.RECORD_LINKS[spec.section].items():
        value = row[name]
        if shape == "one":
            record[name] = value[0] if value else None
        elif shape.startswith("roles:"):
            record[name] = [{k: v for k, v in item.items() if v is not None} for item in value]
        else:
            record[name] = list(value)
    if label == "Area":
        record["parent_source_ids"] = (row["parent_source_ids"] or [[]])[0] or []
        record["parent_assumption"] = bool((row["parent_assumption"] or [False])[0])
    # A stored record is valid; dumping it through its model gives the canonical form.
    record = spec.model.model_validate(record).model_dump(mode="json")
    record["_revision"] = int(props.get("revision") or 1)
    return record


def _canonical(label: str, record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


# --- scope ---------------------------------------------------------------------------------------


async def _areas_of(tx: Tx, ids: list[str]) -> set[str]:
    by_label: dict[str, list[str]] = {}
    for i in sorted(set(ids)):
        label = label_of(i)
        if label in BY_LABEL:
            by_label.setdefault(label, []).append(i)
    out: set[str] = set()
    for label, some in by_label.items():
        rows = await tx.run(q.areas_of(label), ids=some)
        out.update(a for r in rows for a in r["areas"])
    return out


async def _above(tx: Tx, areas: set[str]) -> dict[str, list[str]]:
    if not areas:
        return {}
    rows = await tx.run(q.ANCESTORS, ids=sorted(areas))
    return {r["id"]: list(r["above"]) for r in rows}


def _references(record: dict[str, Any]) -> list[str]:
    """Every node id a record refers to (areas, organizations, people ...)."""
    out: list[str] = []
    for name, value in record.items():
        if name in ("id", "source_ids", "parent_source_ids", "_revision"):
            continue
        if isinstance(value, str) and label_of(value) and ":" in value:
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str) and label_of(item):
                    out.append(item)
                elif isinstance(item, dict):
                    out.extend(v for v in item.values() if isinstance(v, str) and label_of(v))
    return out


async def _check_scope(
    tx: Tx, caller: Caller, entity: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[str]:
    """The areas (and every area above them) this write touches; ``Forbidden`` when the caller
    may not write there."""
    ids: list[str] = []
    for record in (before, after):
        if record is not None:
            ids.extend(_references(record))
    if before is not None and label_of(entity) is not None:
        ids.append(entity)
    areas = await _areas_of(tx, ids)
    above = await _above(tx, areas)
    touched = sorted({a for chain in above.values() for a in chain})
    if caller.is_admin:
        return touched
    if not caller.can_write:
        raise Forbidden(f"a {caller.role.value} may not change the network")
    if not areas:
        raise Forbidden(
            f"{entity} is tied to no area; only an admin may change it (a coordinator writes "
            "within its areas)"
        )
    scope = set(caller.areas)
    outside = sorted(a for a, chain in above.items() if not scope & set(chain))
    if outside:
        raise Forbidden(
            f"{', '.join(outside)} is outside the areas this account may change "
            f"({', '.join(caller.areas)})"
        )
    return touched


# --- the transaction -----------------------------------------------------------------------------


def _transient(exc: BaseException) -> bool:
    """A concurrent write: Neo4j's transient errors (deadlock, lock timeout), the embedded
    engine's concurrent modification detected at commit."""
    if isinstance(exc, QueryFailed):
        code = exc.code or ""
        text = str(exc).lower()
        return "TransientError" in code or "concurrent" in text or "deadlock" in text
    return False


async def _in_transaction(graph: Graph, work: Callable[[Tx], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction, again from the start when a concurrent writer got there
    first (it will then see that writer's revision).

    On the embedded engine, whose transactions are optimistic (a conflict shows at commit),
    the writes of this process (the only one that can hold its data directory) run one at a
    time: every write adds to the same counters (the country's, the region's), and with ten
    writers some failed even after retries. Neo4j locks what a transaction changes and
    queues the others itself."""
    serial = graph.write_lock if graph.engine == "embedded" else contextlib.nullcontext()
    for attempt in range(RETRIES):
        try:
            async with serial, graph.transaction() as tx:
                return await work(tx)
        except QueryFailed as exc:
            if not _transient(exc) or attempt == RETRIES - 1:
                raise
            await asyncio.sleep(
                min(0.5, 0.01 * 2**attempt) * (0.5 + secrets.randbelow(1000) / 1000)
            )
    raise AssertionError("unreachable")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _change_id() -> str:
    return f"change:{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}"


async def _sources(tx: Tx, prov: Provenance, now: str) -> list[str]:
    """The write's sources: those named (they must exist), and the citation as a new one."""
    ids = list(dict.fromkeys(prov.source_ids))
    if ids:
        found = await existing_ids_in(tx, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise Rejected(
                [
                    _error(
                        ("provenance", "sourceIds"),
                        "UNKNOWN_REFERENCE",
                        f"unknown source {m!r}",
                        f"ไม่พบแหล่งข้อมูล {m!r}",
                    )
                    for m in missing
                ]
            )
    if prov.citation:
        citation = normalize(prov.citation).strip()
        if len(citation) > 300:
            raise Rejected(
                [
                    _error(
                        ("provenance", "citation"),
                        "INVALID",
                        "a citation is at most 300 characters",
                        "การอ้างอิงยาวได้ไม่เกิน 300 ตัวอักษร",
                    )
                ]
            )
        digest = hashlib.blake2b(citation.encode(), digest_size=6).hexdigest()
        source_id = f"src:cited-{digest}"
        await tx.run(
            "MERGE (s:Source {id: $id}) ON CREATE SET s.kind = 'reference', s.title_en = $title, "
            "s.note = $note",
            id=source_id,
            title=citation,
            note=f"cited in a write through the API on {now[:10]}",
        )
        ids.append(source_id)
    if not ids:
        raise Rejected(
            [
                _error(
                    ("provenance",),
                    "SOURCE_REQUIRED",
                    "every write needs a source: give sourceIds or a citation",
                    "ทุกการแก้ไขต้องมีแหล่งที่มา: ระบุ sourceIds หรือ citation",
                )
            ]
        )
    return ids


async def existing_ids_in(tx: Tx, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` exist, as this transaction sees them (one statement per label)."""
    by_label: dict[str, list[str]] = {}
    for i in ids:
        label = label_of(i)
        if label in nq.EXISTING_IDS:
            by_label.setdefault(label, []).append(i)
    found: set[str] = set()
    for label, chunk in by_label.items():
        rows = await tx.run(nq.EXISTING_IDS[label], ids=chunk)
        found.update(r["id"] for r in rows)
    return found


# --- rollups: what one write adds or takes away --------------------------------------------------

Shares = dict[str, Counter[str]]  # area id -> rollup field -> what some entities add there


@dataclass
class _Snapshot:
    """The entities whose rollup shares a write may change, and their shares before it;
    ``entities`` None: an area itself changes, so the touched areas are recounted."""

    entities: dict[str, list[str]] | None
    before: Shares


async def _shares(tx: Tx, entities: dict[str, list[str]]) -> Shares:
    total: Shares = {}
    for label, ids in entities.items():
        if not ids:
            continue
        for row in await tx.run(rq.SHARES[label], ids=sorted(set(ids))):
            share = dict(row["share"])
            tier = share.pop("tier", None)
            if tier:
                share[f"tier_{tier}"] = 1
            for area in row["areas"]:
                total.setdefault(area, Counter()).update(share)
    return total


async def _snapshot(
    tx: Tx, label: str, entity: str, *records: dict[str, Any] | None, deleting: bool = False
) -> _Snapshot:
    """Before a write to ``entity``: the counted entities it may change, and their shares."""
    if label == "Area":
        return _Snapshot(None, {})
    entities: dict[str, list[str]] = {}
    if label in rq.SHARES:
        entities[label] = [entity]
    if label == "Organization" and deleting:  # its contributions leave their pools with it
        rows = await tx.run(rq.CONTRIBUTED_TO, id=entity)
        entities["Resource"] = [r["id"] for r in rows]
    if label == "Contribution":
        entities["Resource"] = [r["resource"] for r in records if r is not None]
    return _Snapshot(entities, await _shares(tx, entities) if entities else {})


async def _refresh(tx: Tx, snapshot: _Snapshot, touched: list[str], resources: list[str]) -> None:
    """After the write: the flows of the resources touched; the rollups by the difference of
    the shares (or, when an area changed, by recounting the touched areas)."""
    for name, statement in rq.REFRESH_SOME:
        if name == "resource flows":
            if resources:
                await tx.run(statement, resources=sorted(set(resources)))
        elif snapshot.entities is None and touched:
            await tx.run(statement, areas=touched)
    if snapshot.entities is None:
        return
    after = await _shares(tx, snapshot.entities)
    deltas = []
    for area in sorted({*after, *snapshot.before}):
        now, then = after.get(area, Counter()), snapshot.before.get(area, Counter())
        delta = {f: now.get(f, 0) - then.get(f, 0) for f in rq.ROLLUP_FIELDS}
        if any(delta.values()):
            deltas.append({"area": area, **delta})
    if deltas:
        await tx.run(rq.ADD_TO_ROLLUPS, deltas=deltas)


async def refresh_rollups(graph: Graph, entity: str) -> int:
    """What one write to ``entity`` does to the rollups, without changing it: its shares read
    before and after, the (zero) difference added. The number of areas its share reaches.
    (The benchmark times a write's refresh with it.)"""
    label = label_of(entity)
    if label not in rq.SHARES:
        raise ValueError(f"{entity} is not counted in the rollups")

    async def work(tx: Tx) -> int:
        snapshot = await _snapshot(tx, label, entity)
        if not snapshot.before and not await existing_ids_in(tx, [entity]):
            raise NotFound(label, entity)
        await _refresh(tx, snapshot, [], [])
        return len(snapshot.before)

    return await _in_transaction(graph, work)


async def recount_rollups(graph: Graph, area: str) -> int:
    """Recount the rollups of ``area`` and every area above it from the graph (what a write to
    an area does); the number of areas recounted."""

    async def work(tx: Tx) -> int:
        touched = sorted({a for chain in (await _above(tx, {area})).values() for a in chain})
        if not touched:
            raise NotFound("Area", area)
        await _refresh(tx, _Snapshot(None, {}), touched, [])
        return len(touched)

    return await _in_transaction(graph, work)


async def _record_change(
    tx: Tx,
    *,
    entity: str,
    label: str,
    op: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    caller: Caller,
    at: str,
    prov: Provenance,
    sources: list[str],
    revision: int,
    touched: list[str],
) -> Change:
    change = Change(
        id=_change_id(),
        entity=entity,
        label=label,
        op=op,
        before=before,
        after=after,
        actor=caller.actor,
        at=at,
        reason=normalize(prov.reason) if prov.reason else None,
        source_ids=tuple(sources),
        revision=revision,
    )
    await tx.run(
        q.CREATE_CHANGE,
        id=change.id,
        entity=entity,
        label=label,
        op=op,
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else None,
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after else None,
        actor=change.actor,
        at=at,
        reason=change.reason,
        source_ids=sources,
        revision=revision,
        areas=touched,
    )
    return change


def _resources_of(label: str, *records: dict[str, Any] | None) -> list[str]:
    out = []
    for r in records:
        if r is None:
            continue
        if label == "Resource":
            out.append(r["id"])
            if r.get("pooled_into"):
                out.append(r["pooled_into"])
        elif "resource" in r:
            out.append(r["resource"])
    return out


# --- nodes ---------------------------------------------------------------------------------------


async def _write_node(
    graph: Graph,
    tx: Tx,
    section: str,
    record: BaseModel,
    touched: list[str],
    resources: list[str],
) -> None:
    ds = Dataset(**{section: [record]})
    try:
        # Checked in this transaction: it sees a source cited by this write, and nothing
        # deleted since.
        ds.check(await existing_ids_in(tx, ds.external_references()))
    except DatasetError as exc:
        raise Rejected(_dataset_errors(exc)) from None
    label = SECTION_LABEL[section]
    snapshot = await _snapshot(tx, label, str(record.id))  # type: ignore[attr-defined]
    await load_dataset(graph, ds, checked=True, refresh=False, tx=tx)
    await _refresh(tx, snapshot, touched, resources)


def _noted(graph: Graph, result: WriteResult) -> WriteResult:
    """A committed write of an area: the search's names of areas (``graph.search``) are read
    again at the next search that needs them."""
    if result.label == "Area":
        forget_area_names(graph)
    return result


def _label(section: str) -> str:
    if section not in SECTION_LABEL:
        raise ValueError(f"unknown section {section!r}")
    return SECTION_LABEL[section]


def _writable_area(caller: Caller, record: dict[str, Any] | None) -> None:
    if record is not None and record.get("level") in GOVERNMENT_LEVELS:
        raise Forbidden(
            f"{record.get('id')} is a government area (from geothai): read-only; CODI's own "
            "areas (regions, province groups, communities) can be changed"
        )


async def create(
    graph: Graph, caller: Caller, section: str, data: dict[str, Any], prov: Provenance
) -> WriteResult:
    """A new record of ``section`` (organizations, people, partnerships ...)."""
    label = _label(section)
    model = BY_LABEL[label].model
    data = normalize(data)
    _check_lists(data)

    async def work(tx: Tx) -> WriteResult:
        at = _now()
        sources = await _sources(tx, prov, at)
        record = _validate(
            model, {**data, "source_ids": sorted({*data.get("source_ids", []), *sources})}
        )
        after = _canonical(label, record)
        if label == "Area":
            _writable_area(caller, after)
        if await existing_ids_in(tx, [after["id"]]):
            raise Rejected(
                [
                    _error(
                        ("id",),
                        "ALREADY_EXISTS",
                        f"{after['id']} already exists; update it instead",
                        f"มี {after['id']} อยู่แล้ว ให้แก้ไขแทน",
                    )
                ]
            )
        touched = await _check_scope(tx, caller, after["id"], None, after)
        if label == "Area" and not caller.is_admin:
            raise Forbidden("only an admin adds areas")
        await _write_node(graph, tx, section, record, touched, _resources_of(label, after))
        await tx.run(
            q.stamp_statement(label), id=after["id"], revision=1, at=at, actor=caller.actor
        )
        touched = sorted(
            {
                *touched,
                *(
                    (await _above(tx, {after["id"]})).get(after["id"], [])
                    if label == "Area"
                    else []
                ),
            }
        )
        change = await _record_change(
            tx, entity=after["id"], label=label, op="create", before=None, after=after,
            caller=caller, at=at, prov=prov, sources=sources, revision=1, touched=touched,
        )  # fmt: skip
        return WriteResult(after["id"], label, 1, change, after)

    return _noted(graph, await _in_transaction(graph, work))


async def _locked_record(tx: Tx, label: str, entity: str, revision: int) -> dict[str, Any]:
    if not await tx.run(q.lock_statement(label), id=entity):
        raise NotFound(label, entity)
    before = await read_record(tx, label, entity)
    if before is None:
        raise NotFound(label, entity)
    current = before.pop("_revision")
    if current != revision:
        raise Conflict(entity, revision, current)
    return before


async def update(
    graph: Graph,
    caller: Caller,
    section: str,
    entity: str,
    revision: int,
    patch: dict[str, Any],
    prov: Provenance,
    clear: list[str] | None = None,
) -> WriteResult:
    """Change some fields of a record read at ``revision``; ``clear`` names fields to empty."""
    label = _label(section)
    model = BY_LABEL[label].model
    patch = normalize({k: v for k, v in patch.items() if v is not None})
    _check_lists(patch)
    unknown = [c for c in clear or [] if c not in model.model_fields or c == "id"]
    if unknown or "id" in patch:
        raise Rejected(
            [
                _error(
                    ("clear",),
                    "INVALID",
                    f"{c!r} is not a field that can be cleared",
                    f"ล้างช่อง {c!r} ไม่ได้",
                )
                for c in unknown
            ]
            + (
                [_error(("id",), "INVALID", "an id cannot change", "เปลี่ยนรหัสไม่ได้")]
                if "id" in patch
                else []
            )
        )

    async def work(tx: Tx) -> WriteResult:
        before = await _locked_record(tx, label, entity, revision)
        if label == "Area":
            _writable_area(caller, before)
        at = _now()
        merged = {**before, **patch}
        for c in clear or []:
            merged[c] = [] if isinstance(before.get(c), list) else None
        record = _validate(model, merged)
        after = _canonical(label, record)
        if after == before:
            await tx.run(q.unlock_statement(label), id=entity)
            return WriteResult(entity, label, revision, None, before)
        sources = await _sources(tx, prov, at)
        after = {**after, "source_ids": sorted({*after["source_ids"], *sources})}
        record = _validate(model, after)
        touched = await _check_scope(tx, caller, entity, before, after)
        await _write_node(graph, tx, section, record, touched, _resources_of(label, before, after))
        await tx.run(
            q.stamp_statement(label), id=entity, revision=revision + 1, at=at, actor=caller.actor
        )
        change = await _record_change(
            tx, entity=entity, label=label, op="update", before=before, after=after,
            caller=caller, at=at, prov=prov, sources=sources, revision=revision + 1,
            touched=touched,
        )  # fmt: skip
        return WriteResult(entity, label, revision + 1, change, after)

    return _noted(graph, await _in_transaction(graph, work))


async def delete(
    graph: Graph, caller: Caller, section: str, entity: str, revision: int, prov: Provenance
) -> WriteResult:
    """Remove a node and its relationships (admins only); the history keeps it."""
    label = _label(section)
    if not caller.is_admin:
        raise Forbidden("only an admin deletes; end a membership or partnership instead")

    async def work(tx: Tx) -> WriteResult:
        before = await _locked_record(tx, label, entity, revision)
        at = _now()
        sources = await _sources(tx, prov, at)
        touched = await _check_scope(tx, caller, entity, before, None)
        snapshot = await _snapshot(tx, label, entity, before, deleting=True)
        await tx.run(q.delete_statement(label), id=entity)
        await _refresh(tx, snapshot, touched, _resources_of(label, before))
        change = await _record_change(
            tx, entity=entity, label=label, op="delete", before=before, after=None,
            caller=caller, at=at, prov=prov, sources=sources, revision=revision + 1,
            touched=touched,
        )  # fmt: skip
        return WriteResult(entity, label, revision + 1, change, None)

    return _noted(graph, await _in_transaction(graph, work))


# --- relationship records ------------------------------------------------------------------------

LINK_MODELS: dict[str, type[BaseModel]] = {
    "memberships": Membership,
    "mentorships": Mentorship,
    "contributions": Contribution,
    "allocations": Allocation,
}
LINK_LABELS = {
    "memberships": "Membership",
    "mentorships": "Mentorship",
    "contributions": "Contribution",
    "allocations": "Allocation",
}


def _link_ends(section: str, record: dict[str, Any]) -> tuple[str, str]:
    if section == "memberships":
        return record["person"], record["organization"]
    return record["mentor"], record["mentee"]


def link_key(section: str, record: BaseModel) -> str:
    return str(getattr(record, "key", None) or record.id)  # type: ignore[attr-defined]


async def add_link(
    graph: Graph, caller: Caller, section: str, data: dict[str, Any], prov: Provenance
) -> WriteResult:
    """A new membership, mentorship, contribution or allocation."""
    model = LINK_MODELS[section]
    label = LINK_LABELS[section]
    data = normalize(data)

    async def work(tx: Tx) -> WriteResult:
        at = _now()
        sources = await _sources(tx, prov, at)
        record = _validate(
            model, {**data, "source_ids": sorted({*data.get("source_ids", []), *sources})}
        )
        after = _canonical(label, record)
        key = link_key(section, record)
        if section in q.LINK_RECORD:
            a, b = _link_ends(section, after)
            if await tx.run(q.LINK_RECORD[section], a=a, b=b, key=key):
                raise Rejected(
                    [
                        _error(
                            (),
                            "ALREADY_EXISTS",
                            f"{key} is already recorded (same person, organization and role); "
                            "update or end it instead",
                            f"มีข้อมูล {key} อยู่แล้ว ให้แก้ไขหรือสิ้นสุดแทน",
                        )
                    ]
                )
        else:
            rows = await tx.run(q.KEYED_FLOW, resource=after["resource"], id=key)
            if rows:
                raise Rejected(
                    [_error(("id",), "ALREADY_EXISTS", f"{key} already exists", f"มี {key} อยู่แล้ว")]
                )
        touched = await _check_scope(tx, caller, key, None, after)
        ds = Dataset(**{section: [record]})
        try:
            ds.check(await existing_ids_in(tx, ds.external_references()))
        except DatasetError as exc:
            raise Rejected(_dataset_errors(exc)) from None
        snapshot = await _snapshot(tx, label, key, after)
        await load_dataset(graph, ds, checked=True, refresh=False, tx=tx)
        await _refresh(tx, snapshot, touched, _resources_of(label, after))
        if section in q.STAMP_LINK:
            a, b = _link_ends(section, after)
            await tx.run(
                q.STAMP_LINK[section], a=a, b=b, key=key, revision=1, at=at, actor=caller.actor
            )
        change = await _record_change(
            tx, entity=key, label=label, op="create", before=None, after=after,
            caller=caller, at=at, prov=prov, sources=sources, revision=1, touched=touched,
        )  # fmt: skip
        return WriteResult(key, label, 1, change, after)

    return await _in_transaction(graph, work)


async def end_link(
    graph: Graph,
    caller: Caller,
    section: str,
    ends: tuple[str, str],
    key: str,
    revision: int,
    end_on: dt.date,
    prov: Provenance,
) -> WriteResult:
    """End a membership or mentorship on ``end_on``: it stays, with its end date."""
    model = LINK_MODELS[section]
    label = LINK_LABELS[section]

    async def work(tx: Tx) -> WriteResult:
        rows = await tx.run(q.LINK_RECORD[section], a=ends[0], b=ends[1], key=key)
        if not rows:
            raise NotFound(label, key)
        props = dict(rows[0]["props"])
        current = int(props.get("revision") or 1)
        if current != revision:
            raise Conflict(key, revision, current)
        fields = set(model.model_fields)
        a_name, b_name = (
            ("person", "organization") if section == "memberships" else ("mentor", "mentee")
        )
        before = _canonical(
            label,
            _validate(
                model,
                {
                    **{k: v for k, v in props.items() if k in fields},
                    a_name: ends[0],
                    b_name: ends[1],
                },
            ),
        )
        at = _now()
        sources = await _sources(tx, prov, at)
        after_record = _validate(
            model,
            {
                **before,
                "end_on": end_on.isoformat(),
                "source_ids": sorted({*before["source_ids"], *sources}),
            },
        )
        after = _canonical(label, after_record)
        touched = await _check_scope(tx, caller, key, before, after)
        await load_dataset(
            graph, Dataset(**{section: [after_record]}), checked=True, refresh=False, tx=tx
        )
        await tx.run(
            q.STAMP_LINK[section],
            a=ends[0],
            b=ends[1],
            key=key,
            revision=revision + 1,
            at=at,
            actor=caller.actor,
        )
        change = await _record_change(
            tx, entity=key, label=label, op="end", before=before, after=after,
            caller=caller, at=at, prov=prov, sources=sources, revision=revision + 1,
            touched=touched,
        )  # fmt: skip
        return WriteResult(key, label, revision + 1, change, after)

    return await _in_transaction(graph, work)


# --- history -------------------------------------------------------------------------------------


async def history(graph: Graph, entity: str) -> list[Change]:
    """Every change of ``entity``, oldest first: empty for a record never changed since it was
    seeded, ``NotFound`` for an id that names nothing (and never did)."""
    found = [Change.of(r["change"]) for r in await graph.read(q.HISTORY, id=entity)]
    if not found and "|" not in entity and not await existing_ids(graph, [entity]):
        raise NotFound(label_of(entity) or "record", entity)
    return found


async def changes(
    graph: Graph, since: dt.datetime, within: str | None = None, limit: int = 100
) -> list[Change]:
    if within is not None and not await graph.read(
        "MATCH (a:Area {id: $id}) RETURN a.id AS id", id=within
    ):
        raise NotFound("Area", within)
    since_text = (since if since.tzinfo else since.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    rows = await graph.read(
        q.CHANGES_SINCE, since=since_text.isoformat(), within=within, limit=limit
    )
    return [Change.of(r["change"]) for r in rows]


async def as_of(graph: Graph, entity: str, on: dt.date | dt.datetime) -> dict[str, Any] | None:
    """The record ``entity`` as it stood at ``on`` (a time, or the end of a day, UTC): the
    state after the last change until then; before its first recorded change, the state that
    change started from (a seeded record). None when it did not exist then."""
    found = await history(graph, entity)
    if isinstance(on, dt.datetime):
        moment = (on if on.tzinfo else on.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    else:
        moment = dt.datetime.combine(on, dt.time.max, tzinfo=dt.UTC)
    until = moment.isoformat(timespec="microseconds")
    earlier = [c for c in found if c.at <= until]
    if earlier:
        return earlier[-1].after
    if found:
        return found[0].before
    label = label_of(entity)
    if label is None or label not in BY_LABEL or "|" in entity:
        raise NotFound("record", entity)
    record = await read_record(graph, label, entity)
    if record is None:
        raise NotFound(label, entity)
    record.pop("_revision", None)
    return record


__all__ = [
    "Change",
    "Conflict",
    "Forbidden",
    "Provenance",
    "Rejected",
    "UserError",
    "WriteResult",
    "add_link",
    "as_of",
    "changes",
    "create",
    "delete",
    "end_link",
    "history",
    "patch_model",
    "update",
]
