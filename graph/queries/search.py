"""Search: candidates from each label's full-text index, in an order both engines agree on.

The engines score full-text hits differently, so a first look (the text as typed) orders by
stored properties only, then caps at ``$cap``; a second look (typos) orders by the index's
score only after them (below). ``graph.search`` ranks what comes back with its own scoring.
The order decides which hits survive the cap, so it follows the final ranking as far as
Cypher can:

1. ``exact``: 0 when ``$token`` (the normalized query, spaces removed) is one of the node's
   indexed terms (a whole name, a word, a code), else 1;
2. ``has_all``: 0 when the node has each of ``$common_<Label>``, the text's words that the
   index was not asked for (``graph.text.rare_words``), else 1;
3. for areas, the level: country, region, province group, province, district, subdistrict;
4. the shorter Thai name, then the id.

Each capped hit also carries ``links``, its number of relationships, which the final ranking
uses between the level and the name's length (``graph.search._rank``).

Parameters: ``$index_<Label>`` (each label's full-text index, from the engine's dialect),
``$lucene_<Label>`` (each label's query, from ``graph.text.lucene_query``: people's by
typed chunk), ``$token`` (the query as one term, padded with a
space on each side), ``$compact`` (the same unpadded), ``$common_<Label>`` (a list, often empty),
``$cap``, ``$index_cap`` and ``$first_index_cap`` (a second or first look's matches taken
from the index, by its score) and,
within an area, ``$within`` (an area id). The labels asked for
are searched in one statement, one branch per label, each returning the node's projection and
the words its forms were segmented into (``search_words``) for the ranking.

Within an area, a branch matches the area first (a unique-index seek), then walks up from each
hit to it: every area has one parent and the tree is at most six levels deep, so that costs a
few steps per hit on either engine, however large the area's subtree is.
"""

from __future__ import annotations

from functools import lru_cache

from graph.queries.projection import node_map
from graph.registry import SEARCH_LABELS

# How many relationships a node has (its memberships, partnerships, the areas it is in ...):
# among hits the ranking cannot otherwise tell apart (the same name, the same level), the
# more connected comes first (graph.search._rank). Counted for the capped hits only.
_LINKS = "COUNT { (node)--() } AS links"
_EXACT = "CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END"
# Whether the node has every common word of the text (graph.text.rare_words) that the index was
# not asked for: those that have come first, so that the cap never leaves them out.
_HAS_ALL = (
    "CASE WHEN all(cw IN $common_{label} "
    "WHERE (' ' + node.search_text + ' ') CONTAINS (' ' + cw + ' ')) THEN 0 ELSE 1 END"
)
_DEPTH = """CASE node.level
       WHEN 'country' THEN 0 WHEN 'region' THEN 1 WHEN 'province_group' THEN 2
       WHEN 'province' THEN 3 WHEN 'district' THEN 4 WHEN 'subdistrict' THEN 5
       ELSE 6 END"""
# How a hit lies within the area $within (bound as w): an area in its subtree; an
# organization based in or working in such an area; a person working in one.
_WITHIN = {
    "Area": "MATCH (node)-[:PART_OF*0..]->(w)",
    "Organization": "MATCH (node)-[:LOCATED_IN|WORKS_IN]->(:Area)-[:PART_OF*0..]->(w)",
    "Person": "MATCH (node)-[:WORKS_IN]->(:Area)-[:PART_OF*0..]->(w)",
}


# A first look keeps, of the candidates that lack one of the common words, only those whose
# index terms start with the whole text (the query's prefix clause): it finds what the same
# query with every word required did.
_AS_ASKED = "WHERE has_all = 0 OR (' ' + node.search_text) CONTAINS (' ' + $compact)"


