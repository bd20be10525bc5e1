"""Spreadsheets in and out: one template per kind, Thai or English headers, cells as values.

A kind's file has one row per record (organizations), or one row per record and item
(a person and one membership, a partnership and one party, a resource and one contribution or
allocation, an event and one attendee): the record's columns repeat on each of its rows. This
module knows the columns, reads CSV (the ``csv`` module) and XLSX (openpyxl) into rows of text
by column key, parses cells (dates in the Buddhist or Common Era, Thai digits, numbers, yes/no)
and writes templates and exports. What the values mean is ``graph.imports``'s business.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.models.common import AreaLevel
from graph.models.organization import OrganizationKind, Role
from graph.models.partnership import PartnershipKind, Status
from graph.models.person import Tier
from graph.models.resource import ResourceKind

FORMATS = ("csv", "xlsx")
LIST_SEPARATOR = ";"


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet of this kind (not a cell's problem)."""


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the field it fills
    th: str  # the Thai header
    type: str  # text, id, ids, codes, date, bool, number, int, choice
    help_en: str
    help_th: str
    required: bool = False
    item: bool = False  # belongs to the row's item (membership, party ...), not its record
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """Thai first, the English key beside it: the header templates and exports write."""
        return f"{self.th} ({self.key})"


def _values(enum: Iterable[Any]) -> tuple[str, ...]:
    return tuple(e.value for e in enum)


_ID = Column(
    "id",
    "รหัส",
    "id",
    "Stable id (the export fills it); empty: made from the name and area",
    "รหัสถาวร (ไฟล์ส่งออกมีให้) ว่างได้: สร้างจากชื่อและพื้นที่",
)
_AREA = [
    Column(
        "area_code",
        "รหัสพื้นที่",
        "codes",
        "DOPA code(s) of the area(s), e.g. 710101; several with ;",
        "รหัสพื้นที่ของกรมการปกครอง เช่น 710101 หลายพื้นที่คั่นด้วย ;",
    ),
    Column(
        "subdistrict",
        "ตำบล",
        "text",
        "Or the area by name: subdistrict (Thai)",
        "หรือระบุพื้นที่ด้วยชื่อ: ตำบล",
    ),
    Column("district", "อำเภอ", "text", "district (Thai), with the subdistrict", "อำเภอ"),
    Column("province", "จังหวัด", "text", "province (Thai), with the district", "จังหวัด"),
]
_TAIL = [
    Column("note", "หมายเหตุ", "text", "Free note", "หมายเหตุ"),
    Column("synthetic", "ข้อมูลสมมติ", "bool", "yes: generated demo data", "ใช่: ข้อมูลสมมติ"),
    Column("assumption", "ข้อสันนิษฐาน", "bool", "yes: not stated by a source", "ใช่: แหล่งข้อมูลไม่ได้ระบุ"),
    Column(
        "sources",
        "แหล่งข้อมูล",
        "ids",
        "Existing source ids (src:...), with ;; the file itself is always added",
        "รหัสแหล่งข้อมูลที่มีอยู่ คั่นด้วย ; (ไฟล์นี้ถูกเพิ่มเป็นแหล่งข้อมูลเสมอ)",
    ),
]


def _c(key: str, th: str, type_: str, en: str, th_help: str, **kw: Any) -> Column:
    return Column(key, th, type_, en, th_help, **kw)


ORGANIZATIONS = (
    _ID,
    _c("name_th", "ชื่อองค์กร", "text", "Name in Thai", "ชื่อภาษาไทย", required=True),
    _c("name_en", "ชื่อภาษาอังกฤษ", "text", "Name in English", "ชื่อภาษาอังกฤษ"),
    _c(
        "kind",
        "ประเภท",
        "choice",
        "Kind",
        "ประเภทองค์กร",
        required=True,
        choices=_values(OrganizationKind),
    ),
    *_AREA,
    _c(
        "works_in",
        "พื้นที่ทำงาน",
        "codes",
        "Other areas it works in (codes, ;)",
        "พื้นที่ทำงานอื่น (รหัส คั่นด้วย ;)",
    ),
    _c("unit_of", "สังกัด", "id", "Parent organization id (org:...)", "องค์กรแม่ (รหัส org:...)"),
    _c("short_name_th", "ชื่อย่อ", "text", "Short name (Thai)", "ชื่อย่อภาษาไทย"),
    _c("short_name_en", "ชื่อย่อภาษาอังกฤษ", "text", "Short name (English)", "ชื่อย่อภาษาอังกฤษ"),
    _c(
        "start_on",
        "วันที่จัดตั้ง",
        "date",
        "Founded (BE or CE: 2566-01-15, 15/01/2566)",
        "วันที่จัดตั้ง (พ.ศ. หรือ ค.ศ.)",
    ),
    _c(
        "end_on",
        "วันที่เลิก",
        "date",
        "Dissolved (not before it was founded)",
        "วันที่เลิก (ต้องไม่ก่อนวันจัดตั้ง)",
    ),
    _c("description_th", "รายละเอียด", "text", "Description (Thai)", "รายละเอียด"),
    _c(
        "description_en",
        "รายละเอียดภาษาอังกฤษ",
        "text",
        "Description (English)",
        "รายละเอียดภาษาอังกฤษ",
    ),
    *_TAIL,
)

