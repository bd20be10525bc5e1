"""The eight connection questions over HTTP, checked against the demo network computed in Python.

Each test runs once per engine (the `kb` fixture behind `http`), against a real uvicorn server.
The expected answers come from the generated dataset and geothai, never from the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import httpx

from graph.dataset import Dataset
from seeds.pipeline import demo_groups
from tests.conftest import data, error_codes, gql

GROUPS = demo_groups()  # group area id -> province codes
REGION = "area:codi-central-west"
TODAY = dt.date.today()


def province_of(area_id: str) -> str | None:
    """Province code of a government area id (area:71, area:7101, area:710101)."""
    code = area_id.removeprefix("area:")
    return code[:2] if code[:2].isdigit() else None


def group_of(area_id: str) -> str | None:
    if area_id.startswith("area:pg-"):
        return area_id
    province = province_of(area_id)
    return next((g for g, ps in GROUPS.items() if province in ps), None)


def in_subtree(area_id: str, root: str) -> bool:
    if root == REGION:
        return area_id == REGION or group_of(area_id) is not None
    if root.startswith("area:pg-"):
        return group_of(area_id) == root
    return area_id.removeprefix("area:").startswith(root.removeprefix("area:"))


# --- 1. rollup -----------------------------------------------------------------------------------


def test_rollup_counts_each_level_of_the_region(http: httpx.Client, demo: Dataset) -> None:
    body = gql(
        http,
        """{ rollup(area: "area:codi-central-west") {
               organizations people
               children { area { id level } organizations people
                          children { area { id level } organizations } } } }""",
    )
    rollup = data(body)["rollup"]
    located = Counter(group_of(o.located_in) for o in demo.organizations if o.located_in)
    assert rollup["organizations"] == sum(n for g, n in located.items() if g)
    groups = {c["area"]["id"]: c for c in rollup["children"]}
    assert set(groups) == set(GROUPS)
    for gid, child in groups.items():
        assert child["area"]["level"] == "province_group"
        assert child["organizations"] == located[gid]
        provinces = {p["area"]["id"]: p["organizations"] for p in child["children"]}
        assert set(provinces) == {f"area:{c}" for c in GROUPS[gid]}
        for pid, n in provinces.items():
            expected = sum(
                1 for o in demo.organizations if o.located_in and in_subtree(o.located_in, pid)
            )
            assert n == expected, pid
    # people working anywhere in the region; the article's director works at region level
    people = {p.id for p in demo.people if any(in_subtree(a, REGION) for a in p.works_in)}
    assert rollup["people"] == len(people) + 1


def test_rollup_pooled_amount_of_a_province(http: httpx.Client, demo: Dataset) -> None:
    pools = {
        r.id
        for r in demo.resources
        if r.kind == "pooled_fund" and any(in_subtree(a, "area:71") for a in r.serves)
    }
    expected = sum(c.amount for c in demo.contributions if c.resource in pools)
    rollup = data(
        gql(http, '{ rollup(area: "area:71") { pools pooledAmount ancestors { level } } }')
    )["rollup"]
    assert rollup["pools"] == len(pools)
    assert rollup["pooledAmount"] == expected
    assert [a["level"] for a in rollup["ancestors"]] == ["province_group", "region", "country"]


# --- 2. partners ---------------------------------------------------------------------------------


def _direct_partners(demo: Dataset, org: str) -> set[str]:
    out: set[str] = set()
    for pt in demo.partnerships:
        parties = {p.organization for p in pt.parties}
        running = (
            pt.status != "ended"
            and (pt.end_on is None or pt.end_on >= TODAY)
            and (pt.start_on is None or pt.start_on <= TODAY)
        )
        if org in parties and running:
            out |= parties - {org}
    members: dict[str, set[str]] = defaultdict(set)
    for m in demo.memberships:
        if (m.end_on is None or m.end_on >= TODAY) and (m.start_on is None or m.start_on <= TODAY):
            members[m.person].add(m.organization)
    for orgs in members.values():
        if org in orgs:
            out |= orgs - {org}
    return out


def test_partners_one_hop_are_exactly_the_direct_ties(http: httpx.Client, demo: Dataset) -> None:
    council = next(o.id for o in demo.organizations if o.kind == "community_council")
    expected = _direct_partners(demo, council)
    body = gql(
        http,
        """query($of: ID!) { partners(of: $of, hops: 1, first: 100) {
             hops ties organization { id } path { length nodes { id } steps { labelEn labelTh } } } }""",
        {"of": council},
    )
    partners = data(body)["partners"]
    assert {p["organization"]["id"] for p in partners} == expected
    for p in partners:
        assert p["hops"] == 1
        assert p["path"]["nodes"][0]["id"] == council
        assert p["path"]["nodes"][-1]["id"] == p["organization"]["id"]
        assert p["path"]["steps"][0]["labelEn"] in ("partner in", "has member")
        assert p["path"]["steps"][0]["labelTh"] in ("เป็นภาคีใน", "มีสมาชิก")
    ties = [p["ties"] for p in partners]
    assert ties == sorted(ties, reverse=True)


def test_partners_within_a_province_group_and_through_whom(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ partners(of: "org:wg-pg-central-lower-1", hops: 2, within: "area:pg-central-lower-1",
                      first: 50) {
               hops organization { id locatedIn { id } worksIn { id } }
               path { steps { from to } } } }""",
    )
    partners = data(body)["partners"]
    assert partners, "the working group reaches organizations in its group"
    hops = [p["hops"] for p in partners]
    assert hops == sorted(hops) and set(hops) <= {1, 2}
    for p in partners:
        areas = [a["id"] for a in p["organization"]["worksIn"]]
        if p["organization"]["locatedIn"]:
            areas.append(p["organization"]["locatedIn"]["id"])
        assert any(group_of(a) == "area:pg-central-lower-1" for a in areas), p
        assert len(p["path"]["steps"]) == 2 * p["hops"]


