"""Areas: the way up to the country, what each subtree holds, and where coverage is missing.

Subtrees are walked from the root area inward (``<-[:PART_OF*0..8]-``) so both engines start
from the indexed id and expand, never the other way round.
"""

from __future__ import annotations

ANCESTORS = """
UNWIND $ids AS id
MATCH (a:Area {id: id})-[:PART_OF*1..8]->(up:Area)
RETURN id AS key, up {.*, search_text: null, search_words: null, content_hash: null} AS node
"""

# The live form of the materialized counts (graph.queries.rollup): used to check them, and
# what the API answered before they existed.
# Counts in each area's whole subtree. Organizations are counted where they are located,
# people where they work, partnerships where they work (COVERS), resources where they serve;
# the pooled amount is what was contributed to pooled funds serving the subtree.
ROLLUP_LIVE = """
UNWIND $ids AS id
MATCH (root:Area {id: id})
CALL (root) {
  MATCH (root)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN]-(o:Organization)
  RETURN count(DISTINCT o) AS organizations
}
CALL (root) {
  MATCH (root)<-[:PART_OF*0..8]-(:Area)<-[:WORKS_IN]-(p:Person)
  RETURN count(DISTINCT p) AS people
}
CALL (root) {
  MATCH (root)<-[:PART_OF*0..8]-(:Area)<-[:COVERS]-(x:Partnership)
  RETURN count(DISTINCT x) AS partnerships
}
CALL (root) {
  MATCH (root)<-[:PART_OF*0..8]-(:Area)<-[:SERVES]-(r:Resource)
  RETURN count(DISTINCT r) AS resources,
         collect(DISTINCT CASE WHEN r.kind = 'pooled_fund' THEN r END) AS pools
}
CALL (pools) {
  UNWIND pools AS pool
  MATCH (pool)<-[c:CONTRIBUTED]-(:Organization)
  RETURN sum(c.amount) AS pooled_amount, count(c) AS contributions
}
RETURN id AS key, organizations, people, partnerships, resources, size(pools) AS pools,
       pooled_amount, contributions
"""

# For each child of an area: what its subtree holds in partnerships, mechanisms and pools,
# so the dashboard can list the children where one of them is missing (live form).
COVERAGE_LIVE = """
UNWIND $ids AS id
MATCH (root:Area {id: id})<-[:PART_OF]-(child:Area)
CALL (child) {
  OPTIONAL MATCH (child)<-[:PART_OF*0..8]-(:Area)<-[:COVERS]-(x:Partnership)
  WHERE x.status <> 'ended'
  RETURN count(DISTINCT x) AS partnerships
}
CALL (child) {
  OPTIONAL MATCH (child)<-[:PART_OF*0..8]-(:Area)<-[:OPERATES_IN]-(m:Mechanism)
  RETURN count(DISTINCT m) AS mechanisms
}
CALL (child) {
  OPTIONAL MATCH (child)<-[:PART_OF*0..8]-(:Area)<-[:SERVES]-(r:Resource {kind: 'pooled_fund'})
  RETURN count(DISTINCT r) AS pools
}
RETURN id AS key, child {.*, search_text: null, search_words: null, content_hash: null} AS node, partnerships, mechanisms, pools
ORDER BY key, child.code
"""

# What an area inherits from above: partnerships, mechanisms and pools at its ancestors.
INHERITED = """
UNWIND $ids AS id
MATCH (a:Area {id: id})-[:PART_OF*1..8]->(up:Area)
CALL (up) {
  OPTIONAL MATCH (up)<-[:COVERS]-(x:Partnership) WHERE x.status <> 'ended'
  RETURN count(DISTINCT x) AS partnerships
}
CALL (up) {
  OPTIONAL MATCH (up)<-[:OPERATES_IN]-(m:Mechanism)
  RETURN count(DISTINCT m) AS mechanisms
}
CALL (up) {
  OPTIONAL MATCH (up)<-[:SERVES]-(r:Resource {kind: 'pooled_fund'})
  RETURN count(DISTINCT r) AS pools
}
RETURN id AS key, sum(partnerships) AS partnerships, sum(mechanisms) AS mechanisms,
       sum(pools) AS pools
"""
