"""The probe behind the misses in bench/results/NOTES.md: where each question spends its time,
statement by statement, on a kept benchmark graph.

    .venv/bin/kb bench growth --scales 1 --keep      # or kb bench run ... --keep
    .venv/bin/kb bench probe bench/work/embedded-scale-1 \
        [--questions search,pools,neighborhood] [--samples 50] [--jfr /tmp/probe.jfr]

It serves the graph with `kb serve` (statements traced, as the benchmark does), samples the
benchmark's inputs with its seed, and per input asks the question once untimed, then times:
the GraphQL request over HTTP, the replay of all its statements (the benchmark's "raw"), and
each statement alone. Per question it prints the p50 and p95 of each and, per statement shape
(the same Cypher text), its p50/p95, the rows it returned and the share of the raw time.
With --jfr the engine runs under a Java Flight Recording; --read-jfr summarizes one by the
engine's own frames.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from bench.latency import ask, replay
from bench.machine import embedded_jre
from bench.questions import BY_NAME
from bench.sampling import sample_inputs
from bench.server import ApiServer, server_env
from bench.stats import percentile
from graph.runtime import open_runtime
from graph.settings import Settings


def _shape(query: str) -> str:
    """A statement's text in one line, for grouping and printing."""
    return re.sub(r"\s+", " ", query).strip()