def test_partners_of_a_person_start_with_their_membership(http: httpx.Client) -> None:
    body = gql(
        http,
        '{ partners(of: "person:demo-710102-5", hops: 1) { path { steps { labelEn } } } }',
    )
    partners = data(body)["partners"]
    assert partners
    assert all(p["path"]["steps"][0]["labelEn"] == "member of" for p in partners)


def test_partners_hops_are_capped(http: httpx.Client) -> None:
    body = gql(http, '{ partners(of: "org:codi", hops: 9) { hops } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "hops" in body["errors"][0]["message"]


# --- 3. connection -------------------------------------------------------------------------------


def test_connection_between_the_articles_two_speakers(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ connection(from: "person:thiraphong-phromphochuenbun", to: "person:piya-phuangsamli") {
               length nodes { id label } steps { from to type labelEn labelTh forward } textTh } }""",
    )
    paths = data(body)["connection"]
    assert paths and all(p["length"] == 2 for p in paths)
    via_meeting = [
        p for p in paths if p["nodes"][1]["id"] == "event:2022-11-19-cw-regional-meeting"
    ]
    assert via_meeting, paths
    steps = via_meeting[0]["steps"]
    assert [(s["labelEn"], s["labelTh"], s["forward"]) for s in steps] == [
        ("attended", "เข้าร่วม", True),
        ("attended by", "มีผู้เข้าร่วม", False),
    ]
    assert via_meeting[0]["textTh"].startswith("ธีรพงศ์ พร้อมพอชื่นบุญ —เข้าร่วม→")


def test_every_shortest_path_when_asked(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ one: connection(from: "org:codi", to: "org:wg-pg-central-upper") { length nodes { id } }
             every: connection(from: "org:codi", to: "org:wg-pg-central-upper", all: true, first: 100) {
               length nodes { id } } }""",
    )
    result = data(body)
    assert len(result["one"]) == 1
    lengths = {p["length"] for p in result["every"]}
    assert lengths == {result["one"][0]["length"]}
    assert result["one"][0] in result["every"]
    routes = [tuple(n["id"] for n in p["nodes"]) for p in result["every"]]
    assert routes == sorted(routes, key=lambda r: (len(r), r))


def test_no_path_within_max_hops_is_empty(http: httpx.Client) -> None:
    body = gql(
        http, '{ connection(from: "area:710101", to: "area:100101", maxHops: 2) { length } }'
    )
    assert data(body)["connection"] == []


def test_connection_to_an_unknown_id_is_not_found(http: httpx.Client) -> None:
    body = gql(http, '{ connection(from: "person:nobody", to: "org:codi") { length } }')
    assert error_codes(body) == ["NOT_FOUND"]


def test_connection_to_itself_is_empty(http: httpx.Client) -> None:
    body = gql(http, '{ connection(from: "org:codi", to: "org:codi") { length nodes { id } } }')
    assert data(body)["connection"] == [{"length": 0, "nodes": [{"id": "org:codi"}]}]


