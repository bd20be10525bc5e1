"""Search: candidates from each label's full-text index, in an order both engines agree on.

The engines score full-text hits differently, so no statement here orders by that score.
Hits are ordered by stored properties only, then capped at ``$cap``; ``graph.search`` ranks
what comes back with its own scoring. The order decides which hits survive the cap, so it
follows the final ranking as far as Cypher can:

1. ``exact``: 0 when ``$token`` (the normalized query, spaces removed) is one of the node's
   indexed terms (a whole name, a word, a code), else 1;
2. for areas, the level: country, region, province group, province, district, subdistrict;
3. the shorter Thai name, then the id.

Parameters: ``$index`` (the label's full-text index, from the engine's dialect), ``$lucene``
(from ``graph.text.lucene_query``), ``$token`` (the query as one term, padded with a space on
each side), ``$cap`` and, in the ``_WITHIN`` variants, ``$within`` (an area id).

The ``_WITHIN`` variants match the area first (a unique-index seek), then walk up from each hit
to it: every area has one parent and the tree is at most six levels deep, so that costs a few
steps per hit on either engine, however large the area's subtree is.
"""

from __future__ import annotations

from typing import LiteralString

AREA_CANDIDATES = """
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
WITH node,
     CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact,
     CASE node.level
       WHEN 'country' THEN 0 WHEN 'region' THEN 1 WHEN 'province_group' THEN 2
       WHEN 'province' THEN 3 WHEN 'district' THEN 4 WHEN 'subdistrict' THEN 5
       ELSE 6 END AS depth
ORDER BY exact, depth, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

AREA_CANDIDATES_WITHIN = """
MATCH (w:Area {id: $within})
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
MATCH (node)-[:PART_OF*0..]->(w)
WITH node,
     CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact,
     CASE node.level
       WHEN 'country' THEN 0 WHEN 'region' THEN 1 WHEN 'province_group' THEN 2
       WHEN 'province' THEN 3 WHEN 'district' THEN 4 WHEN 'subdistrict' THEN 5
       ELSE 6 END AS depth
ORDER BY exact, depth, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

ORGANIZATION_CANDIDATES = """
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
WITH node, CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact
ORDER BY exact, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

# An organization is inside the area when it is based in, or works in, an area of its subtree;
# one that does both, or works in several such areas, is counted once.
ORGANIZATION_CANDIDATES_WITHIN = """
MATCH (w:Area {id: $within})
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
MATCH (node)-[:LOCATED_IN|WORKS_IN]->(:Area)-[:PART_OF*0..]->(w)
WITH DISTINCT node
WITH node, CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact
ORDER BY exact, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

PERSON_CANDIDATES = """
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
WITH node, CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact
ORDER BY exact, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

PERSON_CANDIDATES_WITHIN = """
MATCH (w:Area {id: $within})
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
MATCH (node)-[:WORKS_IN]->(:Area)-[:PART_OF*0..]->(w)
WITH DISTINCT node
WITH node, CASE WHEN (' ' + node.search_text + ' ') CONTAINS $token THEN 0 ELSE 1 END AS exact
ORDER BY exact, size(node.name_th), node.id
LIMIT $cap
RETURN node {.*, search_text: null, content_hash: null} AS row
"""

SEARCH_CANDIDATES: dict[str, LiteralString] = {
    "Area": AREA_CANDIDATES,
    "Organization": ORGANIZATION_CANDIDATES,
    "Person": PERSON_CANDIDATES,
}
SEARCH_CANDIDATES_WITHIN: dict[str, LiteralString] = {
    "Area": AREA_CANDIDATES_WITHIN,
    "Organization": ORGANIZATION_CANDIDATES_WITHIN,
    "Person": PERSON_CANDIDATES_WITHIN,
}

# Asked only when a search within an area found nothing: was it the area that was missing?
AREA_EXISTS = """
MATCH (a:Area {id: $id})
RETURN a.id AS id
"""
