"""A synthetic national network on all 7,436 real subdistricts, in loadable chunks, for benchmarks.

Every subdistrict of geothai gets a community organization council, a welfare fund, a local
government body, villages, savings groups, sometimes a cooperative, people in leadership tiers
with memberships and mentors, partnerships, a welfare-fund pool with money in and out, and
meetings; districts and provinces get networks, shared trays (ถาดร่วม), pools and assemblies.
Scale 1 covers all 7,436 subdistricts and is about a million nodes and three million
relationships. A smaller scale covers a share of the country, whole provinces drawn in a fixed
pseudo-random order until that share of the subdistricts is reached, at the same density: the
graph grows by covering more of the country, so the neighbourhood of a person looks the same
at every scale and a local question should cost the same. A scale above 1 keeps every province
and multiplies what each subdistrict holds. (When ``provinces`` are named, ``scale`` is the
density of those provinces, for small test networks.) Everything is ``synthetic`` and cites
``NATIONAL_SOURCE``.

Determinism: every unit (subdistrict, district, province, a province's bodies) draws from its
own ``random.Random`` seeded from ``seed`` and the unit's code through blake2b (``hash()`` of a
string is salted per process), so any chunk can be generated alone, in any order, and comes
out the same.

Counts: everything that decides how many records there are (people, groups, events and their
attendance, who is mentored, which partnerships exist) is drawn first, into a *shape*, from an
rng of its own; names, dates, amounts and which person fills which role are drawn afterwards.
``plan_national`` draws only the shapes, so it answers the exact totals without generating.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import geothai

from graph.dataset import Dataset
from graph.models import (
    Allocation,
    AreaLevel,
    Contribution,
    Event,
    Goal,
    Horizon,
    Mechanism,
    MechanismKind,
    Membership,
    Mentorship,
    Organization,
    OrganizationKind,
    Partnership,
    PartnershipKind,
    Person,
    Plan,
    Resource,
    ResourceKind,
    Role,
    Source,
    SourceKind,
    Status,
    Tier,
    be_year,
)
from seeds.demo import AGENCIES, FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, ROLE_TH

NATIONAL_SOURCE = "src:synthetic-national"
SOURCES = [NATIONAL_SOURCE]

# Nodes of the article (seeds/data/article.yaml), used only for provinces in ``province_groups``.
TREASURY_POOL = "res:cw-treasury-pool"
MANAGEMENT_TEAM = "org:cw-management-team"

COUNTRY = "area:TH"
NATIONAL_NETWORK = "org:n-national-network"
NATIONAL_POOL = "res:n-pool-national"
BANGKOK = "10"  # no subdistrict local government: the district office (สำนักงานเขต) serves

MAX_CHUNK_RECORDS = 60_000  # a province bigger than this is written one district at a time
YEARS = (2023, 2024)  # meetings are generated for these years
DATE_CEILING = dt.date(2024, 12, 31)

# --- proportions, per subdistrict at scale 1 -----------------------------------------------------
PEOPLE = 112  # mean; each subdistrict draws a size factor around 1
MIN_PEOPLE = 6
CORE_SHARE, SECOND_SHARE, OFFICIAL_SHARE = 0.08, 0.15, 0.04  # the rest are members
VILLAGES = 12.0  # community organizations (หมู่บ้าน/ชุมชน); Thailand averages ten a subdistrict
SAVINGS_GROUPS = (1, 3)
COOPERATIVES = 0.3
EVENTS_PER_YEAR = (1.0, 2.0)  # uniform: one or two a year, with more people at larger scales
EVENT_ATTENDEES = (10, 30, 12)  # low, high, most often: most meetings are small
P_MUNICIPALITY = 0.25  # else a subdistrict administrative organization
P_POOL = 0.85  # the rest keep their fund to themselves: gaps in the pool rollup
POOL_CONTRIBUTIONS, POOL_ALLOCATIONS = (5, 10), (2, 5)
P_LOCAL_PARTNERSHIP = 0.7  # council and local government; the rest are coverage gaps
P_FUND_PARTNERSHIP = 0.4  # welfare fund and the provincial social development office
P_CO_ORGANIZED = 0.3  # the local government co-organizes a meeting
P_ORG_ATTENDS = 0.3  # else it may send someone as a body
# Memberships: shares of a tier that join an organization (exact, not per-person coin flips,
# so that the plan knows the totals).
FUND_COMMITTEE = 0.3  # of core leaders, besides the chair
FUND_SECOND = 0.5  # of second-tier leaders, besides the treasurer
FUND_MEMBERS = 0.25
VILLAGE_MEMBERS = 0.75
SAVINGS_MEMBERS = 0.25
COOP_MEMBERS = 0.25
MENTORED_SECOND = 0.85  # most second-tier leaders have a mentor ...
MENTOR_NEARBY = 0.8  # ... a core leader of their own subdistrict, else one in the district
MENTORED_MEMBERS = 0.03  # a few members are coached by a second-tier leader
P_MEMBER_LEFT, P_OFFICER_LEFT = 0.08, 0.03

# --- district and province -----------------------------------------------------------------------
P_DISTRICT_TRAY = 0.75
DISTRICT_TRAY_COUNCILS, DISTRICT_TRAY_LOCAL = (2, 6), (1, 3)
DISTRICT_EVENTS_PER_YEAR = (1, 2)
P_PROVINCE_TRAY = 0.9
PROVINCE_TRAY_COUNCILS, PROVINCE_TRAY_NETWORKS, PROVINCE_TRAY_LOCAL = (2, 5), (2, 4), (1, 2)
PROVINCE_EVENTS_PER_YEAR = (1, 2)
PROVINCE_ATTENDEES = (20, 30)
P_SECOND_AGENCY, P_CIVIC_PARTNER, P_PROJECT = 0.5, 0.55, 0.5
P_PLAN, P_MECHANISM, P_MANAGEMENT_REP = 0.6, 0.5, 0.5

CIVIC_PARTNERS = (
    (
        "academic",
        OrganizationKind.academic,
        "ศูนย์วิชาการเพื่อการพัฒนาท้องถิ่น",
        "Academic Centre for Local Development",
    ),
    ("civil", OrganizationKind.civil_society, "เครือข่ายภาคประชาสังคม", "Civil Society Network"),
)
# Village names: a landform and a qualifier, the way many Thai villages are named.
VILLAGE_HEADS = (
    ("หนอง", "Nong"), ("โนน", "Non"), ("ดอน", "Don"), ("นา", "Na"), ("ห้วย", "Huai"),
    ("ท่า", "Tha"), ("บึง", "Bueng"), ("โคก", "Khok"), ("วัง", "Wang"), ("ทุ่ง", "Thung"),
    ("สระ", "Sa"), ("ป่า", "Pa"), ("เขา", "Khao"), ("คลอง", "Khlong"), ("บาง", "Bang"),
)  # fmt: skip
VILLAGE_TAILS = (
    ("บัว", "Bua"), ("แก้ว", "Kaeo"), ("ทอง", "Thong"), ("ใหญ่", "Yai"), ("น้อย", "Noi"),
    ("ยาง", "Yang"), ("กลาง", "Klang"), ("ใหม่", "Mai"), ("เหนือ", "Nuea"), ("ใต้", "Tai"),
    ("งาม", "Ngam"), ("ไผ่", "Phai"), ("ขาม", "Kham"), ("โพธิ์", "Pho"), ("จิก", "Chik"),
    ("สวรรค์", "Sawan"), ("ตะเคียน", "Takhian"), ("มะม่วง", "Mamuang"),
)  # fmt: skip
ALLOCATION_PURPOSES = (
    ("สวัสดิการผู้สูงอายุ", "Welfare for the elderly"),
    ("ทุนการศึกษาเด็กและเยาวชน", "Scholarships for children and youth"),
    ("ช่วยเหลือผู้ป่วยและผู้พิการ", "Support for the sick and people with disabilities"),
    ("ฟื้นฟูอาชีพหลังภัยพิบัติ", "Livelihood recovery after a disaster"),
    ("ซ่อมแซมที่อยู่อาศัย", "Housing repair"),
    ("สวัสดิการแรกเกิด", "Newborn welfare"),
)
LOCAL_EVENTS = (  # (organizer: "council" or "fund", Thai name, English name)
    ("council", "ประชุมสภาองค์กรชุมชน{th}", "{en} council meeting"),
    ("council", "เวทีแผนพัฒนาชุมชน{th}", "{en} community plan forum"),
    ("fund", "ประชุมใหญ่สามัญประจำปีกองทุนสวัสดิการชุมชน{th}", "{en} welfare fund annual meeting"),
)
LOCAL_AGREEMENTS = (  # (kind, Thai name, English name, party role, Thai role)
    (
        PartnershipKind.mou,
        "บันทึกข้อตกลงความร่วมมือ สภาองค์กรชุมชน{th} กับท้องถิ่น",
        "{en} council and local government MOU",
        "signatory",
        "ผู้ลงนาม",
    ),
    (
        PartnershipKind.bilateral,
        "ความร่วมมือพัฒนา{th} ระหว่างสภาองค์กรชุมชนกับท้องถิ่น",
        "{en} council and local government partnership",
        "partner",
        "ภาคี",
    ),
)
PROVINCE_GOALS = (
    (
        "ทุกตำบลมีกองทุนสวัสดิการชุมชนที่เชื่อมกับกองคลังจังหวัด",
        "Every subdistrict has a welfare fund linked to the provincial pool.",
    ),
    (
        "สภาองค์กรชุมชนตำบลมีข้อตกลงความร่วมมือกับท้องถิ่น",
        "Subdistrict councils have cooperation agreements with local government.",
    ),
    (
        "พัฒนาผู้นำแถว 2 ให้พร้อมรับบทบาทในจังหวัด",
        "Second-tier leaders are ready to take on provincial roles.",
    ),
)


def national_source() -> Source:
    return Source(
        id=NATIONAL_SOURCE,
        kind=SourceKind.synthetic,
        title_th="เครือข่ายระดับประเทศที่สร้างขึ้นสำหรับทดสอบสมรรถนะ (ไม่ใช่ข้อมูลจริง)",
        title_en="Generated national network for the performance benchmark (synthetic, not facts)",
        note=(
            "Generated by seeds/national.py over the real geothai areas: every subdistrict gets "
            "a council, funds, groups, people, partnerships, pools and meetings. Names are "
            "combined from word lists; any match with a real person or group is a coincidence. "
            "Deterministic for a given scale and seed."
        ),
    )


# --- geography -----------------------------------------------------------------------------------


class _Place(NamedTuple):
    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class _DistrictGeo:
    place: _Place
    subdistricts: tuple[_Place, ...]


@dataclass(frozen=True)
class _ProvinceGeo:
    place: _Place
    districts: tuple[_DistrictGeo, ...]

    @property
    def label_th(self) -> str:
        name = self.place.name_th
        return name if self.place.code == BANGKOK else "จังหวัด" + name


@cache
def _geography() -> dict[str, _ProvinceGeo]:
    out = {}
    for p in sorted(geothai.provinces(), key=lambda p: p.code):
        districts = tuple(
            _DistrictGeo(
                _Place(d.code, d.name_th, d.name_en),
                tuple(
                    _Place(s.code, s.name_th, s.name_en)
                    for s in sorted(geothai.subdistricts(d.code), key=lambda s: s.code)
                ),
            )
            for d in sorted(geothai.districts(p.code), key=lambda d: d.code)
        )
        out[p.code] = _ProvinceGeo(_Place(p.code, p.name_th, p.name_en), districts)
    return out


def _district_label(d: _Place) -> str:
    # Bangkok's districts are already named เขต...; elsewhere a district is an อำเภอ.
    return d.name_th if d.name_th.startswith("เขต") else "อำเภอ" + d.name_th


# --- randomness ----------------------------------------------------------------------------------


def _rng(seed: int, *parts: str) -> random.Random:
    key = "|".join((str(seed), *parts)).encode()
    return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))


def _sround(rng: random.Random, x: float) -> int:
    """Round at random, up with the probability of the fraction: the mean stays ``x``."""
    whole = int(x)
    return whole + (rng.random() < x - whole)


def _headcount(rng: random.Random) -> int:
    low, high, mode = EVENT_ATTENDEES
    return round(rng.triangular(low, high, mode))


def _share(n: int, p: float) -> int:
    return int(n * p + 0.5)


# --- shapes: everything that decides how many records there are ----------------------------------


class _EventShape(NamedTuple):
    year: int
    attendees: int  # people
    co_organized: bool  # the local government co-organizes
    org_attends: bool  # the local government attends as a body


@dataclass(frozen=True, slots=True)
class _SubShape:
    code: str
    people: int
    core: int
    second: int
    officials: int
    villages: int
    savings: int
    coops: int
    municipality: bool
    pool: bool
    contributions: int
    allocations: int
    local_pt: bool
    fund_pt: bool
    events: tuple[_EventShape, ...]

    @property
    def members(self) -> int:
        return self.people - self.core - self.second - self.officials


def _sub_shape(seed: int, scale: float, code: str) -> _SubShape:
    rng = _rng(seed, "shape", code)
    size = rng.triangular(0.5, 1.6, 0.9)  # mean 1: some subdistricts are twice as big as others
    people = max(MIN_PEOPLE, round(PEOPLE * scale * size))
    core = max(1, round(people * CORE_SHARE))
    second = max(1, round(people * SECOND_SHARE))
    officials = max(1, round(people * OFFICIAL_SHARE))
    villages = _sround(rng, VILLAGES * scale * size)
    savings = _sround(rng, rng.randint(*SAVINGS_GROUPS) * scale)
    coops = _sround(rng, COOPERATIVES * scale)
    municipality = rng.random() < P_MUNICIPALITY
    pool = rng.random() < P_POOL
    contributions = rng.randint(*POOL_CONTRIBUTIONS) if pool else 0
    allocations = rng.randint(*POOL_ALLOCATIONS) if pool else 0
    local_pt = rng.random() < P_LOCAL_PARTNERSHIP
    fund_pt = rng.random() < P_FUND_PARTNERSHIP
    events = []
    for year in YEARS:
        for _ in range(_sround(rng, rng.uniform(*EVENTS_PER_YEAR) * scale)):
            co = rng.random() < P_CO_ORGANIZED
            attends = not co and rng.random() < P_ORG_ATTENDS
            events.append(_EventShape(year, min(people, _headcount(rng)), co, attends))
    return _SubShape(
        code,
        people,
        core,
        second,
        officials,
        villages,
        savings,
        coops,
        municipality,
        pool,
        contributions,
        allocations,
        local_pt,
        fund_pt,
        tuple(events),
    )


@dataclass(frozen=True, slots=True)
class _DistrictShape:
    code: str
    bangkok: bool
    subs: tuple[_SubShape, ...]
    tray: bool
    tray_councils: int
    tray_local: int
    events: tuple[tuple[int, int], ...]  # (year, people attending besides the facilitator)

    @property
    def core_pool(self) -> int:
        return sum(s.core for s in self.subs)

    @property
    def local_bodies(self) -> int:
        return 1 if self.bangkok else len(self.subs)


def _district_shape(seed: int, scale: float, geo: _DistrictGeo, bangkok: bool) -> _DistrictShape:
    subs = tuple(_sub_shape(seed, scale, s.code) for s in geo.subdistricts)
    rng = _rng(seed, "shape", geo.place.code)
    local_bodies = 1 if bangkok else len(subs)
    tray = rng.random() < P_DISTRICT_TRAY
    councils = min(len(subs), rng.randint(*DISTRICT_TRAY_COUNCILS))
    local = min(local_bodies, rng.randint(*DISTRICT_TRAY_LOCAL))
    core_pool = sum(s.core for s in subs)
    events = tuple(
        (year, min(core_pool, _headcount(rng)))
        for year in YEARS
        for _ in range(rng.randint(*DISTRICT_EVENTS_PER_YEAR))
    )
    return _DistrictShape(geo.place.code, bangkok, subs, tray, councils, local, events)


@dataclass(frozen=True, slots=True)
class _Bodies:
    """A province's own bodies, written in the top chunk."""

    agencies: tuple[int, ...]  # indexes into AGENCIES; 0, the social development office, always
    partner: int | None  # index into CIVIC_PARTNERS


