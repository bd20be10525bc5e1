"""The onboarding view: everything a second-tier leader should see about where they stand."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graph.areas import level_rank
from graph.db import Graph
from graph.entities import Related, nodes_by_id, related
from graph.errors import NotFound
from graph.queries import entities as eq
from graph.queries import people as q

Row = dict[str, Any]
LEADING_ROLES = ["chair", "vice_chair", "coordinator", "representative", "director", "secretary"]
KEY_LEVELS = ("province", "province_group", "region")


@dataclass(frozen=True)
class KeyPerson:
    level: str
    area: Row
    person: Row
    organization: Row
    role: str | None
    role_th: str | None


@dataclass
class Onboarding:
    person: Row
    areas: list[Row]
    above: list[Row]  # every area above the person's, nearest level first
    memberships: list[Related]
    mentors: list[Related]
    mentees: list[Related]
    peers_in_area: list[Row]
    peers_in_area_total: int
    group: Row | None
    peers_in_group: list[Row]
    peers_in_group_total: int
    key_people: list[KeyPerson]
    partnerships: list[tuple[Row, list[str]]]
    resources: list[tuple[Row, list[str]]]
    events: list[tuple[Row, str | None, str | None]] = field(default_factory=list)


async def onboarding(
    graph: Graph, person_id: str, *, on: dt.date | None = None, limit: int = 20
) -> Onboarding:
    """Two waves of independent statements, each wave sent at once: what depends only on the
    person, then what depends on the areas they work in."""
    day = (on or dt.date.today()).isoformat()
    people, area_rows, memberships, mentors, mentees, events = await asyncio.gather(
        nodes_by_id(graph, "Person", [person_id]),
        graph.read(q.PERSON_AREAS, id=person_id),
        related(graph, eq.PERSON_MEMBERSHIPS, [person_id]),
        related(graph, eq.PERSON_MENTORS, [person_id]),
        related(graph, eq.PERSON_MENTEES, [person_id]),
        graph.read(q.EVENTS_ATTENDED, id=person_id, limit=limit),
    )
    person = people.get(person_id)
    if person is None:
        raise NotFound("Person", person_id)
    areas = [r["area"] for r in area_rows]
    above_by_id = {a["id"]: a for r in area_rows for a in r["above"]}
    above = sorted(above_by_id.values(), key=level_rank, reverse=True)
    own_ids = [a["id"] for a in areas]
    everywhere = own_ids + [a["id"] for a in above]
    group = next((a for a in above if a["level"] == "province_group"), None)
    key_areas = {a["id"]: a for a in above if a["level"] in KEY_LEVELS}
    district = next((a for a in above if a["level"] == "district"), None)
    tier = person.get("tier")

    async def group_peers() -> tuple[list[Row], int]:
        """The nearest peers of the same tier (their district) and how many the group has."""
        if group is None or not tier:
            return [], 0
        total = int(group.get(f"rollup_tier_{tier}") or 0) - 1  # everyone but the person
        near = district or group
        rows = await graph.read(
            q.PEERS_IN_SUBTREE, root=near["id"], id=person_id, tier=tier, limit=limit
        )
        return [r["node"] for r in rows], max(total, len(rows))

    (
        peers,
        peers_total,
        (in_group, in_group_total),
        key_rows,
        partnerships,
        resources,
    ) = await asyncio.gather(
        graph.read(q.PEERS_IN_AREAS, areas=own_ids, id=person_id, limit=limit),
        graph.read_one(q.PEERS_IN_AREAS_COUNT, areas=own_ids, id=person_id),
        group_peers(),
        graph.read(
            q.KEY_PEOPLE,
            areas=list(key_areas),
            roles=LEADING_ROLES,
            id=person_id,
            on=day,
            limit=limit * len(KEY_LEVELS),
        ),
        graph.read(q.REACHABLE_PARTNERSHIPS, areas=everywhere, id=person_id, limit=limit),
        graph.read(q.REACHABLE_RESOURCES, areas=everywhere, id=person_id, limit=limit),
    )
    key_people = sorted(
        (
            KeyPerson(
                key_areas[r["key"]]["level"],
                key_areas[r["key"]],
                r["person"],
                r["organization"],
                r["role"],
                r["role_th"],
            )
            for r in key_rows
        ),
        key=lambda k: (KEY_LEVELS.index(k.level), k.organization["id"]),
    )
    return Onboarding(
        person=person,
        areas=areas,
        above=above,
        memberships=[m for m in memberships[person_id] if _valid(m.rel, day)],
        mentors=mentors[person_id],
        mentees=mentees[person_id],
        peers_in_area=[r["node"] for r in peers],
        peers_in_area_total=(peers_total or {}).get("total", 0),
        group=group,
        peers_in_group=in_group,
        peers_in_group_total=in_group_total,
        key_people=key_people,
        partnerships=[(r["node"], sorted(r["through"])) for r in partnerships],
        resources=[(r["node"], sorted(r["through"])) for r in resources],
        events=[(r["node"], r["role"], r["role_th"]) for r in events],
    )


def _valid(rel: Row, day: str) -> bool:
    start, end = rel.get("start_on"), rel.get("end_on")
    return (start is None or start <= day) and (end is None or end >= day)
