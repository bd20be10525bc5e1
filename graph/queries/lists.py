"""Filtered, sorted, keyset-paginated lists of one label, optionally within an area's subtree.

A list differs only in its label, how it is tied to areas, and its filters; those pieces are
literal text from the closed set below, assembled into statements once at import. Filter
values are always parameters; a filter left null is off.

Sorting is keyset pagination on ``(sort_key, id)``: ``$after_key``/``$after_id`` are the last
row of the previous page, so deep pages cost what the first one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graph.queries.areas import below
from graph.queries.relations import NO_PLAN, Plan, check_plan, projection

# Per-label filters; each uses only parameters.
FILTERS = {
    "Area": "($levels IS NULL OR n.level IN $levels)",
    "Organization": "($kinds IS NULL OR n.kind IN $kinds)",
    "Person": "($tiers IS NULL OR n.tier IN $tiers)",
    "Partnership": (
        "($kinds IS NULL OR n.kind IN $kinds) AND ($levels IS NULL OR n.level IN $levels) "
        "AND ($statuses IS NULL OR n.status IN $statuses) "
        "AND ($valid_on IS NULL OR ((n.start_on IS NULL OR n.start_on <= $valid_on) "
        "AND (n.end_on IS NULL OR n.end_on >= $valid_on)))"
    ),
    "Resource": "($kinds IS NULL OR n.kind IN $kinds) AND ($levels IS NULL OR n.level IN $levels)",
    "Event": "($from IS NULL OR n.on >= $from) AND ($to IS NULL OR n.on <= $to)",
}
# How a node of the label belongs to an area.
AREA_LINKS = {
    "Area": None,  # an area belongs to its own subtree
    "Organization": "LOCATED_IN|WORKS_IN",
    "Person": "WORKS_IN",
    "Partnership": "COVERS",
    "Resource": "SERVES",
    "Event": "HELD_IN",
}
# Name to sort by ("name"); the other choice is the id.
SORT_NAME = {
    "Area": "n.code",
    "Organization": "n.name_th",
    "Person": "n.name_th",
    "Partnership": "n.name_th",
    "Resource": "n.name_th",
    "Event": "n.on",
}

_COMMON = "($synthetic IS NULL OR coalesce(n.synthetic, false) = $synthetic)"
_AFTER = (
    "($after_id IS NULL OR sort_key > $after_key OR (sort_key = $after_key AND n.id > $after_id))"
)

_MATCH_ALL = "MATCH (n:{label})"
_WITHIN = below("(:Area {{id: $within}})")
_MATCH_SUBTREE = "MATCH " + _WITHIN + "(n:{label})"
_MATCH_LINKED = "MATCH " + _WITHIN + "(:Area)<-[:{link}]-(n:{label})"

_PAGE = """
{match}
WITH DISTINCT n
WHERE {filters} AND {common}
WITH n, CASE $sort WHEN 'name' THEN {name} ELSE n.id END AS sort_key
WHERE {after}
RETURN {node} AS node, sort_key
ORDER BY sort_key, n.id
LIMIT $limit
"""
_COUNT = """
{match}
WITH DISTINCT n
WHERE {filters} AND {common}
RETURN count(n) AS total
"""


@dataclass(frozen=True)
class ListQuery:
    label: str
    within: bool

    @property
    def _match(self) -> str:
        link = AREA_LINKS[self.label]
        if not self.within:
            return _MATCH_ALL.format(label=self.label)
        if link is None:
            return _MATCH_SUBTREE.format(label=self.label)
        return _MATCH_LINKED.format(label=self.label, link=link)

    def page(self, plan: Plan = NO_PLAN) -> str:
        return _page(self, plan)

    @property
    def count(self) -> str:
        return _COUNT.format(match=self._match, filters=FILTERS[self.label], common=_COMMON)


@lru_cache(maxsize=256)
def _page(query: ListQuery, plan: Plan) -> str:
    check_plan(query.label, plan)
    return _PAGE.format(
        match=query._match,
        filters=FILTERS[query.label],
        common=_COMMON,
        name=SORT_NAME[query.label],
        after=_AFTER,
        node="NODE",
    ).replace("RETURN NODE AS node", f"RETURN {projection(query.label, 'n', plan)} AS node")


LISTS: dict[tuple[str, bool], ListQuery] = {
    (label, within): ListQuery(label, within) for label in FILTERS for within in (False, True)
}