def _bodies(seed: int, code: str) -> _Bodies:
    rng = _rng(seed, "bodies", code)
    agencies = (0, rng.randint(1, len(AGENCIES) - 1)) if rng.random() < P_SECOND_AGENCY else (0,)
    partner = rng.randrange(len(CIVIC_PARTNERS)) if rng.random() < P_CIVIC_PARTNER else None
    return _Bodies(agencies, partner)


@dataclass(frozen=True, slots=True)
class _ProvinceShape:
    code: str
    bodies: _Bodies
    districts: tuple[_DistrictShape, ...]
    tray: bool
    tray_councils: int
    tray_networks: int
    tray_local: int
    project: bool
    pool_local: int  # local bodies contributing to the provincial pool
    alloc_councils: int
    alloc_district_trays: int
    plan: bool
    mechanism: bool
    management_rep: bool  # only used where the province is in a province group
    events: tuple[tuple[int, int], ...]  # (year, core leaders attending)

    @property
    def subs(self) -> Iterator[_SubShape]:
        for d in self.districts:
            yield from d.subs


def _province_shape(seed: int, scale: float, geo: _ProvinceGeo) -> _ProvinceShape:
    code = geo.place.code
    districts = tuple(_district_shape(seed, scale, d, code == BANGKOK) for d in geo.districts)
    rng = _rng(seed, "shape", code)
    n_subs = sum(len(d.subs) for d in districts)
    local_bodies = sum(d.local_bodies for d in districts)
    core_pool = sum(d.core_pool for d in districts)
    trays = sum(d.tray for d in districts)
    bodies = _bodies(seed, code)
    return _ProvinceShape(
        code,
        bodies,
        districts,
        tray=rng.random() < P_PROVINCE_TRAY,
        tray_councils=min(n_subs, rng.randint(*PROVINCE_TRAY_COUNCILS)),
        tray_networks=min(len(districts), rng.randint(*PROVINCE_TRAY_NETWORKS)),
        tray_local=min(local_bodies, rng.randint(*PROVINCE_TRAY_LOCAL)),
        project=bodies.partner is not None and rng.random() < P_PROJECT,
        pool_local=min(local_bodies, rng.randint(2, 5)),
        alloc_councils=min(n_subs, rng.randint(1, 3)),
        alloc_district_trays=min(trays, rng.randint(0, 2)),
        plan=rng.random() < P_PLAN,
        mechanism=rng.random() < P_MECHANISM,
        management_rep=rng.random() < P_MANAGEMENT_REP,
        events=tuple(
            (year, min(core_pool, rng.randint(*PROVINCE_ATTENDEES)))
            for year in YEARS
            for _ in range(rng.randint(*PROVINCE_EVENTS_PER_YEAR))
        ),
    )


