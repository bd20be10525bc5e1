"""A person's surroundings, for onboarding second-tier leaders: who, where, with what.

The person, their areas (with every area above), memberships, mentors, mentees and meetings
come with the person (``graph.queries.relations``); what depends on their areas is
``surroundings_statement``, one round trip.
"""

from __future__ import annotations

from functools import lru_cache

from graph.queries.areas import below
from graph.queries.relations import NO_PLAN, Plan, check_plan, projection

# The order a list of people is shown in: the most senior tiers first.
TIER_RANK = "CASE {v}.tier WHEN 'core_leader' THEN 0 WHEN 'second_tier_leader' THEN 1 ELSE 2 END"


@lru_cache(maxsize=128)
def surroundings_statement(
    peer_plan: Plan = NO_PLAN,
    group_peer_plan: Plan = NO_PLAN,
    key_person_plan: Plan = NO_PLAN,
    key_organization_plan: Plan = NO_PLAN,
    partnership_plan: Plan = NO_PLAN,
    resource_plan: Plan = NO_PLAN,
) -> str:
    """Given a person (``$id``), the areas they work in (``$areas``), every area above them too
    (``$everywhere``), the area whose same-tier people are their nearest peers (``$near``, with
    ``$tier``), the areas one level up whose leading roles matter (``$key_areas``, ``$roles``)
    and a date (``$on``): their peers in their own areas (the first ``$limit``, and how many),
    their nearest peers of the same tier, the key people one level up, and the partnerships
    and shared resources within reach (working in their areas or above, or through the bodies
    they belong to)."""
    for label, plan in (
        ("Person", peer_plan),
        ("Person", group_peer_plan),
        ("Person", key_person_plan),
        ("Organization", key_organization_plan),
        ("Partnership", partnership_plan),
        ("Resource", resource_plan),
    ):
        check_plan(label, plan)
    return f"""
CALL () {{
  UNWIND $areas AS aid
  MATCH (:Area {{id: aid}})<-[:WORKS_IN]-(peer:Person)
  WHERE peer.id <> $id
  WITH DISTINCT peer
  ORDER BY {TIER_RANK.format(v="peer")}, peer.name_th, peer.id
  LIMIT $limit
  RETURN collect({projection("Person", "peer", peer_plan, 1)}) AS peers
}}
CALL () {{
  UNWIND $areas AS aid
  MATCH (:Area {{id: aid}})<-[:WORKS_IN]-(peer:Person)
  WHERE peer.id <> $id
  RETURN count(DISTINCT peer) AS peers_total
}}
CALL () {{
  MATCH {below("(:Area {id: $near})")}(:Area)<-[:WORKS_IN]-(peer:Person)
  WHERE peer.id <> $id AND peer.tier = $tier
  WITH DISTINCT peer
  ORDER BY peer.name_th, peer.id
  LIMIT $limit
  RETURN collect({projection("Person", "peer", group_peer_plan, 2)}) AS group_peers
}}
CALL () {{
  UNWIND $key_areas AS aid
  MATCH (:Area {{id: aid}})<-[:LOCATED_IN|WORKS_IN]-(o:Organization)
  WITH DISTINCT aid, o
  MATCH (o)<-[m:MEMBER_OF]-(k:Person)
  WHERE m.role IN $roles AND k.id <> $id
    AND (m.start_on IS NULL OR m.start_on <= $on) AND (m.end_on IS NULL OR m.end_on >= $on)
  WITH aid, o, m, k
  ORDER BY aid, o.id, k.name_th, k.id
  LIMIT $key_limit
  RETURN collect({{area: aid, role: m.role, role_th: m.role_th,
                  person: {projection("Person", "k", key_person_plan, 3)},
                  organization: {projection("Organization", "o", key_organization_plan, 4)}}})
         AS key_people
}}
CALL () {{
  CALL () {{
    UNWIND $everywhere AS aid
    MATCH (:Area {{id: aid}})<-[:COVERS]-(x:Partnership)
    RETURN x, 'area' AS through
    UNION
    MATCH (:Person {{id: $id}})-[:MEMBER_OF]->(:Organization)-[:PARTY_TO]->(x:Partnership)
    RETURN x, 'membership' AS through
  }}
  WITH x, collect(DISTINCT through) AS through
  WHERE x.status <> 'ended'
  WITH x, through
  ORDER BY x.level, x.name_th, x.id
  LIMIT $limit
  RETURN collect({{node: {projection("Partnership", "x", partnership_plan, 5)}, through: through}})
         AS partnerships
}}
CALL () {{
  CALL () {{
    UNWIND $everywhere AS aid
    MATCH (:Area {{id: aid}})<-[:SERVES]-(r:Resource)
    RETURN r, 'area' AS through
    UNION
    MATCH (:Person {{id: $id}})-[:MEMBER_OF]->(:Organization)-[:STEWARDS]->(r:Resource)
    RETURN r, 'stewardship' AS through
  }}
  WITH r, collect(DISTINCT through) AS through
  WITH r, through
  ORDER BY r.level, r.name_th, r.id
  LIMIT $limit
  RETURN collect({{node: {projection("Resource", "r", resource_plan, 6)}, through: through}})
         AS resources
}}
RETURN peers, peers_total, group_peers, key_people, partnerships, resources
"""
