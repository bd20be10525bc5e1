"""What an operator asks of the graph as a whole: counts, health, the read-only console."""

from __future__ import annotations

PING = "RETURN 1 AS ok"

COUNT_NODES_BY_LABEL = """
MATCH (n:Source) RETURN 'Source' AS label, count(n) AS count
UNION ALL MATCH (n:Area) RETURN 'Area' AS label, count(n) AS count
UNION ALL MATCH (n:Organization) RETURN 'Organization' AS label, count(n) AS count
UNION ALL MATCH (n:Person) RETURN 'Person' AS label, count(n) AS count
UNION ALL MATCH (n:Partnership) RETURN 'Partnership' AS label, count(n) AS count
UNION ALL MATCH (n:Resource) RETURN 'Resource' AS label, count(n) AS count
UNION ALL MATCH (n:Plan) RETURN 'Plan' AS label, count(n) AS count
UNION ALL MATCH (n:Goal) RETURN 'Goal' AS label, count(n) AS count
UNION ALL MATCH (n:Mechanism) RETURN 'Mechanism' AS label, count(n) AS count
UNION ALL MATCH (n:Event) RETURN 'Event' AS label, count(n) AS count
UNION ALL MATCH (n:Migration) RETURN 'Migration' AS label, count(n) AS count
"""

COUNT_AREAS_BY_LEVEL = """
MATCH (a:Area)
RETURN a.level AS level, count(a) AS count
ORDER BY count
"""

COUNT_RELATIONSHIPS = """
MATCH ()-[r]->()
RETURN count(r) AS count
"""

COUNT_SYNTHETIC = """
MATCH (n:Organization) WHERE n.synthetic = true RETURN 'Organization' AS label, count(n) AS count
UNION ALL MATCH (n:Person) WHERE n.synthetic = true RETURN 'Person' AS label, count(n) AS count
"""