# --- counting: the plan, from shapes alone -------------------------------------------------------


class _Tally:
    """Nodes by label and relationships by type, counted the way ``graph.load.plan_steps``
    writes them (every link, membership, mentorship, contribution and allocation)."""

    def __init__(self) -> None:
        self.nodes: Counter[str] = Counter()
        self.rels: Counter[str] = Counter()

    @property
    def records(self) -> int:
        """Records in a dataset: nodes, plus the relationships that are records of their own."""
        rels = self.rels
        edges = rels["MEMBER_OF"] + rels["MENTORS"] + rels["CONTRIBUTED"] + rels["ALLOCATED_TO"]
        return sum(self.nodes.values()) + edges

    def add(self, other: _Tally) -> None:
        self.nodes.update(other.nodes)
        self.rels.update(other.rels)

    def orgs(self, n: int, unit_of: bool = False) -> None:
        self.nodes["Organization"] += n
        self.rels["LOCATED_IN"] += n
        self.rels["WORKS_IN"] += n
        self.rels["UNIT_OF"] += n if unit_of else 0

    def people(self, n: int) -> None:
        self.nodes["Person"] += n
        self.rels["WORKS_IN"] += n

    def partnership(self, parties: int) -> None:
        self.nodes["Partnership"] += 1
        self.rels["PARTY_TO"] += parties
        self.rels["COVERS"] += 1

    def pool(self, pooled_into: bool = True) -> None:
        self.nodes["Resource"] += 1
        self.rels["STEWARDS"] += 1
        self.rels["SERVES"] += 1
        self.rels["POOLED_INTO"] += pooled_into

    def event(self, attendees: int, organizers: int, decided: int) -> None:
        self.nodes["Event"] += 1
        self.rels["HELD_IN"] += 1
        self.rels["ORGANIZED"] += organizers
        self.rels["ATTENDED"] += attendees
        self.rels["DECIDED"] += decided


def _tally_sub(t: _Tally, s: _SubShape, bangkok: bool) -> None:
    t.orgs(2 + (not bangkok) + s.villages + s.savings + s.coops)
    t.people(s.people)
    m = s.members
    fund = 2 + _share(s.core - 1, FUND_COMMITTEE) + _share(s.second - 1, FUND_SECOND)
    fund += _share(m, FUND_MEMBERS)
    t.rels["MEMBER_OF"] += (
        s.core
        + s.second  # the council
        + fund
        + s.villages
        + (_share(m, VILLAGE_MEMBERS) if s.villages else 0)
        + s.savings
        + (_share(m, SAVINGS_MEMBERS) if s.savings else 0)
        + s.coops
        + (_share(m, COOP_MEMBERS) if s.coops else 0)
        + s.officials
    )
    t.rels["MENTORS"] += _share(s.second, MENTORED_SECOND) + _share(m, MENTORED_MEMBERS)
    for present in (s.local_pt, s.fund_pt):
        if present:
            t.partnership(2)
    if s.pool:
        t.pool()
        t.rels["CONTRIBUTED"] += s.contributions
        t.rels["ALLOCATED_TO"] += s.allocations
    decides = int(s.local_pt or s.pool)
    for i, e in enumerate(s.events):
        t.event(e.attendees + e.org_attends, 1 + e.co_organized, decides if i == 0 else 0)


def _tally_district(t: _Tally, d: _DistrictShape) -> None:
    for s in d.subs:
        _tally_sub(t, s, d.bangkok)
    t.orgs(1, unit_of=True)  # the district network
    if d.bangkok:
        t.orgs(1)  # the district office
    t.rels["MEMBER_OF"] += len(d.subs) + 1  # council chairs and a coordinator
    if d.tray:
        t.partnership(1 + d.tray_councils + d.tray_local + 1)
    for i, (_, attendees) in enumerate(d.events):
        t.event(attendees + 1, 1, int(d.tray and i == 0))


def _tally_province_tail(t: _Tally, p: _ProvinceShape, in_group: bool) -> None:
    agencies = len(p.bodies.agencies)
    partner = p.bodies.partner is not None
    t.rels["MEMBER_OF"] += 1 + len(p.districts) + (in_group and p.management_rep)
    if p.tray:
        t.partnership(1 + agencies + partner + p.tray_networks + p.tray_councils + p.tray_local)
    if p.project:
        t.partnership(2)
    t.rels["CONTRIBUTED"] += agencies + 1 + p.pool_local
    t.rels["ALLOCATED_TO"] += p.alloc_councils + p.tray + p.alloc_district_trays
    if p.plan:
        t.nodes["Plan"] += 1
        t.rels["FOR_AREA"] += 1
        t.rels["PRESENTED"] += 1
        t.nodes["Goal"] += 1
        t.rels["HAS_GOAL"] += 1
    if p.mechanism and p.tray:
        t.nodes["Mechanism"] += 1
        t.rels["USES"] += p.plan
        t.rels["OPERATES_IN"] += 1
        t.rels["EMBODIED_BY"] += 1
    for i, (_, attendees) in enumerate(p.events):
        t.event(attendees + 1 + agencies, 2, (p.tray + p.plan) if i == 0 else 0)


def _tally_bodies(t: _Tally, b: _Bodies) -> None:
    t.orgs(1, unit_of=True)  # the provincial network, a unit of the national one
    t.orgs(len(b.agencies) + (b.partner is not None))
    t.pool()
    t.people(1 + len(b.agencies))  # the CODI coordinator and the agencies' directors
    t.rels["MEMBER_OF"] += 1 + len(b.agencies)


