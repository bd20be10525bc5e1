"""Lists as Relay-style connections: filtered, sorted, keyset-paginated, nodes fetched with what
the request asks of them."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from graph import lists
from graph.queries.relations import merge_plans
from schema.base import Connection, Edge, PageInfo
from schema.context import ctx
from schema.prefetch import plan_of, selects


@strawberry.enum(description="Order of a list.")
class Sort(Enum):
    name = "name"
    id = "id"


def _value(v: Any) -> Any:
    if isinstance(v, list):
        return [i.value if isinstance(i, Enum) else i for i in v] or None
    return v.value if isinstance(v, Enum) else v


async def page(
    info: Info, label: str, first: int, after: str | None, **filters: Any
) -> Connection[Any]:
    """One page of ``label``: ``first`` nodes after the cursor ``after``, filtered."""
    size = ctx(info).page_size(first)
    plan = merge_plans(plan_of(info, "nodes"), plan_of(info, "edges.node"))
    args = {k: _value(v) for k, v in filters.items()}
    sort = args.pop("sort", "name")
    result = await lists.page(
        ctx(info).graph,
        label,
        first=size,
        after=after,
        sort=sort,
        plan=plan,
        count=selects(info, "totalCount"),
        **args,
    )
    return Connection(
        total_count=result.total,  # type: ignore[arg-type]  # counted whenever it is asked for
        page_info=PageInfo(
            has_next_page=result.has_next,
            has_previous_page=after is not None,
            start_cursor=result.start_cursor,
            end_cursor=result.end_cursor,
        ),
        edges=[Edge(cursor=c, node=n) for c, n in zip(result.cursors, result.nodes, strict=True)],
    )
