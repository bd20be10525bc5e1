"""The national generator: deterministic, all synthetic, chunk by chunk valid, and shaped right.

Pure Python, no database: ``pytest --noconftest tests/test_national_generator.py``. Small
scales and a few provinces keep it fast; the one full-country run is at a tiny scale.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import geothai
import pytest
import yaml

import seeds.national as national
from graph.dataset import Dataset
from graph.load import plan_steps
from graph.models import AreaLevel, OrganizationKind, PartnershipKind, Status, Tier
from graph.registry import label_of
from seeds.national import (
    MANAGEMENT_TEAM,
    NATIONAL_SOURCE,
    TREASURY_POOL,
    article_ids_used,
    count_elements,
    generate_national,
    national_source,
    plan_national,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "seeds" / "data"
SCALE = 0.05
# Bangkok (district offices instead of subdistrict local government), Mae Hong Son (small),
# Kanchanaburi (in one of the article's province groups).
PROVINCES = ("10", "58", "71")


def read(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def province_groups() -> dict[str, list[str]]:
    return {g["group"]: list(g["provinces"]) for g in read("regions.yaml")["province_groups"]}


@functools.cache
def government_area_ids() -> frozenset[str]:
    ids = {"area:TH"}
    for p in geothai.provinces():
        ids.add(f"area:{p.code}")
        for d in geothai.districts(p.code):
            ids.add(f"area:{d.code}")
            ids.update(f"area:{s.code}" for s in geothai.subdistricts(d.code))
    return frozenset(ids)


def seeded_ids() -> set[str]:
    """What the graph holds before the national network: areas, article, sources."""
    article = read("article.yaml")
    ids = {
        r["id"]
        for section in article.values()
        if isinstance(section, list)
        for r in section
        if "id" in r
    }
    ids |= {a["id"] for a in read("regions.yaml")["areas"]}
    return ids | government_area_ids() | {NATIONAL_SOURCE}


@functools.cache
def chunks(scale: float = SCALE, seed: int = 2566) -> tuple[Dataset, ...]:
    return tuple(
        generate_national(scale, seed, province_groups=province_groups(), provinces=PROVINCES)
    )


def merged(datasets: Iterable[Dataset]) -> Dataset:
    datasets = list(datasets)
    return Dataset(**{s: [r for ds in datasets for r in getattr(ds, s)] for s in Dataset.SECTIONS})


def records(ds: Dataset):
    for section in Dataset.SECTIONS:
        yield from getattr(ds, section)


def dumps(datasets: Iterable[Dataset]) -> list[dict]:
    return [ds.model_dump() for ds in datasets]


def chunk_of(datasets: Iterable[Dataset], province: str) -> Dataset:
    (ds,) = [ds for ds in datasets if f": province {province} " in ds.origin]
    return ds


# --- determinism ----------------------------------------------------------------------------------


def test_same_arguments_give_the_same_chunks() -> None:
    again = generate_national(SCALE, province_groups=province_groups(), provinces=PROVINCES)
    assert dumps(again) == dumps(chunks())
    assert [ds.origin for ds in chunks()][:2] == [
        "national(scale=0.05, seed=2566): top",
        "national(scale=0.05, seed=2566): province 10 (Bangkok)",
    ]
    assert dumps(chunks(seed=1)) != dumps(chunks())


def test_a_province_chunk_is_the_same_alone_or_within_a_run() -> None:
    alone = list(generate_national(SCALE, provinces=["58"]))
    assert len(alone) == 2  # the top chunk, then the province
    assert chunk_of(alone, "58").model_dump() == chunk_of(chunks(), "58").model_dump()
    # The top chunk holds only the selected provinces' bodies, each drawn the same way.
    top_alone = {o.id: o for o in alone[0].organizations}
    top_all = {o.id: o for o in chunks()[0].organizations}
    assert top_alone.items() <= top_all.items()


def test_splitting_a_province_by_district_changes_no_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = chunk_of(chunks(), "71")
    monkeypatch.setattr(national, "MAX_CHUNK_RECORDS", 500)
    parts = list(generate_national(SCALE, provinces=["71"], province_groups=province_groups()))[1:]
    n_districts = len(geothai.districts("71"))
    assert len(parts) == n_districts + 1
    assert all(": district 71" in ds.origin for ds in parts[:-1])
    assert parts[-1].origin.endswith("province 71 (Kanchanaburi), province level")
    for section in Dataset.SECTIONS:
        split = sorted(repr(r) for ds in parts for r in getattr(ds, section))
        assert split == sorted(repr(r) for r in getattr(whole, section)), section


# --- provenance and validity ---------------------------------------------------------------------


def test_every_record_is_synthetic_and_cites_the_national_source() -> None:
    top = chunks()[0]
    assert top.sources == [national_source()]
    assert national_source().kind == "synthetic"
    assert national_source().title_th and national_source().title_en
    for ds in chunks():
        assert ds.areas == []
        for section in Dataset.SECTIONS:
            if section == "sources":
                continue
            for rec in getattr(ds, section):
                assert rec.synthetic is True, rec
                assert rec.source_ids == [NATIONAL_SOURCE], rec


def test_ids_are_prefixed_so_they_never_clash_with_the_demo_or_the_article() -> None:
    for ds in chunks():
        for rec in records(ds):
            rid = getattr(rec, "id", None)
            if rid and rid != NATIONAL_SOURCE:
                assert rid.split(":", 1)[1].startswith("n-"), rid


def test_chunks_pass_check_one_after_another() -> None:
    groups = province_groups()
    used = article_ids_used(groups)
    assert used <= seeded_ids(), "an article id the generator uses is not in the seed files"
    known = set(government_area_ids()) | used | {NATIONAL_SOURCE}
    for ds in chunks():
        ds.check(existing_ids=known)
        # Nothing outside the chunk but areas, listed article ids and earlier chunks.
        assert ds.external_references() <= known, sorted(ds.external_references() - known)
        own = set(ds.node_ids())
        # The top chunk states its source (upserted: it may already be there); nothing else
        # is defined twice.
        assert not (own - {NATIONAL_SOURCE}) & known, "an id is defined twice"
        known |= own
    # Kanchanaburi is in an article province group: its pool feeds the group's pool, which
    # feeds the article's treasury pool, and its chair may sit on the management team.
    refs = {ref for ds in chunks() for *_, ref, _ in ds.references()}
    assert TREASURY_POOL in refs and MANAGEMENT_TEAM in refs
    assert any(ref.startswith("area:pg-") for ref in refs)


def test_without_province_groups_only_government_areas_are_referenced() -> None:
    known = set(government_area_ids()) | {NATIONAL_SOURCE}
    for ds in generate_national(SCALE, provinces=["58", "71"]):
        ds.check(existing_ids=known)
        known |= set(ds.node_ids())


def test_a_sample_of_records_survives_the_real_validators() -> None:
    # Generation builds every record through its model's validators; this guards that a
    # record round-trips through them unchanged (a generator shortcut would show here).
    for ds in chunks():
        for section in Dataset.SECTIONS:
            for rec in getattr(ds, section)[::97]:
                assert type(rec).model_validate(rec.model_dump()) == rec


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        next(generate_national(0))
    with pytest.raises(ValueError, match="scale"):
        plan_national(-1)
    with pytest.raises(ValueError, match="province"):
        next(generate_national(0.1, provinces=["99"]))
    with pytest.raises(ValueError, match="province group"):
        next(generate_national(0.1, province_groups={"area:71": ["71"]}))


# --- the whole country ----------------------------------------------------------------------------


def test_every_subdistrict_gets_a_council_at_any_scale() -> None:
    councils: Counter[str] = Counter()
    every_province = [
        code
        for code in {a.removeprefix("area:")[:2] for a in government_area_ids() if a != "area:TH"}
    ]
    for ds in generate_national(0.001, provinces=every_province):
        for o in ds.organizations:
            if o.kind is OrganizationKind.community_council:
                councils[o.located_in or ""] += 1
    subdistricts = {a for a in government_area_ids() if len(a) == len("area:") + 6}
    assert len(subdistricts) == 7436
    assert set(councils) == subdistricts and set(councils.values()) == {1}


def test_the_plan_is_cheap_and_scale_one_is_a_million_nodes_and_three_million_links() -> None:
    plan = plan_national(1.0)
    assert (plan.provinces, plan.districts, plan.subdistricts) == (77, 928, 7436)
    assert 0.95e6 <= plan.total_nodes <= 1.05e6
    assert 2.85e6 <= plan.total_relationships <= 3.15e6
    assert plan.elements == plan.total_nodes + plan.total_relationships
    small = plan_national(0.1)
    assert 0.1 * 7436 <= small.subdistricts <= 0.15 * 7436, "a tenth of the country"
    assert 0.09e6 <= small.total_nodes <= 0.15e6


def test_a_smaller_scale_covers_less_of_the_country_at_the_same_density() -> None:
    quarter, whole = plan_national(0.25), plan_national(1.0)
    assert quarter.provinces < whole.provinces
    per_subdistrict = [p.nodes["Person"] / p.subdistricts for p in (quarter, whole)]
    assert abs(per_subdistrict[0] - per_subdistrict[1]) / per_subdistrict[1] < 0.1


def test_the_plan_counts_exactly_what_is_generated() -> None:
    groups = province_groups()
    plan = plan_national(SCALE, province_groups=groups, provinces=PROVINCES)
    nodes: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    for ds in chunks():
        n, r = count_elements(ds)
        nodes += n
        rels += r
    assert plan.nodes == dict(nodes)
    assert plan.relationships == dict(rels)
    assert plan.records == sum(ds.size() for ds in chunks())
    assert plan.chunks == len(chunks())


def test_elements_are_counted_the_way_the_loader_writes_them() -> None:
    ds = chunk_of(chunks(), "58")
    nodes, rels = count_elements(ds)
    written_nodes: Counter[str] = Counter()
    written_rels: Counter[str] = Counter()
    for step in plan_steps(ds):
        if step.kind == "node":
            written_nodes[step.name.split()[0]] += len(step.rows)
        elif step.kind == "link":
            written_rels[step.name.split("-")[1]] += len(step.rows)
    assert nodes == written_nodes
    assert rels == written_rels


# --- shape and proportions ------------------------------------------------------------------------


def test_scale_grows_people_per_subdistrict_not_subdistricts() -> None:
    per_subdistrict = []
    for scale in (0.02, 0.1, 0.5):
        ds = chunk_of(generate_national(scale, provinces=["58"]), "58")
        councils = [o for o in ds.organizations if o.kind is OrganizationKind.community_council]
        assert len(councils) == sum(
            len(geothai.subdistricts(d.code)) for d in geothai.districts("58")
        )
        per_subdistrict.append(len(ds.people) / len(councils))
    assert per_subdistrict == sorted(per_subdistrict)
    assert per_subdistrict[0] >= 6, "at least a handful of people everywhere"
    assert 45 <= per_subdistrict[-1] <= 70, "about 100 people per subdistrict at scale 1"


def test_people_come_in_tiers_with_memberships() -> None:
    ds = chunk_of(generate_national(0.5, provinces=["58"]), "58")
    local = [p for p in ds.people if len(p.id.split("-")[1]) == 6]
    tiers = Counter(p.tier for p in local)
    share = {t: n / len(local) for t, n in tiers.items()}
    assert 0.06 <= share[Tier.core_leader] <= 0.10
    assert 0.13 <= share[Tier.second_tier_leader] <= 0.17
    assert 0.02 <= share[Tier.official] <= 0.06
    assert share[Tier.member] > 0.65
    held = Counter(m.person for m in ds.memberships)
    one_to_three = sum(1 for p in local if 1 <= held[p.id] <= 3)
    assert one_to_three > 0.8 * len(local), "most people hold one to three memberships"
    assert all(held[p.id] >= 1 for p in local if p.tier is not Tier.member)
    ended = [m for m in ds.memberships if m.end_on]
    assert 0 < len(ended) < len(ds.memberships) / 5
    assert all(m.end_on >= m.start_on for m in ended if m.start_on)  # type: ignore[operator]


def test_most_second_tier_leaders_have_a_core_leader_mentor() -> None:
    ds = merged(chunks())
    tier = {p.id: p.tier for p in ds.people}
    second = {pid for pid, t in tier.items() if t is Tier.second_tier_leader}
    mentors_of_second = [m for m in ds.mentorships if m.mentee in second]
    assert len({m.mentee for m in mentors_of_second}) >= 0.8 * len(second)
    assert all(tier[m.mentor] is Tier.core_leader for m in mentors_of_second)
    # Some mentors come from another subdistrict of the district.
    subdistrict = lambda pid: pid.split("-")[1]  # noqa: E731
    assert any(subdistrict(m.mentor) != subdistrict(m.mentee) for m in mentors_of_second)
    assert len({m.key for m in ds.mentorships}) == len(ds.mentorships)


def test_partnerships_two_party_many_party_cross_level_and_some_ended() -> None:
    ds = merged(chunks())
    kind_of = {o.id: o.kind for o in ds.organizations}
    level_of_org = {o.id: label_level(o.located_in) for o in ds.organizations}
    two_party = [p for p in ds.partnerships if len(p.parties) == 2]
    many_party = [p for p in ds.partnerships if len(p.parties) >= 3]
    assert two_party and many_party
    assert {p.level for p in many_party} >= {AreaLevel.district, AreaLevel.province}
    assert all(p.kind is PartnershipKind.shared_tray for p in many_party)
    council_localgov = [
        p
        for p in two_party
        if {kind_of[x.organization] for x in p.parties}
        == {OrganizationKind.community_council, OrganizationKind.local_government}
    ]
    fund_agency = [
        p
        for p in two_party
        if {kind_of[x.organization] for x in p.parties}
        == {OrganizationKind.welfare_fund, OrganizationKind.government_agency}
    ]
    assert council_localgov and fund_agency
    # Cross-level: subdistrict councils at one table with a provincial agency.
    cross = [
        p
        for p in ds.partnerships
        if {level_of_org[x.organization] for x in p.parties} >= {"subdistrict", "province"}
        and any(kind_of[x.organization] is OrganizationKind.community_council for x in p.parties)
    ]
    assert any(p.level is AreaLevel.district for p in cross)
    statuses = Counter(p.status for p in ds.partnerships)
    assert statuses[Status.ended] > 0 and statuses[Status.planned] > 0
    assert all(p.end_on for p in ds.partnerships if p.status is Status.ended)
    for p in ds.partnerships:
        assert len({x.organization for x in p.parties}) == len(p.parties), p.id


def label_level(area: str | None) -> str:
    code = (area or "").removeprefix("area:")
    return {2: "province", 4: "district", 6: "subdistrict"}.get(len(code), "other")


def test_pools_feed_the_province_with_contributions_and_allocations() -> None:
    ds = merged(chunks())
    pools = {r.id: r for r in ds.resources}
    local = [r for r in pools.values() if r.level is AreaLevel.subdistrict]
    assert local
    contributions = Counter(c.resource for c in ds.contributions)
    allocations = Counter(a.resource for a in ds.allocations)
    for pool in local:
        assert pools[pool.pooled_into or ""].level is AreaLevel.province
        assert 5 <= contributions[pool.id] <= 10
        assert 2 <= allocations[pool.id] <= 5
    provincial = [r for r in pools.values() if r.level is AreaLevel.province]
    assert {r.serves[0] for r in provincial} == {f"area:{p}" for p in PROVINCES}
    assert all(contributions[r.id] > 0 and allocations[r.id] > 0 for r in provincial)
    assert any(label_of(a.recipient) == "Partnership" for a in ds.allocations)
    assert all(c.amount > 0 for c in ds.contributions)


def test_meetings_at_every_level_with_ten_to_thirty_attendees() -> None:
    ds = chunk_of(generate_national(1.0, provinces=["58"]), "58")
    by_level: dict[str, list[int]] = defaultdict(list)
    for e in ds.events:
        assert e.on.year in national.YEARS
        by_level[label_level(e.held_in)].append(len(e.attendees))
    assert set(by_level) == {"subdistrict", "district", "province"}
    subdistricts = sum(1 for o in ds.organizations if o.kind is OrganizationKind.community_council)
    assert 2 <= len(by_level["subdistrict"]) / subdistricts <= 4
    assert all(10 <= n <= 31 for n in by_level["subdistrict"])
    decided = {d for e in ds.events for d in e.decided}
    assert any(d.startswith("pt:") for d in decided)


def test_gaps_some_subdistricts_lack_partnerships_or_pools() -> None:
    ds = merged(chunks())
    councils = {
        o.located_in for o in ds.organizations if o.kind is OrganizationKind.community_council
    }
    with_local_pt = {
        p.covers[0]
        for p in ds.partnerships
        if p.level is AreaLevel.subdistrict and "-local-" in p.id
    }
    with_pool = {r.serves[0] for r in ds.resources if r.level is AreaLevel.subdistrict}
    assert 0 < len(councils - with_local_pt) < len(councils) / 2
    assert 0 < len(councils - with_pool) < len(councils) / 4


def test_bangkok_is_served_by_district_offices() -> None:
    ds = chunk_of(chunks(), "10")
    local = [o for o in ds.organizations if o.kind is OrganizationKind.local_government]
    assert len(local) == len(geothai.districts("10"))
    assert all(o.name_th.startswith("สำนักงานเขต") for o in local)
    councils = [o for o in ds.organizations if o.kind is OrganizationKind.community_council]
    assert all("แขวง" in o.name_th for o in councils)
