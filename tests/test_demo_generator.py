"""The demo generator: deterministic, all synthetic, valid against the real areas and article."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import geothai
import pytest
import yaml

from graph.dataset import Dataset
from graph.models import AreaLevel, OrganizationKind, Tier
from seeds.demo import ARTICLE_IDS_USED, REGIONAL_POOL, SOURCE_ID, generate_demo

DATA_DIR = Path(__file__).resolve().parents[1] / "seeds" / "data"


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


def region_area_ids() -> set[str]:
    return {a["id"] for a in read("regions.yaml")["areas"]}


def article_node_ids() -> set[str]:
    raw = read("article.yaml")
    return {
        r["id"]
        for section in raw.values()
        if isinstance(section, list)
        for r in section
        if "id" in r
    }


def existing_ids() -> set[str]:
    """What the graph holds before the demo is loaded: areas, the article, the sources."""
    return set(government_area_ids()) | region_area_ids() | set(ARTICLE_IDS_USED) | {SOURCE_ID}


@functools.cache
def demo(scale: float = 1.0, seed: int = 2565) -> Dataset:
    return generate_demo(scale=scale, seed=seed, province_groups=province_groups())


def records(ds: Dataset):
    for section in Dataset.SECTIONS:
        yield from getattr(ds, section)


def test_same_arguments_give_the_same_dataset() -> None:
    first = generate_demo(province_groups=province_groups())
    again = generate_demo(province_groups=province_groups())
    assert first.model_dump() == again.model_dump()
    assert first.origin == again.origin == "demo(scale=1.0, seed=2565)"
    assert demo(seed=1).model_dump() != first.model_dump()


def test_every_record_is_synthetic_and_cites_the_demo_source() -> None:
    ds = demo()
    assert ds.sources == [] and ds.areas == []
    for rec in records(ds):
        assert rec.synthetic is True, rec
        assert rec.source_ids == [SOURCE_ID], rec


def test_passes_check_against_areas_article_and_sources() -> None:
    for scale in (0.25, 1.0):
        demo(scale).check(existing_ids=existing_ids())


def test_links_outside_itself_only_to_known_areas_and_listed_article_ids() -> None:
    assert set(ARTICLE_IDS_USED) <= article_node_ids()
    external = demo().external_references()
    allowed = set(government_area_ids()) | region_area_ids() | set(ARTICLE_IDS_USED) | {SOURCE_ID}
    assert external <= allowed, sorted(external - allowed)
    assert set(ARTICLE_IDS_USED) <= external, "a listed article id is never used"


def test_scale_changes_size_monotonically() -> None:
    small, normal, large = (demo(s).size() for s in (0.25, 1.0, 2.0))
    assert small < normal < large
    nodes = sum(1 for _ in demo().node_ids())
    assert 500 < nodes < 5000, "scale 1 should stay at a few thousand nodes"


def test_people_have_tiers_thai_names_and_contacts() -> None:
    people = demo().people
    tiers = Counter(p.tier for p in people)
    for tier in (Tier.core_leader, Tier.second_tier_leader, Tier.member, Tier.staff, Tier.official):
        assert tiers[tier] > 0, tier
    assert {p.honorific_th for p in people} == {"นาย", "นาง", "นางสาว"}
    contacts = [p.contact for p in people if p.contact is not None]
    assert len(contacts) > len(people) / 2
    assert all(c.email and c.email.endswith("@example.org") for c in contacts)


def test_second_tier_leaders_have_core_leader_mentors() -> None:
    ds = demo()
    tier = {p.id: p.tier for p in ds.people}
    mentored = {m.mentee for m in ds.mentorships}
    second = {pid for pid, t in tier.items() if t is Tier.second_tier_leader}
    assert len(mentored & second) > len(second) / 2
    assert all(tier[m.mentor] is Tier.core_leader for m in ds.mentorships)
    assert len({m.key for m in ds.mentorships}) == len(ds.mentorships)


def test_memberships_reach_regional_bodies_and_some_have_ended() -> None:
    ds = demo()
    orgs = {m.organization for m in ds.memberships}
    assert set(ARTICLE_IDS_USED) & orgs >= {
        "org:cw-management-team",
        "org:cw-subcommittee",
        "org:cw-second-tier-leaders",
        "org:wg-pg-central-upper",
    }
    ended = [m for m in ds.memberships if m.end_on]
    assert 0 < len(ended) < len(ds.memberships) / 4
    starts = [m.start_on for m in ds.memberships]
    assert all(d is not None and 2015 <= d.year <= 2023 for d in starts)


def test_many_party_partnerships_exist() -> None:
    ds = demo()
    many = [p for p in ds.partnerships if len(p.parties) > 2]
    assert many
    trays = [p for p in many if p.level is AreaLevel.province]
    assert trays and all(3 <= len(p.parties) <= 8 for p in trays)
    assert {p.level for p in many} >= {AreaLevel.province, AreaLevel.province_group}
    assert len({p.status for p in ds.partnerships}) > 1


def test_some_subdistricts_have_partnerships_and_some_do_not() -> None:
    ds = demo()
    subdistricts = {
        o.located_in for o in ds.organizations if o.kind is OrganizationKind.community_council
    }
    covered = {
        area for p in ds.partnerships if p.level is AreaLevel.subdistrict for area in p.covers
    }
    assert covered and covered < subdistricts
    provinces = {
        o.located_in for o in ds.organizations if o.kind is OrganizationKind.community_network
    }
    with_mechanism = {m.area for m in ds.mechanisms}
    assert provinces - with_mechanism, "some province should have no mechanism"


def test_pools_chain_up_to_the_regional_pool_and_receive_contributions() -> None:
    ds = demo()
    pools = {r.id: r for r in ds.resources if r.kind == "pooled_fund"}
    contributed = Counter(c.resource for c in ds.contributions)
    assert sum(1 for pid in pools if contributed[pid]) > len(pools) / 2
    assert all(c.amount > 0 and c.amount % 1000 == 0 for c in ds.contributions)
    for pool in pools.values():
        chain = [pool.level]
        node = pool
        while node.pooled_into in pools:
            node = pools[node.pooled_into]
            chain.append(node.level)
        assert node.pooled_into == REGIONAL_POOL, pool.id
        assert chain[-1] is AreaLevel.province_group
    assert ds.allocations


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate_demo(scale=0, province_groups=province_groups())
    with pytest.raises(ValueError):
        generate_demo(province_groups={"area:pg-elsewhere": ["71"]})
    with pytest.raises(ValueError):
        generate_demo(province_groups={"area:pg-central-upper": ["00"]})
