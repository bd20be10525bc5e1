"""Test helpers that read the whole graph: used to prove that something changed nothing."""

from __future__ import annotations

import hashlib
import json

from graph.db import Graph

NODE_STATE = """
MATCH (n)
RETURN n.id AS id, n.content_hash AS hash
ORDER BY id
"""

REL_STATE = """
MATCH (a)-[r]->(b)
RETURN a.id AS a, type(r) AS t, b.id AS b, r.key AS key, r.source_ids AS src
ORDER BY a, t, b, key
"""


async def fingerprint(graph: Graph) -> tuple[int, int, str]:
    """(nodes, relationships, digest of every node's content and every relationship)."""
    nodes = await graph.read(NODE_STATE)
    rels = await graph.read(REL_STATE)
    digest = hashlib.sha256(
        json.dumps([nodes, rels], sort_keys=True, default=str).encode()
    ).hexdigest()
    return len(nodes), len(rels), digest
