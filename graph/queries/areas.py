"""Areas: what a subtree holds (rollup), and where coverage is missing.

Every statement that keeps what lies in an area's subtree uses ``below``: subtrees are walked
from the root area inward (``<-[:PART_OF*0..8]-``) so both engines start from the indexed id
and expand, never the other way round.
"""

from __future__ import annotations

from functools import lru_cache

from graph.queries.relations import NO_PLAN, Plan, check_plan, projection

# The area tree is at most six levels deep (country to community); eight leaves room.
SUBTREE_STEPS = "*0..8"


def below(root: str) -> str:
    """The pattern from ``root`` down to any area of its subtree, ``root`` included:
    ``below("(w:Area {id: $within})") + "(a:Area)"``."""
    return f"{root}<-[:PART_OF{SUBTREE_STEPS}]-"


# The live count of what each area's subtree holds: the check of the materialized counts
# (graph.queries.rollup), and the answer for an area not counted yet. Organizations are
# counted where they are located, people where they work, partnerships where they work
# (COVERS), resources where they serve; the pooled amount is what was contributed to pooled
# funds serving the subtree.
ROLLUP_LIVE = f"""
UNWIND $ids AS id
MATCH (root:Area {{id: id}})
CALL (root) {{
  MATCH {below("(root)")}(:Area)<-[:LOCATED_IN]-(o:Organization)
  RETURN count(DISTINCT o) AS organizations
}}
CALL (root) {{
  MATCH {below("(root)")}(:Area)<-[:WORKS_IN]-(p:Person)
  RETURN count(DISTINCT p) AS people
}}
CALL (root) {{
  MATCH {below("(root)")}(:Area)<-[:COVERS]-(x:Partnership)
  RETURN count(DISTINCT x) AS partnerships
}}
CALL (root) {{
  MATCH {below("(root)")}(:Area)<-[:SERVES]-(r:Resource)
  RETURN count(DISTINCT r) AS resources,
         collect(DISTINCT CASE WHEN r.kind = 'pooled_fund' THEN r END) AS pools
}}
CALL (pools) {{
  UNWIND pools AS pool
  MATCH (pool)<-[c:CONTRIBUTED]-(:Organization)
  RETURN sum(c.amount) AS pooled_amount, count(c) AS contributions
}}
RETURN id AS key, organizations, people, partnerships, resources, size(pools) AS pools,
       coalesce(pooled_amount, 0.0) AS pooled_amount, contributions
"""

# What each child's subtree holds in active partnerships, mechanisms and pools, counted now: the
# check of the materialized counts the coverage question reads.
CHILD_COVERAGE_LIVE = f"""
UNWIND $ids AS id
MATCH (root:Area {{id: id}})<-[:PART_OF]-(child:Area)
CALL (child) {{
  OPTIONAL MATCH {below("(child)")}(:Area)<-[:COVERS]-(x:Partnership)
  WHERE x.status <> 'ended'
  RETURN count(DISTINCT x) AS partnerships
}}
CALL (child) {{
  OPTIONAL MATCH {below("(child)")}(:Area)<-[:OPERATES_IN]-(m:Mechanism)
  RETURN count(DISTINCT m) AS mechanisms
}}
CALL (child) {{
  OPTIONAL MATCH {below("(child)")}(:Area)<-[:SERVES]-(r:Resource {{kind: 'pooled_fund'}})
  RETURN count(DISTINCT r) AS pools
}}
RETURN id AS key, child.id AS child_id, child.code AS code, partnerships, mechanisms, pools
ORDER BY key, code
"""


@lru_cache(maxsize=128)
def coverage_statement(area_plan: Plan = NO_PLAN, child_plan: Plan = NO_PLAN) -> str:
    """For each area (``$ids``): the area, each child with what its subtree holds (the
    materialized counts), and what the area inherits from the areas above it: partnerships,
    mechanisms and pools at its ancestors. One round trip."""
    check_plan("Area", area_plan)
    check_plan("Area", child_plan)
    return f"""
UNWIND $ids AS id
MATCH (a:Area {{id: id}})
CALL (a) {{
  MATCH (a)<-[:PART_OF]-(child:Area)
  RETURN collect({{node: {projection("Area", "child", child_plan, 1)},
                  partnerships: child.rollup_active_partnerships,
                  mechanisms: child.rollup_mechanisms, pools: child.rollup_pools}}) AS children
}}
CALL (a) {{
  MATCH (a)-[:PART_OF*1..8]->(up:Area)
  RETURN sum(size([(up)<-[:COVERS]-(x:Partnership) WHERE x.status <> 'ended' | 1])) AS partnerships,
         sum(size([(up)<-[:OPERATES_IN]-(:Mechanism) | 1])) AS mechanisms,
         sum(size([(up)<-[:SERVES]-(r:Resource) WHERE r.kind = 'pooled_fund' | 1])) AS pools
}}
RETURN id AS key, {projection("Area", "a", area_plan)} AS area, children,
       partnerships, mechanisms, pools
"""