PEOPLE = (
    _ID,
    _c("honorific_th", "คำนำหน้า", "text", "นาย, นาง, นางสาว ...", "คำนำหน้าชื่อ"),
    _c("given_name_th", "ชื่อ", "text", "Given name (Thai)", "ชื่อ", required=True),
    _c("family_name_th", "นามสกุล", "text", "Family name (Thai)", "นามสกุล"),
    _c("given_name_en", "ชื่อภาษาอังกฤษ", "text", "Given name (English)", "ชื่อภาษาอังกฤษ"),
    _c("family_name_en", "นามสกุลภาษาอังกฤษ", "text", "Family name (English)", "นามสกุลภาษาอังกฤษ"),
    _c("tier", "ระดับผู้นำ", "choice", "Leadership tier", "ระดับผู้นำ", choices=_values(Tier)),
    *_AREA,
    _c("phone", "โทรศัพท์", "text", "Phone (personal data)", "โทรศัพท์ (ข้อมูลส่วนบุคคล)"),
    _c("email", "อีเมล", "text", "E-mail (personal data)", "อีเมล (ข้อมูลส่วนบุคคล)"),
    _c("line_id", "ไลน์", "text", "LINE id (personal data)", "ไอดีไลน์ (ข้อมูลส่วนบุคคล)"),
    *_TAIL,
    _c(
        "organization",
        "องค์กรที่เป็นสมาชิก",
        "id",
        "Membership: organization id (org:...), one per row",
        "การเป็นสมาชิก: รหัสองค์กร แถวละหนึ่งองค์กร",
        item=True,
    ),
    _c(
        "role",
        "บทบาท",
        "choice",
        "Membership role",
        "บทบาทในองค์กร",
        item=True,
        choices=_values(Role),
    ),
    _c("role_th", "บทบาท (ไทย)", "text", "Role as written in Thai", "ชื่อตำแหน่งภาษาไทย", item=True),
    _c("member_since", "เป็นสมาชิกตั้งแต่", "date", "Membership start", "วันเริ่ม", item=True),
    _c("member_until", "เป็นสมาชิกถึง", "date", "Membership end", "วันสิ้นสุด", item=True),
)

PARTNERSHIPS = (
    _ID,
    _c("name_th", "ชื่อความร่วมมือ", "text", "Name in Thai", "ชื่อภาษาไทย", required=True),
    _c("name_en", "ชื่อภาษาอังกฤษ", "text", "Name in English", "ชื่อภาษาอังกฤษ"),
    _c(
        "kind",
        "ประเภท",
        "choice",
        "Kind",
        "ประเภท",
        required=True,
        choices=_values(PartnershipKind),
    ),
    _c("level", "ระดับ", "choice", "Level", "ระดับ", required=True, choices=_values(AreaLevel)),
    _c("status", "สถานะ", "choice", "Status", "สถานะ", choices=_values(Status)),
    *_AREA,
    _c("start_on", "วันเริ่ม", "date", "Start", "วันเริ่ม"),
    _c("end_on", "วันสิ้นสุด", "date", "End", "วันสิ้นสุด"),
    _c("purpose_th", "วัตถุประสงค์", "text", "Purpose (Thai)", "วัตถุประสงค์"),
    _c("purpose_en", "วัตถุประสงค์ภาษาอังกฤษ", "text", "Purpose (English)", "วัตถุประสงค์ภาษาอังกฤษ"),
    *_TAIL,
    _c(
        "party",
        "ภาคี",
        "id",
        "Party: organization id, one per row",
        "ภาคี: รหัสองค์กร แถวละหนึ่ง",
        item=True,
    ),
    _c("party_role", "บทบาทภาคี", "text", "Party's role", "บทบาทของภาคี", item=True),
    _c(
        "party_role_th", "บทบาทภาคี (ไทย)", "text", "Party's role in Thai", "บทบาทภาษาไทย", item=True
    ),
)

