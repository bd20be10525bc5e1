"""A run's results as JSON and as a Markdown table, written under bench/results/."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.concurrency import ConcurrencyResult
from bench.floor import Floors
from bench.latency import QuestionResult
from bench.loading import LoadResult
from bench.questions import RATIO_TARGET

SCHEMA_VERSION = 1
LOAD_TARGET = 50_000  # nodes + relationships per second
CLIENTS_TARGET, DURATION_TARGET = 20, 60.0
MiB = 1024 * 1024


@dataclass
class Memory:
    process: str  # what was measured
    peak_rss_bytes: int
    start_rss_bytes: int | None
    samples: int
    heap: str | None  # the embedded engine's Java heap limit


@dataclass
class RunResult:
    engine: str
    scale: float
    seed: int
    command: str
    machine: dict[str, Any]
    options: dict[str, Any]
    started_at: str
    finished_at: str = ""
    graph: dict[str, int] = field(default_factory=dict)  # nodes, relationships
    load: LoadResult | None = None
    questions: list[QuestionResult] = field(default_factory=list)
    concurrency: ConcurrencyResult | None = None
    memory: Memory | None = None
    floors: Floors | None = None

    @property
    def stem(self) -> str:
        return f"{self.engine}-scale-{self.scale:g}"

    def failures(self) -> list[str]:
        """What makes the benchmark itself broken (not slow): errors, questions never asked."""
        out = [
            f"{q.name}: {q.errors} of {q.samples} requests errored"
            for q in self.questions
            if q.errors
        ]
        out += [f"{q.name}: no inputs found in the graph" for q in self.questions if not q.samples]
        if self.concurrency is not None and self.concurrency.errors:
            out.append(f"concurrency: {self.concurrency.errors} requests errored")
        return out


# --- JSON ----------------------------------------------------------------------------------------


def _plain(obj: Any) -> Any:
    """Dataclasses as dicts, with their derived figures (rates, targets met) added."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in ("elements", "per_second", "per_second_with_rollups", "requests_per_s"):
            if hasattr(type(obj), name):
                value = getattr(obj, name)
                out[name] = round(value, 3) if isinstance(value, float) else value
        if isinstance(obj, QuestionResult):
            out.update(p95_met=obj.p95_met, ratio_met=obj.ratio_met, met=obj.met)
        return out
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 3)
    return obj


def targets(result: RunResult) -> list[dict[str, Any]]:
    """Each target of the issue, what this run measured against it, and whether it was met."""
    rows: list[dict[str, Any]] = []
    for q in result.questions:
        rows.append(
            {
                "target": f"{q.name}: GraphQL p95 < {q.p95_target_ms:g} ms",
                "measured": q.graphql.p95,
                "met": q.p95_met and q.errors == 0,
            }
        )
    for q in result.questions:
        rows.append(
            {
                "target": f"{q.name}: GraphQL p50 <= {RATIO_TARGET:g} x raw Cypher p50",
                "measured": q.ratio_p50,
                "met": q.ratio_met,
            }
        )
    if result.load is not None:
        rows.append(
            {
                "target": f"loading >= {LOAD_TARGET:,} nodes+relationships/s",
                "measured": round(result.load.per_second),
                "met": result.load.per_second >= LOAD_TARGET,
            }
        )
    c = result.concurrency
    if c is not None:
        full = c.clients >= CLIENTS_TARGET and c.duration_s >= DURATION_TARGET
        rows.append(
            {
                "target": f"{CLIENTS_TARGET} clients for {DURATION_TARGET:g} s, no errors",
                "measured": f"{c.clients} clients for {c.duration_s:g} s: {c.errors} errors",
                "met": c.errors == 0 and full,
            }
        )
    return rows


def to_json(result: RunResult) -> dict[str, Any]:
    data = _plain(result)
    if result.floors is not None:
        floors = result.floors
        data["floors"]["least_ratio"] = {
            q.name: floors.least_ratio(q.raw.p50) for q in result.questions
        }
        data["floors"]["least_ratio_api"] = {
            q.name: floors.least_ratio(q.raw.p50, api=True) for q in result.questions
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "run",
        **data,
        "targets": targets(result),
        "targets_apply_to": "embedded engine, scale 1",
    }


# --- Markdown ------------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def yes_no(value: bool) -> str:
    return "yes" if value else "**no**"