async def _timed(graph: Any, query: str, params: dict[str, Any]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = await graph.read(query, params)
    return (time.perf_counter() - started) * 1000, len(rows)


async def _plan(graph: Any, query: str, params: dict[str, Any]) -> str:
    """The engine's PROFILE of one statement, operators with rows and db hits, if it gives one."""
    try:
        async with graph.driver.session(database=graph.database) as session:
            result = await session.run("PROFILE " + query, params)
            summary = await result.consume()
    except Exception as exc:  # the probe reports what the engine said, whatever it was
        return f"PROFILE failed: {type(exc).__name__}: {str(exc)[:200]}"
    profile = summary.profile
    if not profile:
        return "the engine returned no profile for PROFILE"
    lines: list[str] = []

    def walk(op: dict[str, Any], depth: int) -> None:
        args = op.get("args") or {}
        details = str(args.get("Details", ""))[:90]
        lines.append(
            f"{'  ' * depth}{op.get('operatorType')} rows={op.get('rows')} "
            f"dbHits={op.get('dbHits')} {details}"
        )
        for child in op.get("children") or []:
            walk(child, depth + 1)

    walk(profile, 0)
    if len(lines) == 1 and profile.get("args"):  # ArcadeDB: one operator, the plan in its args
        for key, value in profile["args"].items():
            lines.extend(f"  {key}: {line}" for line in str(value).splitlines()[:60])
    return "\n".join(lines)


def _p(values: list[float]) -> str:
    return f"{percentile(values, 50):7.1f} {percentile(values, 95):7.1f}"


async def probe_graph(
    url: str, data_dir: Path, names: list[str], samples: int, seed: int
) -> dict[str, Any]:
    """``probe`` on the kept graph in ``data_dir``, served at ``url``."""
    settings = Settings(engine="embedded", data_dir=data_dir)
    async with open_runtime(settings, apply_migrations=False) as rt:
        return await probe(url, rt.graph, names, samples, seed)


async def probe(url: str, graph: Any, names: list[str], samples: int, seed: int) -> dict[str, Any]:
    """Per question: GraphQL and raw p50/p95, and per statement shape its times, rows and share
    of the raw time, with the engine's PROFILE of the costliest statement on its slowest input.
    Printed as it goes, and returned."""
    report: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        inputs = await sample_inputs(graph, samples, seed)
        for name in names:
            question = BY_NAME[name]
            gql: list[float] = []
            raw: list[float] = []
            per: dict[str, list[tuple[float, int]]] = defaultdict(list)
            slowest_call: dict[str, tuple[float, dict[str, Any]]] = {}
            for variables in question.variables(inputs):
                await ask(client, question, variables)  # untimed: the input's data read once
                answer = await ask(client, question, variables)
                if answer.error:
                    print(f"  {name} {variables}: {answer.error}")
                    continue
                gql.append(answer.ms)
                raw.append(await replay(graph, answer.statements))
                for st in answer.statements:
                    shape = _shape(st["query"])
                    ms, n = await _timed(graph, st["query"], st["params"])
                    per[shape].append((ms, n))
                    if ms > slowest_call.get(shape, (-1.0, st))[0]:
                        slowest_call[shape] = (ms, st)
            raw_sum = sum(raw) or 1.0
            print(f"\n=== {name}: {len(gql)} inputs; p50 p95 ms")
            print(f"  GraphQL over HTTP   {_p(gql)}")
            print(f"  raw (replay)        {_p(raw)}")
            shapes = sorted(per.items(), key=lambda kv: -sum(ms for ms, _ in kv[1]))
            rows_out = []
            for i, (shape, runs) in enumerate(shapes, 1):
                times = [ms for ms, _ in runs]
                rows = [n for _, n in runs]
                share = sum(times) / raw_sum
                print(
                    f"  S{i} x{len(runs):<4} {_p(times)}  rows p50 {percentile(rows, 50):.0f} "
                    f"max {max(rows)}  {share:5.0%} of raw  {shape[:150]}"
                )
                rows_out.append(
                    {
                        "statement": shape,
                        "calls": len(runs),
                        "p50_ms": round(percentile(times, 50), 2),
                        "p95_ms": round(percentile(times, 95), 2),
                        "rows_p50": percentile(rows, 50),
                        "rows_max": max(rows),
                        "share_of_raw": round(share, 3),
                    }
                )
            plan = ""
            if shapes:
                # The statement that takes most of the time, on the input where it was slowest.
                example = slowest_call[shapes[0][0]][1]
                plan = await _plan(graph, example["query"], example["params"])
                print(f"  PROFILE of S1 on its slowest input, {example['params']}:"[:300])
                print("\n".join("    " + line for line in plan.splitlines()))
            report[name] = {
                "graphql_p50": round(percentile(gql, 50), 2),
                "graphql_p95": round(percentile(gql, 95), 2),
                "raw_p50": round(percentile(raw, 50), 2),
                "raw_p95": round(percentile(raw, 95), 2),
                "statements": rows_out,
                "profile_of_slowest": plan,
            }
    return report


def engine_frames(recording: Path, jre: Path, top: int = 12) -> str:
    """CPU samples of a recording by the first ArcadeDB frame on their stack (the engine's own
    work, under whatever JDK method it called), largest first."""
    import collections
    import subprocess

    out = subprocess.run(
        [
            str(jre / "bin" / "jfr"),
            "print",
            "--events",
            "jdk.ExecutionSample",
            "--stack-depth",
            "12",
            str(recording),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts: collections.Counter[str] = collections.Counter()
    samples = out.count("jdk.ExecutionSample")
    for event in out.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w.$<>]+\.[\w$<>]+)\(", event, re.M)
        engine = [f for f in frames if f.startswith("com.arcadedb")]
        counts[engine[0] if engine else "(no engine frame)"] += 1
    lines = [f"{samples} CPU samples"]
    lines += [f"{n:6d} {n / samples:6.1%}  {frame}" for frame, n in counts.most_common(top)]
    return "\n".join(lines)


def run_probe(
    data_dir: Path,
    names: list[str],
    *,
    samples: int,
    seed: int,
    heap: str,
    jfr: Path | None = None,
    jfr_window: str = "30s,60s",
    json_out: Path | None = None,
) -> dict[str, Any]:
    """Serve the kept graph with ``kb serve`` (statements traced) and probe it."""
    env = server_env("embedded", data_dir, heap)
    if jfr:
        # The embedded JVM does not dump on exit when the server stops: the recording covers a
        # fixed window after start-up ("delay,duration", e.g. "30s,60s").
        delay, duration = jfr_window.split(",")
        recording = (
            f"-XX:StartFlightRecording=filename={jfr},settings=profile,"
            f"delay={delay},duration={duration}"
        )
        env["KB_EMBEDDED_JVM_ARGS"] = json.dumps([recording])
    server = ApiServer(env, data_dir.parent / "probe-server.log")
    server.start()
    try:
        report = asyncio.run(probe_graph(server.url, data_dir, names, samples, seed))
    finally:
        server.stop()
    if json_out:
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return report


def read_jfr(recording: Path) -> str:
    jre = embedded_jre()
    if jre is None:
        raise RuntimeError("reading a recording needs the arcadedb-embedded wheel's jfr tool")
    return engine_frames(recording, jre)
