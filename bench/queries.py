"""Cypher the benchmark runs of its own: choosing inputs, counting, wiping a Neo4j database."""

# The questions themselves are never written here: the benchmark replays exactly the
# statements the API's resolvers ran, as the server reports them.

from __future__ import annotations

# Every area with the province it lies in (null for the province groups, regions, country).
AREAS_WITH_PROVINCE = """
MATCH (a:Area)
OPTIONAL MATCH (a)-[:PART_OF*0..3]->(p:Area {level: 'province'})
RETURN a.id AS id, a.level AS level, a.name_th AS name_th, a.name_en AS name_en,
       p.id AS province
"""

# People working in each of the given areas, of one tier or (null) any.
PEOPLE_IN_AREAS = """
UNWIND $areas AS area
MATCH (:Area {id: area})<-[:WORKS_IN]-(p:Person)
WHERE $tier IS NULL OR p.tier = $tier
RETURN area, p.id AS id, p.name_th AS name_th, p.name_en AS name_en
"""

# Organizations located in each of the given areas, of one kind or (null) any.
ORGANIZATIONS_IN_AREAS = """
UNWIND $areas AS area
MATCH (:Area {id: area})<-[:LOCATED_IN]-(o:Organization)
WHERE $kind IS NULL OR o.kind = $kind
RETURN area, o.id AS id, o.name_th AS name_th, o.name_en AS name_en
"""

COUNT_NODES = """
MATCH (n)
RETURN count(n) AS count
"""

COUNT_RELATIONSHIPS = """
MATCH ()-[r]->()
RETURN count(r) AS count
"""

# Neo4j only: a fresh database for the run, in batches so no transaction grows too large.
WIPE_BATCH = """
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

NEO4J_VERSION = """
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
"""