RESOURCES = (
    _ID,
    _c("name_th", "ชื่อทรัพยากร", "text", "Name in Thai", "ชื่อภาษาไทย", required=True),
    _c("name_en", "ชื่อภาษาอังกฤษ", "text", "Name in English", "ชื่อภาษาอังกฤษ"),
    _c(
        "kind",
        "ประเภท",
        "choice",
        "Kind (pooled_fund: a pool, กองคลัง)",
        "ประเภท",
        required=True,
        choices=_values(ResourceKind),
    ),
    _c("level", "ระดับ", "choice", "Level", "ระดับ", required=True, choices=_values(AreaLevel)),
    _c("status", "สถานะ", "choice", "Status", "สถานะ", choices=_values(Status)),
    _c("unit", "หน่วย", "text", "Unit (THB)", "หน่วย (บาท: THB)"),
    _c(
        "stewards",
        "ผู้ดูแล",
        "ids",
        "Organizations that manage it (ids, ;)",
        "องค์กรผู้ดูแล (รหัส คั่นด้วย ;)",
    ),
    *_AREA,
    _c(
        "pooled_into",
        "สมทบเข้ากองทุน",
        "id",
        "A pool one level up it feeds (res:...)",
        "กองทุนระดับบนที่สมทบเข้า",
    ),
    _c("description_th", "รายละเอียด", "text", "Description (Thai)", "รายละเอียด"),
    _c(
        "description_en",
        "รายละเอียดภาษาอังกฤษ",
        "text",
        "Description (English)",
        "รายละเอียดภาษาอังกฤษ",
    ),
    *_TAIL,
    _c(
        "flow",
        "รายการ",
        "choice",
        "contribution (in) or allocation (out), one per row",
        "สมทบ (contribution) หรือ จัดสรร (allocation) แถวละหนึ่งรายการ",
        item=True,
        choices=("contribution", "allocation"),
    ),
    _c(
        "flow_id",
        "รหัสรายการ",
        "id",
        "Id of the contribution or allocation (empty: made)",
        "รหัสรายการ (ว่างได้)",
        item=True,
    ),
    _c(
        "counterpart",
        "ผู้สมทบหรือผู้รับ",
        "id",
        "Contributing organization, or receiving organization or partnership",
        "องค์กรผู้สมทบ หรือองค์กร/ความร่วมมือผู้รับ",
        item=True,
    ),
    _c("amount", "จำนวนเงิน", "number", "Amount", "จำนวน", item=True),
    _c("on", "วันที่", "date", "Date", "วันที่", item=True),
    _c("in_kind", "สิ่งของ", "bool", "Contribution in kind", "สมทบเป็นสิ่งของ", item=True),
    _c(
        "flow_purpose_th",
        "วัตถุประสงค์การจัดสรร",
        "text",
        "Allocation purpose (Thai)",
        "วัตถุประสงค์การจัดสรร",
        item=True,
    ),
    _c(
        "flow_purpose_en",
        "วัตถุประสงค์การจัดสรรภาษาอังกฤษ",
        "text",
        "Allocation purpose (English)",
        "วัตถุประสงค์ภาษาอังกฤษ",
        item=True,
    ),
)

EVENTS = (
    _ID,
    _c("name_th", "ชื่อการประชุม", "text", "Name in Thai", "ชื่อภาษาไทย", required=True),
    _c("name_en", "ชื่อภาษาอังกฤษ", "text", "Name in English", "ชื่อภาษาอังกฤษ"),
    _c("on", "วันที่", "date", "Date", "วันที่", required=True),
    _c("place_th", "สถานที่", "text", "Place (Thai)", "สถานที่"),
    _c("place_en", "สถานที่ภาษาอังกฤษ", "text", "Place (English)", "สถานที่ภาษาอังกฤษ"),
    *_AREA,
    _c("organized_by", "ผู้จัด", "ids", "Organizers (ids, ;)", "ผู้จัด (รหัส คั่นด้วย ;)"),
    _c(
        "decided",
        "มติ",
        "ids",
        "What it decided (plan:, goal:, mech: ... ids, ;)",
        "สิ่งที่มีมติ (รหัส คั่นด้วย ;)",
    ),
    _c(
        "attendance_more_than",
        "ผู้เข้าร่วมมากกว่า",
        "int",
        "More than this many attended",
        "จำนวนผู้เข้าร่วมมากกว่า",
    ),
    _c("summary_th", "สรุป", "text", "Summary (Thai)", "สรุป"),
    _c("summary_en", "สรุปภาษาอังกฤษ", "text", "Summary (English)", "สรุปภาษาอังกฤษ"),
    *_TAIL,
    _c(
        "attendee",
        "ผู้เข้าร่วม",
        "id",
        "Attendee: person or organization id, one per row",
        "ผู้เข้าร่วม: รหัสบุคคลหรือองค์กร แถวละหนึ่ง",
        item=True,
    ),
    _c("attendee_role", "บทบาทผู้เข้าร่วม", "text", "Attendee's role", "บทบาท", item=True),
    _c(
        "attendee_role_th",
        "บทบาทผู้เข้าร่วม (ไทย)",
        "text",
        "Attendee's role in Thai",
        "บทบาทภาษาไทย",
        item=True,
    ),
)

