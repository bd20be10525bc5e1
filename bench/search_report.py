"""`kb bench search`: seed a fresh graph (real data and the demo network, as `make run` does),
run the evaluation set through ``graph.search`` and through the fuzzy baseline, print the
figures side by side and write them to ``bench/results/search-<engine>.{json,md}``."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import search_eval as ev
from graph.db import Graph

ORDER = (
    "thai_name",
    "english_name",
    "thai_level_word",
    "thai_level_abbr",
    "english_level_word",
    "thai_typo",
    "english_typo",
    "romanization",
    "people",
    "organizations",
    "codi_areas",
    "codes",
    "all",
    "shared",
)


@dataclass
class Report:
    engine: str
    cases: int
    search: dict[str, ev.Figures]
    baseline: dict[str, ev.Figures]
    misses: list[ev.Outcome]
    miss_ms: dict[str, float]  # latency of texts that match nothing

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "cases": self.cases,
            "search": {k: v.as_dict() for k, v in self.search.items()},
            "baseline": {k: v.as_dict() for k, v in self.baseline.items()},
            "nothing_matches_ms": self.miss_ms,
            "misses": [
                {
                    "category": o.case.category,
                    "text": o.case.text,
                    "expected": list(o.case.expected),
                    "got": list(o.ids[:3]),
                }
                for o in self.misses
            ],
        }


WARM_UP = ("กาญจนบุรี", "Kanchanaburi", "qxzvwkj", "Kanchanabury", "กาญจนบรี")
NOTHING = ["qxzvwkj", "ฬฬฬฮฮฮ", "zzqqxx yyww", "ฎฏฐฑฒ", "Xylophonequartz", "ญญญญญญญ"]


async def warm_up(graph: Graph) -> None:
    """Before timing: the caches, the JIT and each shape of statement a search sends (a typo
    too: Neo4j plans a statement the first time it sees it, which took up to a second); then
    what start-up built is frozen out of the Python collector's reach, as the API does
    (graph.memory): without it, full collections over ~480,000 objects took 100-180 ms each, 24
    times in 600 searches on the demo data."""
    from graph.memory import settle
    from graph.search import search

    for text in WARM_UP:
        await search(graph, text)
    settle()


async def evaluate(
    graph: Graph, cases: list[ev.Case], engine: str, *, with_baseline: bool = True
) -> Report:
    from graph.search import search

    async def ours(text: str) -> list[str]:
        return [h.id for h in await search(graph, text, limit=ev.K)]

    await warm_up(graph)
    outcomes = await ev.run(cases, ours)
    base: dict[str, ev.Figures] = {}
    if with_baseline:
        rows = await graph.read(ev.BASELINE_ROWS, {})
        base = ev.figures(await ev.run(cases, ev.FuzzyBaseline(rows)))
    nothing = await ev.run([ev.Case("nothing", t, ()) for t in NOTHING * 5], ours)
    ms = sorted(o.ms for o in nothing)
    miss = {"p50": ms[len(ms) // 2], "p95": ms[int(len(ms) * 0.95) - 1]}
    return Report(engine, len(cases), ev.figures(outcomes), base, ev.misses(outcomes), miss)


def _cells(f: ev.Figures, b: ev.Figures | None) -> list[str]:
    """Ours, then the baseline's in brackets."""
    out = []
    for attr, digits in (
        ("hit1", 2),
        ("hit5", 2),
        ("mrr", 2),
        ("zero", 2),
        ("p50_ms", 1),
        ("p95_ms", 1),
    ):
        ours = f"{getattr(f, attr):.{digits}f}"
        out.append(ours if b is None else f"{ours} ({getattr(b, attr):.{digits}f})")
    return out


def table(report: Report) -> Table:
    t = Table(title=f"search on {report.engine}: {report.cases} cases (baseline: rapidfuzz)")
    for col in ("category", "n", "hit@1", "hit@5", "MRR", "zero", "p50 ms", "p95 ms"):
        t.add_column(col, justify="left" if col == "category" else "right")
    for name in ORDER:
        f = report.search.get(name)
        if f is None:
            continue
        t.add_row(name, str(f.n), *_cells(f, report.baseline.get(name)))
    return t


def markdown(report: Report) -> str:
    lines = [
        f"# Search evaluation on {report.engine}",
        "",
        f"{report.cases} cases (`bench/search_eval.yaml`); in brackets, the fuzzy baseline "
        "(case folding + rapidfuzz WRatio over the same names, in memory). `all` leaves out "
        "`shared` (names several places share). Latency of `graph.search` in process, ms.",
        "",
        "| category | n | hit@1 | hit@5 | MRR | zero results | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ORDER:
        f = report.search.get(name)
        if f is None:
            continue
        lines.append(
            f"| {name} | {f.n} | " + " | ".join(_cells(f, report.baseline.get(name))) + " |"
        )
    lines += [
        "",
        f"A text that matches nothing: p50 {report.miss_ms['p50']:.1f} ms, "
        f"p95 {report.miss_ms['p95']:.1f} ms.",
        "",
        f"## Not first ({len(report.misses)})",
        "",
    ]
    for o in report.misses[:200]:
        lines.append(
            f"- {o.case.category}: `{o.case.text}` → expected {', '.join(o.case.expected[:3])}; "
            f"got {', '.join(o.ids[:3]) or 'nothing'}"
        )
    return "\n".join(lines) + "\n"


def save(report: Report, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data = {"measured_at": stamp, **report.as_dict()}
    js = out / f"search-{report.engine}.json"
    md = out / f"search-{report.engine}.md"
    js.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md.write_text(markdown(report).replace("\n\n", f"\n\nMeasured {stamp}.\n\n", 1))
    return [js, md]


def show(report: Report, console: Console) -> None:
    console.print(table(report))
    console.print(
        f"nothing matches: p50 {report.miss_ms['p50']:.1f} ms, p95 {report.miss_ms['p95']:.1f} ms"
    )
