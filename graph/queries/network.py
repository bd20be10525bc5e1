"""Connections: partner networks walked hop by hop, shortest paths, neighbourhoods.

Hop bounds live in ``graph.limits``; each statement here is generated for one bound, taken from
that closed range (a variable-length bound cannot be a parameter in Cypher).
"""

from __future__ import annotations

from functools import lru_cache

from graph.limits import MAX_NEIGHBOURHOOD_DEPTH, MAX_PARTNER_HOPS, MAX_PATH_HOPS, check_range
from graph.queries.areas import below
from graph.queries.projection import any_node_map, summary_map
from graph.registry import NODE_LABELS

# --- partners ------------------------------------------------------------------------------------
# A step links two organizations through a shared partnership (not ended, running on $on) or a
# shared member (both memberships valid on $on). The walk is breadth-first: each layer expands
# only organizations no earlier layer reached, and returns the edges it found, so the caller can
# rank what was reached and name the path to it.


def _valid(rel: str) -> str:
    return (
        f"({rel}.start_on IS NULL OR {rel}.start_on <= $on) "
        f"AND ({rel}.end_on IS NULL OR {rel}.end_on >= $on)"
    )


_LAYER = """
CALL (frontier) {{
  UNWIND frontier AS here
  MATCH (:Organization {{id: here}})-[:PARTY_TO]->(x:Partnership)<-[:PARTY_TO]-(p:Organization)
  WHERE p.id <> here AND x.status <> 'ended' AND {x_valid}
  RETURN collect([here, p.id, 'Partnership', x.id]) AS by_partnership
}}
CALL (frontier) {{
  UNWIND frontier AS here
  MATCH (:Organization {{id: here}})<-[m1:MEMBER_OF]-(x:Person)-[m2:MEMBER_OF]->(p:Organization)
  WHERE p.id <> here AND {m1_valid} AND {m2_valid}
  RETURN collect([here, p.id, 'Person', x.id]) AS by_member
}}
WITH origin, w, starts, seen, layers + [by_partnership + by_member] AS layers,
     by_partnership + by_member AS found
CALL (found, seen) {{
  UNWIND found AS edge
  WITH DISTINCT edge[1] AS reached
  WHERE NOT reached IN seen
  RETURN collect(reached) AS frontier
}}
WITH origin, w, starts, seen + frontier AS seen, layers, frontier
""".format(x_valid=_valid("x"), m1_valid=_valid("m1"), m2_valid=_valid("m2"))

_FROM_ORGANIZATION = """
UNWIND $origins AS origin
MATCH (:Organization {id: origin})
OPTIONAL MATCH (w:Area {id: $within})
WITH origin, w WHERE $within IS NULL OR w IS NOT NULL
WITH origin, w, [] AS starts, [origin] AS seen, [] AS layers, [origin] AS frontier
"""

_FROM_PERSON = f"""
UNWIND $origins AS origin
MATCH (o:Person {{id: origin}})
OPTIONAL MATCH (w:Area {{id: $within}})
WITH origin, o, w WHERE $within IS NULL OR w IS NOT NULL
CALL (o) {{
  MATCH (o)-[m:MEMBER_OF]->(s:Organization)
  WHERE {_valid("m")}
  RETURN collect([s.id, m.role]) AS starts
}}
CALL (starts) {{
  UNWIND starts AS start
  WITH DISTINCT start[0] AS org
  RETURN collect(org) AS frontier
}}
WITH origin, w, starts, frontier AS seen, [] AS layers, frontier
"""

# Which reached organizations pass the filters (kinds; located or working in $within's
# subtree), with the name they are ranked by.
_ALLOWED = f"""
CALL (seen, w) {{
  UNWIND seen AS id
  MATCH (p:Organization {{id: id}})
  WHERE ($kinds IS NULL OR p.kind IN $kinds)
    AND ($within IS NULL OR size([{below("(w)")}(:Area)<-[:LOCATED_IN|WORKS_IN]-(p) | 1]) > 0)
  RETURN collect([p.id, p.name_th]) AS allowed
}}
RETURN origin, starts, layers, allowed
"""


