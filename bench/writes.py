"""Writes under load, on a fresh national graph: one mutation at a time (create, then update,
p50/p95 over HTTP, beside the `{ __typename }` floor asked in turn with them), N writers at once
(accepted writes per second), and the rollup refresh one write does, timed alone."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import queries as q
from bench.loading import LoadResult, load_fresh, progress_bar
from bench.machine import describe_machine
from bench.run import Options, count_graph, engine_runtime, engine_settings, now, serving
from bench.server import ServerFailed
from bench.stats import Latency, summarize
from graph.accounts import Role, create_token
from graph.runtime import open_runtime
from graph.writes import recount_rollups, refresh_rollups

CREATE = """mutation($input: OrganizationInput!, $p: ProvenanceInput!) {
  createOrganization(input: $input, provenance: $p) { entity revision } }"""
UPDATE = """mutation($id: ID!, $rev: Int!, $patch: OrganizationPatch!, $p: ProvenanceInput!) {
  updateOrganization(id: $id, revision: $rev, patch: $patch, provenance: $p) { revision } }"""
FLOOR = "{ __typename }"
CITATION = "kb bench writes: synthetic records written by the write benchmark"


@dataclass(frozen=True)
class WriteOptions:
    run: Options
    writes: int = 200  # sequential creates (and as many updates)
    writers: int = 10
    refreshes: int = 50


@dataclass
class Concurrent:
    writers: int
    duration_s: float
    elapsed_s: float = 0.0
    accepted: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    latency: Latency = field(default_factory=Latency)

    @property
    def writes_per_s(self) -> float:
        return self.accepted / self.elapsed_s if self.elapsed_s else 0.0


@dataclass
class WritesResult:
    engine: str
    scale: float
    seed: int
    machine: dict[str, Any]
    started_at: str
    load: LoadResult | None = None
    graph: dict[str, int] = field(default_factory=dict)
    create: Latency = field(default_factory=Latency)
    update: Latency = field(default_factory=Latency)
    floor: Latency = field(default_factory=Latency)
    errors: list[str] = field(default_factory=list)
    concurrent: Concurrent | None = None
    refresh: Latency = field(default_factory=Latency)
    refresh_areas: int = 0
    recount: Latency = field(default_factory=Latency)
    recount_areas: int = 0
    finished_at: str | None = None


class WriteFailed(ServerFailed):
    """The API refused or failed a write the benchmark sent (the message is its error)."""


async def _post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> tuple[float, Any]:
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    ms = (time.perf_counter() - started) * 1000
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise WriteFailed(json.dumps(body.get("errors") or body, ensure_ascii=False)[:300])
    return ms, body["data"]


def _org(n: str, area: str, source: str | None) -> dict[str, Any]:
    return {
        "id": f"org:bench-write-{n}",
        "nameTh": f"กลุ่มออมทรัพย์ทดสอบการเขียน {n}",
        "kind": "savings_group",
        "locatedIn": area,
        "synthetic": True,
        **({"sourceIds": [source]} if source else {}),
    }


async def _sequential(
    http: httpx.AsyncClient,
    areas: list[str],
    n: int,
    rng: random.Random,
    result: WritesResult,
    progress: Progress,
) -> str:
    """``n`` creates, each followed by the floor; then an update of each. The source id."""
    task = progress.add_task(f"{n} creates, then {n} updates, one at a time", total=2 * n)
    await _post(http, CREATE, {"input": _org("first", areas[0], None), "p": {"citation": CITATION}})
    source = await _cited_source(http)
    created, floors, updated = [], [], []
    prov = {"sourceIds": [source], "reason": "benchmark"}
    ids = []
    for i in range(n):
        ms, data = await _post(
            http, CREATE, {"input": _org(f"s{i}", rng.choice(areas), source), "p": prov}
        )
        created.append(ms)
        ids.append(data["createOrganization"]["entity"])
        started = time.perf_counter()
        await http.post("/graphql", json={"query": FLOOR})
        floors.append((time.perf_counter() - started) * 1000)
        progress.advance(task)
    for i, org in enumerate(ids):
        patch = {"nameEn": f"Benchmark savings group {i}"}
        ms, _ = await _post(http, UPDATE, {"id": org, "rev": 1, "patch": patch, "p": prov})
        updated.append(ms)
        progress.advance(task)
    result.create, result.update, result.floor = (
        summarize(created),
        summarize(updated),
        summarize(floors),
    )
    return source


async def _cited_source(http: httpx.AsyncClient) -> str:
    doc = '{ history(id: "org:bench-write-first") { sourceIds } }'
    _, data = await _post(http, doc, {})
    return str(data["history"][0]["sourceIds"][0])


async def _concurrent(
    url: str,
    headers: dict[str, str],
    areas: list[str],
    source: str,
    writers: int,
    duration_s: float,
    seed: int,
    progress: Progress,
) -> Concurrent:
    out = Concurrent(writers, duration_s)
    times: list[float] = []
    task = progress.add_task(f"{writers} writers for {duration_s:g}s", total=duration_s)
    started = time.perf_counter()
    deadline = started + duration_s
    prov = {"sourceIds": [source], "reason": "benchmark"}

    async def writer(k: int) -> None:
        rng = random.Random(seed + k)
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as http:
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                record = _org(f"c{k}-{i}", rng.choice(areas), source)
                try:
                    ms, _ = await _post(http, CREATE, {"input": record, "p": prov})
                except (WriteFailed, httpx.HTTPError) as exc:
                    out.errors += 1
                    if len(out.error_examples) < 5:
                        out.error_examples.append(str(exc)[:200])
                    continue
                out.accepted += 1
                times.append(ms)

    async def tick() -> None:
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            progress.update(task, completed=min(duration_s, time.perf_counter() - started))

    await asyncio.gather(tick(), *(writer(k) for k in range(writers)))
    out.elapsed_s = time.perf_counter() - started
    out.latency = summarize(times)
    return out


async def run_writes(opts: WriteOptions, console: Console) -> WritesResult:
    run = opts.run
    settings = engine_settings(run)
    result = WritesResult(run.engine, run.scale, run.seed, describe_machine(), now())
    if run.engine == "embedded":
        shutil.rmtree(run.data_dir, ignore_errors=True)
    console.rule(f"[bold]{run.engine}, scale {run.scale:g}: loading")
    result.load = await load_fresh(settings, run.scale, run.seed, run.provinces)
    with serving(run, console, "writes-server", KB_TRACE_STATEMENTS="false") as server:
        async with open_runtime(settings, apply_migrations=False) as rt:
            result.graph = await count_graph(rt.graph)
            result.machine["engine_runtime"] = await engine_runtime(rt.graph, run.engine)
            rows = await rt.graph.read(q.AREAS_WITH_PROVINCE)
            areas = sorted(r["id"] for r in rows if r["level"] == "subdistrict")
            if not areas:
                raise WriteFailed("the graph has no subdistricts to write in")
            _, token = await create_token(rt.graph, name="kb bench writes", role=Role.admin)
            headers = {"authorization": f"Bearer {token}"}
            rng = random.Random(run.seed)
            with progress_bar(console) as bar:
                async with httpx.AsyncClient(
                    base_url=server.url, headers=headers, timeout=120
                ) as http:
                    source = await _sequential(http, areas, opts.writes, rng, result, bar)
                if opts.writers > 0 and run.duration > 0:
                    result.concurrent = await _concurrent(
                        server.url, headers, areas, source, opts.writers, run.duration,
                        run.seed, bar,
                    )  # fmt: skip
                # One write's refresh alone, as writes do it (the shares of one organization
                # before and after) and as a recount of its areas would, in turn.
                task = bar.add_task(
                    f"{opts.refreshes} rollup refreshes, by share and by recount",
                    total=opts.refreshes,
                )
                shares, recounts = [], []
                for _ in range(opts.refreshes):
                    org = f"org:bench-write-s{rng.randrange(opts.writes)}"
                    started = time.perf_counter()
                    result.refresh_areas = await refresh_rollups(rt.graph, org)
                    shares.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    result.recount_areas = await recount_rollups(rt.graph, rng.choice(areas))
                    recounts.append((time.perf_counter() - started) * 1000)
                    bar.advance(task)
                result.refresh = summarize(shares)
                result.recount = summarize(recounts)
    result.finished_at = now()
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def rows(result: WritesResult) -> list[tuple[str, str, str, str]]:
    """(what, n, p50 ms, p95 ms) for the table and the Markdown."""
    out = [
        ("createOrganization, one at a time", result.create),
        ("updateOrganization, one at a time", result.update),
        ("`{ __typename }` asked in turn (the HTTP floor)", result.floor),
        (f"rollup refresh of one write alone ({result.refresh_areas} areas)", result.refresh),
        (f"a subdistrict's areas recounted instead ({result.recount_areas} areas)", result.recount),
    ]
    table = [(what, str(lat.n), _ms(lat.p50), _ms(lat.p95)) for what, lat in out]
    if result.concurrent is not None:
        c = result.concurrent
        table.append(
            (f"createOrganization, {c.writers} writers at once", str(c.accepted),
             _ms(c.latency.p50), _ms(c.latency.p95))
        )  # fmt: skip
    return table


def to_markdown(result: WritesResult) -> str:
    lines = [
        f"# Writes: {result.engine}, scale {result.scale:g}",
        "",
        f"Run {result.started_at} – {result.finished_at}; graph {result.graph.get('nodes', 0):,} "
        f"nodes, {result.graph.get('relationships', 0):,} relationships; "
        f"{result.machine.get('engine_runtime') or result.engine}; "
        f"{result.machine.get('logical_cpus', '?')} CPUs ({result.machine.get('cpu_model', '?')}), "
        f"commit {result.machine.get('commit', '?')}.",
        "",
        "Over HTTP to `kb serve`, as an admin token; every write in one transaction with its "
        "history entry and the rollup refresh of its areas. Milliseconds.",
        "",
        "| what | n | p50 | p95 |",
        "|---|---:|---:|---:|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(result)),
        "",
    ]
    if result.create.p50 and result.floor.p50:
        lines.append(
            f"One create takes {result.create.p50 / result.floor.p50:.1f}× the HTTP floor "
            "(p50 ÷ p50, asked in turn)."
        )
    if result.refresh.p50 and result.recount.p50:
        lines.append(
            f"A write's rollup refresh by shares takes {result.refresh.p50:,.1f} ms at p50; "
            f"recounting a subdistrict's areas would take "
            f"{result.recount.p50 / result.refresh.p50:.0f}× as long (p50 ÷ p50, in turn)."
        )
    c = result.concurrent
    if c is not None:
        lines.append(
            f"{c.writers} writers for {c.elapsed_s:.1f} s: {c.accepted} writes accepted, "
            f"**{c.writes_per_s:.1f} writes/s**, {c.errors} errors"
            + (f" (e.g. {c.error_examples[0]})" if c.error_examples else "")
            + "."
        )
    lines.append("")
    return "\n".join(lines)


def write(result: WritesResult, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"writes-{result.engine}-scale-{result.scale:g}"
    md, js = out / f"{stem}.md", out / f"{stem}.json"
    md.write_text(to_markdown(result), encoding="utf-8")
    plain = asdict(result)
    if result.concurrent is not None:
        plain["concurrent"]["writes_per_s"] = round(result.concurrent.writes_per_s, 2)
    js.write_text(json.dumps(plain, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return md, js


def print_result(result: WritesResult, console: Console) -> None:
    table = Table(title=f"writes: {result.engine}, scale {result.scale:g} (ms)")
    for column in ("what", "n", "p50", "p95"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for row in rows(result):
        table.add_row(*row)
    console.print(table)
    c = result.concurrent
    if c is not None:
        console.print(
            f"{c.writers} writers: {c.accepted} accepted in {c.elapsed_s:.1f} s = "
            f"{c.writes_per_s:.1f} writes/s, {c.errors} errors"
        )