def _tally_top(t: _Tally, groups: int) -> None:
    t.nodes["Source"] += 1
    t.orgs(1)
    t.pool(pooled_into=False)
    for _ in range(groups):
        t.pool()


@dataclass(frozen=True)
class NationalPlan:
    """What ``generate_national`` will yield, counted from the shapes without generating."""

    scale: float
    seed: int
    provinces: int
    districts: int
    subdistricts: int
    chunks: int
    nodes: dict[str, int]  # by label
    relationships: dict[str, int]  # by type, as the loader writes them
    records: int  # records in all datasets (what Dataset.size() sums)

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())

    @property
    def elements(self) -> int:
        return self.total_nodes + self.total_relationships


def _selected(provinces: Sequence[str] | None) -> list[_ProvinceGeo]:
    geo = _geography()
    if provinces is None:
        return list(geo.values())
    unknown = sorted(set(provinces) - set(geo))
    if unknown:
        raise ValueError(f"unknown province code(s) {unknown}")
    return [geo[c] for c in sorted(set(provinces))]


def _groups_of(province_groups: dict[str, list[str]] | None) -> dict[str, str]:
    """Province code -> province group area id."""
    out: dict[str, str] = {}
    for group, codes in sorted((province_groups or {}).items()):
        if not group.startswith("area:pg-"):
            raise ValueError(f"{group!r} is not a province group area id (area:pg-...)")
        for code in codes:
            if code in out:
                raise ValueError(f"province {code} is in both {out[code]} and {group}")
            out[code] = group
    return out


def _check_scale(scale: float) -> None:
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")


def _coverage(
    scale: float, seed: int, provinces: Sequence[str] | None
) -> tuple[list[_ProvinceGeo], float]:
    """The provinces a run covers and the density it fills them at (see the module docstring)."""
    _check_scale(scale)
    selected = _selected(provinces)
    if provinces is not None or scale >= 1:
        return selected, scale
    size = {p.place.code: sum(len(d.subdistricts) for d in p.districts) for p in selected}
    wanted = scale * sum(size.values())
    order = sorted(selected, key=lambda p: _rng(seed, "coverage", p.place.code).random())
    picked: list[_ProvinceGeo] = []
    covered = 0
    for geo in order:
        if covered >= wanted:
            break
        picked.append(geo)
        covered += size[geo.place.code]
    return sorted(picked, key=lambda p: p.place.code), 1.0


def plan_national(
    scale: float,
    seed: int = 2566,
    *,
    province_groups: dict[str, list[str]] | None = None,
    provinces: Sequence[str] | None = None,
) -> NationalPlan:
    """The exact counts ``generate_national`` yields with the same arguments (a fraction of a
    second: it draws only the shapes)."""
    selected, density = _coverage(scale, seed, provinces)
    group_of = _groups_of(province_groups)
    total = _Tally()
    used_groups = {group_of[p.place.code] for p in selected if p.place.code in group_of}
    _tally_top(total, len(used_groups))
    chunks = 1
    for geo in selected:
        shape = _province_shape(seed, density, geo)
        _tally_bodies(total, shape.bodies)
        tally = _tally_province(shape, shape.code in group_of)
        total.add(tally)
        chunks += 1 if tally.records <= MAX_CHUNK_RECORDS else len(shape.districts) + 1
    return NationalPlan(
        scale=scale,
        seed=seed,
        provinces=len(selected),
        districts=sum(len(p.districts) for p in selected),
        subdistricts=sum(len(d.subdistricts) for p in selected for d in p.districts),
        chunks=chunks,
        nodes=dict(sorted(total.nodes.items())),
        relationships=dict(sorted(total.rels.items())),
        records=total.records,
    )


def _tally_province(shape: _ProvinceShape, in_group: bool) -> _Tally:
    t = _Tally()
    for d in shape.districts:
        _tally_district(t, d)
    _tally_province_tail(t, shape, in_group)
    return t


def count_elements(ds: Dataset) -> tuple[Counter[str], Counter[str]]:
    """Nodes by label and relationships by type in a dataset, as ``graph.load.plan_steps``
    writes them, without building the property maps (tests compare the two)."""
    nodes: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    for section, label in _NODE_SECTIONS.items():
        nodes[label] += len(getattr(ds, section))
    for a in ds.areas:
        rels["PART_OF"] += a.parent is not None
    for o in ds.organizations:
        rels["LOCATED_IN"] += o.located_in is not None
        rels["WORKS_IN"] += len(o.works_in)
        rels["UNIT_OF"] += o.unit_of is not None
    rels["WORKS_IN"] += sum(len(p.works_in) for p in ds.people)
    rels["MEMBER_OF"] += len(ds.memberships)
    rels["MENTORS"] += len(ds.mentorships)
    for pt in ds.partnerships:
        rels["PARTY_TO"] += len(pt.parties)
        rels["COVERS"] += len(pt.covers)
    for r in ds.resources:
        rels["STEWARDS"] += len(r.stewards)
        rels["SERVES"] += len(r.serves)
        rels["POOLED_INTO"] += r.pooled_into is not None
    rels["CONTRIBUTED"] += len(ds.contributions)
    rels["ALLOCATED_TO"] += len(ds.allocations)
    for pl in ds.plans:
        rels["FOR_AREA"] += 1
        rels["PRESENTED"] += len(pl.presented_by)
    rels["HAS_GOAL"] += sum(len(g.plans) for g in ds.goals)
    for me in ds.mechanisms:
        rels["USES"] += len(me.plans)
        rels["OPERATES_IN"] += me.area is not None
        rels["EMBODIED_BY"] += len(me.embodied_by)
    for ev in ds.events:
        rels["HELD_IN"] += ev.held_in is not None
        rels["ORGANIZED"] += len(ev.organized_by)
        rels["ATTENDED"] += len(ev.attendees)
        rels["DECIDED"] += len(ev.decided)
    return +nodes, +rels


_NODE_SECTIONS = {
    "sources": "Source",
    "areas": "Area",
    "organizations": "Organization",
    "people": "Person",
    "partnerships": "Partnership",
    "resources": "Resource",
    "plans": "Plan",
    "goals": "Goal",
    "mechanisms": "Mechanism",
    "events": "Event",
}


# --- generation ----------------------------------------------------------------------------------


def generate_national(
    scale: float,
    seed: int = 2566,
    *,
    province_groups: dict[str, list[str]] | None = None,
    provinces: Sequence[str] | None = None,
) -> Iterator[Dataset]:
    """The national network as datasets to load one after another.

    First a small top chunk (the source, national bodies and pools, and each province's
    network, agencies, pool and staff), then one chunk per province, or, for a province over
    ``MAX_CHUNK_RECORDS`` records, one per district followed by one for the province's own
    trays, assemblies and pool flows. Each chunk refers only to government areas, earlier
    chunks and, for provinces in ``province_groups`` (group area id -> province codes), the
    article's ``TREASURY_POOL``, ``MANAGEMENT_TEAM`` and the group areas. ``provinces``
    restricts the run to those province codes (the chunks are the same as in a full run).
    """
    selected, density = _coverage(scale, seed, provinces)
    chunks = _chunks(scale, density, seed, selected, _groups_of(province_groups))
    while True:
        # Building a chunk allocates some 10^5 objects and frees none, so the cyclic garbage
        # collector rescans them again and again: half the run time at scale 1. It is paused
        # while a chunk is built (the records hold no cycles), never while the caller runs.
        with _gc_paused():
            ds = next(chunks, None)
        if ds is None:
            return
        yield ds


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunks(
    scale: float,
    density: float,
    seed: int,
    selected: list[_ProvinceGeo],
    group_of: dict[str, str],
) -> Iterator[Dataset]:
    tag = f"national(scale={scale}, seed={seed})"
    gen = _Generator(seed)
    yield gen.top(selected, group_of, origin=f"{tag}: top")
    for geo in selected:
        shape = _province_shape(seed, density, geo)
        in_group = geo.place.code in group_of
        split = _tally_province(shape, in_group).records > MAX_CHUNK_RECORDS
        label = f"{tag}: province {geo.place.code} ({geo.place.name_en})"
        if not split:
            builder = gen.builder()
            for dgeo, dshape in zip(geo.districts, shape.districts, strict=True):
                gen.district(builder, geo, dgeo, dshape)
            gen.province_tail(builder, geo, shape, in_group)
            yield builder.dataset(label)
            continue
        for dgeo, dshape in zip(geo.districts, shape.districts, strict=True):
            builder = gen.builder()
            gen.district(builder, geo, dgeo, dshape)
            yield builder.dataset(f"{tag}: district {dgeo.place.code} ({dgeo.place.name_en})")
        builder = gen.builder()
        gen.province_tail(builder, geo, shape, in_group)
        yield builder.dataset(label + ", province level")


