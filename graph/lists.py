"""Filtered, sorted lists with keyset pagination (the API's connections call these)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from graph.db import Graph
from graph.entities import build_node, require
from graph.errors import InvalidInput
from graph.queries.lists import LISTS
from graph.queries.relations import NO_PLAN, Plan

# A cursor this server writes is a few hundred characters at most (a name and an id).
MAX_CURSOR_LENGTH = 2_000
_FILTER_KEYS = ("levels", "kinds", "tiers", "statuses", "valid_on", "from", "to", "synthetic")


@dataclass(frozen=True)
class Page:
    nodes: list[Any]  # read models (graph.read)
    total: int | None  # None when not counted
    has_next: bool
    start_cursor: str | None
    end_cursor: str | None
    cursors: list[str]


def encode_cursor(sort_key: Any, node_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort_key, node_id]).encode()).decode()


_INT64 = range(-(2**63), 2**63)


def _sort_key_ok(key: Any) -> bool:
    """A sort key the engines can take as a parameter: what ``encode_cursor`` writes."""
    if isinstance(key, bool) or key is None or isinstance(key, str):
        return True
    if isinstance(key, int):
        return key in _INT64  # a larger integer cannot be sent over Bolt
    if isinstance(key, float):
        return math.isfinite(key)
    return False


def decode_cursor(cursor: str) -> tuple[Any, str]:
    """The sort key and id in a cursor; ``InvalidInput`` for anything ``encode_cursor`` could
    not have written (not base64 JSON, not a pair, a key the engines cannot compare)."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidInput(f"invalid cursor: longer than {MAX_CURSOR_LENGTH} characters")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        key, node_id = decoded
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidInput(f"invalid cursor {cursor!r}") from exc
    if not isinstance(node_id, str) or not _sort_key_ok(key):
        raise InvalidInput(f"invalid cursor {cursor!r}")
    return key, node_id


async def page(
    graph: Graph,
    label: str,
    *,
    first: int,
    after: str | None = None,
    within: str | None = None,
    sort: Literal["name", "id"] = "name",
    plan: Plan = NO_PLAN,
    count: bool = True,
    **filters: Any,
) -> Page:
    """One page of nodes of ``label``, each with the relations of ``plan``; with ``count``,
    how many match in all. ``within`` must name an area (``NotFound`` otherwise)."""
    unknown = set(filters) - set(_FILTER_KEYS)
    if unknown:
        raise InvalidInput(f"unknown filters: {sorted(unknown)}")
    spec = LISTS[(label, within is not None)]
    params: dict[str, Any] = {k: None for k in _FILTER_KEYS}
    for k, v in filters.items():
        params[k] = v.isoformat() if isinstance(v, dt.date) else v
    params.update(within=within, sort=sort, after_key=None, after_id=None)
    if after:
        params["after_key"], params["after_id"] = decode_cursor(after)
    rows = await graph.read(spec.page(plan), params, limit=first + 1)
    total = None
    if count:
        total_row = await graph.read_one(spec.count, params)
        total = int((total_row or {}).get("total", 0))
    if not rows and within is not None:
        await require(graph, ("Area", within))  # nothing inside it, or no such area?
    has_next = len(rows) > first
    rows = rows[:first]
    cursors = [encode_cursor(r["sort_key"], r["node"]["id"]) for r in rows]
    return Page(
        nodes=[build_node(label, r["node"]) for r in rows],
        total=total,
        has_next=has_next,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
        cursors=cursors,
    )
