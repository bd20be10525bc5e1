"""The same questions at several scales: how each latency grows with the size of the graph."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.questions import LOCAL
from bench.report import SCHEMA_VERSION, MiB, RunResult, ms, to_json, yes_no
from bench.stats import ratio

LOCAL_TOLERANCE = 0.30  # local questions: within ±30% between the two scales compared
LOCAL_SCALES = (0.25, 1.0)


@dataclass
class GrowthResult:
    engine: str
    command: str
    started_at: str
    finished_at: str = ""
    runs: list[RunResult] = field(default_factory=list)

    @property
    def scales(self) -> list[float]:
        return [r.scale for r in self.runs]


def _p50(run: RunResult, name: str) -> float | None:
    return next((q.graphql.p50 for q in run.questions if q.name == name), None)


def compared_scales(scales: list[float]) -> tuple[float, float] | None:
    """0.25 and 1 when both ran; otherwise the smallest and the largest."""
    if len(scales) < 2:
        return None
    if all(s in scales for s in LOCAL_SCALES):
        return LOCAL_SCALES
    return min(scales), max(scales)


def local_check(result: GrowthResult) -> list[dict[str, Any]]:
    pair = compared_scales(result.scales)
    if pair is None:
        return []
    low, high = (next(r for r in result.runs if r.scale == s) for s in pair)
    rows = []
    for name in LOCAL:
        growth = ratio(_p50(high, name), _p50(low, name))
        rows.append(
            {
                "question": name,
                "scales": list(pair),
                "p50_ms": [_p50(low, name), _p50(high, name)],
                "ratio": growth,
                "met": growth is not None and abs(growth - 1) <= LOCAL_TOLERANCE,
            }
        )
    return rows


def growth_table(result: GrowthResult) -> list[dict[str, Any]]:
    """Per question and scale: GraphQL p50 and p95, and p50 relative to the smallest scale."""
    runs = sorted(result.runs, key=lambda r: r.scale)
    rows = []
    for q in runs[0].questions if runs else []:
        base = _p50(runs[0], q.name)
        per_scale = []
        for run in runs:
            found = next(x for x in run.questions if x.name == q.name)
            per_scale.append(
                {
                    "scale": run.scale,
                    "p50": found.graphql.p50,
                    "p95": found.graphql.p95,
                    "raw_p50": found.raw.p50,
                    "vs_smallest": ratio(found.graphql.p50, base),
                }
            )
        rows.append({"question": q.name, "title": q.title, "local": q.local, "scales": per_scale})
    return rows


def to_growth_json(result: GrowthResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "growth",
        "engine": result.engine,
        "command": result.command,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "machine": result.runs[0].machine if result.runs else {},
        "scales": result.scales,
        "growth": growth_table(result),
        "local_check": local_check(result),
        "runs": [to_json(r) for r in result.runs],
    }


def to_growth_markdown(result: GrowthResult) -> str:
    runs = sorted(result.runs, key=lambda r: r.scale)
    head = " | ".join(f"scale {r.scale:g}" for r in runs)
    parts = [
        f"# Growth: {result.engine} engine, scales {', '.join(f'{s:g}' for s in result.scales)}",
        "",
        f"Measured {result.started_at} – {result.finished_at}, a fresh graph at each scale. "
        "Reproduce with:",
        "",
        f"```bash\n{result.command}\n```",
        "",
        "| scale | nodes | relationships | load elements/s | peak RSS MiB |",
        "|--:|--:|--:|--:|--:|",
    ]
    for r in runs:
        rate = f"{r.load.per_second:,.0f}" if r.load else "–"
        peak = f"{r.memory.peak_rss_bytes / MiB:,.0f}" if r.memory else "–"
        parts.append(
            f"| {r.scale:g} | {r.graph.get('nodes', 0):,} "
            f"| {r.graph.get('relationships', 0):,} | {rate} | {peak} |"
        )
    parts += [
        "",
        "## GraphQL p50 in ms (× the smallest scale); p95 below",
        "",
        f"| question | local | {head} |",
        "|---|---|" + "--:|" * len(runs),
    ]
    table = growth_table(result)
    for row in table:
        cells = " | ".join(
            f"{ms(s['p50'])} ({s['vs_smallest']:.2f}×)"
            if s["vs_smallest"] is not None
            else ms(s["p50"])
            for s in row["scales"]
        )
        parts.append(f"| {row['title']} | {'yes' if row['local'] else ''} | {cells} |")
    parts += ["", f"| question (p95) | {head} |", "|---|" + "--:|" * len(runs)]
    for row in table:
        parts.append(
            f"| {row['title']} | " + " | ".join(ms(s["p95"]) for s in row["scales"]) + " |"
        )
    check = local_check(result)
    if check:
        low, high = check[0]["scales"]
        parts += [
            "",
            f"## Local questions: scale {low:g} vs {high:g}, within ±{LOCAL_TOLERANCE:.0%}",
            "",
            f"| question | p50 at {low:g} | p50 at {high:g} | ratio | met |",
            "|---|--:|--:|--:|---|",
        ]
        for c in check:
            growth = "–" if c["ratio"] is None else f"{c['ratio']:.2f}"
            parts.append(
                f"| {c['question']} | {ms(c['p50_ms'][0])} | {ms(c['p50_ms'][1])} "
                f"| {growth} | {yes_no(c['met'])} |"
            )
    return "\n".join(parts) + "\n"


def write_growth(result: GrowthResult, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{result.engine}-growth.json"
    md_path = out / f"{result.engine}-growth.md"
    json_path.write_text(json.dumps(to_growth_json(result), ensure_ascii=False, indent=2) + "\n")
    md_path.write_text(to_growth_markdown(result))
    return json_path, md_path


def print_growth(result: GrowthResult, console: Console) -> None:
    runs = sorted(result.runs, key=lambda r: r.scale)
    table = Table(title=f"growth of GraphQL p50 (ms), {result.engine}")
    table.add_column("question")
    for r in runs:
        table.add_column(f"{r.scale:g}", justify="right")
    for row in growth_table(result):
        table.add_row(row["title"], *(ms(s["p50"]) for s in row["scales"]))
    console.print(table)
    for c in local_check(result):
        growth = "–" if c["ratio"] is None else f"{c['ratio']:.2f}×"
        verdict = "[green](met)[/green]" if c["met"] else "[red](not met)[/red]"
        low, high = c["scales"]
        console.print(
            f"local {c['question']}: {growth} between scales {low:g} and {high:g} {verdict}"
        )
