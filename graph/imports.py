"""Import a spreadsheet (CSV or XLSX) of one kind: check every row, then write it all or nothing.

How a file is imported, in one transaction:

1. Its rows are read by column (``graph.spreadsheet``), each cell parsed: dates in the Buddhist
   or Common Era, Thai digits, names as the API stores them (NFC, no zero-width characters).
2. Areas are resolved: a DOPA code, or a Thai name with its district and province, against the
   graph's own area table (names compared as ``graph.text.normalize`` writes them, level words
   and abbreviations such as ต. อ. จ. left out). An unknown or ambiguous name is an error that
   lists the candidates.
3. Each row becomes a record (and an item: a membership, a party, a contribution ...), checked by
   the same pydantic models the API and the seed loader use, then compared with what the graph
   holds: created, updated or unchanged. A record without an id is known by its natural key (its
   name and area), so importing the same file again finds the same records.
4. Any error anywhere (a bad cell, an unknown reference, a duplicate row, an area outside a
   coordinator's areas) and nothing is written; the report lists every error with its row,
   column and reason. A dry run stops here too.
5. Otherwise the file becomes a ``Source`` (its checksum names it; who imported it and when),
   the records created or changed are written citing it (``graph.load``), their revisions
   stamped, one ``Change`` each appended to the history, and the rollups of the areas above them
   moved by the difference (``graph.writes``), all in the same transaction: a process killed
   midway leaves nothing of the file in the graph.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from graph import text
from graph.accounts import Caller
from graph.dataset import Dataset
from graph.db import Graph, Tx
from graph.load import load_dataset
from graph.models.event import Event
from graph.models.organization import Membership, Organization
from graph.models.partnership import Partnership
from graph.models.person import Person
from graph.models.resource import Allocation, Contribution, Resource
from graph.queries import imports as q
from graph.queries import writes as wq
from graph.registry import label_of
from graph.spreadsheet import (
    KINDS,
    Sheet,
    SpreadsheetError,
    parse_bool,
    parse_date,
    parse_number,
    read_sheet,
    split_list,
)
from graph.writes import (
    _change_id,
    _in_transaction,
    _now,
    _refresh,
    _shares,
    _Snapshot,
    existing_ids_in,
    record_from_row,
)

# (step, done, total)
ImportProgress = Callable[[str, int, int], None]

SECTION = {
    "organizations": "organizations",
    "people": "people",
    "partnerships": "partnerships",
    "resources": "resources",
    "events": "events",
}
MODEL: dict[str, type[BaseModel]] = {
    "organizations": Organization,
    "people": Person,
    "partnerships": Partnership,
    "resources": Resource,
    "events": Event,
}
LABEL = {
    "organizations": "Organization",
    "people": "Person",
    "partnerships": "Partnership",
    "resources": "Resource",
    "events": "Event",
}
PREFIX = {
    "organizations": "org",
    "people": "person",
    "partnerships": "pt",
    "resources": "res",
    "events": "event",
}
# The record field the area columns fill, and whether it holds one area or several.
AREA_FIELD = {
    "organizations": ("located_in", False),
    "people": ("works_in", True),
    "partnerships": ("covers", True),
    "resources": ("serves", True),
    "events": ("held_in", False),
}
# Columns holding ids, and the labels they may name.
REFERENCES: dict[str, tuple[str, ...]] = {
    "unit_of": ("Organization",),
    "organization": ("Organization",),
    "party": ("Organization",),
    "stewards": ("Organization",),
    "pooled_into": ("Resource",),
    "organized_by": ("Organization",),
    "decided": ("Plan", "Goal", "Mechanism", "Partnership", "Resource", "Organization"),
    "attendee": ("Person", "Organization"),
    "sources": ("Source",),
}
# A record's fields that come from a column of another name.
FIELD_COLUMN = {
    "located_in": "area_code",
    "works_in": "area_code",
    "covers": "area_code",
    "serves": "area_code",
    "held_in": "area_code",
    "source_ids": "sources",
    "contact": "phone",
    "parties": "party",
    "attendees": "attendee",
}
ITEM_FIELD_COLUMN = {
    "start_on": "member_since",
    "end_on": "member_until",
    "organization": "organization",
    "contributor": "counterpart",
    "recipient": "counterpart",
    "purpose_th": "flow_purpose_th",
    "purpose_en": "flow_purpose_en",
}
SOURCE_PREFIX = "src:import-"


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    reason_th: str


@dataclass
class RowResult:
    row: int
    status: str = "unchanged"  # created, updated, unchanged, error
    entity: str | None = None
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    file: str
    checksum: str
    source_id: str
    dry_run: bool
    rows: list[RowResult]
    written: bool = False
    seconds: float = 0.0
    records: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> status -> n

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("created", "updated", "unchanged", "error"), 0)
        for r in self.rows:
            out[r.status] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "checksum": self.checksum,
            "source": self.source_id,
            "dryRun": self.dry_run,
            "written": self.written,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "records": self.records,
            "errors": [
                {"row": e.row, "column": e.column, "reason": e.reason, "reasonTh": e.reason_th}
                for e in self.errors
            ],
            "rows": [
                {"row": r.row, "status": r.status, "entity": r.entity}
                for r in self.rows
                if r.status != "error"
            ],
        }


class ImportRefused(SpreadsheetError):
    """The file has errors; nothing was written. ``report`` lists them."""

    def __init__(self, report: ImportReport) -> None:
        errors = report.errors
        shown = "; ".join(f"row {e.row}, {e.column}: {e.reason}" for e in errors[:5])
        more = f" ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        super().__init__(
            f"{len(errors)} error(s) in {report.file}, nothing was written "
            f"(พบข้อผิดพลาด {len(errors)} รายการ ไม่ได้บันทึกข้อมูลใด): {shown}{more}"
        )
        self.report = report


# --- areas by code or by name --------------------------------------------------------------------

_LEVEL_WORDS = re.compile(
    r"^(?:ตำบล|แขวง|อำเภอ|กิ่งอำเภอ|เขต|จังหวัด|tambon|khwaeng|amphoe|khet|changwat|"
    r"subdistrict|district|province)\s*"
)
_GOVERNMENT = ("province", "district", "subdistrict")


_SPACES = re.compile(r"\s+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A place name as compared: NFC, Thai digits as digits, lower case, abbreviations read
    (ต. อ. จ.), the level word and spaces left out: "ต. บ้านเหนือ" and "บ้านเหนือ" are the same
    key. (PyThaiNLP's full normalization is not needed for names and cost seconds for the
    country's 8,500 areas.)"""
    t = unicodedata.normalize("NFC", name).translate(_THAI_DIGITS).lower().strip()
    t = _LEVEL_WORDS.sub("", text.expand_abbreviations(t))
    return _SPACES.sub("", t)


