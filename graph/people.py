"""People: their relations, and the onboarding view of a second-tier leader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.db import Graph
from graph.entities import RelationOf, build_node, nodes
from graph.errors import NotFound
from graph.models.common import LEVEL_ORDER, AreaLevel
from graph.queries import people as q
from graph.queries.relations import NO_PLAN, Plan, merge_plans
from graph.read import (
    Area,
    Attendance,
    Membership,
    Mentorship,
    Organization,
    Partnership,
    Person,
    ReadModel,
    Resource,
)
from graph.registry import label_of

works_in = RelationOf("Person", "works_in")
memberships = RelationOf("Person", "memberships")
mentors = RelationOf("Person", "mentors")
mentees = RelationOf("Person", "mentees")
events_attended = RelationOf("Person", "events_attended")

LEADING_ROLES = ["chair", "vice_chair", "coordinator", "representative", "director", "secretary"]
KEY_LEVELS = ("province", "province_group", "region")
_LEVEL_RANK = {level: i for i, level in enumerate(LEVEL_ORDER)}


class PeopleSample(ReadModel):
    """A sample of people, with how many there are in all."""

    total: int
    people: list[Person]


class KeyPerson(ReadModel):
    """Someone holding a leading role in a body of an area one level up."""

    level: AreaLevel
    area: Area
    person: Person
    organization: Organization
    role: str | None
    role_th: str | None


class ReachablePartnership(ReadModel):
    partnership: Partnership
    through: list[str]


class ReachableResource(ReadModel):
    resource: Resource
    through: list[str]


class Onboarding(ReadModel):
    """What a second-tier leader being onboarded should see."""

    person: Person
    areas: list[Area]
    above: list[Area]
    memberships: list[Membership]
    mentors: list[Mentorship]
    mentees: list[Mentorship]
    peers_in_area: PeopleSample
    province_group: Area | None
    peers_in_province_group: PeopleSample
    key_people: list[KeyPerson]
    partnerships: list[ReachablePartnership]
    resources: list[ReachableResource]
    meetings: list[Attendance]


@dataclass(frozen=True)
class OnboardingPlans:
    """What to fetch with each kind of node the view holds (from what the client asks)."""

    person: Plan = NO_PLAN  # the person and everything that comes with them
    peer: Plan = NO_PLAN
    group_peer: Plan = NO_PLAN
    key_person: Plan = NO_PLAN
    key_organization: Plan = NO_PLAN
    partnership: Plan = NO_PLAN
    resource: Plan = NO_PLAN


# What the view itself needs of the person: every area above theirs, their memberships,
# mentors, mentees and meetings (the client's plans are merged into these).
_PERSON_PLAN: Plan = (
    ("events_attended", ()),
    ("memberships", ()),
    ("mentees", ()),
    ("mentors", ()),
    ("works_in", (("ancestors", ()),)),
)


def _valid(m: Membership, day: dt.date) -> bool:
    return (m.start_on is None or m.start_on <= day) and (m.end_on is None or m.end_on >= day)


async def onboarding(
    graph: Graph,
    person_id: str,
    *,
    on: dt.date | None = None,
    limit: int = 20,
    plans: OnboardingPlans = OnboardingPlans(),
) -> Onboarding:
    """Two round trips: the person with what comes with them, then what depends on the areas
    they work in."""
    day = on or dt.date.today()
    if label_of(person_id) != "Person":
        raise NotFound("Person", person_id)
    found = await nodes(graph, "Person", [person_id], merge_plans(_PERSON_PLAN, plans.person))
    person = found.get(person_id)
    if person is None:
        raise NotFound("Person", person_id)
    areas: list[Area] = person.get_related("works_in")
    above_by_id = {a.id: a for area in areas for a in area.get_related("ancestors")}
    above = sorted(above_by_id.values(), key=lambda a: -_LEVEL_RANK[a.level])
    group = next((a for a in above if a.level is AreaLevel.province_group), None)
    key_areas = {a.id: a for a in above if a.level.value in KEY_LEVELS}
    district = next((a for a in above if a.level is AreaLevel.district), None)
    near = (district or group) if group is not None and person.tier else None

    statement = q.surroundings_statement(
        plans.peer,
        plans.group_peer,
        plans.key_person,
        plans.key_organization,
        plans.partnership,
        plans.resource,
    )
    rows = await graph.read(
        statement,
        id=person_id,
        areas=[a.id for a in areas],
        everywhere=[a.id for a in areas] + [a.id for a in above],
        near=near.id if near else None,
        tier=person.tier.value if person.tier else None,
        key_areas=list(key_areas),
        roles=LEADING_ROLES,
        on=day.isoformat(),
        limit=limit,
        key_limit=limit * len(KEY_LEVELS),
    )
    r = rows[0]
    group_peers = [build_node("Person", p) for p in r["group_peers"]]
    group_total = 0
    if group is not None and person.tier:
        tier_count = group.get_related("tier_counts").get(person.tier.value)
        # Everyone of the tier in the group but the person, as counted at the last refresh.
        group_total = max((tier_count or 0) - 1, len(group_peers))
    key_people = sorted(
        (
            KeyPerson(
                level=key_areas[k["area"]].level,
                area=key_areas[k["area"]],
                person=build_node("Person", k["person"]),
                organization=build_node("Organization", k["organization"]),
                role=k["role"],
                role_th=k["role_th"],
            )
            for k in r["key_people"]
        ),
        key=lambda k: (KEY_LEVELS.index(k.level.value), k.organization.id, k.person.name_th),
    )
    meetings: list[Attendance] = person.get_related("events_attended")[:limit]
    return Onboarding(
        person=person,
        areas=areas,
        above=above,
        memberships=[m for m in person.get_related("memberships") if _valid(m, day)],
        mentors=person.get_related("mentors"),
        mentees=person.get_related("mentees"),
        peers_in_area=PeopleSample(
            total=r["peers_total"] or 0, people=[build_node("Person", p) for p in r["peers"]]
        ),
        province_group=group,
        peers_in_province_group=PeopleSample(total=group_total, people=group_peers),
        key_people=key_people,
        partnerships=[
            ReachablePartnership(
                partnership=build_node("Partnership", x["node"]), through=sorted(x["through"])
            )
            for x in sorted(r["partnerships"], key=_by_level_name)
        ],
        resources=[
            ReachableResource(
                resource=build_node("Resource", x["node"]), through=sorted(x["through"])
            )
            for x in sorted(r["resources"], key=_by_level_name)
        ],
        meetings=meetings,
    )


def _by_level_name(x: dict) -> tuple[str, str, str]:
    node = x["node"]
    return (node["level"], node["name_th"], node["id"])
