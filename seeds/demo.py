"""A synthetic, deterministic demo network over the region's real provinces, for demos and tests."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import geothai
from pydantic import BaseModel

from graph.dataset import Dataset
from graph.models import (
    Allocation,
    AreaLevel,
    Attendance,
    Contact,
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
    Party,
    Person,
    Plan,
    Resource,
    ResourceKind,
    Role,
    Status,
    Tier,
    area_id,
    be_year,
)

SOURCE_ID = "src:synthetic-demo"

# Nodes of the article (seeds/data/article.yaml) the demo links to; the caller checks they exist.
REGIONAL_OFFICE = "org:codi-central-west"
MANAGEMENT_TEAM = "org:cw-management-team"
SUBCOMMITTEE = "org:cw-subcommittee"
SECOND_TIER_COHORT = "org:cw-second-tier-leaders"
REGIONAL_POOL = "res:cw-treasury-pool"
REGIONAL_PLAN = "plan:2566-cw-strategy"
KNOWN_GROUPS = ("area:pg-central-lower-1", "area:pg-central-lower-2", "area:pg-central-upper")


def working_group_of(group: str) -> str:
    return "org:wg-" + group.removeprefix("area:")


def group_plan_of(group: str) -> str:
    return "plan:2566-" + group.removeprefix("area:")


ARTICLE_IDS_USED: tuple[str, ...] = (
    REGIONAL_OFFICE,
    MANAGEMENT_TEAM,
    SUBCOMMITTEE,
    SECOND_TIER_COHORT,
    REGIONAL_POOL,
    REGIONAL_PLAN,
    *(working_group_of(g) for g in KNOWN_GROUPS),
    *(group_plan_of(g) for g in KNOWN_GROUPS),
)

# Common Thai names, combined at random: any match with a real person is a coincidence.
MALE_GIVEN_NAMES = (
    "สมชาย", "สมศักดิ์", "สมพงษ์", "ประเสริฐ", "วิชัย", "สุรชัย", "ณรงค์", "บุญมี", "สมบัติ",
    "ชาญชัย", "อนุชา", "ประสิทธิ์", "สุเทพ", "วีระ", "บุญส่ง", "มานพ", "ธนากร", "สมหมาย",
    "ทองสุข", "เกรียงไกร", "พิทักษ์", "สุวิทย์", "อำนาจ", "ไพโรจน์",
)  # fmt: skip
FEMALE_GIVEN_NAMES = (
    "สมศรี", "มาลี", "สุนีย์", "วันเพ็ญ", "บุญเรือน", "ประภา", "กาญจนา", "อรุณี", "สุดารัตน์",
    "นงลักษณ์", "พรทิพย์", "จันทร์เพ็ญ", "ทองใบ", "สมจิตร", "ดวงใจ", "รัตนา", "อำไพ", "บุษบา",
    "ลำดวน", "วิไลวรรณ", "สุภาพ", "นิตยา", "ศิริพร", "อัมพร",
)  # fmt: skip
FAMILY_NAMES = (
    "แสงทอง", "ศรีสุข", "บุญมา", "ทองดี", "จันทร์แก้ว", "สุขสวัสดิ์", "แก้วมณี", "พรหมมา",
    "ศรีสวัสดิ์", "ใจดี", "รุ่งเรือง", "มีสุข", "บุญเรือง", "ทองคำ", "วงศ์สวัสดิ์", "สายทอง",
    "นาคสุข", "อินทร์แก้ว", "ชัยมงคล", "เพชรรัตน์", "ปานทอง", "คงสมบูรณ์", "สุวรรณรัตน์",
    "พึ่งบุญ", "ศรีอ่อน", "กลิ่นหอม", "มั่นคง", "บัวแก้ว", "ทองประเสริฐ", "เจริญสุข", "สีดา",
    "ประเสริฐศรี",
)  # fmt: skip

ROLE_TH = {
    Role.chair: "ประธาน",
    Role.vice_chair: "รองประธาน",
    Role.secretary: "เลขานุการ",
    Role.treasurer: "เหรัญญิก",
    Role.committee_member: "กรรมการ",
    Role.member: "สมาชิก",
    Role.coordinator: "ผู้ประสานงาน",
    Role.representative: "ผู้แทน",
    Role.staff: "เจ้าหน้าที่",
    Role.director: "หัวหน้าหน่วยงาน",
    Role.advisor: "ที่ปรึกษา",
}
COUNCIL_OFFICERS = (Role.chair, Role.secretary, Role.treasurer)

# Generic provincial offices: (Thai prefix, English suffix); the province name completes them.
AGENCIES = (
    (
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด",
        "Provincial Social Development and Human Security Office",
    ),
    ("สำนักงานพัฒนาชุมชนจังหวัด", "Provincial Community Development Office"),
    ("สำนักงานเกษตรจังหวัด", "Provincial Agriculture Office"),
    ("สำนักงานสาธารณสุขจังหวัด", "Provincial Public Health Office"),
)
LOCAL_BODIES = (
    ("องค์การบริหารส่วนตำบล", "Subdistrict Administrative Organization", "นายกองค์การบริหารส่วนตำบล"),
    ("เทศบาลตำบล", "Subdistrict Municipality", "นายกเทศมนตรีตำบล"),
)
CIVIC_PARTNERS = (
    (
        "academic",
        OrganizationKind.academic,
        "ศูนย์วิชาการเพื่อการพัฒนาท้องถิ่นจังหวัด",
        "Academic Centre for Local Development",
    ),
    ("civil", OrganizationKind.civil_society, "เครือข่ายภาคประชาสังคมจังหวัด", "Civil Society Network"),
)
# Council and local government agreements: (kind, Thai name, English name, party role, Thai role).
LOCAL_AGREEMENTS = (
    (
        PartnershipKind.mou,
        "บันทึกข้อตกลงความร่วมมือ สภาองค์กรชุมชนตำบล{th} กับท้องถิ่น",
        "{en} council and local government MOU",
        "signatory",
        "ผู้ลงนาม",
    ),
    (
        PartnershipKind.bilateral,
        "ความร่วมมือพัฒนาตำบล{th} ระหว่างสภาองค์กรชุมชนกับท้องถิ่น",
        "{en} council and local government partnership",
        "partner",
        "ภาคี",
    ),
)
PLAN_GOALS = (
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
DATE_CEILING = dt.date(2024, 12, 31)  # no generated date runs past it


@dataclass
class _Subdistrict:
    """What the province-level steps need to know about one generated subdistrict."""

    area: str
    name_th: str
    name_en: str
    council: str
    fund: str
    local_gov: str
    core: list[str]
    second: list[str]
    members: list[str]
    official: str


@dataclass
class _Province:
    code: str
    area: str
    name_th: str
    name_en: str
    group: str
    network: str
    agencies: list[str]
    partners: list[str]  # academic or civil-society orgs
    staff: str
    officials: list[str]
    subdistricts: list[_Subdistrict] = field(default_factory=list)
    tray: str = ""
    plan: str | None = None

    @property
    def core(self) -> list[str]:
        return [p for s in self.subdistricts for p in s.core]

    @property
    def second(self) -> list[str]:
        return [p for s in self.subdistricts for p in s.second]


def generate_demo(
    *, scale: float = 1.0, seed: int = 2565, province_groups: dict[str, list[str]]
) -> Dataset:
    """A demo network over ``province_groups`` (group area id -> province codes).

    Every record is ``synthetic`` and cites ``src:synthetic-demo``; the same arguments give
    the same dataset. References go to government areas, the region, the groups and
    ``ARTICLE_IDS_USED``.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    unknown = sorted(set(province_groups) - set(KNOWN_GROUPS))
    if unknown:
        raise ValueError(f"no working group in the article for province group(s) {unknown}")
    demo = _Demo(random.Random(seed), scale)
    for group in sorted(province_groups):
        provinces = [demo.province(code, group) for code in sorted(province_groups[group])]
        demo.province_group(group, provinces)
    return demo.dataset(origin=f"demo(scale={scale}, seed={seed})")