@dataclass(frozen=True)
class Place:
    id: str
    code: str
    level: str
    name_th: str
    parent: str | None


class AreaIndex:
    """The graph's areas by code and, for government areas, by name under their parent."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.by_id: dict[str, Place] = {}
        self.by_code: dict[str, Place] = {}
        self.by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)  # (level, key)
        for r in rows:
            p = Place(r["id"], str(r["code"]), r["level"], r["name_th"] or "", r["parent"])
            self.by_id[p.id] = p
            self.by_code[p.code] = p
            if p.level in _GOVERNMENT:
                for name in {r["name_th"], r["name_en"], *(r["aliases"] or [])}:
                    if name:
                        self.by_name[(p.level, name_key(name))].append(p)

    def up(self, place: Place, level: str) -> Place | None:
        """The area of ``level`` above ``place`` (itself when it is of that level)."""
        p: Place | None = place
        while p is not None and p.level != level:
            p = self.by_id.get(p.parent) if p.parent else None
        return p

    def describe(self, p: Place) -> str:
        parts = [p.name_th]
        district = self.up(p, "district")
        province = self.up(p, "province")
        if district is not None and district is not p:
            parts.append(f"อ.{district.name_th}")
        if province is not None and province is not p:
            parts.append(f"จ.{province.name_th}")
        return f"{' '.join(parts)} ({p.code})"

    def code(self, value: str) -> Place | None:
        return self.by_code.get(value.removeprefix("area:"))

    def _closest(self, level: str, name: str, within: list[Place] | None) -> list[str]:
        from rapidfuzz import fuzz, process

        pool = [
            p
            for (lvl, _), places in self.by_name.items()
            if lvl == level
            for p in places
            if within is None or any(self.up(p, w.level) == w for w in within)
        ]
        names = {self.describe(p): name_key(p.name_th) for p in pool}
        found = process.extract(name_key(name), names, scorer=fuzz.ratio, limit=3)
        return [choice for _, score, choice in found if score >= 50]

    def by_names(
        self, subdistrict: str, district: str, province: str
    ) -> tuple[Place | None, str, str, str]:
        """The area named by the deepest level given: (place, None...) or (None, column,
        reason in English, reason in Thai) listing the candidates."""
        given = [
            (level, value)
            for level, value in (
                ("province", province),
                ("district", district),
                ("subdistrict", subdistrict),
            )
            if value
        ]
        scope: list[Place] | None = None
        for level, value in given:
            found = self.by_name.get((level, name_key(value)), [])
            if scope is not None:
                found = [p for p in found if any(self.up(p, s.level) == s for s in scope)]
            found = list(dict.fromkeys(found))
            if not found:
                near = self._closest(level, value, scope)
                where = f" in {', '.join(self.describe(s) for s in scope)}" if scope else ""
                hint = f"; closest: {'; '.join(near)}" if near else ""
                hint_th = f" ชื่อที่ใกล้เคียง: {'; '.join(near)}" if near else ""
                th_level = {"province": "จังหวัด", "district": "อำเภอ", "subdistrict": "ตำบล"}
                return (
                    None,
                    level,
                    f"unknown {level} {value!r}{where}{hint}",
                    f"ไม่พบ{th_level[level]} {value!r}{hint_th}",
                )
            scope = found
        if not scope:
            return None, "area_code", "no area given", "ไม่ได้ระบุพื้นที่"
        if len(scope) > 1:
            level = given[-1][0]
            listed = "; ".join(self.describe(p) for p in scope[:10])
            return (
                None,
                level,
                f"{given[-1][1]!r} names {len(scope)} areas: {listed}; add the district and "
                "province, or give the code",
                f"ชื่อ {given[-1][1]!r} ตรงกับ {len(scope)} พื้นที่: {listed} "
                "โปรดระบุอำเภอและจังหวัด หรือรหัสพื้นที่",
            )
        return scope[0], "", "", ""


# The area table is read once per graph and kept while the number of areas stays the same:
# government areas (the names resolved) are read-only, and an area added by an admin changes
# the count. Reading it costs seconds on the embedded engine; counting, milliseconds.
_AREA_CACHE: weakref.WeakKeyDictionary[Graph, tuple[int, AreaIndex]] = weakref.WeakKeyDictionary()


async def area_index(graph: Graph, tx: Tx | None = None) -> AreaIndex:
    """The graph's areas, by code and by name (``tx``: as that transaction sees them)."""
    run = tx.run if tx is not None else graph.read
    count = (await run(q.COUNT_AREAS))[0]["n"]
    cached = _AREA_CACHE.get(graph)
    if cached is not None and cached[0] == count:
        return cached[1]
    index = AreaIndex(await run(q.AREA_TABLE))
    _AREA_CACHE[graph] = (count, index)
    return index


