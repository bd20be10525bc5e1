"""Shared resources: pools, what flows in and out of them, rolled up across levels."""

from __future__ import annotations

# For each resource: its own contributions and allocations, and the contributions of every
# pool that feeds it, however many levels below (POOLED_INTO*1..).
RESOURCE_FLOWS = """
UNWIND $ids AS id
MATCH (r:Resource {id: id})
CALL (r) {
  OPTIONAL MATCH (r)<-[c:CONTRIBUTED]-(:Organization)
  RETURN coalesce(sum(c.amount), 0) AS contributed, count(c) AS contributions
}
CALL (r) {
  OPTIONAL MATCH (r)-[al:ALLOCATED_TO]->()
  RETURN coalesce(sum(al.amount), 0) AS allocated, count(al) AS allocations
}
CALL (r) {
  OPTIONAL MATCH (r)<-[:POOLED_INTO*1..6]-(f:Resource)
  WITH collect(DISTINCT f) AS feeders
  CALL (feeders) {
    UNWIND feeders AS f
    MATCH (f)<-[c:CONTRIBUTED]-(:Organization)
    RETURN coalesce(sum(c.amount), 0) AS feeders_contributed
  }
  CALL (feeders) {
    UNWIND feeders AS f
    MATCH (f)-[al:ALLOCATED_TO]->()
    RETURN coalesce(sum(al.amount), 0) AS feeders_allocated
  }
  RETURN size(feeders) AS feeder_count, feeders_contributed, feeders_allocated
}
RETURN id AS key, contributed, contributions, allocated, allocations, feeder_count,
       feeders_contributed, feeders_allocated
"""

# Pools serving an area's subtree, per level, with what was contributed to and allocated from
# them (the totals each resource keeps since the last load): the dashboard's view of pool flows.
POOLS_BY_LEVEL = """
MATCH (:Area {id: $within})<-[:PART_OF*0..8]-(:Area)<-[:SERVES]-(r:Resource)
WHERE r.kind = 'pooled_fund'
WITH DISTINCT r
RETURN r.level AS level, count(r) AS pools, sum(r.flow_contributed) AS contributed,
       sum(r.flow_contributions) AS contributions, sum(r.flow_allocated) AS allocated,
       sum(r.flow_allocations) AS allocations
"""

POOLS_PAGE = """
MATCH (:Area {id: $within})<-[:PART_OF*0..8]-(:Area)<-[:SERVES]-(r:Resource)
WHERE r.kind = 'pooled_fund' AND ($levels IS NULL OR r.level IN $levels)
WITH DISTINCT r
RETURN r {.*, search_text: null, search_words: null, content_hash: null} AS node
ORDER BY r.level, r.name_th, r.id
LIMIT $limit
"""
