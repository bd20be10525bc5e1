"""Connections: partner networks by breadth-first steps, shortest paths, neighbourhoods.

The partner network of an organization is walked one step per round trip from Python, so
each step is a small indexed expansion on either engine, visited nodes are never expanded
twice, and the result is the same on both engines whatever their planners do. A step links
two organizations through a shared partnership (not ended) or a shared member (whose
membership is valid on the given date).
"""

from __future__ import annotations

# Organizations a person belongs to on a date: where a person's partner network starts.
PERSON_ORGANIZATIONS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})-[m:MEMBER_OF]->(o:Organization)
WHERE (m.start_on IS NULL OR m.start_on <= $on) AND (m.end_on IS NULL OR m.end_on >= $on)
RETURN id AS key, o.id AS org, m.role AS role
ORDER BY key, org
"""

PARTNER_STEP = """
UNWIND $frontier AS here
MATCH (o:Organization {id: here})-[:PARTY_TO]->(x:Partnership)<-[:PARTY_TO]-(p:Organization)
WHERE p.id <> here AND x.status <> 'ended'
  AND (x.start_on IS NULL OR x.start_on <= $on) AND (x.end_on IS NULL OR x.end_on >= $on)
RETURN here AS from, p.id AS to, 'Partnership' AS via_label, x.id AS via
UNION ALL
UNWIND $frontier AS here
MATCH (o:Organization {id: here})<-[m1:MEMBER_OF]-(x:Person)-[m2:MEMBER_OF]->(p:Organization)
WHERE p.id <> here
  AND (m1.start_on IS NULL OR m1.start_on <= $on) AND (m1.end_on IS NULL OR m1.end_on >= $on)
  AND (m2.start_on IS NULL OR m2.start_on <= $on) AND (m2.end_on IS NULL OR m2.end_on >= $on)
RETURN here AS from, p.id AS to, 'Person' AS via_label, x.id AS via
"""

# Which of the given organizations lie in an area's subtree (located or working there).
ORGANIZATIONS_WITHIN = """
MATCH (:Area {id: $within})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN|WORKS_IN]-(o:Organization)
WHERE o.id IN $ids
RETURN DISTINCT o.id AS id
"""

# Internal element ids of two nodes of any label, for the path search below.
ELEMENT_IDS = """
UNWIND $ids AS id MATCH (n:Area {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Organization {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Person {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Partnership {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Resource {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Plan {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Goal {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Mechanism {id: id}) RETURN id AS key, elementId(n) AS element
UNION ALL UNWIND $ids AS id MATCH (n:Event {id: id}) RETURN id AS key, elementId(n) AS element
"""

# A shortest path between two nodes (up to 10 relationships). Which one, among several of the
# same length, is the engine's choice: finding one is a bidirectional search and fast on both
# engines, while finding every shortest path can mean walking most of the graph.
SHORTEST_PATH = """
MATCH (a) WHERE elementId(a) = $from
MATCH (b) WHERE elementId(b) = $to
MATCH p = shortestPath((a)-[*..10]-(b))
RETURN [n IN nodes(p) | n {.id, .name_th, .name_en, .name_latn, .text_th, .text_en, .title_en,
                           .level, .kind, .tier, .synthetic, label: labels(n)[0]}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id,
                                 role: r.role}] AS rels
"""

# Every shortest path (asked for explicitly: it can be slow), in a stable order.
ALL_SHORTEST_PATHS = """
MATCH (a) WHERE elementId(a) = $from
MATCH (b) WHERE elementId(b) = $to
MATCH p = allShortestPaths((a)-[*..10]-(b))
WITH p, [n IN nodes(p) | n.id] AS ids
ORDER BY size(ids), ids
LIMIT $limit
RETURN [n IN nodes(p) | n {.id, .name_th, .name_en, .name_latn, .text_th, .text_en, .title_en,
                           .level, .kind, .tier, .synthetic, label: labels(n)[0]}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id,
                                 role: r.role}] AS rels
"""