@lru_cache(maxsize=2 * MAX_PARTNER_HOPS)
def partner_walk(origin_label: str, hops: int) -> str:
    """The walk from each of ``$origins`` (organizations, or people: from the organizations they
    belong to on ``$on``), ``hops`` layers deep. One row per origin that exists; none when
    ``$within`` names no area."""
    check_range("hops", hops, 1, MAX_PARTNER_HOPS)
    start = {"Organization": _FROM_ORGANIZATION, "Person": _FROM_PERSON}[origin_label]
    return start + _LAYER * hops + _ALLOWED


# --- shortest paths ------------------------------------------------------------------------------
# Which path among several of the same length is the engine's choice: finding one is a
# bidirectional search and fast on both engines, while finding every shortest path can mean
# walking most of the graph.

_PATH_RETURN = f"""
RETURN [n IN nodes(p) | {any_node_map("n")}] AS nodes,
       [r IN relationships(p) | {{type: type(r), from: startNode(r).id, to: endNode(r).id,
                                 role: r.role}}] AS rels
"""


@lru_cache(maxsize=4 * MAX_PATH_HOPS)
def shortest_path(source: str, target: str, max_hops: int, every: bool) -> str:
    """A shortest path (``every``: all of them, the first ``$limit`` in a stable order) of at
    most ``max_hops`` relationships from ``$from`` to ``$to``. No row when either end does not
    exist; a row with null lists when no path is short enough."""
    check_range("maxHops", max_hops, 1, MAX_PATH_HOPS)
    if source not in NODE_LABELS or target not in NODE_LABELS:
        raise ValueError(f"unknown label {source!r} or {target!r}")
    ends = f"MATCH (a:{source} {{id: $from}})\nMATCH (b:{target} {{id: $to}})\n"
    if not every:
        return ends + f"OPTIONAL MATCH p = shortestPath((a)-[*..{max_hops}]-(b))" + _PATH_RETURN
    return (
        ends
        + f"OPTIONAL MATCH p = allShortestPaths((a)-[*..{max_hops}]-(b))\n"
        + "WITH p, [n IN nodes(p) | n.id] AS ids\nORDER BY size(ids), ids\nLIMIT $limit"
        + _PATH_RETURN
    )


# --- neighbourhood -------------------------------------------------------------------------------
# One step out from nodes of any label, in one round trip: each branch seeks its own label's
# unique index, so an id of another label costs nothing. Each branch keeps at most $cap rows,
# in a stable order, and only what a network view draws of each node.

_NEIGHBOURS = """
UNWIND $ids AS id MATCH (a:{label} {{id: id}})-[r]-(b)
RETURN id AS key, labels(b)[0] AS label, {node} AS node, type(r) AS type,
       startNode(r) = a AS out, {{key: r.key, id: r.id, start_on: r.start_on, end_on: r.end_on}} AS rel
ORDER BY key, type, b.id LIMIT $cap"""
_ROOT = """
MATCH (b:{label} {{id: $root}})
RETURN b.id AS key, '{label}' AS label, {node} AS node, null AS type, null AS out, null AS rel"""


@lru_cache(maxsize=len(NODE_LABELS) + 1)
def neighbours(root_label: str | None = None) -> str:
    """Every node one step from ``$ids``; with ``root_label``, the node ``$root`` itself too
    (its first row), so the first step also tells whether the root exists."""
    branches = [_NEIGHBOURS.format(label=lb, node=summary_map("b")) for lb in NODE_LABELS]
    if root_label is not None:
        if root_label not in NODE_LABELS:
            raise ValueError(f"unknown label {root_label!r}")
        branches.insert(0, _ROOT.format(label=root_label, node=summary_map("b")))
    return "\nUNION ALL".join(branches)


assert MAX_NEIGHBOURHOOD_DEPTH >= 1
