"""The probe behind stalls.md: the same statements back to back on the embedded engine, timing
each call, with full Python collections over 5 ms counted beside them.

    KB_DATA_DIR=<a kept benchmark data directory> python bench/results/profiles/stall_probe.py
    ... --freeze   # the same after gc.freeze(), as graph.memory.settle() does
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from typing import Any

from graph import search as s
from graph.queries import search as q
from graph.runtime import open_runtime
from graph.settings import Settings

FULLTEXT_ONLY = "CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node RETURN node.id AS id"
CALLS = 1500
collections: list[tuple[int, float]] = []
_started: list[float] = [0.0]


def _watch(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
    elif (ms := (time.perf_counter() - _started[0]) * 1000) > 5:
        collections.append((info["generation"], round(ms, 1)))


async def main(freeze: bool) -> None:
    gc.callbacks.append(_watch)
    async with open_runtime(Settings()) as rt:
        graph = rt.graph
        if freeze:
            from graph.memory import settle

            settle()
        for text, label, statement in [
            ("วังม่วง", "Area", q.SEARCH_CANDIDATES["Area"]),
            ("วังม่วง", "Area", FULLTEXT_ONLY),
            ("wang", "Person", q.SEARCH_CANDIDATES["Person"]),
        ]:
            query = s._Query.parse(text)
            assert query is not None
            params = {
                "index": graph.dialect.fulltext_index_name(label),
                "lucene": query.lucene,
                "token": f" {query.token} ",
                "cap": 200,
            }
            times = []
            for _ in range(CALLS):
                t = time.perf_counter()
                await graph.read(statement, params)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            slow = sum(ms > 40 for ms in times)
            p50, p99 = times[CALLS // 2], times[int(CALLS * 0.99)]
            print(f"{label} {text} p50 {p50:.2f} p99 {p99:.2f} max {times[-1]:.1f} slow {slow}")
    print(f"full collections over 5 ms: {len(collections)}: {collections[:15]}")


if __name__ == "__main__":
    asyncio.run(main("--freeze" in sys.argv))