def _machine_lines(machine: dict[str, Any]) -> list[str]:
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items() if v)
    ram = machine.get("ram_bytes") or 0
    return [
        f"- CPU: {machine.get('cpu_model')}, {machine.get('logical_cpus')} logical CPUs",
        f"- RAM: {ram / 1024**3:.1f} GiB; OS: {machine.get('os')}",
        f"- Python {machine.get('python')}; engine runtime: {machine.get('engine_runtime')}",
        f"- packages: {packages}",
        f"- commit: {machine.get('commit')}; load average at start: "
        f"{machine.get('load_average_at_start')}; CPU check (a fixed Python loop, best of "
        f"5): {machine.get('cpu_check_ms')} ms",
    ]


def _only(result: RunResult) -> str:
    provinces = result.options.get("provinces")
    return f", only provinces {', '.join(provinces)}" if provinces else ""


def _load_lines(result: RunResult) -> list[str]:
    lines = [
        f"- graph: {result.graph.get('nodes', 0):,} nodes, "
        f"{result.graph.get('relationships', 0):,} relationships"
    ]
    load = result.load
    if load is None:
        kept = result.options.get("graph")
        if kept:
            lines.append(f"- not loaded by this run: a kept graph measured as it stands ({kept})")
        return lines
    lines += [
        f"- real seed data: {load.seed_elements:,} elements in {load.seed_seconds:.1f} s",
        f"- national network, scale {result.scale:g}{_only(result)}: {load.chunks:,} chunks, "
        f"{load.nodes:,} nodes + {load.relationships:,} relationships = {load.elements:,} "
        f"in {load.wall_seconds:.1f} s (generating, checking and writing): "
        f"**{load.per_second:,.0f} elements/s** (target ≥ {LOAD_TARGET:,}: "
        f"{yes_no(load.per_second >= LOAD_TARGET)})",
        f"- of which the {'engine importer' if load.bulk else 'Cypher loader'}'s writing: "
        f"{load.write_seconds:.1f} s"
        + (
            f" ({load.elements / load.write_seconds:,.0f} elements/s, overlapped with generating "
            "the next chunk)"
            if load.bulk and load.write_seconds
            else ""
        )
        + (
            f"; the full-text indexes built once at the end in {load.index_seconds:.1f} s"
            if load.index_seconds
            else ""
        )
        + "; area rollups recounted "
        f"once at the end in {load.rollup_seconds:.1f} s "
        f"({load.per_second_with_rollups:,.0f} elements/s including it)",
    ]
    return lines


QUESTION_HEADER = (
    "| question | samples | errors | GraphQL p50 | p95 | p99 | raw p50 | p95 | p99 "
    "| GraphQL/raw p50 | round trips | p95 target | target met |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
)


def question_row(q: QuestionResult) -> str:
    trips = "–" if q.round_trips_median is None else f"{q.round_trips_median:g}"
    if q.round_trips_max is not None and q.round_trips_max != q.round_trips_median:
        trips += f" (max {q.round_trips_max})"
    why = [
        w
        for w, bad in (("p95", not q.p95_met), ("ratio", not q.ratio_met), ("errors", q.errors > 0))
        if bad
    ]
    met = "yes" if not why else f"**no** ({', '.join(why)})"
    ratio = "–" if q.ratio_p50 is None else f"{q.ratio_p50:.2f}"
    return (
        f"| {q.title} | {q.samples} | {q.errors} | {ms(q.graphql.p50)} | {ms(q.graphql.p95)} "
        f"| {ms(q.graphql.p99)} | {ms(q.raw.p50)} | {ms(q.raw.p95)} | {ms(q.raw.p99)} "
        f"| {ratio} | {trips} | < {q.p95_target_ms:g} | {met} |"
    )


