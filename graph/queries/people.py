"""A person's surroundings, for onboarding second-tier leaders: who, where, with what."""

from __future__ import annotations

# The areas a person works in, and every area above them.
PERSON_AREAS = """
MATCH (p:Person {id: $id})-[:WORKS_IN]->(a:Area)
OPTIONAL MATCH (a)-[:PART_OF*1..8]->(up:Area)
WITH a, collect(up {.*, search_text: null, search_words: null, content_hash: null}) AS above
RETURN a {.*, search_text: null, search_words: null, content_hash: null} AS area, above
ORDER BY area.id
"""

# People working in exactly these areas (the person's own), most senior tiers first.
PEERS_IN_AREAS = """
UNWIND $areas AS aid
MATCH (:Area {id: aid})<-[:WORKS_IN]-(peer:Person)
WHERE peer.id <> $id
WITH DISTINCT peer
RETURN peer {.*, search_text: null, search_words: null, content_hash: null} AS node
ORDER BY CASE peer.tier WHEN 'core_leader' THEN 0 WHEN 'second_tier_leader' THEN 1 ELSE 2 END,
         peer.name_th, peer.id
LIMIT $limit
"""

PEERS_IN_AREAS_COUNT = """
UNWIND $areas AS aid
MATCH (:Area {id: aid})<-[:WORKS_IN]-(peer:Person)
WHERE peer.id <> $id
RETURN count(DISTINCT peer) AS total
"""

# People of the person's tier in an area's subtree: the nearest of their province group's
# peers (the caller passes their district, so the walk stays local; the group's total comes
# from its materialized counts).
PEERS_IN_SUBTREE = """
MATCH (:Area {id: $root})<-[:PART_OF*0..8]-(:Area)<-[:WORKS_IN]-(peer:Person)
WHERE peer.id <> $id AND peer.tier = $tier
WITH DISTINCT peer
RETURN peer {.*, search_text: null, search_words: null, content_hash: null} AS node
ORDER BY peer.name_th, peer.id
LIMIT $limit
"""

# Who holds a leading role in the bodies of each given area (not its subtree): the people one
# level up a second-tier leader should know.
KEY_PEOPLE = """
UNWIND $areas AS aid
MATCH (:Area {id: aid})<-[:LOCATED_IN|WORKS_IN]-(o:Organization)
WITH DISTINCT aid, o
MATCH (o)<-[m:MEMBER_OF]-(k:Person)
WHERE m.role IN $roles AND k.id <> $id
  AND (m.start_on IS NULL OR m.start_on <= $on) AND (m.end_on IS NULL OR m.end_on >= $on)
RETURN aid AS key, k {.*, search_text: null, search_words: null, content_hash: null} AS person, o {.*, search_text: null, search_words: null, content_hash: null} AS organization, m.role AS role,
       m.role_th AS role_th
ORDER BY key, o.id, k.name_th, k.id
LIMIT $limit
"""

# Partnerships working in the person's areas or any area above them, and those of the
# organizations the person belongs to.
REACHABLE_PARTNERSHIPS = """
CALL () {
  UNWIND $areas AS aid
  MATCH (:Area {id: aid})<-[:COVERS]-(x:Partnership)
  RETURN x, 'area' AS through
  UNION
  MATCH (:Person {id: $id})-[:MEMBER_OF]->(:Organization)-[:PARTY_TO]->(x:Partnership)
  RETURN x, 'membership' AS through
}
WITH x, collect(DISTINCT through) AS through
WHERE x.status <> 'ended'
RETURN x {.*, search_text: null, search_words: null, content_hash: null} AS node, through
ORDER BY x.level, x.name_th, x.id
LIMIT $limit
"""

REACHABLE_RESOURCES = """
CALL () {
  UNWIND $areas AS aid
  MATCH (:Area {id: aid})<-[:SERVES]-(r:Resource)
  RETURN r, 'area' AS through
  UNION
  MATCH (:Person {id: $id})-[:MEMBER_OF]->(:Organization)-[:STEWARDS]->(r:Resource)
  RETURN r, 'stewardship' AS through
}
WITH r, collect(DISTINCT through) AS through
RETURN r {.*, search_text: null, search_words: null, content_hash: null} AS node, through
ORDER BY r.level, r.name_th, r.id
LIMIT $limit
"""

EVENTS_ATTENDED = """
MATCH (:Person {id: $id})-[a:ATTENDED]->(e:Event)
RETURN e {.*, search_text: null, search_words: null, content_hash: null} AS node, a.role AS role, a.role_th AS role_th
ORDER BY e.on DESC, e.id
LIMIT $limit
"""
