"""Search latency on a graph as it stands (the national network at some scale): issue 14's
"p95 ≤ 100 ms at national scale 1 on both engines".

    kb bench search-scale --data-dir bench/work/... [--engine embedded|neo4j] [--per-kind 100]

Names are sampled (fixed seed) from the graph itself, per label: typed as they are stored, in
Thai and in Latin letters (the English or romanized name), and with a typo (a character
dropped, swapped or doubled, as in the evaluation set); then texts that match nothing. Each is
searched once through ``graph.search`` in this process, as `kb bench search` does; the figures
are latency, the share of texts that found nothing, and how often the sampled node came in the
first five (names repeat in a generated network, so the first place may rightly be another
node of the same name).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from bench.search_eval import _pct, _typos
from bench.search_report import NOTHING, warm_up
from graph.db import Graph
from graph.registry import SEARCH_LABELS as LABELS

SEED = 14
_NAMES = {
    label: f"""
MATCH (n:{label}) WHERE n.name_th IS NOT NULL
RETURN n.id AS id, n.name_th AS th, coalesce(n.name_en, n.name_latn) AS latin"""
    for label in LABELS
}


@dataclass(frozen=True)
class Kind:
    name: str  # e.g. "Person, Thai typo"
    n: int
    p50_ms: float
    p95_ms: float
    zero: float  # share of texts that found nothing
    top5: float  # share of texts whose sampled node came in the first five
    # ... or a node of the same Thai name (a generated network repeats people's names: one of
    # 831,354 people is rarely the first of the dozens who share a name)
    same_name: float


async def sample(graph: Graph, per_kind: int, seed: int = SEED) -> dict[str, list[tuple[str, str]]]:
    """(text, expected id) per kind of text."""
    rng = random.Random(seed)
    kinds: dict[str, list[tuple[str, str]]] = {}
    for label in LABELS:
        rows = await graph.read(_NAMES[label])
        rows.sort(key=lambda r: str(r["id"]))
        picked = rng.sample(rows, min(per_kind, len(rows)))
        kinds[f"{label}, Thai"] = [(r["th"], r["id"]) for r in picked]
        kinds[f"{label}, Latin"] = [(r["latin"], r["id"]) for r in picked if r["latin"]]
        for script, key in (("Thai", "th"), ("Latin", "latin")):
            typos = []
            for r in picked:
                made = _typos(r[key], rng) if r[key] else []
                if made:
                    typos.append((rng.choice(made)[1], r["id"]))
            kinds[f"{label}, {script} typo"] = typos
    kinds["nothing matches"] = [(t, "") for t in NOTHING * (1 + per_kind // len(NOTHING))][
        :per_kind
    ]
    return kinds


async def measure(graph: Graph, kinds: dict[str, list[tuple[str, str]]]) -> list[Kind]:
    from graph.search import search

    names = await _names(graph, kinds)
    await warm_up(graph)
    out = []
    for name, cases in kinds.items():
        times, zero, top5, same = [], 0, 0, 0
        for text, expected in cases:
            start = time.perf_counter()
            hits = await search(graph, text, limit=10)
            times.append((time.perf_counter() - start) * 1000)
            zero += not hits
            top5 += any(h.id == expected for h in hits[:5])
            same += any(
                h.id == expected or (expected in names and h.row.get("name_th") == names[expected])
                for h in hits[:5]
            )
        n = len(cases)
        if n:
            out.append(
                Kind(name, n, _pct(times, 50), _pct(times, 95), zero / n, top5 / n, same / n)
            )
    return out


async def _names(graph: Graph, kinds: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """The Thai name of each sampled node, by id (read before any search is timed)."""
    names: dict[str, str] = {}
    for label in LABELS:
        ids = sorted({i for k, cases in kinds.items() if k.startswith(label) for _, i in cases})
        rows = await graph.read(
            f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id, n.name_th AS th",
            {"ids": ids},
        )
        names.update({str(r["id"]): str(r["th"]) for r in rows if r["th"]})
    return names


def markdown(engine: str, counts: dict[str, Any], kinds: list[Kind], context: str) -> str:
    lines = [
        f"# Search latency on the national network, {engine}",
        "",
        context,
        "",
        "Graph: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".",
        "",
        "Texts sampled from the graph's own names (seed 14), searched once each through "
        "`graph.search` in process (`bench/search_scale.py`). *top 5*: the sampled node among "
        "the first five (a generated network repeats names, so another node of the same name "
        "may rightly come first; texts that match nothing have no node to find); *its name in "
        "top 5*: the sampled node or another of the same Thai name among the first five.",
        "",
        "| texts | n | p50 ms | p95 ms | found nothing | sampled node in top 5 "
        "| its name in top 5 |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for k in kinds:
        none = k.name == "nothing matches"
        top5 = "–" if none else f"{k.top5:.2f}"
        same = "–" if none else f"{k.same_name:.2f}"
        lines.append(
            f"| {k.name} | {k.n} | {k.p50_ms:.1f} | {k.p95_ms:.1f} | {k.zero:.2f} | {top5} "
            f"| {same} |"
        )
    every = sorted(k.p95_ms for k in kinds)
    lines += ["", f"Highest p95 of any kind of text: {every[-1]:.1f} ms (target ≤ 100 ms)."]
    return "\n".join(lines) + "\n"
