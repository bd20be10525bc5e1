"""Materialized subtree counts on every Area, refreshed after each load.

Dashboards ask for rollups of whole regions and of the country; counting a subtree of a
million nodes on every request cannot be fast, so each area keeps its subtree's counts in
``rollup_*`` properties, counted exactly as the live queries in ``graph.queries.areas`` count
them: an entity linked to several areas of one subtree is counted once there.
"""

from __future__ import annotations

from graph.queries.areas import below

RESET = """
MATCH (a:Area)
SET a.rollup_organizations = 0, a.rollup_people = 0, a.rollup_partnerships = 0,
    a.rollup_active_partnerships = 0, a.rollup_resources = 0, a.rollup_pools = 0,
    a.rollup_pooled_amount = 0.0, a.rollup_contributions = 0, a.rollup_mechanisms = 0,
    a.rollup_tier_core_leader = 0, a.rollup_tier_second_tier_leader = 0,
    a.rollup_tier_member = 0, a.rollup_tier_staff = 0, a.rollup_tier_partner = 0,
    a.rollup_tier_official = 0
"""

# Each count is taken area by area (CALL per area): an entity is counted once per area whose
# subtree holds it (DISTINCT within that area's subtree), and no single step ever holds more
# than one subtree's entities, which the engines' per-query memory limits allow.

ORGANIZATIONS = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:LOCATED_IN]-(o:Organization)
  RETURN count(DISTINCT o) AS n
}}
SET up.rollup_organizations = n
"""

# People, and how many of each leadership tier (a second-tier leader's peers in a province
# group are counted from these, not by walking the group).
PEOPLE = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:WORKS_IN]-(p:Person)
  WITH DISTINCT p
  RETURN count(p) AS n,
         sum(CASE p.tier WHEN 'core_leader' THEN 1 ELSE 0 END) AS core_leader,
         sum(CASE p.tier WHEN 'second_tier_leader' THEN 1 ELSE 0 END) AS second_tier_leader,
         sum(CASE p.tier WHEN 'member' THEN 1 ELSE 0 END) AS member,
         sum(CASE p.tier WHEN 'staff' THEN 1 ELSE 0 END) AS staff,
         sum(CASE p.tier WHEN 'partner' THEN 1 ELSE 0 END) AS partner,
         sum(CASE p.tier WHEN 'official' THEN 1 ELSE 0 END) AS official
}}
SET up.rollup_people = n, up.rollup_tier_core_leader = core_leader,
    up.rollup_tier_second_tier_leader = second_tier_leader, up.rollup_tier_member = member,
    up.rollup_tier_staff = staff, up.rollup_tier_partner = partner,
    up.rollup_tier_official = official
"""

PARTNERSHIPS = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:COVERS]-(x:Partnership)
  RETURN count(DISTINCT x) AS n,
         count(DISTINCT CASE WHEN x.status <> 'ended' THEN x END) AS active
}}
SET up.rollup_partnerships = n, up.rollup_active_partnerships = active
"""

RESOURCES = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:SERVES]-(r:Resource)
  RETURN count(DISTINCT r) AS n
}}
SET up.rollup_resources = n
"""

# A pool's contributions are summed once per pool in the area's subtree.
POOLS = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:SERVES]-(r:Resource {{kind: 'pooled_fund'}})
  WITH DISTINCT r
  OPTIONAL MATCH (r)<-[c:CONTRIBUTED]-(:Organization)
  RETURN count(DISTINCT r) AS pools, coalesce(sum(c.amount), 0) AS amount,
         count(c) AS contributions
}}
SET up.rollup_pools = pools, up.rollup_pooled_amount = amount,
    up.rollup_contributions = contributions
"""

MECHANISMS = f"""
MATCH (up:Area)
CALL (up) {{
  MATCH {below("(up)")}(:Area)<-[:OPERATES_IN]-(m:Mechanism)
  RETURN count(DISTINCT m) AS n
}}
SET up.rollup_mechanisms = n
"""

# What flowed into and out of each resource, kept on the resource so that the pools of a
# whole region are summed without walking every contribution again.
STORE_RESOURCE_FLOWS = """
MATCH (r:Resource)
CALL (r) {
  OPTIONAL MATCH (r)<-[c:CONTRIBUTED]-(:Organization)
  RETURN coalesce(sum(c.amount), 0) AS contributed, count(c) AS contributions
}
CALL (r) {
  OPTIONAL MATCH (r)-[al:ALLOCATED_TO]->()
  RETURN coalesce(sum(al.amount), 0) AS allocated, count(al) AS allocations
}
SET r.flow_contributed = contributed, r.flow_contributions = contributions,
    r.flow_allocated = allocated, r.flow_allocations = allocations
"""

REFRESH: tuple[tuple[str, str], ...] = (
    ("reset", RESET),
    ("organizations", ORGANIZATIONS),
    ("people", PEOPLE),
    ("partnerships", PARTNERSHIPS),
    ("resources", RESOURCES),
    ("pools", POOLS),
    ("mechanisms", MECHANISMS),
    ("resource flows", STORE_RESOURCE_FLOWS),
)

# The same counts for some areas only (``$areas``: the areas a write touched and every area
# above them) and the flows of some resources only (``$resources``): what a single write
# refreshes, in its own transaction, instead of recounting the country.
_EVERY_AREA = "MATCH (up:Area)\n"
_SOME_AREAS = "UNWIND $areas AS area_id\nMATCH (up:Area {id: area_id})\n"
_EVERY_RESOURCE = "MATCH (r:Resource)\n"
_SOME_RESOURCES = "UNWIND $resources AS resource_id\nMATCH (r:Resource {id: resource_id})\n"


def _scoped(statement: str) -> str:
    if statement.startswith(_EVERY_AREA, 1):
        return statement.replace(_EVERY_AREA, _SOME_AREAS, 1)
    if statement.startswith(_EVERY_RESOURCE, 1):
        return statement.replace(_EVERY_RESOURCE, _SOME_RESOURCES, 1)
    raise ValueError("a refresh statement starts with neither areas nor resources")


REFRESH_SOME: tuple[tuple[str, str], ...] = tuple(
    (name, _scoped(statement)) for name, statement in REFRESH if name != "reset"
)
