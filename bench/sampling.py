"""Inputs for the questions, chosen from the loaded graph: deterministic for a seed and a graph."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from bench import queries as q
from graph.db import Graph

AREAS_PER_QUERY = 200
COUNCIL = "community_council"
SECOND_TIER = "second_tier_leader"
TOP_LEVELS = ("region", "province_group")


@dataclass(frozen=True)
class Entity:
    id: str
    name_th: str | None
    name_en: str | None
    area: str
    province: str | None


@dataclass
class Inputs:
    areas: list[str] = field(default_factory=list)  # rollup, coverage, pools
    councils: list[Entity] = field(default_factory=list)  # partners
    pairs: list[tuple[str, str]] = field(default_factory=list)  # connection
    leaders: list[Entity] = field(default_factory=list)  # onboarding
    texts: list[str] = field(default_factory=list)  # search
    roots: list[tuple[str, int]] = field(default_factory=list)  # neighbourhood: (id, depth)


async def _one_per_area(
    graph: Graph,
    statement: LiteralString,
    places: Sequence[dict[str, Any]],
    wanted: int,
    rng: random.Random,
    **params: Any,
) -> list[Entity]:
    """One entity per area, over the areas in their (shuffled) order: the samples spread over
    the country at every scale, and no query ever scans a whole label."""
    found: list[Entity] = []
    for start in range(0, len(places), AREAS_PER_QUERY):
        chunk = places[start : start + AREAS_PER_QUERY]
        rows = await graph.read(statement, params, areas=[a["id"] for a in chunk])
        by_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            by_area[r["area"]].append(r)
        for area in chunk:
            candidates = sorted(by_area.get(area["id"], ()), key=lambda r: r["id"])
            if candidates:
                r = rng.choice(candidates)
                found.append(
                    Entity(r["id"], r["name_th"], r["name_en"], area["id"], area["province"])
                )
                if len(found) == wanted:
                    return found
    return found


def _pairs(people: list[Entity], wanted: int) -> list[tuple[str, str]]:
    """Each of the first ``wanted`` people with the next unused one from another province."""
    firsts, seconds = people[:wanted], people[wanted:]
    pairs: list[tuple[str, str]] = []
    for a in firsts:
        b = next((b for b in seconds if b.province != a.province), None)
        if b is not None:
            seconds.remove(b)
            pairs.append((a.id, b.id))
        if len(pairs) == wanted:
            break
    return pairs


def _texts(
    people: list[Entity], councils: list[Entity], places: list[dict[str, Any]], wanted: int
) -> list[str]:
    """Thai and English names of sampled people, organizations and areas, taken in turn."""
    sources = [
        [p.name_th for p in people],
        [o.name_th for o in councils],
        [o.name_en for o in councils],
        [a["name_th"] for a in places],
        [a["name_en"] for a in places],
    ]
    columns = [[t for t in column if t] for column in sources]
    texts: list[str] = []
    for i in range(max((len(c) for c in columns), default=0)):
        texts.extend(c[i] for c in columns if i < len(c))
    return texts[:wanted]


async def sample_inputs(graph: Graph, n: int, seed: int) -> Inputs:
    rng = random.Random(seed)
    areas = {r["id"]: r for r in await graph.read(q.AREAS_WITH_PROVINCE)}
    by_level: dict[str, list[str]] = defaultdict(list)
    for area_id in sorted(areas):
        by_level[areas[area_id]["level"]].append(area_id)
    top = [a for level in TOP_LEVELS for a in by_level.get(level, [])]
    # Dashboards ask about every level: a region or province group, a province, a district.
    mix = (top, by_level.get("province", []), by_level.get("district", []))
    inputs = Inputs()
    for i in range(n):
        choices = mix[i % len(mix)] or top
        if choices:
            inputs.areas.append(rng.choice(choices))

    places = [areas[a] for a in sorted(areas) if areas[a]["province"] is not None]
    rng.shuffle(places)
    councils = await _one_per_area(graph, q.ORGANIZATIONS_IN_AREAS, places, n, rng, kind=COUNCIL)
    if not councils:  # a graph without councils: any organization will do
        councils = await _one_per_area(graph, q.ORGANIZATIONS_IN_AREAS, places, n, rng, kind=None)
    inputs.councils = councils
    inputs.leaders = await _one_per_area(graph, q.PEOPLE_IN_AREAS, places, n, rng, tier=SECOND_TIER)
    # Three people for every pair wanted: a partner from another province is always at hand.
    people = await _one_per_area(graph, q.PEOPLE_IN_AREAS, places, 3 * n, rng, tier=None)
    inputs.pairs = _pairs(people, n)
    inputs.texts = _texts(people, councils, places, n)
    kinds = (
        [c.id for c in councils],
        [p.id for p in (inputs.leaders or people)],
        [a["id"] for a in places if a["level"] in ("district", "subdistrict")],
    )
    for i in range(n):
        ids = kinds[i % len(kinds)]
        if ids:
            inputs.roots.append((ids[(i // len(kinds)) % len(ids)], 1 + i % 2))
    return inputs