def _branch(label: str, within: bool, first_look: bool = True) -> str:
    lines = []
    if within:
        lines.append("MATCH (w:Area {id: $within})")
    # A second look (typos) orders by the index's own score, after exactness: a name that
    # meets more of the text's clauses (both words' skeletons, and the whole name's) is closer
    # to it than one that meets a single three-letter skeleton.
    scored = "" if first_look else ", score"
    # Outside an area, a second look takes only the index's best $index_cap by its score
    # (both engines' `limit` option): a typo's skeletons match tens of thousands of people at
    # national scale, and each would otherwise be read to be ordered. A first look takes the
    # best $first_index_cap of organizations and people so too: a short place name (กลาง,
    # "Klang", เมือง) is a word of thousands of organizations' names at national scale, and
    # "Si O" of 26,000 romanized people's names; reading each to order them was most of such
    # a search (0.1-0.4 s on the embedded engine). A match of every clause (the words and the
    # whole text as a prefix: an exact name) scores above one of a single clause on both
    # engines, so exact names stay; which of thousands of looser matches are ordered can
    # differ between the engines (never on the demo data: no label has that many). Areas
    # are a few thousand in all and are never cut. Within an area the best of the whole
    # country may all lie outside it, so every match is kept there.
    if within or (first_look and label == "Area"):
        options = ""
    else:
        options = ", {limit: $first_index_cap}" if first_look else ", {limit: $index_cap}"
    lines.append(
        f"CALL db.index.fulltext.queryNodes($index_{label}, $lucene_{label}{options}) "
        f"YIELD node{scored}"
    )
    if within:
        lines += [_WITHIN[label], f"WITH DISTINCT node{scored}"]
    keys = "node, exact, has_all" + (", depth" if label == "Area" else "")
    depth = f", {_DEPTH} AS depth" if label == "Area" else ""
    lines.append(
        f"WITH node{scored}, {_EXACT} AS exact, {_HAS_ALL.format(label=label)} AS has_all{depth}"
    )
    if first_look:
        lines += [_AS_ASKED, f"WITH {keys}"]
    order = "exact, has_all, depth" if label == "Area" else "exact, has_all"
    if not first_look:
        order += ", score DESC"
    lines.append(f"ORDER BY {order}, size(node.name_th), node.id")
    lines += [
        "LIMIT $cap",
        f"RETURN '{label}' AS label, {node_map(label, 'node')} AS row, "
        f"node.search_words AS words, {_LINKS}",
    ]
    return "\n".join(lines)


@lru_cache(maxsize=32)
def candidates(labels: tuple[str, ...], within: bool) -> str:
    """Candidates of each of ``labels`` (some of SEARCH_LABELS), in one round trip."""
    unknown = set(labels) - set(SEARCH_LABELS)
    if unknown:
        raise ValueError(f"no full-text index for {sorted(unknown)}")
    return "\nUNION ALL\n".join(_branch(label, within) for label in labels)


# The written forms of every area, for the search's typo-tolerant names of areas
# (``graph.search``): a few thousand rows (the government's areas and the network's own).
AREA_NAMES = """
MATCH (a:Area)
RETURN a.id AS id, a.name_th AS name_th, a.name_en AS name_en, a.aliases AS aliases,
       a.search_words AS words"""


def _areas_by_id(within: bool) -> str:
    """The areas ``$ids`` (those of them in ``$within``'s subtree), as a candidates branch."""
    lines = ["MATCH (w:Area {id: $within})"] if within else []
    lines += ["UNWIND $ids AS id", "MATCH (node:Area {id: id})"]
    if within:
        lines += [_WITHIN["Area"], "WITH DISTINCT node"]
    lines.append(
        f"RETURN 'Area' AS label, {node_map('Area', 'node')} AS row, "
        f"node.search_words AS words, {_LINKS}"
    )
    return "\n".join(lines)


@lru_cache(maxsize=64)
def second_look(labels: tuple[str, ...], within: bool, area_ids: bool) -> str:
    """A search's second look, when nothing matched as typed, in one round trip: the areas
    ``$ids`` whose names came closest in memory (with ``area_ids``), and the candidates of
    ``labels`` for the typo-tolerant query."""
    branches = [_areas_by_id(within)] if area_ids else []
    branches += [_branch(label, within, first_look=False) for label in labels]
    if not branches:
        raise ValueError("a second look at nothing")
    return "\nUNION ALL\n".join(branches)
