"""Shared resources: the pools serving an area's subtree, rolled up per level."""

from __future__ import annotations

from functools import lru_cache

from graph.queries.areas import below
from graph.queries.relations import NO_PLAN, Plan, check_plan, projection


@lru_cache(maxsize=128)
def pools_statement(within_plan: Plan = NO_PLAN, pool_plan: Plan = NO_PLAN) -> str:
    """The area ``$within``; per level, the pooled funds serving its subtree with what was
    contributed to and allocated from them (the totals each resource keeps since the last
    refresh); and the first ``$limit`` of those pools (of ``$levels`` when given), each with
    ``pool_plan``. One round trip; no row when the area does not exist."""
    check_plan("Area", within_plan)
    check_plan("Resource", pool_plan)
    return f"""
MATCH (w:Area {{id: $within}})
CALL (w) {{
  MATCH {below("(w)")}(:Area)<-[:SERVES]-(r:Resource)
  WHERE r.kind = 'pooled_fund'
  WITH DISTINCT r
  WITH r.level AS level, count(r) AS pools, sum(r.flow_contributed) AS contributed,
       sum(r.flow_contributions) AS contributions, sum(r.flow_allocated) AS allocated,
       sum(r.flow_allocations) AS allocations
  RETURN collect({{level: level, pools: pools, contributed: contributed,
                  contributions: contributions, allocated: allocated,
                  allocations: allocations}}) AS by_level
}}
CALL (w) {{
  MATCH {below("(w)")}(:Area)<-[:SERVES]-(r:Resource)
  WHERE r.kind = 'pooled_fund' AND ($levels IS NULL OR r.level IN $levels)
  WITH DISTINCT r
  ORDER BY r.level, r.name_th, r.id
  LIMIT $limit
  RETURN collect({projection("Resource", "r", pool_plan, 1)}) AS pools
}}
RETURN {projection("Area", "w", within_plan)} AS within, by_level, pools
"""