class _Demo:
    """Accumulates records; every random choice goes through the one ``rng``, in order."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        self.rng = rng
        self.per_level = max(1, round(2 * scale))
        self.records: dict[str, list[Any]] = {s: [] for s in Dataset.SECTIONS}
        self._seq: Counter[str] = Counter()

    def dataset(self, origin: str) -> Dataset:
        return Dataset(origin=origin, **self.records)

    # -- small helpers -------------------------------------------------------------------------
    def add(self, section: str, model: type[BaseModel], **fields: Any) -> str:
        rec = model(synthetic=True, source_ids=[SOURCE_ID], **fields)
        self.records[section].append(rec)
        return getattr(rec, "id", "")

    def next_id(self, prefix: str) -> str:
        self._seq[prefix] += 1
        return f"{prefix}-{self._seq[prefix]}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def date(self, first_year: int, last_year: int) -> dt.date:
        rng = self.rng
        return dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))

    def amount(self, low: int, high: int, step: int) -> float:
        return float(self.rng.randrange(low, high + 1, step))

    def pick(self, items: list[str], low: int, high: int) -> list[str]:
        """Between ``low`` and ``high`` distinct items, as many as there are at most."""
        k = min(len(items), self.rng.randint(low, high))
        return self.rng.sample(items, k)

    def status(self, planned: float = 0.1, ended: float = 0.1) -> Status:
        roll = self.rng.random()
        if roll < planned:
            return Status.planned
        if roll < planned + ended:
            return Status.ended
        return Status.active

    def ended_after(self, start: dt.date, p: float) -> dt.date | None:
        if not self.chance(p):
            return None
        end = start + dt.timedelta(days=self.rng.randint(365, 5 * 365))
        return min(end, DATE_CEILING)

    # -- records -------------------------------------------------------------------------------
    def org(
        self, oid: str, kind: OrganizationKind, name_th: str, name_en: str, area: str, **extra: Any
    ) -> str:
        return self.add(
            "organizations",
            Organization,
            id=oid,
            kind=kind,
            name_th=name_th,
            name_en=name_en,
            located_in=area,
            works_in=[area],
            **extra,
        )

    def people(self, area_code: str, tier: Tier, low: int, high: int) -> list[str]:
        return [self.person(area_code, tier) for _ in range(self.rng.randint(low, high))]

    def person(self, area_code: str, tier: Tier) -> str:
        rng = self.rng
        pid = self.next_id(f"person:demo-{area_code}")
        male = self.chance(0.5)
        honorific = "นาย" if male else rng.choice(("นาง", "นาง", "นางสาว"))
        given = rng.choice(MALE_GIVEN_NAMES if male else FEMALE_GIVEN_NAMES)
        return self.add(
            "people",
            Person,
            id=pid,
            honorific_th=honorific,
            given_name_th=given,
            family_name_th=rng.choice(FAMILY_NAMES),
            tier=tier,
            works_in=[area_id(area_code)],
            contact=self.contact(pid.removeprefix("person:")) if self.chance(0.85) else None,
        )

    def contact(self, handle: str) -> Contact:
        rng = self.rng
        # Thai mobile numbers look like 08x-xxx-xxxx (also 06x, 09x).
        prefix = f"0{rng.choice('689')}{rng.randint(0, 9)}"
        phone = f"{prefix}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"
        line = handle if self.chance(0.3) else None
        return Contact(phone=phone, email=f"{handle}@example.org", line_id=line)

    def member(
        self,
        person: str,
        org: str,
        role: Role,
        years: tuple[int, int] = (2015, 2023),
        ended: float = 0.08,
        role_th: str | None = None,
    ) -> None:
        start = self.date(*years)
        self.add(
            "memberships",
            Membership,
            person=person,
            organization=org,
            role=role,
            role_th=role_th or ROLE_TH[role],
            start_on=start,
            end_on=self.ended_after(start, ended),
        )

    def contribute(
        self, contributor: str, resource: str, amount: float, *, in_kind: bool = False
    ) -> None:
        self.add(
            "contributions",
            Contribution,
            id=self.next_id("contrib:demo"),
            contributor=contributor,
            resource=resource,
            amount=amount,
            on=self.date(2022, 2024),
            in_kind=in_kind,
        )

    def allocate(
        self, resource: str, recipient: str, amount: float, purpose_th: str, purpose_en: str
    ) -> None:
        self.add(
            "allocations",
            Allocation,
            id=self.next_id("alloc:demo"),
            resource=resource,
            recipient=recipient,
            amount=amount,
            on=self.date(2023, 2024),
            purpose_th=purpose_th,
            purpose_en=purpose_en,
        )

    def partnership(
        self,
        pid: str,
        kind: PartnershipKind,
        level: AreaLevel,
        names: tuple[str, str],
        covers: list[str],
        parties: list[Party],
        status: Status,
    ) -> str:
        start = self.date(2023, 2024) if status is Status.planned else self.date(2016, 2023)
        end = self.ended_after(start, 1.0) if status is Status.ended else None
        return self.add(
            "partnerships",
            Partnership,
            id=pid,
            kind=kind,
            level=level,
            status=status,
            name_th=names[0],
            name_en=names[1],
            covers=covers,
            parties=parties,
            start_on=start,
            end_on=end,
        )

    # -- the area walk -------------------------------------------------------------------------
    def sample_by_code(self, items: list[Any]) -> list[Any]:
        ordered = sorted(items, key=lambda x: x.code)
        chosen = self.rng.sample(ordered, min(len(ordered), self.per_level))
        return sorted(chosen, key=lambda x: x.code)

    def province(self, code: str, group: str) -> _Province:
        p = geothai.province(code)
        if p is None:
            raise ValueError(f"unknown province code {code!r}")
        prov = self.province_bodies(p, group)
        for d in self.sample_by_code(geothai.districts(code)):
            for s in self.sample_by_code(geothai.subdistricts(d.code)):
                prov.subdistricts.append(self.subdistrict(s, d.name_th, prov))
        self.mentorships(prov)
        self.network_memberships(prov)
        self.province_tray(prov)
        self.province_pool(prov)
        self.province_plan(prov)
        self.province_events(prov)
        return prov

    def province_bodies(self, p: Any, group: str) -> _Province:
        area, name, en = area_id(p.code), p.name_th, p.name_en
        network = self.org(
            f"org:demo-network-{p.code}",
            OrganizationKind.community_network,
            "เครือข่ายองค์กรชุมชนจังหวัด" + name,
            f"{en} Provincial Community Organization Network",
            area,
        )
        # One or two agencies: always the social-development office, sometimes one more.
        picked = [0, *(self.rng.sample(range(1, len(AGENCIES)), 1) if self.chance(0.5) else [])]
        agencies = [
            self.org(
                f"org:demo-agency-{p.code}-{i + 1}",
                OrganizationKind.government_agency,
                AGENCIES[i][0] + name,
                f"{en} {AGENCIES[i][1]}",
                area,
            )
            for i in picked
        ]
        partners = self.civic_partners(p.code, name, en, area)
        staff = self.person(p.code, Tier.staff)
        # Staff stay in post: they facilitate the province's meetings up to the latest one.
        role_th = "เจ้าหน้าที่ประสานงานจังหวัด" + name
        self.member(staff, REGIONAL_OFFICE, Role.staff, ended=0.0, role_th=role_th)
        self.member(staff, network, Role.coordinator, ended=0.0)
        officials = []
        for agency in agencies:
            official = self.person(p.code, Tier.official)
            self.member(official, agency, Role.director)
            officials.append(official)
        return _Province(
            p.code, area, name, en, group, network, agencies, partners, staff, officials
        )

    def civic_partners(self, code: str, name: str, en: str, area: str) -> list[str]:
        # Sometimes an academic or civil-society partner: some provinces have none.
        if not self.chance(0.55):
            return []
        slug, kind, th, en_suffix = self.rng.choice(CIVIC_PARTNERS)
        return [self.org(f"org:demo-{slug}-{code}", kind, th + name, f"{en} {en_suffix}", area)]

    def subdistrict(self, s: Any, district_th: str, prov: _Province) -> _Subdistrict:
        area, name, en = area_id(s.code), s.name_th, s.name_en
        # Subdistrict names repeat across districts; the description tells them apart.
        where = f"ตำบล{name} อำเภอ{district_th} จังหวัด{prov.name_th}"

        def body(slug: str, kind: OrganizationKind, th: str, en_suffix: str) -> str:
            oid = f"org:demo-{slug}-{s.code}"
            return self.org(oid, kind, th + name, f"{en} {en_suffix}", area, description_th=where)

        council = body(
            "council",
            OrganizationKind.community_council,
            "สภาองค์กรชุมชนตำบล",
            "Subdistrict Community Organization Council",
        )
        fund = body(
            "welfare",
            OrganizationKind.welfare_fund,
            "กองทุนสวัสดิการชุมชนตำบล",
            "Subdistrict Community Welfare Fund",
        )
        savings = None
        if self.chance(0.8):
            savings = body(
                "savings",
                OrganizationKind.savings_group,
                "กลุ่มออมทรัพย์เพื่อการผลิตตำบล",
                "Subdistrict Savings Group for Production",
            )
        body_th, body_en, head_th = LOCAL_BODIES[0] if self.chance(0.75) else LOCAL_BODIES[1]
        local_gov = body("localgov", OrganizationKind.local_government, body_th, body_en)
        official = self.person(s.code, Tier.official)
        self.member(official, local_gov, Role.director, years=(2019, 2023), role_th=head_th + name)
        sub = _Subdistrict(
            area,
            name,
            en,
            council,
            fund,
            local_gov,
            core=self.people(s.code, Tier.core_leader, 2, 3),
            second=self.people(s.code, Tier.second_tier_leader, 3, 5),
            members=self.people(s.code, Tier.member, 4, 8),
            official=official,
        )
        self.local_memberships(sub, savings)
        self.local_partnership(sub)
        self.local_pool(sub, prov)
        return sub

    def local_memberships(self, sub: _Subdistrict, savings: str | None) -> None:
        for person, role in zip(sub.core, COUNCIL_OFFICERS, strict=False):
            self.member(person, sub.council, role, ended=0.03)
        self.member(sub.core[-1], sub.fund, Role.chair, ended=0.03)
        self.member(sub.second[0], sub.fund, Role.treasurer)
        for person in sub.second:
            self.member(person, sub.council, Role.committee_member)
            if self.chance(0.4):
                self.member(person, SECOND_TIER_COHORT, Role.member, years=(2021, 2023), ended=0.0)
        for person in sub.members:
            self.member(person, sub.council, Role.member, ended=0.12)
            if self.chance(0.7):
                self.member(person, sub.fund, Role.member, ended=0.1)
            if savings and self.chance(0.6):
                self.member(person, savings, Role.member, ended=0.1)
        if savings:
            self.member(sub.second[-1], savings, Role.chair)

    def local_partnership(self, sub: _Subdistrict) -> None:
        # About a third of subdistricts get none, so coverage-gap queries have gaps to find.
        if not self.chance(0.65):
            return
        kind, th, en, role, role_th = self.rng.choice(LOCAL_AGREEMENTS)
        parties = [
            Party(organization=o, role=role, role_th=role_th) for o in (sub.council, sub.local_gov)
        ]
        self.partnership(
            f"pt:demo-local-{_slug(sub.area)}",
            kind,
            AreaLevel.subdistrict,
            (th.format(th=sub.name_th), en.format(en=sub.name_en)),
            [sub.area],
            parties,
            self.status(planned=0.1, ended=0.1),
        )

    def local_pool(self, sub: _Subdistrict, prov: _Province) -> None:
        # Some subdistricts keep their fund to themselves: gaps in the pool rollup.
        if not self.chance(0.8):
            return
        pool = self.add(
            "resources",
            Resource,
            id=f"res:demo-pool-{_slug(sub.area)}",
            kind=ResourceKind.pooled_fund,
            level=AreaLevel.subdistrict,
            name_th="เงินกองทุนสวัสดิการชุมชนตำบล" + sub.name_th,
            name_en=f"{sub.name_en} community welfare fund money",
            stewards=[sub.fund],
            serves=[sub.area],
            pooled_into=f"res:demo-pool-{prov.code}",
        )
        self.contribute(sub.council, pool, self.amount(5_000, 50_000, 1_000))
        if self.chance(0.7):
            self.contribute(sub.local_gov, pool, self.amount(10_000, 200_000, 5_000))

    # -- province level ------------------------------------------------------------------------
    def mentorships(self, prov: _Province) -> None:
        """Most second-tier leaders get one mentor: a core leader nearby, else in the province."""
        for sub in prov.subdistricts:
            others = [p for p in prov.core if p not in sub.core]
            for mentee in sub.second:
                if not self.chance(0.85):
                    continue
                candidates = sub.core if not others or self.chance(0.8) else others
                start = self.date(2017, 2023)
                self.add(
                    "mentorships",
                    Mentorship,
                    mentor=self.rng.choice(candidates),
                    mentee=mentee,
                    start_on=start,
                    end_on=self.ended_after(start, 0.1),
                )

    def network_memberships(self, prov: _Province) -> None:
        core = prov.core
        chair = self.rng.choice(core)
        self.member(chair, prov.network, Role.chair, years=(2018, 2022), ended=0.0)
        for person in core:
            if person != chair and self.chance(0.6):
                self.member(person, prov.network, Role.committee_member)
        for sub in prov.subdistricts:
            self.member(self.rng.choice(sub.second), prov.network, Role.member)

    def province_tray(self, prov: _Province) -> None:
        """A many-party shared tray: the network convenes agencies, local bodies and councils."""
        parties = [Party(organization=prov.network, role="convener", role_th="ผู้ประสาน")]
        parties += [
            Party(organization=o, role="agency", role_th="หน่วยงานภาคี") for o in prov.agencies
        ]
        parties += [
            Party(organization=o, role="partner", role_th="ภาคีวิชาการและประชาสังคม")
            for o in prov.partners
        ]
        local = self.pick([s.local_gov for s in prov.subdistricts], 1, 2)
        councils = self.pick([s.council for s in prov.subdistricts], 1, 2)
        parties += [
            Party(organization=o, role="local_government", role_th="องค์กรปกครองส่วนท้องถิ่น")
            for o in local
        ]
        parties += [
            Party(organization=o, role="community", role_th="ขบวนองค์กรชุมชน") for o in councils
        ]
        prov.tray = self.partnership(
            f"pt:demo-tray-{prov.code}",
            PartnershipKind.shared_tray,
            AreaLevel.province,
            ("ถาดร่วมจังหวัด" + prov.name_th, f"{prov.name_en} provincial shared tray"),
            [prov.area],
            parties,
            self.status(planned=0.15, ended=0.1),
        )
        if prov.partners and self.chance(0.6):
            self.partnership(
                f"pt:demo-project-{prov.code}",
                PartnershipKind.project,
                AreaLevel.province,
                (
                    f"โครงการพัฒนาผู้นำชุมชนจังหวัด{prov.name_th}",
                    f"{prov.name_en} community leader development project",
                ),
                [prov.area],
                [Party(organization=o) for o in (prov.network, *prov.partners)],
                self.status(),
            )

    def province_pool(self, prov: _Province) -> None:
        pool = self.add(
            "resources",
            Resource,
            id=f"res:demo-pool-{prov.code}",
            kind=ResourceKind.pooled_fund,
            level=AreaLevel.province,
            name_th="กองคลังจังหวัด" + prov.name_th,
            name_en=f"{prov.name_en} provincial treasury pool",
            stewards=[prov.network],
            serves=[prov.area],
            pooled_into=_group_pool(prov.group),
        )
        for agency in prov.agencies:
            self.contribute(agency, pool, self.amount(50_000, 500_000, 10_000))
        self.contribute(prov.network, pool, self.amount(10_000, 100_000, 5_000))
        for council in self.pick([s.council for s in prov.subdistricts], 1, 3):
            self.allocate(
                pool,
                council,
                self.amount(10_000, 100_000, 5_000),
                "สนับสนุนแผนพัฒนาชุมชนตำบล",
                "Support for a subdistrict community plan",
            )
        self.allocate(
            pool,
            prov.tray,
            self.amount(50_000, 300_000, 10_000),
            "ดำเนินงานถาดร่วมจังหวัด",
            "Running the provincial shared tray",
        )
        self.province_assets(prov)

    def province_assets(self, prov: _Province) -> None:
        """Non-money resources: a learning-centre venue, and expertise where a partner exists."""
        if self.chance(0.6):
            sub = self.rng.choice(prov.subdistricts)
            venue = self.add(
                "resources",
                Resource,
                id=f"res:demo-venue-{_slug(sub.area)}",
                kind=ResourceKind.venue,
                level=AreaLevel.subdistrict,
                unit="days",
                name_th="ศูนย์เรียนรู้ชุมชนตำบล" + sub.name_th,
                name_en=f"{sub.name_en} Community Learning Centre",
                stewards=[sub.council],
                serves=[sub.area],
            )
            self.contribute(sub.local_gov, venue, self.amount(5_000, 30_000, 1_000), in_kind=True)
        if prov.partners:
            self.add(
                "resources",
                Resource,
                id=f"res:demo-expertise-{prov.code}",
                kind=ResourceKind.expertise,
                level=AreaLevel.province,
                unit="person-days",
                name_th="ทีมวิทยากรกระบวนการจังหวัด" + prov.name_th,
                name_en=f"{prov.name_en} facilitation team",
                stewards=prov.partners,
                serves=[prov.area],
            )

    def province_plan(self, prov: _Province) -> None:
        if not self.chance(0.65):
            return
        year = self.rng.choice((2023, 2024))
        prov.plan = self.add(
            "plans",
            Plan,
            id=f"plan:demo-{year}-{prov.code}",
            year_ce=year,
            level=AreaLevel.province,
            area=prov.area,
            status=Status.active if year == 2023 else Status.planned,
            name_th=f"แผนขับเคลื่อนงานขบวนองค์กรชุมชนจังหวัด{prov.name_th} ปี {be_year(year)}",
            name_en=f"{prov.name_en} community movement work plan {year}",
            presented_by=[prov.network],
        )
        text_th, text_en = self.rng.choice(PLAN_GOALS)
        self.add(
            "goals",
            Goal,
            id=f"goal:demo-{prov.code}-near",
            horizon=Horizon.near,
            text_th=text_th,
            text_en=text_en,
            plans=[prov.plan],
        )

    def province_mechanisms(self, prov: _Province) -> None:
        plans = [prov.plan or REGIONAL_PLAN]
        if self.chance(0.55):
            self.add(
                "mechanisms",
                Mechanism,
                id=f"mech:demo-tray-{prov.code}",
                kind=MechanismKind.shared_tray,
                levels=[AreaLevel.province],
                area=prov.area,
                plans=plans,
                embodied_by=[prov.tray],
                name_th="กลไกถาดร่วมจังหวัด" + prov.name_th,
                name_en=f"{prov.name_en} shared-tray mechanism",
            )
        if self.chance(0.3):
            self.add(
                "mechanisms",
                Mechanism,
                id=f"mech:demo-pool-{prov.code}",
                kind=MechanismKind.pool,
                levels=[AreaLevel.province],
                area=prov.area,
                plans=plans,
                embodied_by=[f"res:demo-pool-{prov.code}"],
                name_th="กลไกกองคลังจังหวัด" + prov.name_th,
                name_en=f"{prov.name_en} pool mechanism",
            )

    def province_events(self, prov: _Province) -> None:
        people = [*prov.core, *prov.second, *prov.officials]
        dates = sorted(self.date(2022, 2024) for _ in range(self.rng.randint(1, 3)))
        for n, on in enumerate(dates, 1):
            sub = self.rng.choice(prov.subdistricts)
            present = self.pick(people, 4, 10)
            attendees = [Attendance(attendee=prov.staff, role="facilitator", role_th="ผู้ดำเนินการ")]
            attendees.append(Attendance(attendee=present[0], role="speaker", role_th="ผู้นำเสนอ"))
            attendees += [
                Attendance(attendee=p, role="participant", role_th="ผู้เข้าร่วม") for p in present[1:]
            ]
            attendees.append(Attendance(attendee=sub.council, role="host", role_th="เจ้าภาพ"))
            decided = [prov.tray, *([prov.plan] if prov.plan else [])] if n == 1 else []
            self.add(
                "events",
                Event,
                id=f"event:demo-{prov.code}-{n}",
                on=on,
                name_th=f"ประชุมเครือข่ายองค์กรชุมชนจังหวัด{prov.name_th} ครั้งที่ {n}",
                name_en=f"{prov.name_en} provincial network meeting no. {n}",
                place_th=f"ศาลาประชาคมตำบล{sub.name_th}",
                held_in=sub.area,
                organized_by=[prov.network, *prov.agencies[:1]],
                attendees=attendees,
                decided=decided,
            )

    # -- province-group level ------------------------------------------------------------------
    def province_group(self, group: str, provinces: list[_Province]) -> None:
        wg = working_group_of(group)
        reps = self.group_memberships(wg, provinces)
        # One province per group always gets no mechanism, so gap queries have one to find.
        bare = self.rng.choice(provinces)
        for prov in provinces:
            if prov is not bare:
                self.province_mechanisms(prov)
        tray = self.group_tray(group, wg, provinces)
        self.group_pool(group, wg, provinces, tray)
        mech = self.add(
            "mechanisms",
            Mechanism,
            id=f"mech:demo-wg-{_slug(group)}",
            kind=MechanismKind.working_group,
            levels=[AreaLevel.province_group],
            area=group,
            plans=[group_plan_of(group), REGIONAL_PLAN],
            embodied_by=[wg, tray],
            name_th="กลไกคณะทำงานและถาดร่วมกลุ่มจังหวัด " + _group_label(provinces),
            name_en=f"Province-group working group and shared tray ({_slug(group)})",
        )
        self.group_event(group, wg, provinces, reps, [tray, mech])

    def group_memberships(self, wg: str, provinces: list[_Province]) -> list[str]:
        """Province representatives in the working group; a few go on to the regional bodies."""
        reps = []
        for prov in provinces:
            for person in self.pick(prov.core, 1, 2):
                self.member(person, wg, Role.representative, years=(2021, 2022), ended=0.05)
                reps.append(person)
        self.member(provinces[0].staff, wg, Role.coordinator, years=(2021, 2022), ended=0.0)
        for person in self.pick(reps, 1, 2):
            self.member(person, MANAGEMENT_TEAM, Role.representative, years=(2022, 2022), ended=0.0)
        outside = [p for prov in provinces for p in prov.core if p not in reps]
        for person in self.pick(outside, 1, 1):
            self.member(person, SUBCOMMITTEE, Role.committee_member, years=(2020, 2022), ended=0.0)
        return reps

    def group_tray(self, group: str, wg: str, provinces: list[_Province]) -> str:
        parties = [Party(organization=wg, role="convener", role_th="ผู้ประสาน")]
        parties += [
            Party(organization=p.network, role="member_network", role_th="เครือข่ายจังหวัด")
            for p in provinces
        ]
        parties.append(Party(organization=REGIONAL_OFFICE, role="supporter", role_th="หน่วยสนับสนุน"))
        return self.partnership(
            f"pt:demo-tray-{_slug(group)}",
            PartnershipKind.shared_tray,
            AreaLevel.province_group,
            (
                "ถาดร่วมกลุ่มจังหวัด " + _group_label(provinces),
                f"Province-group shared tray ({_slug(group)})",
            ),
            [group],
            parties,
            self.status(planned=0.2, ended=0.0),
        )

    def group_pool(self, group: str, wg: str, provinces: list[_Province], tray: str) -> None:
        pool = self.add(
            "resources",
            Resource,
            id=_group_pool(group),
            kind=ResourceKind.pooled_fund,
            level=AreaLevel.province_group,
            name_th="กองคลังกลุ่มจังหวัด " + _group_label(provinces),
            name_en=f"Province-group treasury pool ({_slug(group)})",
            stewards=[wg],
            serves=[group],
            pooled_into=REGIONAL_POOL,
        )
        self.contribute(REGIONAL_OFFICE, pool, self.amount(200_000, 500_000, 50_000))
        self.allocate(
            pool,
            tray,
            self.amount(100_000, 300_000, 50_000),
            "ดำเนินงานถาดร่วมกลุ่มจังหวัด",
            "Running the province-group shared tray",
        )
        for prov in provinces:
            if self.chance(0.5):
                self.allocate(
                    pool,
                    prov.tray,
                    self.amount(50_000, 150_000, 10_000),
                    "สมทบถาดร่วมจังหวัด",
                    "Top-up for a provincial shared tray",
                )

    def group_event(
        self, group: str, wg: str, provinces: list[_Province], reps: list[str], decided: list[str]
    ) -> None:
        host = self.rng.choice(provinces)
        attendees = [Attendance(attendee=host.staff, role="facilitator", role_th="ผู้ดำเนินการ")]
        attendees += [
            Attendance(
                attendee=p,
                role="speaker" if i == 0 else "participant",
                role_th="ผู้นำเสนอ" if i == 0 else "ผู้เข้าร่วม",
            )
            for i, p in enumerate(reps)
        ]
        attendees += [
            Attendance(attendee=p.network, role="participant", role_th="ผู้เข้าร่วม") for p in provinces
        ]
        self.add(
            "events",
            Event,
            id=f"event:demo-{_slug(group)}-2023",
            on=self.date(2023, 2023),
            name_th="ประชุมคณะทำงานกลุ่มจังหวัด " + _group_label(provinces),
            name_en=f"Province-group working group meeting ({_slug(group)})",
            held_in=host.area,
            organized_by=[wg, REGIONAL_OFFICE],
            attendees=attendees,
            decided=decided,
        )


def _slug(area: str) -> str:
    return area.removeprefix("area:")


def _group_pool(group: str) -> str:
    return f"res:demo-pool-{_slug(group)}"


def _group_label(provinces: list[_Province]) -> str:
    # The caller passes only ids and codes, so a group is named by its provinces.
    return "(" + " ".join(p.name_th for p in provinces) + ")"
