"""Keeping the network current over HTTP, on each engine: who may write what, revisions and
conflicts, history and as-of reads, answers right after a write, bad input, contact data.

Every record written here is new (ids ``*:t-<role>-...``) and tied to Kanchanaburi (71) or
Suphan Buri (72), so the seeded network the other tests read stays as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph.accounts import Role, create_token
from graph.engine.embedded import free_port
from tests.conftest import EngineUnderTest, data, error_codes, gql

ROOT = Path(__file__).parent.parent
SUBDISTRICT_71 = "area:710101"  # ตำบลบ้านเหนือ, อำเภอเมืองกาญจนบุรี
SUBDISTRICT_72 = "area:720101"  # ตำบลท่าพี่เลี้ยง, อำเภอเมืองสุพรรณบุรี
ARTICLE = "src:article-codi-cw-2565-11-19"
PROV = {"sourceIds": [ARTICLE], "reason": "test"}
_ids = itertools.count()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def tokens(kb: EngineUnderTest) -> dict[str, str]:
    """One token per role; two coordinators: Kanchanaburi's and Suphan Buri's."""
    out = {}
    for name, role, areas in (
        ("member", Role.member, None),
        ("coordinator-71", Role.coordinator, ["71"]),
        ("coordinator-72", Role.coordinator, ["72"]),
        ("admin", Role.admin, None),
    ):
        _, token = await create_token(kb.graph, name=f"test {name}", role=role, areas=areas)
        out[name] = token
    return out


def _as(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {} if who == "anonymous" else {"authorization": f"Bearer {tokens[who]}"}


def _new_id(prefix: str, who: str) -> str:
    return f"{prefix}:t-{who}-{next(_ids)}-{os.getpid()}"


CREATE_ORG = """mutation($input: OrganizationInput!, $p: ProvenanceInput!) {
  createOrganization(input: $input, provenance: $p) { entity revision changed
    node { id ... on Organization { nameTh revision } } } }"""
UPDATE_ORG = """mutation($id: ID!, $rev: Int!, $patch: OrganizationPatch!, $p: ProvenanceInput!) {
  updateOrganization(id: $id, revision: $rev, patch: $patch, provenance: $p) {
    entity revision changed change { op before after actor } } }"""
DELETE_ORG = """mutation($id: ID!, $rev: Int!, $p: ProvenanceInput!) {
  deleteOrganization(id: $id, revision: $rev, provenance: $p) { entity revision } }"""
ADD_MEMBERSHIP = """mutation($input: MembershipInput!, $p: ProvenanceInput!) {
  addMembership(input: $input, provenance: $p) { entity revision } }"""
END_MEMBERSHIP = """mutation($person: ID!, $org: ID!, $role: String!, $rev: Int!, $end: Date!,
  $p: ProvenanceInput!) { endMembership(person: $person, organization: $org, role: $role,
  revision: $rev, endOn: $end, provenance: $p) { entity revision change { before after } } }"""
CREATE_PERSON = """mutation($input: PersonInput!, $p: ProvenanceInput!) {
  createPerson(input: $input, provenance: $p) { entity revision } }"""
CREATE_PARTNERSHIP = """mutation($input: PartnershipInput!, $p: ProvenanceInput!) {
  createPartnership(input: $input, provenance: $p) { entity revision } }"""
CREATE_EVENT = """mutation($input: EventInput!, $p: ProvenanceInput!) {
  createEvent(input: $input, provenance: $p) { entity revision } }"""


def _org(who: str, area: str = SUBDISTRICT_71, **extra: Any) -> dict[str, Any]:
    return {
        "id": _new_id("org", who),
        "nameTh": f"กลุ่มออมทรัพย์ทดสอบ {next(_ids)}",
        "kind": "savings_group",
        "locatedIn": area,
        "synthetic": True,
        **extra,
    }


def _person(who: str, area: str = SUBDISTRICT_71) -> dict[str, Any]:
    return {
        "id": _new_id("person", who),
        "givenNameTh": "ทดสอบ",
        "familyNameTh": f"ผู้ประสานงาน{next(_ids)}",
        "worksIn": [area],
        "synthetic": True,
        "contact": {"phone": "+66 81 234 5678"},
    }


def _admin_creates(http: httpx.Client, tokens: dict[str, str], doc: str, record: dict) -> str:  # type: ignore[type-arg]
    body = gql(http, doc, {"input": record, "p": PROV}, headers=_as(tokens, "admin"))
    result = next(iter(data(body).values()))
    return str(result["entity"])


# --- who may write what --------------------------------------------------------------------------

ROLES = ["anonymous", "member", "coordinator-71", "coordinator-72", "admin"]
# What each role may do to records in Kanchanaburi (71).
ALLOWED = {
    "anonymous": set(),
    "member": set(),
    "coordinator-71": {"createOrganization", "updateOrganization", "createPerson",
                       "addMembership", "endMembership", "createPartnership", "createEvent"},
    "coordinator-72": set(),
    "admin": {"createOrganization", "updateOrganization", "createPerson", "addMembership",
              "endMembership", "createPartnership", "createEvent", "deleteOrganization"},
}  # fmt: skip
MUTATIONS = sorted(ALLOWED["admin"])


def _attempt(http: httpx.Client, tokens: dict[str, str], who: str, mutation: str) -> dict:  # type: ignore[type-arg]
    """Try ``mutation`` on records in Kanchanaburi as ``who``; what it needs exists first."""
    headers = _as(tokens, who)
    if mutation == "createOrganization":
        return gql(http, CREATE_ORG, {"input": _org(who), "p": PROV}, headers=headers)
    if mutation == "createPerson":
        return gql(http, CREATE_PERSON, {"input": _person(who), "p": PROV}, headers=headers)
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    if mutation == "updateOrganization":
        variables = {"id": org, "rev": 1, "patch": {"nameEn": "Test group"}, "p": PROV}
        return gql(http, UPDATE_ORG, variables, headers=headers)
    if mutation == "deleteOrganization":
        return gql(http, DELETE_ORG, {"id": org, "rev": 1, "p": PROV}, headers=headers)
    person = _admin_creates(http, tokens, CREATE_PERSON, _person("admin"))
    membership = {"person": person, "organization": org, "role": "treasurer"}
    if mutation == "addMembership":
        return gql(http, ADD_MEMBERSHIP, {"input": membership, "p": PROV}, headers=headers)
    if mutation == "endMembership":
        _admin_creates(http, tokens, ADD_MEMBERSHIP, membership)
        variables = {"person": person, "org": org, "role": "treasurer", "rev": 1,
                     "end": "2026-01-31", "p": PROV}  # fmt: skip
        return gql(http, END_MEMBERSHIP, variables, headers=headers)
    if mutation == "createPartnership":
        other = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
        record = {"id": _new_id("pt", who), "nameTh": "ถาดร่วมทดสอบ", "kind": "shared_tray",
                  "level": "subdistrict", "covers": [SUBDISTRICT_71], "synthetic": True,
                  "parties": [{"organization": org}, {"organization": other, "role": "agency"}]}  # fmt: skip
        return gql(http, CREATE_PARTNERSHIP, {"input": record, "p": PROV}, headers=headers)
    if mutation == "createEvent":
        record = {"id": _new_id("event", who), "nameTh": "ประชุมทดสอบ", "on": "2026-11-30",
                  "heldIn": SUBDISTRICT_71, "synthetic": True,
                  "attendees": [{"attendee": person, "role": "spoke"}, {"attendee": org}]}  # fmt: skip
        return gql(http, CREATE_EVENT, {"input": record, "p": PROV}, headers=headers)
    raise AssertionError(mutation)


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("who", ROLES)
def test_who_may_write_what(
    http: httpx.Client, tokens: dict[str, str], who: str, mutation: str
) -> None:
    body = _attempt(http, tokens, who, mutation)
    if mutation in ALLOWED[who]:
        result = next(iter(data(body).values()))
        assert result["revision"] >= 1
    else:
        assert error_codes(body) == ["FORBIDDEN"], body
        assert not body.get("data") or not any(body["data"].values())


def test_a_coordinator_cannot_move_a_record_out_of_its_province(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    """Kanchanaburi's coordinator may change its own organization, but not move it to Suphan
    Buri: the message names the area outside its scope, and nothing is written."""
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    variables = {"id": org, "rev": 1, "patch": {"locatedIn": SUBDISTRICT_72}, "p": PROV}
    body = gql(http, UPDATE_ORG, variables, headers=_as(tokens, "coordinator-71"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert SUBDISTRICT_72 in body["errors"][0]["message"]
    now = data(gql(http, f'{{ organization(id: "{org}") {{ revision locatedIn {{ id }} }} }}'))
    assert now["organization"] == {"revision": 1, "locatedIn": {"id": SUBDISTRICT_71}}


def test_government_areas_are_read_only(http: httpx.Client, tokens: dict[str, str]) -> None:
    doc = """mutation($p: ProvenanceInput!) { updateArea(id: "area:71", revision: 1,
      patch: {nameEn: "Kanchanaburi!"}, provenance: $p) { revision } }"""
    body = gql(http, doc, {"p": PROV}, headers=_as(tokens, "admin"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert "geothai" in body["errors"][0]["message"]


# --- revisions -----------------------------------------------------------------------------------


def test_a_stale_revision_is_a_conflict_and_writes_nothing(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    headers = _as(tokens, "coordinator-71")
    first = {"id": org, "rev": 1, "patch": {"nameEn": "First"}, "p": PROV}
    assert (
        data(gql(http, UPDATE_ORG, first, headers=headers))["updateOrganization"]["revision"] == 2
    )
    stale = {"id": org, "rev": 1, "patch": {"nameEn": "Second"}, "p": PROV}
    body = gql(http, UPDATE_ORG, stale, headers=headers)
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["currentRevision"] == 2
    now = data(gql(http, f'{{ organization(id: "{org}") {{ nameEn revision }} }}'))
    assert now["organization"] == {"nameEn": "First", "revision": 2}


def test_twenty_writers_lose_no_update(http: httpx.Client, tokens: dict[str, str]) -> None:
    """20 clients update one organization, each with the revision it read: every accepted
    update is in the history, every other got CONFLICT, and the revisions add up."""
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    headers = _as(tokens, "coordinator-71")
    base_url = str(http.base_url)
    accepted: list[str] = []
    conflicts: list[int] = []
    other: list[Any] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def writer(i: int) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            read = gql(client, f'{{ organization(id: "{org}") {{ revision }} }}')
            revision = data(read)["organization"]["revision"]
            start.wait()
            patch = {"descriptionEn": f"written by client {i}"}
            variables = {"id": org, "rev": revision, "patch": patch, "p": PROV}
            body = gql(client, UPDATE_ORG, variables, headers=headers)
            with lock:
                if not body.get("errors"):
                    accepted.append(
                        body["data"]["updateOrganization"]["change"]["after"]["descriptionEn"]
                    )
                elif error_codes(body) == ["CONFLICT"]:
                    conflicts.append(i)
                else:
                    other.append(body)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not other, other
    assert len(accepted) + len(conflicts) == 20
    assert accepted, "at least one writer wins"
    history = data(
        gql(http, f'{{ history(id: "{org}") {{ op revision after }} }}', headers=headers)
    )["history"]
    updates = [h for h in history if h["op"] == "update"]
    assert sorted(h["after"]["descriptionEn"] for h in updates) == sorted(accepted)
    assert [h["revision"] for h in history] == list(range(1, len(history) + 1))
    final = data(gql(http, f'{{ organization(id: "{org}") {{ revision descriptionEn }} }}'))
    assert final["organization"]["revision"] == 1 + len(accepted)
    assert final["organization"]["descriptionEn"] == updates[-1]["after"]["descriptionEn"]


# --- history -------------------------------------------------------------------------------------


def test_three_edits_three_entries_and_the_middle_state_in_between(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    headers = _as(tokens, "coordinator-71")
    for revision, name in ((1, "One"), (2, "Two"), (3, "Three")):
        variables = {"id": org, "rev": revision, "patch": {"nameEn": name}, "p": PROV}
        data(gql(http, UPDATE_ORG, variables, headers=headers))
        time.sleep(0.05)
    history = data(
        gql(
            http,
            f'{{ history(id: "{org}") {{ op at revision before after actor sourceIds }} }}',
            headers=headers,
        )
    )["history"]
    updates = [h for h in history if h["op"] == "update"]
    assert [(h["before"]["nameEn"], h["after"]["nameEn"]) for h in updates] == [
        (None, "One"),
        ("One", "Two"),
        ("Two", "Three"),
    ]
    assert all(h["actor"] != "anonymous" and ARTICLE in h["sourceIds"] for h in updates)
    t2 = dt.datetime.fromisoformat(updates[1]["at"])
    t3 = dt.datetime.fromisoformat(updates[2]["at"])
    between = (t2 + (t3 - t2) / 2).isoformat()
    doc = "query($id: ID!, $at: DateTime!) { asOf(id: $id, at: $at) }"
    middle = data(gql(http, doc, {"id": org, "at": between}, headers=headers))["asOf"]
    assert middle["nameEn"] == "Two" and middle["locatedIn"] == SUBDISTRICT_71
    before = (dt.datetime.fromisoformat(history[0]["at"]) - dt.timedelta(seconds=1)).isoformat()
    assert data(gql(http, doc, {"id": org, "at": before}, headers=headers))["asOf"] is None


def test_ending_a_membership_keeps_it_with_its_end_date(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    person = _admin_creates(http, tokens, CREATE_PERSON, _person("admin"))
    membership = {"person": person, "organization": org, "role": "chair", "startOn": "2024-01-01"}
    _admin_creates(http, tokens, ADD_MEMBERSHIP, membership)
    variables = {"person": person, "org": org, "role": "chair", "rev": 1, "end": "2025-06-30",
                 "p": PROV}  # fmt: skip
    ended = data(gql(http, END_MEMBERSHIP, variables, headers=_as(tokens, "coordinator-71")))
    assert ended["endMembership"]["change"]["after"]["endOn"] == "2025-06-30"
    members = """query($id: ID!, $on: Date) { organization(id: $id) {
      members(validOn: $on) { role endOn revision person { id } } } }"""
    during = data(gql(http, members, {"id": org, "on": "2025-01-01"}))["organization"]["members"]
    after = data(gql(http, members, {"id": org, "on": "2025-07-01"}))["organization"]["members"]
    assert during == [
        {"role": "chair", "endOn": "2025-06-30", "revision": 2, "person": {"id": person}}
    ]
    assert after == []
    again = gql(http, END_MEMBERSHIP, variables, headers=_as(tokens, "coordinator-71"))
    assert error_codes(again) == ["CONFLICT"]


# --- the answers stay right -------------------------------------------------------------------


ROLLUP = """query($id: ID!) { rollup(area: $id) { organizations } }"""
CHAIN = [
    SUBDISTRICT_71,
    "area:7101",
    "area:71",
    "area:pg-central-lower-1",
    "area:codi-central-west",
]


def test_a_new_organization_is_counted_at_every_level_and_found_at_once(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    before = {a: data(gql(http, ROLLUP, {"id": a}))["rollup"]["organizations"] for a in CHAIN}
    name = "กลุ่มออมทรัพย์บ้านเหนือพัฒนาใหม่"
    org = _admin_creates(http, tokens, CREATE_ORG, {**_org("coordinator-71"), "nameTh": name})
    after = {a: data(gql(http, ROLLUP, {"id": a}))["rollup"]["organizations"] for a in CHAIN}
    assert after == {a: n + 1 for a, n in before.items()}
    hits = data(gql(http, f'{{ search(text: "{name}") {{ node {{ id }} }} }}'))["search"]
    assert hits and hits[0]["node"]["id"] == org
    # Deleting it counts it out again, everywhere.
    data(gql(http, DELETE_ORG, {"id": org, "rev": 1, "p": PROV}, headers=_as(tokens, "admin")))
    again = {a: data(gql(http, ROLLUP, {"id": a}))["rollup"]["organizations"] for a in CHAIN}
    assert again == before


# --- bad input ---------------------------------------------------------------------------------


def _rejected(body: dict) -> list[dict]:  # type: ignore[type-arg]
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    errors: list[dict] = body["errors"][0]["extensions"]["errors"]  # type: ignore[type-arg]
    assert all(e["message"] and e["messageTh"] for e in errors)
    return errors


@pytest.mark.parametrize(
    ("case", "code", "path"),
    [
        ("unknown area", "UNKNOWN_REFERENCE", "located_in"),
        ("wrong kind of id", "WRONG_KIND", "located_in"),
        ("name too long", "INVALID", "name_th"),
        ("too many areas", "TOO_MANY", "works_in"),
        ("no source", "SOURCE_REQUIRED", "provenance"),
        ("unknown source", "UNKNOWN_REFERENCE", "provenance"),
        ("already exists", "ALREADY_EXISTS", "id"),
    ],
)
def test_bad_input_names_the_problem_and_writes_nothing(
    http: httpx.Client, tokens: dict[str, str], case: str, code: str, path: str
) -> None:
    record = _org("coordinator-71")
    prov: dict[str, Any] = PROV
    if case == "unknown area":
        record["locatedIn"] = "area:999999"
    elif case == "wrong kind of id":
        record["locatedIn"] = "org:codi-central-west"
    elif case == "name too long":
        record["nameTh"] = "ก" * 301
    elif case == "too many areas":
        record["worksIn"] = [SUBDISTRICT_71] * 201
    elif case == "no source":
        prov = {}
    elif case == "unknown source":
        prov = {"sourceIds": ["src:nothing-like-it"]}
    elif case == "already exists":
        record["id"] = "org:codi-central-west"
    body = gql(http, CREATE_ORG, {"input": record, "p": prov}, headers=_as(tokens, "admin"))
    errors = _rejected(body)
    assert any(e["code"] == code and path in ".".join(e["path"]) for e in errors), errors
    if case != "already exists":
        gone = gql(http, f'{{ organization(id: "{record["id"]}") {{ id }} }}')
        assert error_codes(gone) == ["NOT_FOUND"]


def test_other_bad_input(http: httpx.Client, tokens: dict[str, str]) -> None:
    headers = _as(tokens, "admin")
    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    person = _admin_creates(http, tokens, CREATE_PERSON, _person("admin"))
    membership = {"person": person, "organization": org, "role": "member",
                  "startOn": "2025-01-01", "endOn": "2024-01-01"}  # fmt: skip
    errors = _rejected(gql(http, ADD_MEMBERSHIP, {"input": membership, "p": PROV}, headers=headers))
    assert any("end_on" in e["path"] for e in errors)
    twice = {"person": person, "organization": org, "role": "member"}
    data(gql(http, ADD_MEMBERSHIP, {"input": twice, "p": PROV}, headers=headers))
    again = _rejected(gql(http, ADD_MEMBERSHIP, {"input": twice, "p": PROV}, headers=headers))
    assert again[0]["code"] == "ALREADY_EXISTS"
    contribution = """mutation($input: ContributionInput!, $p: ProvenanceInput!) {
      addContribution(input: $input, provenance: $p) { entity } }"""
    negative = {"id": _new_id("contrib", "admin"), "contributor": org,
                "resource": "res:cw-treasury-pool", "amount": -5, "on": "2026-11-01"}  # fmt: skip
    errors = _rejected(gql(http, contribution, {"input": negative, "p": PROV}, headers=headers))
    assert any("amount" in e["path"] for e in errors)


def test_thai_text_is_normalized(http: httpx.Client, tokens: dict[str, str]) -> None:
    """Zero-width characters go, decomposed Thai (NFD-like sequences) is stored as NFC."""
    record = _org("admin", nameTh="กลุ่ม\u200bออม\u200dทรัพย์ทดสอบ")
    org = _admin_creates(http, tokens, CREATE_ORG, record)
    got = data(gql(http, f'{{ organization(id: "{org}") {{ nameTh }} }}'))["organization"]
    assert got["nameTh"] == "กลุ่มออมทรัพย์ทดสอบ"


# --- contact data --------------------------------------------------------------------------------

CONTACT_PATHS = {
    "person": '{ person(id: "$P") { contact { phone } } }',
    "people list": '{ people(within: "area:71", first: 50) { nodes { id contact { phone } } } }',
    "onboarding": '{ onboarding(person: "$P") { person { contact { phone } } '
    "peersInArea { people { contact { phone } } } } }",
    "connection": '{ connection(from: "$P", to: "person:thiraphong-phromphochuenbun") '
    "{ nodes { node { ... on Person { contact { phone } } } } } }",
    "neighborhood": '{ neighborhood(id: "$P", depth: 1) { cytoscape nodes { id } } }',
    "search": '{ search(text: "$N") { node { ... on Person { contact { phone } } } } }',
    "node": '{ node(id: "$P") { ... on Person { contact { phone } } } }',
    "history": '{ history(id: "$P") { before after } }',
}


@pytest.mark.parametrize("path", list(CONTACT_PATHS))
@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator-71"])
def test_contact_data_only_for_those_allowed(
    http: httpx.Client, tokens: dict[str, str], who: str, path: str
) -> None:
    phone = "+66 81 555 0101"
    record = {**_person("admin"), "contact": {"phone": phone}}
    record["givenNameTh"] = "ติดต่อ"
    person = _admin_creates(http, tokens, CREATE_PERSON, record)
    if path == "connection":
        # Tie the person to the network so a path exists.
        data(
            gql(
                http,
                ADD_MEMBERSHIP,
                {"input": {"person": person, "organization": "org:codi-central-west"}, "p": PROV},
                headers=_as(tokens, "admin"),
            )
        )
    query = CONTACT_PATHS[path].replace("$P", person).replace("$N", "ติดต่อ")
    body = gql(http, query, headers=_as(tokens, who))
    if who == "anonymous" and path == "history":
        assert error_codes(body) == ["FORBIDDEN"]
        return
    text = json.dumps(data(body), ensure_ascii=False)
    if who == "coordinator-71":
        if path in ("person", "node", "history", "onboarding"):
            assert phone in text, text
    else:
        assert phone not in text and "81 555" not in text, text


# --- rollups follow every kind of write ---------------------------------------------------------


def _mutate(http: httpx.Client, tokens: dict[str, str], doc: str, **variables: Any) -> dict:  # type: ignore[type-arg]
    return data(gql(http, doc, {**variables, "p": PROV}, headers=_as(tokens, "admin")))


async def test_rollups_after_writes_equal_a_recount(
    kb: EngineUnderTest, http: httpx.Client, tokens: dict[str, str]
) -> None:
    """Writes change the stored rollups by each entity's share; after creates, moves, a tier
    change, an ended partnership, a contribution and deletes, they equal a recount from the
    graph in every area above the two subdistricts (up to the country)."""
    from graph.queries import rollup as rq
    from graph.writes import recount_rollups

    org = _admin_creates(http, tokens, CREATE_ORG, _org("admin"))
    other = _admin_creates(http, tokens, CREATE_ORG, _org("admin", area=SUBDISTRICT_72))
    person = {**_person("admin"), "tier": "second_tier_leader",
              "worksIn": [SUBDISTRICT_71, SUBDISTRICT_72]}  # fmt: skip
    person_id = _admin_creates(http, tokens, CREATE_PERSON, person)
    pt = {"id": _new_id("pt", "admin"), "nameTh": "ถาดร่วมทดสอบ", "kind": "shared_tray",
          "level": "province", "covers": ["area:71", SUBDISTRICT_71], "synthetic": True,
          "parties": [{"organization": org}, {"organization": other}]}  # fmt: skip
    pt_id = _admin_creates(http, tokens, CREATE_PARTNERSHIP, pt)
    pool = {"id": _new_id("res", "admin"), "nameTh": "กองคลังทดสอบ", "kind": "pooled_fund",
            "level": "subdistrict", "serves": [SUBDISTRICT_71], "stewards": [org],
            "synthetic": True}  # fmt: skip
    create_resource = """mutation($input: ResourceInput!, $p: ProvenanceInput!) {
      createResource(input: $input, provenance: $p) { entity } }"""
    pool_id = _mutate(http, tokens, create_resource, input=pool)["createResource"]["entity"]
    contribution = """mutation($input: ContributionInput!, $p: ProvenanceInput!) {
      addContribution(input: $input, provenance: $p) { entity } }"""
    for who, amount in ((org, 1500.0), (other, 250.0)):
        gift = {"id": _new_id("contrib", "admin"), "contributor": who, "resource": pool_id,
                "amount": amount, "on": "2026-11-01", "synthetic": True}  # fmt: skip
        _mutate(http, tokens, contribution, input=gift)
    # Move the organization, change the person's tier, end the partnership.
    _mutate(http, tokens, UPDATE_ORG, id=org, rev=1, patch={"locatedIn": SUBDISTRICT_72})
    update_person = """mutation($id: ID!, $patch: PersonPatch!, $p: ProvenanceInput!) {
      updatePerson(id: $id, revision: 1, patch: $patch, provenance: $p) { revision } }"""
    _mutate(http, tokens, update_person, id=person_id, patch={"tier": "core_leader"})
    update_pt = """mutation($id: ID!, $patch: PartnershipPatch!, $p: ProvenanceInput!) {
      updatePartnership(id: $id, revision: 1, patch: $patch, provenance: $p) { revision } }"""
    _mutate(http, tokens, update_pt, id=pt_id, patch={"status": "ended"})
    # Delete the second organization: its contribution leaves the pool.
    _mutate(http, tokens, DELETE_ORG, id=other, rev=1)

    areas = sorted({SUBDISTRICT_71, SUBDISTRICT_72, "area:7101", "area:7201", "area:71",
                    "area:72", "area:pg-central-lower-1", "area:codi-central-west", "area:TH"})  # fmt: skip
    stored = {r["id"]: r for r in await kb.graph.read(rq.STORED_ROLLUPS, areas=areas)}
    assert set(stored) == set(areas), "an area id above is wrong"
    for area in (SUBDISTRICT_71, SUBDISTRICT_72):
        await recount_rollups(kb.graph, area)
    recounted = {r["id"]: r for r in await kb.graph.read(rq.STORED_ROLLUPS, areas=areas)}
    assert stored == recounted
    assert recounted[SUBDISTRICT_71]["pooled_amount"] >= 1500.0


# --- unknown ids on the history fields -----------------------------------------------------------

NOT_FOUND_WITH_TOKEN = {
    "history(id)": '{ history(id: "org:nobody") { op } }',
    "asOf(id)": '{ asOf(id: "org:nobody", on: "2026-01-01") }',
    "changes(within)": '{ changes(since: "2026-01-01T00:00:00Z", within: "area:nowhere") { op } }',
}


@pytest.mark.parametrize("field", list(NOT_FOUND_WITH_TOKEN))
def test_an_unknown_id_is_not_found_on_the_history_fields(
    http: httpx.Client, tokens: dict[str, str], field: str
) -> None:
    body = gql(http, NOT_FOUND_WITH_TOKEN[field], headers=_as(tokens, "member"))
    assert error_codes(body) == ["NOT_FOUND"], body


def test_a_seeded_record_never_changed_has_an_empty_history(
    http: httpx.Client, tokens: dict[str, str]
) -> None:
    body = gql(http, '{ history(id: "area:10") { op } }', headers=_as(tokens, "member"))
    assert data(body)["history"] == []


# --- the README's tasks ---------------------------------------------------------------------------


def _readme_tasks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Keeping the network current") : text.index("## Tests")]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


def test_readme_write_tasks_run_in_order(http: httpx.Client, tokens: dict[str, str]) -> None:
    """Add a savings group, record a meeting, end a membership, see the history: as written in
    the README, as Kanchanaburi's coordinator (ids made unique so reruns on one graph work)."""
    tasks = _readme_tasks()
    assert len(tasks) == 4
    suffix = f"-{os.getpid()}-{next(_ids)}"
    # Changes come oldest first: ask from this test's start, as on a fresh `make run` graph.
    started = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
    headers = _as(tokens, "coordinator-71")
    results = []
    for task in tasks:
        doc = re.sub(r'"((?:org|person|event):example-[\w-]+)"', rf'"\1{suffix}"', task)
        doc = doc.replace('since: "2026-01-01T00:00:00Z"', f'since: "{started}"')
        results.append(data(gql(http, doc, headers=headers)))
    added, meeting, ended, seen = results
    assert added["createOrganization"]["node"]["locatedIn"]["nameTh"] == "บ้านเหนือ"
    assert added["addMembership"]["revision"] == 1
    assert meeting["createEvent"]["node"]["dateTh"] == "10 กุมภาพันธ์ 2569"
    assert meeting["createEvent"]["node"]["attendees"][0]["attendee"]["nameTh"].startswith("สมศรี")
    change = ended["endMembership"]["change"]
    assert change["op"] == "end" and change["after"]["endOn"] == "2026-11-30"
    assert change["before"]["endOn"] is None
    assert [c["op"] for c in seen["history"]] == ["create"]
    org = f"org:example-ban-nuea-savings{suffix}"
    assert org in {c["entity"] for c in seen["changes"]}
    # The new group counts at once in its province's rollup.
    rollup = data(gql(http, '{ rollup(area: "area:71") { organizations } }'))
    assert rollup["rollup"]["organizations"] >= 1
    # The README's mutations are refused to a coordinator of another province.
    other = re.sub(r'"((?:org|person|event):example-[\w-]+)"', r'"\1-other"', tasks[0])
    assert error_codes(gql(http, other, headers=_as(tokens, "coordinator-72"))) == ["FORBIDDEN"]


