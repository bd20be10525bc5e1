"""Two runs of the same scale side by side (the embedded engine and Neo4j, say), from their JSON
result files: per question the GraphQL and raw Cypher latencies on each, then loading,
concurrency and memory. Written next to the runs as ``side-by-side-scale-<S>.md``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import ms


class CompareError(ValueError):
    """The result files cannot be compared; the message says which and why."""


def load_run(path: Path) -> dict[str, Any]:
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CompareError(f"{path}: no such result file (run `kb bench run` first)") from None
    except json.JSONDecodeError as exc:
        raise CompareError(f"{path}: not a JSON result file ({exc})") from None
    if not isinstance(run, dict) or run.get("kind") != "run" or "questions" not in run:
        raise CompareError(f"{path}: not the result of `kb bench run`")
    return run


def _cpu_check(machine: dict[str, Any]) -> str:
    ms = machine.get("cpu_check_ms")
    return f"CPU check {ms} ms" if ms else "CPU check not measured (an earlier run)"


def _num(value: float | int | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _questions(runs: list[dict[str, Any]]) -> list[str]:
    heads = " | ".join(f"{r['engine']} GraphQL p50 | p95 | raw p50 | ratio" for r in runs)
    lines = [
        f"| question | {heads} |",
        "|---|" + "--:|--:|--:|--:|" * len(runs),
    ]
    by_name = [{q["name"]: q for q in r["questions"]} for r in runs]
    for q in runs[0]["questions"]:
        cells = []
        for found in by_name:
            other = found.get(q["name"])
            if other is None:
                cells.append("– | – | – | –")
                continue
            g, raw = other["graphql"], other["raw"]
            ratio = other.get("ratio_p50")
            cells.append(
                f"{ms(g['p50'])} | {ms(g['p95'])} | {ms(raw['p50'])} | "
                f"{'–' if ratio is None else f'{ratio:.2f}'}"
            )
        lines.append(f"| {q['title']} | " + " | ".join(cells) + " |")
    return lines


def _totals(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["| | " + " | ".join(r["engine"] for r in runs) + " |", "|---|" + "--:|" * len(runs)]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("nodes", [_num(r["graph"]["nodes"]) for r in runs])
    row("relationships", [_num(r["graph"]["relationships"]) for r in runs])
    row("loading, elements/s", [_num((r.get("load") or {}).get("per_second")) for r in runs])
    row("rollup recount, s", [_num((r.get("load") or {}).get("rollup_seconds"), 1) for r in runs])
    conc = [r.get("concurrency") or {} for r in runs]
    row("concurrent clients", [_num(c.get("clients")) for c in conc])
    row(
        "requests/s",
        [_num(c["requests"] / c["elapsed_s"], 1) if c.get("elapsed_s") else "–" for c in conc],
    )
    row("p99 under load, ms", [ms((c.get("latency") or {}).get("p99")) for c in conc])
    row("errors under load", [_num(c.get("errors")) for c in conc])
    mem = [r.get("memory") or {} for r in runs]
    row(
        "peak RSS, MiB",
        [_num(m["peak_rss_bytes"] / 2**20) if m.get("peak_rss_bytes") else "–" for m in mem],
    )
    row("memory measured for", [str(m.get("process", "–")) for m in mem])
    return lines


def to_markdown(runs: list[dict[str, Any]]) -> str:
    scales = {r["scale"] for r in runs}
    if len(scales) != 1:
        raise CompareError(f"the runs are of different scales: {sorted(scales)}")
    scale = f"{runs[0]['scale']:g}"
    out = [
        f"# Side by side, scale {scale}: " + " and ".join(r["engine"] for r in runs),
        "",
        "The same benchmark, the same sampled inputs (same seed), on each engine; the figures "
        "are copied from the runs' JSON files. Reproduce with:",
        "",
        "```bash",
        *(r["command"] for r in runs),
        f"kb bench compare --scale {scale}",
        "```",
        "",
        "Runs: "
        + "; ".join(
            f"{r['engine']} {r['started_at']} – {r['finished_at']} "
            f"(commit {r['machine'].get('commit', '?')}; {_cpu_check(r['machine'])})"
            for r in runs
        ),
        "",
        "## Questions (ms; ratio: GraphQL p50 / raw Cypher p50 on the same engine)",
        "",
        *_questions(runs),
        "",
        "## Loading, concurrency, memory",
        "",
        *_totals(runs),
        "",
    ]
    return "\n".join(out)


def write(paths: list[Path], out: Path) -> Path:
    runs = [load_run(p) for p in paths]
    text = to_markdown(runs)
    target = out / f"side-by-side-scale-{runs[0]['scale']:g}.md"
    target.write_text(text, encoding="utf-8")
    return target
