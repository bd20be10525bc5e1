"""What an operator asks of the graph as a whole: counts and health (the counts per label are
generated from the registry: ``graph.queries.nodes.COUNT_NODES_BY_LABEL``)."""

from __future__ import annotations

PING = "RETURN 1 AS ok"

COUNT_AREAS_BY_LEVEL = """
MATCH (a:Area)
RETURN a.level AS level, count(a) AS count
ORDER BY count
"""

COUNT_RELATIONSHIPS = """
MATCH ()-[r]->()
RETURN count(r) AS count
"""