# --- rows to records -----------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    record: dict[str, Any] = field(default_factory=dict)
    item: dict[str, Any] | None = None
    errors: list[RowError] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (column, id)

    def error(self, column: str, reason: str, reason_th: str) -> None:
        self.errors.append(RowError(self.number, column, reason, reason_th))


def _digest(*parts: Any) -> str:
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def _id_value(row: _Row, column: str, value: str) -> str | None:
    if not value:
        return None
    if ":" not in value or label_of(value) is None:
        row.error(
            column,
            f"not an id: {value!r} (ids look like org:..., person:...)",
            f"ไม่ใช่รหัส: {value!r}",
        )
        return None
    allowed = REFERENCES.get(column)
    if allowed and label_of(value) not in allowed:
        row.error(column, f"{value} is not a {' or '.join(allowed)}", f"{value} เป็นข้อมูลผิดประเภท")
        return None
    row.refs.append((column, value))
    return value


class _Converter:
    """Turns one sheet's rows into records and items; knows the kind's columns."""

    def __init__(self, sheet: Sheet, areas: AreaIndex) -> None:
        self.sheet = sheet
        self.kind = sheet.kind
        self.areas = areas
        self.has = set(sheet.columns)
        self.columns = {c.key: c for c in KINDS[self.kind]}

    def _cell(self, row: _Row, key: str) -> Any:
        """The parsed value of a cell, or None (empty or invalid: the error is recorded)."""
        raw = row.cells.get(key, "")
        column = self.columns[key]
        if column.type == "bool":
            try:
                return parse_bool(raw)
            except ValueError as exc:
                row.error(key, str(exc), f"{column.th}: ต้องเป็น ใช่ หรือ ไม่ใช่")
                return None
        if not raw:
            return [] if column.type in ("ids", "codes") else None
        try:
            if column.type == "date":
                return parse_date(raw).isoformat()
            if column.type == "number":
                return parse_number(raw)
            if column.type == "int":
                n = parse_number(raw)
                if not n.is_integer():
                    raise ValueError(f"not a whole number: {raw!r}")
                return int(n)
        except ValueError as exc:
            row.error(key, str(exc), f"{column.th}: รูปแบบไม่ถูกต้อง ({raw})")
            return None
        if column.type == "choice":
            value = raw.strip().lower().replace(" ", "_")
            if value not in column.choices:
                row.error(
                    key,
                    f"{raw!r} is not one of {', '.join(column.choices)}",
                    f"{column.th}: {raw!r} ไม่ใช่ค่าที่ใช้ได้ ({', '.join(column.choices)})",
                )
                return None
            return value
        if column.type == "id":
            return _id_value(row, key, raw)
        if column.type == "ids":
            ids = [_id_value(row, key, v) for v in split_list(raw)]
            return sorted({i for i in ids if i})
        if column.type == "codes":
            out = []
            for v in split_list(raw):
                place = self.areas.code(v)
                if place is None:
                    row.error(key, f"unknown area code {v!r}", f"ไม่พบรหัสพื้นที่ {v!r}")
                else:
                    out.append(place.id)
            return sorted(set(out))
        return raw

    def _areas(self, row: _Row) -> list[str] | None:
        """The row's areas: its codes, and the area its names give (None: no area columns)."""
        if not {"area_code", "subdistrict", "district", "province"} & self.has:
            return None
        codes: list[str] = self._cell(row, "area_code") if "area_code" in self.has else []
        names = [row.cells.get(k, "") for k in ("subdistrict", "district", "province")]
        if any(names):
            place, column, en, th = self.areas.by_names(*names)
            if place is None:
                row.error(column, en, th)
            elif codes and place.id not in codes:
                row.error(
                    "area_code",
                    f"the code(s) {', '.join(c.removeprefix('area:') for c in codes)} and the "
                    f"names ({self.areas.describe(place)}) name different areas",
                    "รหัสพื้นที่กับชื่อพื้นที่ไม่ตรงกัน",
                )
            else:
                codes = sorted({*codes, place.id})
        return codes

    def record(self, row: _Row) -> None:
        kind = self.kind
        rec: dict[str, Any] = {}
        item_keys = {c.key for c in KINDS[kind] if c.item}
        for key in self.sheet.columns:
            if key in item_keys or key in ("area_code", "subdistrict", "district", "province"):
                continue
            if key in ("phone", "email", "line_id", "sources", "id"):
                continue
            rec[key] = self._cell(row, key)
        if "sources" in self.has:
            rec["source_ids"] = self._cell(row, "sources")
        if kind == "people" and {"phone", "email", "line_id"} & self.has:
            contact = {k: row.cells.get(k) or None for k in ("phone", "email", "line_id")}
            rec["contact"] = contact if any(contact.values()) else None
        area_field, many = AREA_FIELD[kind]
        areas = self._areas(row)
        if areas is not None:
            if many:
                rec[area_field] = areas
            elif len(areas) > 1:
                row.error("area_code", f"one area only, not {len(areas)}", "ระบุได้พื้นที่เดียว")
            else:
                rec[area_field] = areas[0] if areas else None
        if kind == "organizations" and "works_in" in rec:
            rec["works_in"] = rec["works_in"] or []
        given = row.cells.get("id", "")
        if given:
            rid = _id_value(row, "id", given)
            if rid is not None and label_of(rid) != LABEL[kind]:
                row.error("id", f"{rid} is not an id of {kind}", f"{rid} ไม่ใช่รหัสของ{kind}")
            rec["id"] = rid
            if rid is not None:
                row.refs = [r for r in row.refs if r != ("id", rid)]
        else:
            rec["id"] = f"{PREFIX[kind]}:imp-{_digest(self._natural_key(row, rec))}"
        row.record = rec
        row.item = self._item(row, rec)

    def _natural_key(self, row: _Row, rec: dict[str, Any]) -> list[Any]:
        name = row.cells.get("name_th") or " ".join(
            row.cells.get(k, "") for k in ("given_name_th", "family_name_th")
        )
        area_field, _ = AREA_FIELD[self.kind]
        key: list[Any] = [self.kind, _SPACES.sub(" ", name_key(name)), rec.get(area_field)]
        if self.kind == "events":
            key.append(rec.get("on"))
        return key

    def _item(self, row: _Row, rec: dict[str, Any]) -> dict[str, Any] | None:
        kind = self.kind
        cells = row.cells
        if kind == "people" and cells.get("organization"):
            return {
                "person": rec["id"],
                "organization": self._cell(row, "organization"),
                "role": (self._cell(row, "role") if cells.get("role") else None) or "member",
                "role_th": cells.get("role_th") or None,
                "start_on": self._cell(row, "member_since"),
                "end_on": self._cell(row, "member_until"),
            }
        if kind == "partnerships" and cells.get("party"):
            return {
                "organization": self._cell(row, "party"),
                "role": cells.get("party_role") or "party",
                "role_th": cells.get("party_role_th") or None,
            }
        if kind == "events" and cells.get("attendee"):
            return {
                "attendee": self._cell(row, "attendee"),
                "role": cells.get("attendee_role") or "participant",
                "role_th": cells.get("attendee_role_th") or None,
            }
        if kind == "resources" and (cells.get("flow") or cells.get("counterpart")):
            flow = self._cell(row, "flow")
            if flow is None:
                if not cells.get("flow"):
                    row.error("flow", "say contribution or allocation", "ระบุ สมทบ หรือ จัดสรร")
                return None
            counterpart = self._cell(row, "counterpart")
            allowed = (
                ("Organization",) if flow == "contribution" else ("Organization", "Partnership")
            )
            if counterpart and label_of(counterpart) not in allowed:
                row.error(
                    "counterpart",
                    f"{counterpart} is not a {' or '.join(allowed)}",
                    "ผู้สมทบหรือผู้รับเป็นข้อมูลผิดประเภท",
                )
            item: dict[str, Any] = {
                "flow": flow,
                "resource": rec["id"],
                "amount": self._cell(row, "amount"),
                "on": self._cell(row, "on"),
            }
            if flow == "contribution":
                item["contributor"] = counterpart
                item["in_kind"] = self._cell(row, "in_kind") if "in_kind" in self.has else False
            else:
                item["recipient"] = counterpart
                item["purpose_th"] = cells.get("flow_purpose_th") or None
                item["purpose_en"] = cells.get("flow_purpose_en") or None
            given = cells.get("flow_id", "")
            prefix = "contrib" if flow == "contribution" else "alloc"
            if given:
                if not given.startswith(f"{prefix}:"):
                    row.error(
                        "flow_id",
                        f"a {flow}'s id starts with {prefix}:",
                        f"รหัสรายการต้องขึ้นต้นด้วย {prefix}:",
                    )
                item["id"] = given
            else:
                item["id"] = (
                    f"{prefix}:imp-{_digest(rec['id'], counterpart, item['on'], item['amount'])}"
                )
            return item
        return None