# --- 4. onboarding -------------------------------------------------------------------------------

ONBOARD = "person:demo-710102-5"


def test_onboarding_of_a_second_tier_leader(http: httpx.Client, demo: Dataset) -> None:
    body = gql(
        http,
        """query($p: ID!) { onboarding(person: $p) {
             person { tier } areas { id }
             memberships { organization { id } role }
             mentors { mentor { id } } mentees { mentee { id } }
             peersInArea { total people { id } }
             provinceGroup { id } peersInProvinceGroup { total people { tier } }
             keyPeople { level area { id } person { id } role }
             partnerships { through partnership { id } }
             resources { through resource { id } }
             meetings { event { id } } } }""",
        {"p": ONBOARD},
    )
    ob = data(body)["onboarding"]
    me = next(p for p in demo.people if p.id == ONBOARD)
    assert ob["person"]["tier"] == "second_tier_leader"
    assert [a["id"] for a in ob["areas"]] == me.works_in
    active = {
        m.organization
        for m in demo.memberships
        if m.person == ONBOARD and (m.end_on is None or m.end_on >= TODAY)
    }
    assert {m["organization"]["id"] for m in ob["memberships"]} == active
    assert {m["mentor"]["id"] for m in ob["mentors"]} == {
        m.mentor for m in demo.mentorships if m.mentee == ONBOARD
    }
    peers = {p.id for p in demo.people if me.works_in[0] in p.works_in} - {ONBOARD}
    assert ob["peersInArea"]["total"] == len(peers)
    assert {p["id"] for p in ob["peersInArea"]["people"]} <= peers
    assert ob["provinceGroup"]["id"] == "area:pg-central-lower-1"
    assert all(p["tier"] == "second_tier_leader" for p in ob["peersInProvinceGroup"]["people"])
    same_tier_in_group = {
        p.id
        for p in demo.people
        if p.tier == "second_tier_leader"
        and any(group_of(a) == "area:pg-central-lower-1" for a in p.works_in)
    }
    assert ob["peersInProvinceGroup"]["total"] == len(same_tier_in_group) - 1
    assert 0 < len(ob["peersInProvinceGroup"]["people"]) <= ob["peersInProvinceGroup"]["total"]
    assert {k["level"] for k in ob["keyPeople"]} <= {"province", "province_group", "region"}
    assert ob["keyPeople"], "someone leads a body one level up"
    attended = {e.id for e in demo.events if any(a.attendee == ONBOARD for a in e.attendees)}
    assert {m["event"]["id"] for m in ob["meetings"]} == attended
    assert any("area" in r["through"] for r in ob["resources"])


def test_onboarding_of_an_unknown_person(http: httpx.Client) -> None:
    body = gql(http, '{ onboarding(person: "person:nobody") { person { id } } }')
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] == {"onboarding": None}


# --- 5. coverage ---------------------------------------------------------------------------------


def test_coverage_names_the_provinces_without_a_mechanism(
    http: httpx.Client, demo: Dataset
) -> None:
    body = gql(
        http,
        """{ coverage(area: "area:pg-central-lower-1") {
               children { area { id } mechanisms gaps } withoutMechanism { id }
               inherited { mechanisms } } }""",
    )
    cov = data(body)["coverage"]
    provinces = {f"area:{c}" for c in GROUPS["area:pg-central-lower-1"]}
    with_mechanism = {
        f"area:{province_of(m.area)}" for m in demo.mechanisms if m.area and province_of(m.area)
    }
    expected = sorted(provinces - with_mechanism)
    assert expected, "the demo leaves a province of every group without a mechanism"
    assert sorted(a["id"] for a in cov["withoutMechanism"]) == expected
    for child in cov["children"]:
        assert ("mechanism" in child["gaps"]) == (child["mechanisms"] == 0)
    assert cov["inherited"]["mechanisms"] >= 5  # the article's region-level mechanisms


# --- 6. pools -----------------------------------------------------------------------------------