KINDS: dict[str, tuple[Column, ...]] = {
    "organizations": ORGANIZATIONS,
    "people": PEOPLE,
    "partnerships": PARTNERSHIPS,
    "resources": RESOURCES,
    "events": EVENTS,
}
KIND_TH = {
    "organizations": "องค์กร",
    "people": "บุคคลและการเป็นสมาชิก",
    "partnerships": "ความร่วมมือและภาคี",
    "resources": "ทรัพยากร กองทุน การสมทบและการจัดสรร",
    "events": "การประชุมและผู้เข้าร่วม",
}
# The columns that tell a kind's file apart when ``--kind`` is not given.
_MARKERS = {
    "people": "given_name_th",
    "partnerships": "party",
    "resources": "flow",
    "events": "attendee",
}


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise SpreadsheetError(
            f"unknown kind {kind!r}: one of {', '.join(KINDS)} (ประเภทไม่ถูกต้อง: {', '.join(KINDS)})"
        )
    return kind


def _header_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", "").split()).lower()


def header_map(kind: str) -> dict[str, str]:
    """Every accepted header (English key, Thai header, both as templates write them) -> key."""
    out: dict[str, str] = {}
    for c in KINDS[kind]:
        for form in (c.key, c.th, c.header):
            out[_header_key(form)] = c.key
    return out


# --- cells ---------------------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
THAI_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ]
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_THAI_DATE = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.)?\s*(\d{4})$")
# A year this large is in the Buddhist Era (2400 BE is 1857 CE; no record is that old).
BE_FROM = 2400


def clean_text(value: str) -> str:
    """As the API stores text: NFC, no zero-width characters, Thai digits kept, trimmed."""
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", value)).strip()


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0 (a code typed into Excel), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def parse_date(text: str) -> dt.date:
    """2566-01-15, 2023-01-15, 15/01/2566, 15 ม.ค. 2566, Thai digits: a year of 2400 or more
    is a Buddhist Era year. ``ValueError`` with the reason otherwise."""
    t = " ".join(text.translate(_THAI_DIGITS).split())
    if m := _ISO.match(t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(t):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif (m := _THAI_DATE.match(t)) and m[2] in THAI_MONTHS:
        d, mo, y = int(m[1]), THAI_MONTHS[m[2]], int(m[3])
    else:
        raise ValueError(f"not a date: {text!r} (use 2566-01-15, 15/01/2566 or 15 ม.ค. 2566)")
    if y >= BE_FROM:
        y -= 543
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} ({exc})") from None


_TRUE = {"yes", "y", "true", "1", "ใช่", "จริง", "x", "✓"}
_FALSE = {"no", "n", "false", "0", "ไม่", "ไม่ใช่", "เท็จ", ""}


def parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError(f"not yes or no: {text!r} (use yes/no, ใช่/ไม่ใช่)")


def parse_number(text: str) -> float:
    t = text.translate(_THAI_DIGITS).replace(",", "").replace("฿", "").strip()
    try:
        return float(t)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def split_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(LIST_SEPARATOR) if p.strip()]


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A file's rows as text by column key; ``rows[i]`` is spreadsheet row ``first_row + i``."""

    kind: str
    columns: tuple[str, ...]  # the keys the file has, in its order
    rows: list[dict[str, str]]
    first_row: int = 2  # the header is row 1


def _raw_rows(data: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "the CSV file is not UTF-8: save it as 'CSV UTF-8' (ไฟล์ CSV ต้องเป็น UTF-8)"
            ) from None
        return list(csv.reader(io.StringIO(text, newline="")))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
            raise SpreadsheetError(f"not an XLSX workbook ({exc}) (ไม่ใช่ไฟล์ XLSX)") from None
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    raise SpreadsheetError(f"unknown format {fmt!r}: csv or xlsx (รูปแบบไฟล์ต้องเป็น csv หรือ xlsx)")