# --- accounts ------------------------------------------------------------------------------------


def _kb(kb: EngineUnderTest, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env={**kb.env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def test_token_commands_create_list_revoke(kb: EngineUnderTest, http: httpx.Client) -> None:
    made = _kb(
        kb, "token", "create", "--role", "coordinator", "--area", "71", "--name", "นาง ทดสอบ"
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"kb\.[0-9a-f]{12}\.[\w-]+", token), made.stdout
    account = token.split(".")[1]
    listed = _kb(kb, "token", "list")
    assert account in listed.stdout and "area:71" in listed.stdout and token not in listed.stdout
    headers = {"authorization": f"Bearer {token}"}
    ok = gql(http, CREATE_ORG, {"input": _org("cli"), "p": PROV}, headers=headers)
    assert data(ok)["createOrganization"]["revision"] == 1
    assert _kb(kb, "token", "revoke", account).returncode == 0
    # The server caches a verified token for at most a minute; a fresh server process refuses
    # at once. Check the stored state through the graph instead of waiting.
    row = next(line for line in _kb(kb, "token", "list").stdout.splitlines() if account in line)
    assert re.search(r"\d{4}-\d\d-\d\dT", row.split("│")[-2]), row  # the revoked column
    bad = _kb(kb, "token", "create", "--role", "coordinator", "--name", "no area")
    assert bad.returncode != 0 and "area" in bad.stderr


async def test_an_expired_or_revoked_token_is_refused(kb: EngineUnderTest) -> None:
    from graph.accounts import Unauthenticated, caller_for_token, revoke

    account, token = await create_token(kb.graph, name="short", role=Role.member)
    assert (await caller_for_token(kb.graph, token)).role is Role.member
    await revoke(kb.graph, account.id)
    with pytest.raises(Unauthenticated, match="revoked"):
        await caller_for_token(kb.graph, token)
    with pytest.raises(Unauthenticated):
        await caller_for_token(kb.graph, token[:-2] + "xx")


# --- a crash in the middle of a write ------------------------------------------------------------


def test_a_killed_server_leaves_all_or_nothing_of_a_large_write(
    kb: EngineUnderTest, tokens: dict[str, str], http: httpx.Client
) -> None:
    """The API process is killed (SIGKILL) while it writes an event with 200 attendees: the
    graph then holds the whole event or none of it."""
    people = [_admin_creates(http, tokens, CREATE_PERSON, _person("admin")) for _ in range(5)]
    port = free_port()
    env = {**kb.env, "KB_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        orgs = [_admin_creates(http, tokens, CREATE_ORG, _org("admin")) for _ in range(195)]
        attendees = [{"attendee": i, "role": "attended"} for i in people + orgs]
        event = {"id": _new_id("event", "crash"), "nameTh": "ประชุมใหญ่ทดสอบ", "on": "2026-11-30",
                 "heldIn": SUBDISTRICT_71, "synthetic": True, "attendees": attendees}  # fmt: skip
        # How long such a write takes here, then the kill half way through another.
        started = time.monotonic()
        warm = {**event, "id": _new_id("event", "crash")}
        data(gql(httpx.Client(base_url=url, timeout=120), CREATE_EVENT, {"input": warm, "p": PROV},
                 headers=_as(tokens, "admin")))  # fmt: skip
        took = time.monotonic() - started

        def send() -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(
                    f"{url}/graphql",
                    json={"query": CREATE_EVENT, "variables": {"input": event, "p": PROV}},
                    headers=_as(tokens, "admin"),
                    timeout=120,
                )

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(took / 2)
        os.killpg(server.pid, signal.SIGKILL)
        sender.join()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    time.sleep(1)  # the engine notices the dropped connection and rolls back
    count = """query($id: ID!) { event(id: $id) { attendees { role } } }"""
    body = gql(http, count, {"id": event["id"]})
    if body.get("errors"):
        assert error_codes(body) == ["NOT_FOUND"]
        # No trace of it: no change recorded either.
        history = gql(http, f'{{ history(id: "{event["id"]}") {{ op }} }}',
                      headers=_as(tokens, "admin"))  # fmt: skip
        assert error_codes(history) == ["NOT_FOUND"], history
    else:
        assert len(data(body)["event"]["attendees"]) == 200
    # The same write completes afterwards (or was complete).
    retry = gql(http, CREATE_EVENT, {"input": event, "p": PROV}, headers=_as(tokens, "admin"))
    if retry.get("errors"):
        assert _rejected(retry)[0]["code"] == "ALREADY_EXISTS"
    assert len(data(gql(http, count, {"id": event["id"]}))["event"]["attendees"]) == 200