def test_pool_flows_roll_up_per_level(http: httpx.Client, demo: Dataset) -> None:
    body = gql(
        http,
        """{ pools(within: "area:codi-central-west", first: 100) {
               byLevel { level pools contributed allocated } } }""",
    )
    by_level = {b["level"]: b for b in data(body)["pools"]["byLevel"]}
    pools = {r.id: r for r in demo.resources if r.kind == "pooled_fund"}
    for level in ("subdistrict", "province", "province_group"):
        ids = {i for i, r in pools.items() if r.level == level}
        assert by_level[level]["pools"] == len(ids)
        assert by_level[level]["contributed"] == sum(
            c.amount for c in demo.contributions if c.resource in ids
        )
        assert by_level[level]["allocated"] == sum(
            a.amount for a in demo.allocations if a.resource in ids
        )
    assert by_level["region"]["pools"] == 1  # the article's กองคลัง, no amounts stated


def test_a_pool_counts_what_its_feeders_received(http: httpx.Client, demo: Dataset) -> None:
    pool = next(r for r in demo.resources if r.kind == "pooled_fund" and r.level == "province")
    feeders = [r.id for r in demo.resources if r.pooled_into == pool.id]
    body = gql(
        http,
        """query($id: ID!) { resource(id: $id) { feeders { id }
             flows { contributed feederCount feedersContributed contributedWithFeeders balance allocated } } }""",
        {"id": pool.id},
    )
    res = data(body)["resource"]
    own = sum(c.amount for c in demo.contributions if c.resource == pool.id)
    fed = sum(c.amount for c in demo.contributions if c.resource in feeders)
    assert sorted(f["id"] for f in res["feeders"]) == sorted(feeders)
    assert res["flows"]["contributed"] == own
    assert res["flows"]["feederCount"] == len(feeders)
    assert res["flows"]["feedersContributed"] == fed
    assert res["flows"]["contributedWithFeeders"] == own + fed
    assert res["flows"]["balance"] == own - res["flows"]["allocated"]


# --- 7. search -----------------------------------------------------------------------------------


def test_search_over_http(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ a: search(text: "Kanchanaburi") { node { id } }
             b: search(text: "กลางตอนล่าง 1", kind: [area]) { node { id } }
             c: search(text: "ธีรพงศ์") { label node { id } } }""",
    )
    result = data(body)
    assert result["a"][0]["node"]["id"] == "area:71"
    assert result["b"][0]["node"]["id"] == "area:pg-central-lower-1"
    assert result["c"][0] == {
        "label": "Person",
        "node": {"id": "person:thiraphong-phromphochuenbun"},
    }


# --- 8. neighbourhood ----------------------------------------------------------------------------


def test_neighborhood_is_drawable(http: httpx.Client) -> None:
    body = gql(
        http,
        """{ neighborhood(id: "event:2022-11-19-cw-regional-meeting", depth: 2, limit: 60) {
               root truncated nodes { id type depth } edges { id source target from to type }
               cytoscape visNetwork } }""",
    )
    hood = data(body)["neighborhood"]
    ids = {n["id"] for n in hood["nodes"]}
    assert hood["root"] in ids and len(ids) <= 60
    assert {"person:piya-phuangsamli", "area:71", "org:codi-central-west"} <= ids
    for e in hood["edges"]:
        assert e["source"] in ids and e["target"] in ids
        assert (e["from"], e["to"]) == (e["source"], e["target"])
    elements = hood["cytoscape"]
    assert len(elements) == len(hood["nodes"]) + len(hood["edges"])
    assert all("id" in el["data"] for el in elements)
    assert {el["data"]["source"] for el in elements if "source" in el["data"]} <= ids
    assert {n["id"] for n in hood["visNetwork"]["nodes"]} == ids


def test_neighborhood_limit_truncates(http: httpx.Client) -> None:
    body = gql(
        http, '{ neighborhood(id: "area:71", depth: 2, limit: 5) { truncated nodes { id } } }'
    )
    hood = data(body)["neighborhood"]
    assert hood["truncated"] is True
    assert len(hood["nodes"]) == 5


async def test_materialized_rollups_equal_the_live_count(kb) -> None:  # type: ignore[no-untyped-def]
    """The counts stored on areas at load time are what counting the subtree now gives."""
    from graph.areas import child_coverage_live, counts, coverage

    ids = ["area:TH", REGION, "area:pg-central-upper", "area:71", "area:7101", "area:710102"]
    stored_counts = await counts(kb.graph, ids)
    assert set(stored_counts) == set(ids)
    assert stored_counts == await counts(kb.graph, ids, live=True)
    stored = await coverage(kb.graph, ids)
    counted = await child_coverage_live(kb.graph, ids)
    for i in ids:
        children = [(c.area.id, c.partnerships, c.mechanisms, c.pools) for c in stored[i].children]
        assert children == counted[i], i
