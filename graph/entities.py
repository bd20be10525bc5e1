"""Nodes by id and their one-step relations, batched: what the API's DataLoaders call."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph
from graph.models.dataset import label_of
from graph.queries import entities as q

Row = dict[str, Any]


@dataclass(frozen=True)
class Related:
    """A node one relationship away, with that relationship's properties."""

    label: str
    node: Row
    rel: Row


async def nodes_by_id(graph: Graph, label: str, ids: Sequence[str]) -> dict[str, Row]:
    rows = await graph.read(q.NODES_BY_ID[label], ids=list(dict.fromkeys(ids)))
    return {r["key"]: r["node"] for r in rows}


async def nodes_any(graph: Graph, ids: Sequence[str]) -> dict[str, tuple[str, Row]]:
    """Nodes of any label, by id; the label comes from the id's prefix."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        label = label_of(i)
        if label in q.NODES_BY_ID:
            by_label[label].append(i)
    labels = list(by_label)
    results = await asyncio.gather(*(nodes_by_id(graph, lb, by_label[lb]) for lb in labels))
    return {
        key: (lb, node)
        for lb, rows in zip(labels, results, strict=True)
        for key, node in rows.items()
    }


async def areas_by_code(graph: Graph, codes: Sequence[str]) -> dict[str, Row]:
    rows = await graph.read(q.AREAS_BY_CODE, codes=list(dict.fromkeys(codes)))
    return {r["key"]: r["node"] for r in rows}


async def related(
    graph: Graph, relation: q.Relation, ids: Sequence[str]
) -> dict[str, list[Related]]:
    rows = await graph.read(relation.statement, ids=list(dict.fromkeys(ids)))
    out: dict[str, list[Related]] = {i: [] for i in ids}
    for r in rows:
        out[r["key"]].append(Related(r["label"], r["node"], r["rel"] or {}))
    return out