# --- comparing with the graph ------------------------------------------------------------------


def _canonical(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(data).model_dump(mode="json")


def _sorted_lists(record: dict[str, Any]) -> dict[str, Any]:
    """Lists of ids in id order, lists of roles by who: the order a stored record reads in."""
    out = {}
    for k, v in record.items():
        if isinstance(v, list) and v and isinstance(v[0], str) and k != "aliases":
            out[k] = sorted(v)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            who = "organization" if "organization" in v[0] else "attendee"

            def by_who(x: dict[str, Any], who: str = who) -> str:
                return str(x.get(who))

            out[k] = sorted(v, key=by_who)
        else:
            out[k] = v
    return out


def _validation(row: _Row, exc: ValidationError, item: bool) -> None:
    for e in exc.errors():
        loc = [str(p) for p in e["loc"]]
        name = loc[0] if loc else ""
        if item:
            column = ITEM_FIELD_COLUMN.get(name, name)
        else:
            column = FIELD_COLUMN.get(name, name)
            if name == "contact" and len(loc) > 1:
                column = loc[1]
        message = str(e["msg"]).removeprefix("Value error, ")
        th = _TH_MESSAGES.get(message, f"ค่าไม่ถูกต้อง ({message})")
        row.error(column or "<row>", message, f"{column}: {th}")


_TH_MESSAGES = {
    "end_on is before start_on": "วันสิ้นสุดอยู่ก่อนวันเริ่ม",
    "Field required": "ต้องระบุ",
}


@dataclass
class _Planned:
    label: str
    entity: str
    op: str  # create, update, unchanged
    before: dict[str, Any] | None
    after: dict[str, Any]
    model: BaseModel
    revision: int
    rows: list[_Row]
    areas: set[str] = field(default_factory=set)  # directly tied to


async def _existing(tx: Tx, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        for row in await tx.run(q.records_statement(label), ids=ids[i : i + 5000]):
            rec = record_from_row(label, row)
            out[rec["id"]] = rec
    return out


def _link_record(model: type[BaseModel], props: dict[str, Any], ends: dict[str, Any]) -> dict:
    fields = set(model.model_fields)
    data = {k: v for k, v in props.items() if k in fields}
    return _canonical(model, {**data, **ends})


def _drop_defaults(model: type[BaseModel], record: dict[str, Any]) -> dict[str, Any]:
    """An empty cell of a field that cannot be empty (a status, a unit) leaves it as it is, or
    at its default."""
    out = {}
    for k, v in record.items():
        info = model.model_fields.get(k)
        if v is None and info is not None and not info.is_required() and info.default is not None:
            continue
        out[k] = v
    return out


def _merge(before: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The record after the import: the file's columns over what was stored; sources added,
    never taken away."""
    if before is None:
        return dict(new)
    merged = {**before, **new}
    merged["source_ids"] = sorted({*before.get("source_ids", []), *new.get("source_ids", [])})
    return merged


# --- the import ----------------------------------------------------------------------------------


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def import_file(
    graph: Graph,
    caller: Caller,
    data: bytes,
    filename: str,
    fmt: str,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Check ``data`` (a CSV or XLSX file of one kind) row by row and, unless ``dry_run`` or any
    row has an error, write it in one transaction. ``ImportRefused`` when it had errors (its
    report lists them); ``SpreadsheetError`` when the file is not a sheet of that kind."""
    started = time.perf_counter()
    sheet = read_sheet(data, fmt, kind)
    checksum = _checksum(data)
    report = ImportReport(
        kind=sheet.kind,
        file=filename,
        checksum=checksum,
        source_id=f"{SOURCE_PREFIX}{checksum[:16]}",
        dry_run=dry_run,
        rows=[],
    )
    if not caller.can_write and not dry_run:
        from graph.writes import Forbidden

        raise Forbidden(f"a {caller.role.value} may not change the network")

    async def work(tx: Tx) -> ImportReport:
        plan = await _plan(graph, tx, caller, sheet, report, progress)
        if report.errors or dry_run:
            return report
        report.written = await _write(graph, tx, caller, sheet, report, plan, progress)
        return report

    if dry_run:
        async with graph.rolled_back() as tx:
            await work(tx)
    else:
        await _in_transaction(graph, work)
    report.seconds = time.perf_counter() - started
    if report.errors:
        raise ImportRefused(report)
    return report


async def _plan(
    graph: Graph,
    tx: Tx,
    caller: Caller,
    sheet: Sheet,
    report: ImportReport,
    progress: ImportProgress | None,
) -> list[_Planned]:
    kind = sheet.kind
    total = len(sheet.rows)
    areas = await area_index(graph, tx)
    convert = _Converter(sheet, areas)
    rows = [_Row(sheet.first_row + i, cells) for i, cells in enumerate(sheet.rows)]
    for n, row in enumerate(rows, 1):
        if not any(row.cells.values()):
            continue
        convert.record(row)
        if progress and (n % 500 == 0 or n == total):
            progress("checking rows", n, total)
    rows = [r for r in rows if r.record]

    # Records spanning rows: the same id on several rows must agree on the record's columns.
    groups: dict[str, list[_Row]] = defaultdict(list)
    item_keys: dict[tuple[str, str], int] = {}
    has_items = any(c.item for c in KINDS[kind])
    for row in rows:
        rid = row.record.get("id")
        if rid is None:
            continue
        first = groups[rid][0] if groups[rid] else None
        if first is not None:
            if not has_items:
                column = "id" if row.cells.get("id") else "name_th"
                row.error(
                    column,
                    f"duplicate of row {first.number} (same "
                    f"{'id' if column == 'id' else 'name and area'}: {rid})",
                    f"ซ้ำกับแถว {first.number}",
                )
                continue
            differs = [
                k
                for k in sheet.columns
                if not convert.columns[k].item and row.cells.get(k) != first.cells.get(k)
            ]
            if differs:
                row.error(
                    differs[0],
                    f"differs from row {first.number}, which has the same record ({rid}); "
                    "a record's columns repeat unchanged on its rows",
                    f"ไม่ตรงกับแถว {first.number} ซึ่งเป็นข้อมูลเดียวกัน",
                )
                continue
        if row.item is not None:
            ikey = _item_key(kind, rid, row.item)
            if (rid, ikey) in item_keys:
                row.error(
                    "<row>",
                    f"duplicate of row {item_keys[(rid, ikey)]} ({ikey})",
                    f"ซ้ำกับแถว {item_keys[(rid, ikey)]}",
                )
                continue
            item_keys[(rid, ikey)] = row.number
        groups[rid].append(row)

    # References: ids named in the file must exist in the graph or be defined by the file.
    defined = set(groups)
    wanted = {i for r in rows for _, i in r.refs} - defined
    found = await existing_ids_in(tx, wanted)
    for row in rows:
        for column, ref in row.refs:
            if ref not in defined and ref not in found:
                row.error(column, f"unknown {label_of(ref)} {ref}", f"ไม่พบรหัส {ref}")

    label = LABEL[kind]
    model = MODEL[kind]
    before = await _existing(tx, label, sorted(groups))
    planned: list[_Planned] = []
    for rid, group in groups.items():
        head = group[0]
        if any(r.errors for r in group):
            continue
        new = _drop_defaults(model, head.record)
        if kind == "partnerships" and "party" in sheet.columns:
            new["parties"] = [r.item for r in group if r.item]
        if kind == "events" and "attendee" in sheet.columns:
            new["attendees"] = [r.item for r in group if r.item]
        old = before.get(rid)
        revision = int(old.pop("_revision")) if old else 0
        try:
            after = _canonical(model, _sorted_lists(_merge(old, new)))
        except ValidationError as exc:
            _validation(head, exc, item=False)
            continue
        op = "create" if old is None else ("unchanged" if after == old else "update")
        planned.append(
            _Planned(label, rid, op, old, after, model.model_validate(after), revision, group)
        )
    planned.extend(await _plan_items(tx, kind, groups))

    await _check_scope(tx, caller, planned, areas)

    statuses: dict[int, str] = {}
    order = {"create": 3, "update": 2, "unchanged": 1}
    done = {"create": "created", "update": "updated", "unchanged": "unchanged"}
    for p in planned:
        for r in p.rows:
            statuses[r.number] = max(
                statuses.get(r.number, "unchanged"), p.op, key=order.__getitem__
            )
        report.records.setdefault(p.label, dict.fromkeys(("created", "updated", "unchanged"), 0))
        report.records[p.label][done[p.op]] += 1
    for row in rows:
        status = "error" if row.errors else done[statuses.get(row.number, "unchanged")]
        report.rows.append(RowResult(row.number, status, row.record.get("id"), row.errors))
    return planned


def _item_key(kind: str, rid: str, item: dict[str, Any]) -> str:
    if kind == "people":
        return f"{rid}|{item.get('organization')}|{item.get('role')}"
    if kind == "partnerships":
        return str(item.get("organization"))
    if kind == "events":
        return str(item.get("attendee"))
    return str(item.get("id"))


async def _plan_items(tx: Tx, kind: str, groups: dict[str, list[_Row]]) -> list[_Planned]:
    """Memberships, contributions and allocations: each a record of its own."""
    out: list[_Planned] = []
    if kind == "people":
        rows = [r for g in groups.values() for r in g if r.item]
        keys = []
        for r in rows:
            assert r.item is not None
            item = {
                **r.item,
                "synthetic": r.record.get("synthetic") or False,
                "assumption": r.record.get("assumption") or False,
                "source_ids": r.record.get("source_ids") or [],
            }
            r.item = item
            keys.append(
                {
                    "person": item["person"],
                    "organization": item["organization"],
                    "key": f"{item['person']}|{item['organization']}|{item['role']}",
                }
            )
        stored: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), 5000):
            for s in await tx.run(q.MEMBERSHIPS_BY_KEY, keys=keys[i : i + 5000]):
                props = dict(s["props"])
                rec = _link_record(
                    Membership, props, {"person": s["person"], "organization": s["organization"]}
                )
                rec["_revision"] = int(props.get("revision") or 1)
                stored[props["key"]] = rec
        for r in rows:
            assert r.item is not None
            key = f"{r.item['person']}|{r.item['organization']}|{r.item['role']}"
            out.extend(_plan_link(r, "Membership", Membership, key, stored.get(key), r.item))
    if kind == "resources":
        rows = [r for g in groups.values() for r in g if r.item]
        ids = [str(r.item["id"]) for r in rows if r.item]
        stored = {}
        for i in range(0, len(ids), 5000):
            for s in await tx.run(q.FLOWS_BY_ID, ids=ids[i : i + 5000]):
                props = dict(s["props"])
                if s["type"] == "CONTRIBUTED":
                    ends = {"resource": s["resource"], "contributor": s["other"]}
                    stored[s["id"]] = _link_record(Contribution, props, ends)
                else:
                    ends = {"resource": s["resource"], "recipient": s["other"]}
                    stored[s["id"]] = _link_record(Allocation, props, ends)
        for r in rows:
            assert r.item is not None
            item = {k: v for k, v in r.item.items() if k != "flow"}
            item = {
                **item,
                "synthetic": r.record.get("synthetic") or False,
                "assumption": r.record.get("assumption") or False,
                "source_ids": r.record.get("source_ids") or [],
            }
            model: type[BaseModel] = (
                Contribution if r.item["flow"] == "contribution" else Allocation
            )
            label = "Contribution" if model is Contribution else "Allocation"
            old = stored.get(item["id"])
            out.extend(_plan_link(r, label, model, item["id"], old, item))
    return out


def _plan_link(
    row: _Row,
    label: str,
    model: type[BaseModel],
    key: str,
    old: dict[str, Any] | None,
    new: dict[str, Any],
) -> list[_Planned]:
    old = dict(old) if old else None
    revision = int(old.pop("_revision", 1)) if old else 0
    try:
        after = _canonical(model, _merge(old, new))
    except ValidationError as exc:
        _validation(row, exc, item=True)
        return []
    op = "create" if old is None else ("unchanged" if after == old else "update")
    return [_Planned(label, key, op, old, after, model.model_validate(after), revision, [row])]


async def _check_scope(tx: Tx, caller: Caller, planned: list[_Planned], areas: AreaIndex) -> None:
    """The areas each record is tied to (before and after), and every area above them; a
    coordinator's rows outside its areas are errors."""
    changing = [p for p in planned if p.op != "unchanged"]
    in_file = {p.entity: p for p in planned if p.label in LABEL.values()}
    # Areas of the nodes records point to (organizations of memberships, resources of flows
    # ...): from the file when it defines them, from the graph otherwise.
    others: dict[str, set[str]] = defaultdict(set)
    wanted: dict[str, list[str]] = defaultdict(list)
    for p in changing:
        for ref in _node_refs(p):
            if ref not in in_file:
                lbl = label_of(ref)
                if lbl and lbl != "Area":
                    wanted[lbl].append(ref)
    for lbl, ids in wanted.items():
        for r in await tx.run(wq.areas_of(lbl), ids=sorted(set(ids))):
            others[r["id"]].update(r["areas"])
    direct: dict[str, set[str]] = {}
    for p in planned:
        own = {a for rec in (p.before, p.after) if rec for a in _area_refs(rec)}
        direct[p.entity] = own
    for p in changing:
        tied = set(direct.get(p.entity, set()))
        for ref in _node_refs(p):
            tied |= direct.get(ref, set()) if ref in in_file else others.get(ref, set())
        p.areas = tied
    chains: dict[str, list[str]] = {}
    needed = sorted({a for p in changing for a in p.areas})
    for i in range(0, len(needed), 5000):
        for r in await tx.run(wq.ANCESTORS, ids=needed[i : i + 5000]):
            chains[r["id"]] = list(r["above"])
    if caller.is_admin:
        return
    scope = set(caller.areas)
    for p in changing:
        row = p.rows[0]
        if not p.areas:
            row.error(
                "area_code",
                f"{p.entity} is tied to no area; only an admin may import it",
                f"{p.entity} ไม่ได้ผูกกับพื้นที่ใด เฉพาะผู้ดูแลระบบนำเข้าได้",
            )
            continue
        outside = sorted(a for a in p.areas if not scope & set(chains.get(a, [a])))
        if outside:
            names = ", ".join(
                areas.describe(areas.by_id[a]) if a in areas.by_id else a for a in outside
            )
            row.error(
                "area_code",
                f"{names} is outside the areas this account may change ({', '.join(caller.areas)})",
                f"{names} อยู่นอกพื้นที่ที่บัญชีนี้แก้ไขได้",
            )


def _area_refs(record: dict[str, Any]) -> set[str]:
    out = set()
    for k in ("located_in", "works_in", "covers", "serves", "held_in"):
        v = record.get(k)
        for a in v if isinstance(v, list) else [v]:
            if isinstance(a, str):
                out.add(a)
    return out


def _node_refs(p: _Planned) -> list[str]:
    rec = p.after
    if p.label == "Membership":
        return [rec["person"], rec["organization"]]
    if p.label == "Contribution":
        return [rec["resource"], rec["contributor"]]
    if p.label == "Allocation":
        return [rec["resource"], rec["recipient"]]
    return []


async def _write(
    graph: Graph,
    tx: Tx,
    caller: Caller,
    sheet: Sheet,
    report: ImportReport,
    planned: list[_Planned],
    progress: ImportProgress | None,
) -> bool:
    """Write what changes; False when nothing does (the file was imported before)."""
    changing = [p for p in planned if p.op != "unchanged"]
    if not changing:
        return False
    at = _now()
    source = report.source_id
    name = report.file[-200:]
    await tx.run(
        q.MERGE_FILE_SOURCE,
        id=source,
        title_th=f"ไฟล์นำเข้า {name}",
        title_en=f"Imported spreadsheet {name}",
        file=report.file,
        checksum=report.checksum,
        actor=caller.actor,
        at=at,
        note=f"{sheet.kind}, {len(sheet.rows)} rows, imported by {caller.actor} on {at[:10]}",
    )
    sections: dict[str, list[BaseModel]] = defaultdict(list)
    section_of = {
        "Organization": "organizations",
        "Person": "people",
        "Partnership": "partnerships",
        "Resource": "resources",
        "Event": "events",
        "Membership": "memberships",
        "Contribution": "contributions",
        "Allocation": "allocations",
    }
    for p in changing:
        p.after = {**p.after, "source_ids": sorted({*p.after["source_ids"], source})}
        p.model = type(p.model).model_validate(p.after)
        sections[section_of[p.label]].append(p.model)
    ds = Dataset(origin=report.file, **sections)

    # The rollup shares of what changes, before and after; the difference moves the areas.
    entities: dict[str, list[str]] = defaultdict(list)
    resources: set[str] = set()
    for p in changing:
        if p.label in ("Organization", "Person", "Partnership", "Resource"):
            entities[p.label].append(p.entity)
        if p.label == "Resource":
            resources.add(p.entity)
            for rec in (p.before, p.after):
                if rec and rec.get("pooled_into"):
                    resources.add(rec["pooled_into"])
        if p.label in ("Contribution", "Allocation"):
            resources.add(p.after["resource"])
            if p.label == "Contribution":
                entities["Resource"].append(p.after["resource"])
    # What is created has no share yet: only what exists is read before.
    created = {p.entity for p in changing if p.op == "create"}
    existing = {label: [i for i in ids if i not in created] for label, ids in entities.items()}
    snapshot = _Snapshot(dict(entities), await _shares(tx, existing))

    def tick(_origin: str, step: str, done: int, total: int) -> None:
        if progress:
            progress(f"writing {step}", done, total)

    await load_dataset(graph, ds, checked=True, refresh=False, tx=tx, progress=tick)
    await _refresh(tx, snapshot, [], sorted(resources))

    stamps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    memberships: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for p in changing:
        revision = p.revision + 1 if p.op == "update" else 1
        if p.label in LABEL.values():
            stamps[p.label].append({"id": p.entity, "revision": revision})
        elif p.label == "Membership":
            memberships.append(
                {
                    "person": p.after["person"],
                    "organization": p.after["organization"],
                    "key": p.entity,
                    "revision": revision,
                }
            )
        changes.append(
            {
                "id": _change_id(),
                "entity": p.entity,
                "label": p.label,
                "op": p.op,
                "before": json.dumps(p.before, ensure_ascii=False, sort_keys=True)
                if p.before
                else None,
                "after": json.dumps(p.after, ensure_ascii=False, sort_keys=True),
                "revision": revision,
                "areas": sorted(p.areas),
            }
        )
    for label, rows in stamps.items():
        for i in range(0, len(rows), 5000):
            await tx.run(q.stamp_many(label), rows=rows[i : i + 5000], at=at, actor=caller.actor)
    for i in range(0, len(memberships), 5000):
        await tx.run(q.STAMP_MEMBERSHIPS, rows=memberships[i : i + 5000], at=at, actor=caller.actor)
    # The areas of a Change are the touched areas and every area above them (as a write's).
    chains: dict[str, list[str]] = {}
    needed = sorted({a for c in changes for a in c["areas"]})
    for i in range(0, len(needed), 5000):
        for r in await tx.run(wq.ANCESTORS, ids=needed[i : i + 5000]):
            chains[r["id"]] = list(r["above"])
    for c in changes:
        c["areas"] = sorted({x for a in c["areas"] for x in chains.get(a, [a])})
    for i in range(0, len(changes), 2000):
        await tx.run(
            q.CREATE_CHANGES,
            rows=changes[i : i + 2000],
            actor=caller.actor,
            at=at,
            reason=f"import of {report.file}",
            source_ids=[source],
        )
        if progress:
            progress("recording history", min(i + 2000, len(changes)), len(changes))
    return True
