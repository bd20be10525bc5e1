"""Nodes by id, with the relations a request asks for, built into read models once.

``nodes`` and ``any_nodes`` fetch nodes with a plan (``graph.queries.relations``) in one
round trip; ``related`` fetches one relation of many nodes at once, for the API's DataLoaders
when a relation was not fetched with its node. ``build_node`` is the one place rows become
read models; every other module that returns nodes passes its rows through it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph, Row
from graph.errors import NotFound
from graph.models.common import LEVEL_ORDER
from graph.queries import nodes as q
from graph.queries.projection import COUNTS_KEY, TIER_COUNTS_KEY
from graph.queries.relations import (
    COMPUTED,
    NO_PLAN,
    RELATIONS_KEY,
    Plan,
    Relation,
    nodes_statement,
    related_statement,
    relation,
)
from graph.read import NODE_MODELS, Counts, Flows, ReadModel
from graph.registry import NODE_LABELS, label_of

_LEVEL_RANK = {level.value: i for i, level in enumerate(LEVEL_ORDER)}


# --- rows into models ----------------------------------------------------------------------------


def build_node(label: str, row: Row) -> Any:
    """A read model from a node's row, with the relations the row carries."""
    rels = row.pop(RELATIONS_KEY, None)
    counts = row.pop(COUNTS_KEY, None)
    tiers = row.pop(TIER_COUNTS_KEY, None)
    node = NODE_MODELS[label].model_validate(row)
    if label == "Area":
        node.set_related("counts", Counts.from_row(counts))
        node.set_related("tier_counts", {k: v for k, v in (tiers or {}).items() if v is not None})
    if rels:
        for name, value in rels.items():
            node.set_related(name, build_relation(label, name, node, value))
    return node


def own_fields(label: str, row: Row) -> Row:
    """The part of a row projected for nodes of any label (``any_node_map``) that belongs to
    ``label``."""
    keep = set(NODE_MODELS[label].model_fields)
    if label == "Area":
        keep |= {COUNTS_KEY, TIER_COUNTS_KEY}
    return {k: v for k, v in row.items() if k in keep}


def build_relation(source: str, name: str, parent: ReadModel, value: Any) -> Any:
    if (source, name) in COMPUTED:
        return Flows.from_row(value)
    rel = relation(source, name)
    items = [_item(rel, parent, item) for item in value or ()]
    items.sort(key=_order_key(rel))
    if not rel.many:
        return items[0] if items else None
    return items


def _item(rel: Relation, parent: ReadModel, item: Row) -> Any:
    node = build_node(item["label"], item["node"])
    if rel.edge is None:
        return node
    edge = rel.edge.model_validate(item["edge"])
    here, there = rel.ends
    edge.set_related(here, parent)
    edge.set_related(there, node)
    edge.set_related("label", item["label"])
    return edge


def _order_key(rel: Relation) -> Any:
    there = rel.ends[1]

    def other(item: Any) -> Any:
        return item.get_related(there) if rel.edge is not None else item

    if rel.order == "code":
        return lambda item: (other(item).code, other(item).id)
    if rel.order == "nearest_first":
        return lambda item: -_LEVEL_RANK[other(item).level.value]
    if rel.order == "latest_first":
        return lambda item: (-other(item).on.toordinal(), other(item).id)
    return lambda item: other(item).id


# --- fetching ------------------------------------------------------------------------------------


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


async def nodes(graph: Graph, label: str, ids: Sequence[str], plan: Plan = NO_PLAN) -> dict:
    """Nodes of ``label`` by id, each with the relations of ``plan``; unknown ids are absent."""
    if not ids:
        return {}
    statement = q.NODES_BY_ID[label] if not plan else nodes_statement(label, plan)
    rows = await graph.read(statement, ids=_unique(ids))
    return {r["key"]: build_node(label, r["node"]) for r in rows}


async def any_nodes(
    graph: Graph, ids: Sequence[str], plans: Mapping[str, Plan] | None = None
) -> dict[str, Any]:
    """Nodes of any label by id, in one round trip; the label comes from the id's prefix.
    ``plans`` gives each label's plan. Unknown ids are absent."""
    by_id = {i: label for i in ids if (label := label_of(i)) in NODE_LABELS}
    wanted = list(by_id)
    labels = tuple(sorted(set(by_id.values())))
    if not labels:
        return {}
    statement = q.any_nodes_statement(tuple((lb, (plans or {}).get(lb, NO_PLAN)) for lb in labels))
    rows = await graph.read(statement, ids=wanted)
    return {r["key"]: build_node(r["label"], r["node"]) for r in rows}


async def related(
    graph: Graph, source: str, name: str, parents: Sequence[ReadModel], plan: Plan = NO_PLAN
) -> dict[str, Any]:
    """One relation of many nodes of ``source``, in one round trip, each related node with
    ``plan``. The result is also kept on each parent (``get_related``)."""
    by_id = {p.id: p for p in parents}  # type: ignore[attr-defined]
    if not by_id:
        return {}
    rows = await graph.read(related_statement(source, name, plan), ids=list(by_id))
    out: dict[str, Any] = {}
    for r in rows:
        parent = by_id[r["key"]]
        value = build_relation(source, name, parent, r["value"])
        parent.set_related(name, value)
        out[r["key"]] = value
    return out


@dataclass(frozen=True)
class RelationOf:
    """One relation of nodes of a label, as a function: ``await organizations.members(graph,
    orgs, plan)`` gives each organization's memberships (with the people at their other end
    fetched with ``plan``), in one round trip."""

    source: str
    name: str

    def __post_init__(self) -> None:
        if (self.source, self.name) not in COMPUTED:
            relation(self.source, self.name)  # refuses a relation nobody declared

    async def __call__(
        self, graph: Graph, parents: Sequence[ReadModel], plan: Plan = NO_PLAN
    ) -> dict[str, Any]:
        return await related(graph, self.source, self.name, parents, plan)


async def missing(graph: Graph, ids: Mapping[str, str]) -> list[tuple[str, str]]:
    """Which of the given ids (id -> the label it must have) the graph does not hold, in one
    round trip: (label, id) of each, in the order given."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id, label in ids.items():
        if label_of(node_id) == label:
            by_label[label].append(node_id)
    found: set[str] = set()
    if by_label:
        statement = q.any_existing_statement(tuple(sorted(by_label)))
        found = {r["id"] for r in await graph.read(statement, ids=_unique(ids))}
    return [(label, node_id) for node_id, label in ids.items() if node_id not in found]


async def require(graph: Graph, *wanted: tuple[str, str | None]) -> None:
    """The one rule for arguments that name a node: each given ``(label, id)`` must name a node
    of that label, else ``NotFound`` for the first that does not; a ``None`` id is skipped.
    One round trip for all of them."""
    given = {node_id: label for label, node_id in wanted if node_id is not None}
    gone = await missing(graph, given)
    if gone:
        label, node_id = gone[0]
        raise NotFound(label, node_id)
