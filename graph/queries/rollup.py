"""Materialized subtree counts on every Area, refreshed after each load.

Dashboards ask for rollups of whole regions and of the country; counting a subtree of a
million nodes on every request cannot be fast, so each area keeps its subtree's counts in
``rollup_*`` properties, counted exactly as the live queries in ``graph.queries.areas`` count
them: an entity linked to several areas of one subtree is counted once there.
"""

from __future__ import annotations

from graph.queries.areas import SUBTREE_STEPS, below

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


# --- one write's share ------------------------------------------------------------------------
#
# A write changes few entities; recounting the subtrees above them (the country's is the whole
# graph) would cost a full count per write. Instead each counted entity's *share* of the
# rollups is read before and after the write: the areas its subtree membership reaches (its
# areas and every area above them) and what it adds there (1 organization; 1 person and 1 of
# its tier; 1 partnership, 1 active; 1 resource and, for a pooled fund, 1 pool, its
# contributions and their amount). The difference is added to those areas. Counted DISTINCT per
# area, as the full counts are: an entity reaching an area by two paths adds once.

UP = f"-[:PART_OF{SUBTREE_STEPS}]->(up:Area)"

SHARES: dict[str, str] = {
    "Organization": f"""
UNWIND $ids AS xid
MATCH (x:Organization {{id: xid}})
OPTIONAL MATCH (x)-[:LOCATED_IN]->(:Area){UP}
RETURN xid AS id, collect(DISTINCT up.id) AS areas, {{organizations: 1}} AS share
""",
    "Person": f"""
UNWIND $ids AS xid
MATCH (x:Person {{id: xid}})
OPTIONAL MATCH (x)-[:WORKS_IN]->(:Area){UP}
RETURN xid AS id, collect(DISTINCT up.id) AS areas, {{people: 1, tier: x.tier}} AS share
""",
    "Partnership": f"""
UNWIND $ids AS xid
MATCH (x:Partnership {{id: xid}})
OPTIONAL MATCH (x)-[:COVERS]->(:Area){UP}
RETURN xid AS id, collect(DISTINCT up.id) AS areas,
       {{partnerships: 1, active_partnerships: CASE WHEN x.status <> 'ended' THEN 1 ELSE 0 END}}
         AS share
""",
    "Resource": f"""
UNWIND $ids AS xid
MATCH (x:Resource {{id: xid}})
CALL (x) {{
  OPTIONAL MATCH (x)<-[c:CONTRIBUTED]-(:Organization)
  RETURN coalesce(sum(c.amount), 0) AS amount, count(c) AS contributions
}}
OPTIONAL MATCH (x)-[:SERVES]->(:Area){UP}
RETURN xid AS id, collect(DISTINCT up.id) AS areas,
       CASE WHEN x.kind = 'pooled_fund'
            THEN {{resources: 1, pools: 1, pooled_amount: amount, contributions: contributions}}
            ELSE {{resources: 1}} END AS share
""",
    "Mechanism": f"""
UNWIND $ids AS xid
MATCH (x:Mechanism {{id: xid}})
OPTIONAL MATCH (x)-[:OPERATES_IN]->(:Area){UP}
RETURN xid AS id, collect(DISTINCT up.id) AS areas, {{mechanisms: 1}} AS share
""",
}

# The pools an organization contributes to: their amounts change when it goes.
CONTRIBUTED_TO = """
MATCH (:Organization {id: $id})-[:CONTRIBUTED]->(r:Resource)
RETURN DISTINCT r.id AS id
"""

ROLLUP_FIELDS = (
    "organizations", "people", "partnerships", "active_partnerships", "resources", "pools",
    "pooled_amount", "contributions", "mechanisms", "tier_core_leader",
    "tier_second_tier_leader", "tier_member", "tier_staff", "tier_partner", "tier_official",
)  # fmt: skip

# ``$deltas``: one map per area, with every field of ROLLUP_FIELDS and ``area``.
ADD_TO_ROLLUPS = (
    "UNWIND $deltas AS d\nMATCH (a:Area {id: d.area})\nSET "
    + ",\n    ".join(f"a.rollup_{f} = coalesce(a.rollup_{f}, 0) + d.{f}" for f in ROLLUP_FIELDS)
    + "\n"
)

# The stored counts of some areas (to check them against a recount).
STORED_ROLLUPS = (
    "UNWIND $areas AS area_id\nMATCH (a:Area {id: area_id})\nRETURN a.id AS id, "
    + ", ".join(f"a.rollup_{f} AS {f}" for f in ROLLUP_FIELDS)
)


# --- which load the rollups were counted for ------------------------------------------------------
#
# A load (graph.load.load_dataset in its own transactions) records a new id in the load marker;
# a full recount records, in its own transaction, the id it counted for in the rollups marker.
# Writes through the API keep the rollups current by shares in their own transaction and leave
# both markers as they are. Markers that differ mean a load ran without its recount (a crash,
# a kill, an interrupted seed): the rollups are stale.

MARK_LOAD = """
MERGE (m:Meta {key: 'load'})
SET m.load_id = $load_id, m.origin = $origin, m.at = $at
"""

MARK_ROLLUPS = """
MERGE (l:Meta {key: 'load'})
ON CREATE SET l.load_id = $load_id, l.origin = 'before load markers', l.at = $at
WITH l
MERGE (r:Meta {key: 'rollups'})
SET r.load_id = l.load_id, r.at = $at
"""

MARKERS = """
MATCH (m:Meta)
WHERE m.key IN ['load', 'rollups']
RETURN m.key AS key, m.load_id AS load_id, m.at AS at
"""

ANY_AREA = """
MATCH (a:Area)
RETURN a.id AS id
LIMIT 1
"""