def format_of(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise SpreadsheetError(f"{name}: expected a .csv or .xlsx file (ต้องเป็นไฟล์ .csv หรือ .xlsx)")
    return suffix


def read_sheet(data: bytes, fmt: str, kind: str | None = None) -> Sheet:
    """The file's rows by column key. The kind is ``kind`` or told by its columns; an unknown
    header or a missing required column is a ``SpreadsheetError`` naming it."""
    raw = _raw_rows(data, fmt)
    while raw and not any(cell_text(v) for v in raw[0]):
        raw.pop(0)
    if not raw:
        raise SpreadsheetError("the file is empty: no header row (ไฟล์ว่าง ไม่มีแถวหัวตาราง)")
    headers = [cell_text(v) for v in raw[0]]
    keys_seen = {_header_key(h) for h in headers if h}
    if kind is None:
        every = {k: header_map(k) for k in KINDS}
        kind = next(
            (
                k
                for k, marker in _MARKERS.items()
                if any(every[k].get(h) == marker for h in keys_seen)
            ),
            "organizations",
        )
    check_kind(kind)
    accepted = header_map(kind)
    columns: list[str | None] = []
    unknown = []
    for h in headers:
        if not h:
            columns.append(None)
            continue
        key = accepted.get(_header_key(h))
        if key is None:
            unknown.append(h)
        columns.append(key)
    if unknown:
        raise SpreadsheetError(
            f"unknown column(s) for {kind}: {', '.join(repr(u) for u in unknown)}; "
            f"see `kb template {kind}` (หัวคอลัมน์ไม่รู้จัก)"
        )
    present = [c for c in columns if c]
    duplicated = sorted({c for c in present if present.count(c) > 1})
    if duplicated:
        raise SpreadsheetError(f"column(s) given twice: {', '.join(duplicated)} (คอลัมน์ซ้ำ)")
    missing = [c.key for c in KINDS[kind] if c.required and c.key not in present]
    if missing:
        raise SpreadsheetError(
            f"required column(s) missing for {kind}: {', '.join(missing)} (ไม่มีคอลัมน์ที่ต้องมี)"
        )
    rows = []
    for values in raw[1:]:
        row = {
            key: cell_text(values[i]) if i < len(values) else ""
            for i, key in enumerate(columns)
            if key
        }
        rows.append(row)
    # Trailing empty rows (Excel keeps formatted ones) are not records.
    while rows and not any(rows[-1].values()):
        rows.pop()
    return Sheet(kind, tuple(c for c in columns if c), rows)


# --- writing -------------------------------------------------------------------------------------


def write_table(
    kind: str,
    rows: Sequence[dict[str, str]],
    fmt: str,
    *,
    help_sheet: bool = False,
    exclude: Iterable[str] = (),
) -> bytes:
    """A kind's columns (Thai header with the English key; but ``exclude``) and ``rows`` as CSV
    or XLSX bytes. Deterministic: the same rows give the same bytes."""
    left_out = set(exclude)
    columns = [c for c in KINDS[check_kind(kind)] if c.key not in left_out]
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([c.header for c in columns])
        for r in rows:
            writer.writerow([r.get(c.key, "") for c in columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")  # the BOM: Excel reads it as UTF-8
    if fmt != "xlsx":
        raise SpreadsheetError(f"unknown format {fmt!r}: csv or xlsx")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r.get(c.key, "") for c in columns])
    # Every cell is text: a code or a phone number keeps its leading zeros.
    for col in sheet.iter_cols(min_row=1, max_row=max(2, len(rows) + 1)):
        for cell in col:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    if help_sheet:
        info = book.create_sheet("คำอธิบาย · help")
        info.append(["คอลัมน์ · column", "ต้องมี · required", "คำอธิบาย", "meaning", "ค่าที่ใช้ได้ · values"])
        for cell in info[1]:
            cell.font = Font(bold=True)
        for c in columns:
            info.append(
                [
                    c.header,
                    "ต้องมี · yes" if c.required else "",
                    c.help_th,
                    c.help_en,
                    ", ".join(c.choices),
                ]
            )
    # A fixed timestamp: an export of the same data is the same file.
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    saved = io.BytesIO()
    book.save(saved)
    return _stable_zip(saved.getvalue())


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable_zip(data: bytes) -> bytes:
    """The XLSX (a zip) with fixed member times, so identical content gives identical bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()


def template(kind: str, fmt: str) -> bytes:
    """The empty template of a kind: its header row (and, in XLSX, a sheet explaining each
    column)."""
    return write_table(kind, [], fmt, help_sheet=True)