def article_ids_used(province_groups: dict[str, list[str]] | None) -> set[str]:
    """The article's ids a run with these province groups refers to (the caller checks them)."""
    if not province_groups:
        return set()
    return {TREASURY_POOL, MANAGEMENT_TEAM, *province_groups}


# Records are built with the real validators (``Model(...)``), not ``model_construct``: in
# pydantic 2.x model_construct is plain Python and was measured *slower* per record here
# (Person 6.8 µs vs 4.3 µs validated, Membership 4.2 vs 3.3, an event with 18 attendees 114 vs
# 22): about 15 s against 9 s for the 2.4 million records of scale 1. Nested values (parties,
# attendees, contacts) are passed as dicts, which pydantic-core validates fastest.


@dataclass
class _Builder:
    """The records of one chunk, by section."""

    records: dict[str, list[Any]] = field(default_factory=lambda: {s: [] for s in Dataset.SECTIONS})

    def dataset(self, origin: str) -> Dataset:
        return Dataset(origin=origin, **self.records)


def _pid(code: str, i: int) -> str:
    return f"person:n-{code}-{i}"


def _staff(province: str) -> str:
    return f"person:n-{province}-staff"


def _official(province: str, agency: int) -> str:
    return f"person:n-{province}-official-{agency + 1}"


def _agency(province: str, agency: int) -> str:
    return f"org:n-agency-{province}-{agency + 1}"


def _council(code: str) -> str:
    return f"org:n-council-{code}"


def _local_gov(code: str) -> str:
    """A subdistrict's local government; in Bangkok, pass the district code."""
    return f"org:n-localgov-{code}"


