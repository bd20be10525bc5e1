"""Derived data is never trusted blindly: the rollups carry the id of the load they were
counted for, and a start-up finds out whether they still match the last load."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Literal

from graph.db import Graph, Tx
from graph.queries import rollup as rq

log = logging.getLogger(__name__)

State = Literal["current", "stale", "empty"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


async def mark_load(tx: Tx, origin: str) -> str:
    """Record a new load in ``tx``: the rollups are stale until they are counted for it."""
    load_id = uuid.uuid4().hex
    await tx.run(rq.MARK_LOAD, load_id=load_id, origin=origin, at=_now())
    return load_id


async def mark_rollups(tx: Tx) -> None:
    """In the recount's own transaction: the rollups are now those of the last load."""
    await tx.run(rq.MARK_ROLLUPS, load_id=uuid.uuid4().hex, at=_now())


@dataclass(frozen=True)
class RollupState:
    state: State
    load_id: str | None
    counted_for: str | None

    def describe(self) -> str:
        if self.state == "stale":
            if self.counted_for is None:
                return "the rollups were never counted for the data loaded (no marker)"
            return (
                f"the rollups were counted for load {self.counted_for[:8]}, "
                f"not for the last load {(self.load_id or '?')[:8]}"
            )
        return f"rollups {self.state}"


async def rollup_state(graph: Graph) -> RollupState:
    rows = {r["key"]: r for r in await graph.read(rq.MARKERS)}
    load = (rows.get("load") or {}).get("load_id")
    counted = (rows.get("rollups") or {}).get("load_id")
    if counted is not None and counted == load:
        return RollupState("current", load, counted)
    if not await graph.read(rq.ANY_AREA):
        return RollupState("empty", load, counted)
    return RollupState("stale", load, counted)