def _floor_lines(result: RunResult) -> list[str]:
    f = result.floors
    if f is None:
        return []
    lines = [
        "## The floor of a request over HTTP",
        "",
        f"Medians of {f.samples} POSTs of `{{ __typename }}` one after the other, over one "
        "persistent connection from this process, just before the questions: a bare ASGI app "
        f"under uvicorn (HTTP alone, no API) **{f.http_ms:.2f} ms**; this API "
        f"**{f.api_ms:.2f} ms**. A question's least ratio is the ratio it would have if the "
        "API added nothing to its statements but HTTP: (raw p50 + bare HTTP p50) ÷ raw p50; "
        "beside it, the same with this API's floor instead (nothing for the answer's fields). "
        f"Where it is above {RATIO_TARGET:g}, no API served over HTTP meets the ratio target for "
        "that question on this machine (bench/floor.py).",
        "",
        "| question | raw p50 | GraphQL ÷ raw p50 | least ratio (HTTP alone) "
        f"| least ratio (this API's floor) | ≤ {RATIO_TARGET:g} reachable over HTTP |",
        "|---|--:|--:|--:|--:|---|",
    ]

    def shown(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    for q in result.questions:
        least = f.least_ratio(q.raw.p50)
        reachable = "–" if least is None else yes_no(least <= RATIO_TARGET)
        lines.append(
            f"| {q.title} | {ms(q.raw.p50)} | {shown(q.ratio_p50)} | {shown(least)} "
            f"| {shown(f.least_ratio(q.raw.p50, api=True))} | {reachable} |"
        )
    return [*lines, ""]


def to_markdown(result: RunResult) -> str:
    o = result.options
    parts = [
        f"# Benchmark: {result.engine} engine, scale {result.scale:g}",
        "",
        f"Measured {result.started_at} – {result.finished_at}. Reproduce with:",
        "",
        f"```bash\n{result.command}\n```",
        "",
        "## Machine",
        "",
        *_machine_lines(result.machine),
        "",
        "## Graph and loading",
        "",
        *_load_lines(result),
        "",
        "## Questions",
        "",
        f"Milliseconds. Each question is warmed up on {o.get('warmup')} inputs; then for each "
        "sampled input it is asked once untimed, timed as a GraphQL request over HTTP (one "
        "persistent connection, the response includes the traced statements), and the exact "
        "statements that request reported are replayed one after the other through the "
        "`neo4j` driver and timed as raw Cypher. Percentiles are nearest-rank; with fewer "
        "than 100 samples p99 is the slowest. Round trips: median statements per request.",
        "",
        QUESTION_HEADER,
        *(question_row(q) for q in result.questions),
        "",
    ]
    for q in result.questions:
        for example in q.error_examples:
            parts.append(f"- {q.title} error: `{example}`")
    parts += _floor_lines(result)
    c = result.concurrency
    if c is not None:
        parts += [
            "## Concurrency",
            "",
            "| clients | duration s | requests | requests/s | p50 ms | p99 ms | errors |",
            "|--:|--:|--:|--:|--:|--:|--:|",
            f"| {c.clients} | {c.elapsed_s:.1f} | {c.requests:,} | {c.requests_per_s:.1f} "
            f"| {ms(c.latency.p50)} | {ms(c.latency.p99)} | {c.errors} |",
            "",
            "Every client has its own HTTP connection and cycles through all questions on the "
            "sampled inputs; the clients run in the benchmark's process, on the same machine.",
            "",
        ]
        parts += [f"- error: `{e}`" for e in c.error_examples]
    m = result.memory
    if m is not None:
        heap = f" (Java heap limit {m.heap})" if m.heap else ""
        start = (
            f", {m.start_rss_bytes / MiB:,.0f} MiB when first sampled" if m.start_rss_bytes else ""
        )
        parts += [
            "## Memory",
            "",
            f"Peak resident size of {m.process}{heap}: **{m.peak_rss_bytes / MiB:,.0f} MiB**"
            f"{start} ({m.samples} samples, every 0.2 s, from start to the end of the "
            "measurements).",
            "",
        ]
    parts += ["## Targets", "", "| target | measured | met |", "|---|--:|---|"]
    for t in targets(result):
        parts.append(f"| {t['target']} | {t['measured']} | {yes_no(t['met'])} |")
    parts += ["", "The targets are set for the embedded engine at scale 1 on a 2-core machine.", ""]
    return "\n".join(parts)


def write(result: RunResult, out: Path) -> tuple[Path, Path]:
    """``<engine>-scale-<S>.json`` and ``.md``; a new run of the same engine and scale
    replaces them, so the committed files are always the latest run."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{result.stem}.json"
    md_path = out / f"{result.stem}.md"
    json_path.write_text(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    md_path.write_text(to_markdown(result))
    return json_path, md_path