class _Generator:
    """Builds records; each unit sets ``rng`` to its own generator before drawing."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(0)
        self.out = _Builder()

    def builder(self) -> _Builder:
        self.out = _Builder()
        return self.out

    # -- small helpers -------------------------------------------------------------------------
    # Draws below use ``random()`` scaled to a range rather than ``randrange``/``choice``:
    # the same determinism, at a third of the cost, on the hottest paths.
    def date(self, first_year: int, last_year: int) -> dt.date:
        first, days = _days(first_year, last_year)
        return dt.date.fromordinal(first + int(self.rng.random() * days))

    def ended_after(self, start: dt.date, p: float) -> dt.date | None:
        if self.rng.random() >= p:
            return None
        days = 365 + int(self.rng.random() * 4 * 365)
        return min(dt.date.fromordinal(start.toordinal() + days), DATE_CEILING)

    def status(self) -> Status:
        roll = self.rng.random()
        return Status.planned if roll < 0.1 else Status.ended if roll < 0.22 else Status.active

    def amount(self, low: int, high: int, step: int) -> float:
        return float(self.rng.randrange(low, high + 1, step))

    # -- records -------------------------------------------------------------------------------
    def org(
        self, oid: str, kind: OrganizationKind, name_th: str, name_en: str, area: str, **extra: Any
    ) -> str:
        self.out.records["organizations"].append(
            Organization(
                id=oid,
                kind=kind,
                name_th=name_th,
                name_en=name_en,
                located_in=area,
                works_in=[area],
                synthetic=True,
                source_ids=SOURCES,
                **extra,
            )
        )
        return oid

    def person(self, pid: str, tier: Tier, area: str, p_contact: float = 0.6) -> None:
        rnd = self.rng.random
        male = rnd() < 0.5
        honorific = "นาย" if male else ("นาง" if rnd() < 0.67 else "นางสาว")
        contact = None
        if rnd() < p_contact:
            # Thai mobile numbers look like 08x-xxx-xxxx (also 06x, 09x).
            digits = int(rnd() * 3_000_000_000)
            prefix, number = divmod(digits, 1_000_000_000)
            contact = {
                "phone": f"0{'689'[prefix]}{number // 10**8}-{number // 10**5 % 1000:03d}"
                f"-{number % 10**4:04d}",
                "email": pid.removeprefix("person:") + "@example.org",
            }
        given = MALE_GIVEN_NAMES if male else FEMALE_GIVEN_NAMES
        self.out.records["people"].append(
            Person(
                id=pid,
                honorific_th=honorific,
                given_name_th=given[int(rnd() * len(given))],
                family_name_th=FAMILY_NAMES[int(rnd() * len(FAMILY_NAMES))],
                tier=tier,
                works_in=[area],
                contact=contact,
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    def member(
        self,
        person: str,
        org: str,
        role: Role,
        *,
        years: tuple[int, int] = (2012, 2023),
        left: float = P_MEMBER_LEFT,
        role_th: str | None = None,
    ) -> None:
        start = self.date(*years)
        self.out.records["memberships"].append(
            Membership(
                person=person,
                organization=org,
                role=role,
                role_th=role_th or ROLE_TH[role],
                start_on=start,
                end_on=self.ended_after(start, left),
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    def mentor(self, mentor: str, mentee: str) -> None:
        start = self.date(2017, 2023)
        self.out.records["mentorships"].append(
            Mentorship(
                mentor=mentor,
                mentee=mentee,
                start_on=start,
                end_on=self.ended_after(start, 0.1),
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    def partnership(
        self,
        pid: str,
        kind: PartnershipKind,
        level: AreaLevel,
        names: tuple[str, str],
        covers: str,
        parties: list[tuple[str, str, str]],  # (organization, role, Thai role)
    ) -> str:
        status = self.status()
        start = self.date(2024, 2024) if status is Status.planned else self.date(2015, 2023)
        end = self.ended_after(start, 1.0) if status is Status.ended else None
        self.out.records["partnerships"].append(
            Partnership(
                id=pid,
                kind=kind,
                level=level,
                status=status,
                name_th=names[0],
                name_en=names[1],
                covers=[covers],
                parties=[{"organization": o, "role": r, "role_th": rt} for o, r, rt in parties],
                start_on=start,
                end_on=end,
                synthetic=True,
                source_ids=SOURCES,
            )
        )
        return pid

    def pool(
        self,
        rid: str,
        level: AreaLevel,
        names: tuple[str, str],
        steward: str,
        serves: str,
        pooled_into: str | None,
    ) -> str:
        self.out.records["resources"].append(
            Resource(
                id=rid,
                kind=ResourceKind.pooled_fund,
                level=level,
                name_th=names[0],
                name_en=names[1],
                stewards=[steward],
                serves=[serves],
                pooled_into=pooled_into,
                synthetic=True,
                source_ids=SOURCES,
            )
        )
        return rid

    def contribute(
        self, cid: str, contributor: str, resource: str, amount: float, in_kind: bool = False
    ) -> None:
        self.out.records["contributions"].append(
            Contribution(
                id=cid,
                contributor=contributor,
                resource=resource,
                amount=amount,
                on=self.date(2022, 2024),
                in_kind=in_kind,
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    def allocate(self, aid: str, resource: str, recipient: str, amount: float) -> None:
        purpose_th, purpose_en = self.rng.choice(ALLOCATION_PURPOSES)
        self.out.records["allocations"].append(
            Allocation(
                id=aid,
                resource=resource,
                recipient=recipient,
                amount=amount,
                on=self.date(2023, 2024),
                purpose_th=purpose_th,
                purpose_en=purpose_en,
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    def event(
        self,
        eid: str,
        year: int,
        names: tuple[str, str],
        held_in: str,
        organized_by: list[str],
        attendees: list[tuple[str, str, str]],  # (attendee, role, Thai role)
        decided: list[str],
        place_th: str | None = None,
    ) -> None:
        self.out.records["events"].append(
            Event(
                id=eid,
                on=self.date(year, year),
                name_th=names[0],
                name_en=names[1],
                place_th=place_th,
                held_in=held_in,
                organized_by=organized_by,
                attendees=[{"attendee": a, "role": r, "role_th": rt} for a, r, rt in attendees],
                decided=decided,
                synthetic=True,
                source_ids=SOURCES,
            )
        )

    # -- the top chunk -------------------------------------------------------------------------
    def top(self, selected: list[_ProvinceGeo], group_of: dict[str, str], origin: str) -> Dataset:
        out = self.builder()
        out.records["sources"].append(national_source())
        self.org(
            NATIONAL_NETWORK,
            OrganizationKind.community_network,
            "เครือข่ายสภาองค์กรชุมชนตำบลระดับชาติ",
            "National Network of Subdistrict Community Organization Councils",
            COUNTRY,
        )
        self.pool(
            NATIONAL_POOL,
            AreaLevel.country,
            ("กองทุนกลางเครือข่ายองค์กรชุมชนระดับชาติ", "National community network pool"),
            NATIONAL_NETWORK,
            COUNTRY,
            None,
        )
        codes = {p.place.code for p in selected}
        for group in sorted({g for c, g in group_of.items() if c in codes}):
            slug = group.removeprefix("area:")
            self.pool(
                f"res:n-pool-{slug}",
                AreaLevel.province_group,
                (f"กองคลังกลุ่มจังหวัด ({slug})", f"Province-group treasury pool ({slug})"),
                MANAGEMENT_TEAM,
                group,
                TREASURY_POOL,
            )
        for geo in selected:
            self.province_bodies(geo, group_of.get(geo.place.code))
        return out.dataset(origin)

    def province_bodies(self, geo: _ProvinceGeo, group: str | None) -> None:
        self.rng = _rng(self.seed, "bodies-content", geo.place.code)
        code, en, label = geo.place.code, geo.place.name_en, geo.label_th
        area = f"area:{code}"
        bodies = _bodies(self.seed, code)
        network = self.org(
            f"org:n-network-{code}",
            OrganizationKind.community_network,
            "เครือข่ายองค์กรชุมชน" + label,
            f"{en} Provincial Community Organization Network",
            area,
            unit_of=NATIONAL_NETWORK,
        )
        for i in bodies.agencies:
            th, en_suffix = AGENCIES[i]
            name_th = (
                th + geo.place.name_th if code != BANGKOK else th.removesuffix("จังหวัด") + label
            )
            self.org(
                _agency(code, i),
                OrganizationKind.government_agency,
                name_th,
                f"{en} {en_suffix}",
                area,
            )
        if bodies.partner is not None:
            slug, kind, th, en_suffix = CIVIC_PARTNERS[bodies.partner]
            self.org(f"org:n-{slug}-{code}", kind, th + label, f"{en} {en_suffix}", area)
        into = f"res:n-pool-{group.removeprefix('area:')}" if group else NATIONAL_POOL
        self.pool(
            f"res:n-pool-{code}",
            AreaLevel.province,
            ("กองคลัง" + label, f"{en} provincial treasury pool"),
            network,
            area,
            into,
        )
        staff = _staff(code)
        self.person(staff, Tier.staff, area, p_contact=1.0)
        role_th = "เจ้าหน้าที่ประสานงาน" + label
        self.member(staff, network, Role.coordinator, years=(2015, 2022), left=0.0, role_th=role_th)
        for i in bodies.agencies:
            self.person(_official(code, i), Tier.official, area, p_contact=1.0)
            self.member(_official(code, i), _agency(code, i), Role.director, years=(2019, 2023))

    # -- a district and its subdistricts -------------------------------------------------------
    def district(
        self, out: _Builder, prov: _ProvinceGeo, geo: _DistrictGeo, shape: _DistrictShape
    ) -> None:
        self.out = out
        self.rng = _rng(self.seed, "content", geo.place.code)
        rng = self.rng
        code, area = geo.place.code, f"area:{geo.place.code}"
        label = _district_label(geo.place)
        network = self.org(
            f"org:n-network-{code}",
            OrganizationKind.community_network,
            "เครือข่ายสภาองค์กรชุมชน" + label,
            f"{geo.place.name_en} District Community Organization Council Network",
            area,
            unit_of=f"org:n-network-{prov.place.code}",
        )
        if shape.bangkok:
            self.org(
                _local_gov(code),
                OrganizationKind.local_government,
                "สำนักงาน" + label,
                f"{geo.place.name_en} District Office",
                area,
            )
        # Councils' chairs sit on the district network; one of them coordinates it.
        chairs = [_pid(s.code, 1) for s in shape.subs]
        for chair in chairs:
            self.member(chair, network, Role.representative, years=(2015, 2023))
        self.member(rng.choice(chairs), network, Role.coordinator, years=(2019, 2023), left=0.0)
        core = [_pid(s.code, i) for s in shape.subs for i in range(1, s.core + 1)]
        bodies = _bodies(self.seed, prov.place.code)
        tray = None
        if shape.tray:
            councils = rng.sample([_council(s.code) for s in shape.subs], shape.tray_councils)
            locals_ = (
                [_local_gov(code)]
                if shape.bangkok
                else rng.sample([_local_gov(s.code) for s in shape.subs], shape.tray_local)
            )
            agency = _agency(prov.place.code, rng.choice(bodies.agencies))
            tray = self.partnership(
                f"pt:n-tray-{code}",
                PartnershipKind.shared_tray,
                AreaLevel.district,
                ("ถาดร่วม" + label, f"{geo.place.name_en} district shared tray"),
                area,
                [(network, "convener", "ผู้ประสาน")]
                + [(c, "community", "ขบวนองค์กรชุมชน") for c in councils]
                + [(lg, "local_government", "องค์กรปกครองส่วนท้องถิ่น") for lg in locals_]
                + [(agency, "agency", "หน่วยงานภาคี")],
            )
        counts: Counter[int] = Counter()
        for i, (year, k) in enumerate(shape.events):
            counts[year] += 1
            present = rng.sample(core, k)
            self.event(
                f"event:n-{code}-{year}-{counts[year]}",
                year,
                (
                    f"ประชุมเครือข่ายสภาองค์กรชุมชน{label} ครั้งที่ {counts[year]}/{be_year(year)}",
                    f"{geo.place.name_en} district council network meeting "
                    f"no. {counts[year]}/{year}",
                ),
                area,
                [network],
                [(_staff(prov.place.code), "facilitator", "ผู้ดำเนินการ")]
                + [(p, "participant", "ผู้เข้าร่วม") for p in present],
                [tray] if tray and i == 0 else [],
                place_th="ที่ว่าการ" + label,
            )
        where = f"{label} {prov.label_th}"
        for sgeo, sshape in zip(geo.subdistricts, shape.subs, strict=True):
            self.subdistrict(prov, sgeo, sshape, shape, where, core)

    def subdistrict(
        self,
        prov: _ProvinceGeo,
        geo: _Place,
        s: _SubShape,
        district: _DistrictShape,
        where: str,
        district_core: list[str],
    ) -> None:
        self.rng = rng = _rng(self.seed, "content", s.code)
        code, area, en = s.code, f"area:{s.code}", geo.name_en
        bangkok = district.bangkok
        label = ("แขวง" if bangkok else "ตำบล") + geo.name_th
        description = f"{label} {where}"

        def body(oid: str, kind: OrganizationKind, th: str, en_name: str) -> str:
            return self.org(oid, kind, th, en_name, area, description_th=description)

        council = body(
            _council(code),
            OrganizationKind.community_council,
            "สภาองค์กรชุมชน" + label,
            f"{en} Subdistrict Community Organization Council",
        )
        fund = body(
            f"org:n-welfare-{code}",
            OrganizationKind.welfare_fund,
            "กองทุนสวัสดิการชุมชน" + label,
            f"{en} Community Welfare Fund",
        )
        head_th = ""
        if bangkok:
            local_gov = _local_gov(district.code)
        elif s.municipality:
            head_th = "นายกเทศมนตรีตำบล" + geo.name_th
            local_gov = body(
                _local_gov(code),
                OrganizationKind.local_government,
                "เทศบาลตำบล" + geo.name_th,
                f"{en} Subdistrict Municipality",
            )
        else:
            head_th = "นายกองค์การบริหารส่วนตำบล" + geo.name_th
            local_gov = body(
                _local_gov(code),
                OrganizationKind.local_government,
                "องค์การบริหารส่วนตำบล" + geo.name_th,
                f"{en} Subdistrict Administrative Organization",
            )
        village_names = []
        villages = []
        for j in range(1, s.villages + 1):
            (h_th, h_en), (t_th, t_en) = rng.choice(VILLAGE_HEADS), rng.choice(VILLAGE_TAILS)
            name_th, name_en = f"บ้าน{h_th}{t_th}", f"Ban {h_en} {t_en}"
            village_names.append((name_th, name_en))
            th = f"ชุมชน{name_th}" + ("" if bangkok else f" หมู่ที่ {j}")
            villages.append(
                body(
                    f"org:n-village-{code}-{j}",
                    OrganizationKind.community,
                    f"{th} {label}",
                    f"{name_en} community" + ("" if bangkok else f" (Village No. {j}), {en}"),
                )
            )
        savings = []
        for k in range(1, s.savings + 1):
            if k <= len(village_names):  # a village's group, else one for the subdistrict
                th, en_name = village_names[k - 1]
            else:
                th, en_name = (
                    label + (f" กลุ่มที่ {k}" if k > 1 else ""),
                    en + (f" No. {k}" if k > 1 else ""),
                )
            savings.append(
                body(
                    f"org:n-savings-{code}-{k}",
                    OrganizationKind.savings_group,
                    "กลุ่มออมทรัพย์เพื่อการผลิต" + th,
                    f"{en_name} Savings Group for Production",
                )
            )
        coops = [
            body(
                f"org:n-coop-{code}-{k}",
                OrganizationKind.cooperative,
                f"สหกรณ์ชุมชน{label}{f' แห่งที่ {k}' if k > 1 else ''} จำกัด",
                f"{en} Community Cooperative{f' No. {k}' if k > 1 else ''} Ltd.",
            )
            for k in range(1, s.coops + 1)
        ]

        # People: ids by tier, in order, so that other units can name a subdistrict's leaders.
        ids = [_pid(code, i) for i in range(1, s.people + 1)]
        c, k2, k3 = s.core, s.core + s.second, s.core + s.second + s.officials
        core, second, officials, members = ids[:c], ids[c:k2], ids[k2:k3], ids[k3:]
        for tier, group in (
            (Tier.core_leader, core),
            (Tier.second_tier_leader, second),
            (Tier.official, officials),
            (Tier.member, members),
        ):
            for pid in group:
                self.person(pid, tier, area)
        self.local_memberships(
            s, council, fund, local_gov, villages, savings, coops, ids, bangkok, head_th
        )
        self.local_mentorships(s, core, second, members, district_core)

        local_pt = None
        if s.local_pt:
            kind, th, en_name, role, role_th = rng.choice(LOCAL_AGREEMENTS)
            local_pt = self.partnership(
                f"pt:n-local-{code}",
                kind,
                AreaLevel.subdistrict,
                (th.format(th=label), en_name.format(en=en)),
                area,
                [(council, role, role_th), (local_gov, role, role_th)],
            )
        if s.fund_pt:  # a cross-level tie: the fund and the provincial office that matches it
            agency = _agency(prov.place.code, 0)
            self.partnership(
                f"pt:n-fund-{code}",
                PartnershipKind.bilateral,
                AreaLevel.subdistrict,
                (
                    f"ข้อตกลงสมทบกองทุนสวัสดิการชุมชน{label}",
                    f"{en} welfare fund matching agreement",
                ),
                area,
                [(fund, "fund", "กองทุน"), (agency, "matching_agency", "หน่วยงานสมทบ")],
            )
        pool = None
        if s.pool:
            pool = self.pool(
                f"res:n-pool-{code}",
                AreaLevel.subdistrict,
                ("เงินกองทุนสวัสดิการชุมชน" + label, f"{en} community welfare fund money"),
                fund,
                area,
                f"res:n-pool-{prov.place.code}",
            )
            self.local_flows(s, pool, council, local_gov, fund, villages, savings, coops, local_pt)

        decided = [local_pt] if local_pt else [pool] if pool else []
        counts: Counter[int] = Counter()
        for i, e in enumerate(s.events):
            counts[e.year] += 1
            organizer, th, en_name = rng.choice(LOCAL_EVENTS)
            n = counts[e.year]
            present = sorted(rng.sample(range(s.people), e.attendees))
            attendees = [
                (ids[j], "chair", "ประธาน") if j == 0 else (ids[j], "participant", "ผู้เข้าร่วม")
                for j in present
            ]
            if e.org_attends:
                attendees.append((local_gov, "guest", "ผู้แทนท้องถิ่น"))
            self.event(
                f"event:n-{code}-{e.year}-{n}",
                e.year,
                (
                    f"{th.format(th=label)} ครั้งที่ {n}/{be_year(e.year)}",
                    f"{en_name.format(en=en)} no. {n}/{e.year}",
                ),
                area,
                [council if organizer == "council" else fund]
                + ([local_gov] if e.co_organized else []),
                attendees,
                decided if i == 0 else [],
                place_th=rng.choice(("ศาลาประชาคม", "ที่ทำการสภาองค์กรชุมชน", "วัดประจำ")) + label,
            )

    def local_memberships(
        self,
        s: _SubShape,
        council: str,
        fund: str,
        local_gov: str,
        villages: list[str],
        savings: list[str],
        coops: list[str],
        ids: list[str],
        bangkok: bool,
        head_th: str,
    ) -> None:
        rng, member = self.rng, self.member
        c, k2, k3 = s.core, s.core + s.second, s.core + s.second + s.officials
        core, second, officials, members = ids[:c], ids[c:k2], ids[k2:k3], ids[k3:]
        officers = (Role.chair, Role.vice_chair, Role.secretary, Role.treasurer)
        for i, person in enumerate(core):
            role = officers[i] if i < len(officers) else Role.committee_member
            member(person, council, role, left=P_OFFICER_LEFT)
        for person in second:
            member(person, council, Role.committee_member)
        member(core[-1], fund, Role.chair, left=P_OFFICER_LEFT)
        member(second[0], fund, Role.treasurer, left=P_OFFICER_LEFT)
        for person in rng.sample(core[:-1], _share(len(core) - 1, FUND_COMMITTEE)):
            member(person, fund, Role.committee_member)
        for person in rng.sample(second[1:], _share(len(second) - 1, FUND_SECOND)):
            member(person, fund, Role.member)
        for person in rng.sample(members, _share(len(members), FUND_MEMBERS)):
            member(person, fund, Role.member)
        leaders = core + second
        for j, village in enumerate(villages):
            member(leaders[j % len(leaders)], village, Role.chair, left=P_OFFICER_LEFT)
        if villages:
            for person in rng.sample(members, _share(len(members), VILLAGE_MEMBERS)):
                member(person, villages[int(person.rsplit("-", 1)[1]) % len(villages)], Role.member)
        for k, group in enumerate(savings):
            member(second[k % len(second)], group, Role.chair, left=P_OFFICER_LEFT)
        if savings:
            for person in rng.sample(members, _share(len(members), SAVINGS_MEMBERS)):
                member(person, rng.choice(savings), Role.member)
        for k, coop in enumerate(coops):
            member(core[k % len(core)], coop, Role.chair, left=P_OFFICER_LEFT)
        if coops:
            for person in rng.sample(members, _share(len(members), COOP_MEMBERS)):
                member(person, rng.choice(coops), Role.member)
        head, *staff = officials
        if bangkok:  # the district office's director serves many แขวง: not one of theirs
            member(head, local_gov, Role.staff, years=(2016, 2023))
        else:
            member(head, local_gov, Role.director, years=(2019, 2023), role_th=head_th)
        for person in staff:
            member(person, local_gov, Role.staff, years=(2016, 2023))

    def local_mentorships(
        self,
        s: _SubShape,
        core: list[str],
        second: list[str],
        members: list[str],
        district_core: list[str],
    ) -> None:
        rng = self.rng
        own = set(core)
        has_others = len(district_core) > len(core)
        for mentee in rng.sample(second, _share(len(second), MENTORED_SECOND)):
            if not has_others or rng.random() < MENTOR_NEARBY:
                mentor = rng.choice(core)
            else:  # a core leader of another subdistrict of the district
                while (mentor := rng.choice(district_core)) in own:
                    pass
            self.mentor(mentor, mentee)
        for mentee in rng.sample(members, _share(len(members), MENTORED_MEMBERS)):
            self.mentor(rng.choice(second), mentee)

    def local_flows(
        self,
        s: _SubShape,
        pool: str,
        council: str,
        local_gov: str,
        fund: str,
        villages: list[str],
        savings: list[str],
        coops: list[str],
        local_pt: str | None,
    ) -> None:
        rng, amount = self.rng, self.amount
        code = s.code
        # The members' savings come in through the fund; the local government matches them.
        givers = [fund, local_gov, *rng.choices([council, *villages, *savings, *coops], k=8)]
        for n, giver in enumerate(givers[: s.contributions], 1):
            if giver == fund:
                money, in_kind = amount(20_000, 300_000, 1_000), False
            elif giver == local_gov:
                money, in_kind = amount(10_000, 150_000, 5_000), False
            else:
                money, in_kind = amount(1_000, 30_000, 500), rng.random() < 0.1
            self.contribute(f"contrib:n-{code}-{n}", giver, pool, money, in_kind)
        recipients = [*villages, *savings, council] + ([local_pt] if local_pt else [])
        for n in range(1, s.allocations + 1):
            recipient = rng.choice(recipients)
            self.allocate(f"alloc:n-{code}-{n}", pool, recipient, amount(2_000, 60_000, 500))

    # -- the province's own level --------------------------------------------------------------
    def province_tail(
        self, out: _Builder, geo: _ProvinceGeo, shape: _ProvinceShape, in_group: bool
    ) -> None:
        self.out = out
        code, en, label = geo.place.code, geo.place.name_en, geo.label_th
        self.rng = rng = _rng(self.seed, "content", code)
        area = f"area:{code}"
        network, pool = f"org:n-network-{code}", f"res:n-pool-{code}"
        agencies = [_agency(code, i) for i in shape.bodies.agencies]
        partner = None
        if shape.bodies.partner is not None:
            partner = f"org:n-{CIVIC_PARTNERS[shape.bodies.partner][0]}-{code}"
        subs = list(shape.subs)
        chairs = [_pid(s.code, 1) for s in subs]
        chair = rng.choice(chairs)
        self.member(chair, network, Role.chair, years=(2018, 2022), left=0.0)
        for d in shape.districts:
            rep = _pid(rng.choice(d.subs).code, 1)
            self.member(rep, network, Role.representative, years=(2015, 2023))
        if in_group and shape.management_rep:
            self.member(chair, MANAGEMENT_TEAM, Role.representative, years=(2022, 2022), left=0.0)

        councils = [_council(s.code) for s in subs]
        local_bodies = [_local_gov(d.code) for d in shape.districts if d.bangkok] or [
            _local_gov(s.code) for s in subs
        ]
        tray = None
        if shape.tray:
            district_networks = [f"org:n-network-{d.code}" for d in shape.districts]
            parties = [(network, "convener", "ผู้ประสาน")]
            parties += [(a, "agency", "หน่วยงานภาคี") for a in agencies]
            if partner:
                parties.append((partner, "partner", "ภาคีวิชาการและประชาสังคม"))
            parties += [
                (n, "district_network", "เครือข่ายอำเภอ")
                for n in rng.sample(district_networks, shape.tray_networks)
            ]
            parties += [
                (c, "community", "ขบวนองค์กรชุมชน") for c in rng.sample(councils, shape.tray_councils)
            ]
            parties += [
                (lg, "local_government", "องค์กรปกครองส่วนท้องถิ่น")
                for lg in rng.sample(local_bodies, shape.tray_local)
            ]
            tray = self.partnership(
                f"pt:n-tray-{code}",
                PartnershipKind.shared_tray,
                AreaLevel.province,
                ("ถาดร่วม" + label, f"{en} provincial shared tray"),
                area,
                parties,
            )
        if shape.project and partner:
            self.partnership(
                f"pt:n-project-{code}",
                PartnershipKind.project,
                AreaLevel.province,
                (
                    "โครงการพัฒนาผู้นำชุมชน" + label,
                    f"{en} community leader development project",
                ),
                area,
                [(network, "party", "ภาคี"), (partner, "party", "ภาคี")],
            )

        givers = [*agencies, network, *rng.sample(local_bodies, shape.pool_local)]
        for n, giver in enumerate(givers, 1):
            money = self.amount(50_000, 500_000, 10_000)
            self.contribute(f"contrib:n-{code}-{n}", giver, pool, money)
        recipients = rng.sample(councils, shape.alloc_councils)
        recipients += [tray] if tray else []
        trays = [f"pt:n-tray-{d.code}" for d in shape.districts if d.tray]
        recipients += rng.sample(trays, shape.alloc_district_trays)
        for n, recipient in enumerate(recipients, 1):
            self.allocate(
                f"alloc:n-{code}-{n}", pool, recipient, self.amount(10_000, 300_000, 5_000)
            )

        plan = None
        if shape.plan:
            year = rng.choice(YEARS)
            plan = f"plan:n-{year}-{code}"
            self.out.records["plans"].append(
                Plan(
                    id=plan,
                    year_ce=year,
                    level=AreaLevel.province,
                    area=area,
                    status=Status.active if year == YEARS[0] else Status.planned,
                    name_th=f"แผนขับเคลื่อนงานขบวนองค์กรชุมชน{label} ปี {be_year(year)}",
                    name_en=f"{en} community movement work plan {year}",
                    presented_by=[network],
                    synthetic=True,
                    source_ids=SOURCES,
                )
            )
            text_th, text_en = rng.choice(PROVINCE_GOALS)
            self.out.records["goals"].append(
                Goal(
                    id=f"goal:n-{code}-near",
                    horizon=Horizon.near,
                    text_th=text_th,
                    text_en=text_en,
                    plans=[plan],
                    synthetic=True,
                    source_ids=SOURCES,
                )
            )
        if shape.mechanism and tray:
            self.out.records["mechanisms"].append(
                Mechanism(
                    id=f"mech:n-tray-{code}",
                    kind=MechanismKind.shared_tray,
                    levels=[AreaLevel.province],
                    area=area,
                    plans=[plan] if plan else [],
                    embodied_by=[tray],
                    name_th="กลไกถาดร่วม" + label,
                    name_en=f"{en} shared-tray mechanism",
                    synthetic=True,
                    source_ids=SOURCES,
                )
            )

        core = [_pid(s.code, i) for s in subs for i in range(1, s.core + 1)]
        officials = [_official(code, i) for i in shape.bodies.agencies]
        counts: Counter[int] = Counter()
        for i, (year, k) in enumerate(shape.events):
            counts[year] += 1
            n = counts[year]
            attendees = [(_staff(code), "facilitator", "ผู้ดำเนินการ")]
            attendees += [(o, "official", "ผู้แทนหน่วยงาน") for o in officials]
            attendees += [(p, "participant", "ผู้เข้าร่วม") for p in rng.sample(core, k)]
            decided = [x for x in (tray, plan) if x] if i == 0 else []
            self.event(
                f"event:n-{code}-{year}-{n}",
                year,
                (
                    f"สมัชชาเครือข่ายองค์กรชุมชน{label} ครั้งที่ {n}/{be_year(year)}",
                    f"{en} provincial community network assembly no. {n}/{year}",
                ),
                area,
                [network, agencies[0]],
                attendees,
                decided,
                place_th="ศาลากลาง" + label,
            )


@cache
def _days(first_year: int, last_year: int) -> tuple[int, int]:
    """The first day (as an ordinal) of ``first_year`` and the number of days to the end of
    ``last_year``."""
    first = dt.date(first_year, 1, 1).toordinal()
    return first, dt.date(last_year, 12, 31).toordinal() - first + 1
