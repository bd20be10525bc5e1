"""One benchmark run at one scale: load a fresh graph, serve it, sample, measure, report."""

from __future__ import annotations

import contextlib
import datetime as dt
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from rich.console import Console

from bench import queries as q
from bench.concurrency import Request, hammer
from bench.floor import measure_floors
from bench.latency import measure
from bench.loading import load_fresh, progress_bar
from bench.machine import describe_machine, embedded_java
from bench.questions import QUESTIONS
from bench.report import Memory, RunResult
from bench.sampling import Inputs, sample_inputs
from bench.server import ApiServer, RssSampler, server_env
from graph.db import Graph
from graph.runtime import open_runtime
from graph.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Options:
    scale: float
    engine: str = "embedded"  # or "neo4j"
    work: Path = BENCH_DIR / "work"
    out: Path = BENCH_DIR / "results"
    samples: int = 50
    warmup: int = 3
    clients: int = 20
    duration: float = 60.0
    seed: int = 2566
    heap: str = "4g"
    keep: bool = False
    provinces: tuple[str, ...] | None = None  # only these provinces (smoke, quick looks)
    graph: Path | None = None  # a kept embedded graph measured as it stands (nothing loaded)

    @property
    def data_dir(self) -> Path:
        return self.graph or self.work / f"{self.engine}-scale-{self.scale:g}"

    @property
    def keeps_data(self) -> bool:
        """A kept graph given to measure is never removed, whatever --keep says."""
        return self.keep or self.graph is not None

    def command(self) -> str:
        """The `kb bench run` line that repeats this run (work and output folders aside)."""
        args = ["kb", "bench", "run", "--scale", f"{self.scale:g}", "--engine", self.engine]
        args += ["--samples", str(self.samples), "--warmup", str(self.warmup)]
        args += ["--clients", str(self.clients), "--duration", f"{self.duration:g}"]
        args += ["--seed", str(self.seed), "--heap", self.heap]
        if self.provinces:
            args += ["--provinces", ",".join(self.provinces)]
        if self.graph is not None:
            args += ["--graph", str(self.graph)]
        if self.engine == "neo4j":
            args.append("--wipe-neo4j")
        return shlex.join(args)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def engine_settings(opts: Options) -> Settings:
    if opts.engine == "neo4j":
        return Settings(engine="neo4j", log_level="WARNING")
    # Ports left to the engine: one set by the caller's environment may be another server's.
    return Settings(
        engine="embedded",
        data_dir=opts.data_dir,
        embedded_heap=opts.heap,
        bolt_port=None,
        http_port=None,
        log_level="WARNING",
    )


def question_mix(inputs: Inputs) -> list[Request]:
    """Every question on every input, the questions taking turns."""
    columns = [[(question, v) for v in question.variables(inputs)] for question in QUESTIONS]
    longest = max((len(c) for c in columns), default=0)
    return [c[i] for i in range(longest) for c in columns if i < len(c)]


async def count_graph(graph: Graph) -> dict[str, int]:
    nodes = await graph.read_one(q.COUNT_NODES)
    rels = await graph.read_one(q.COUNT_RELATIONSHIPS)
    return {"nodes": (nodes or {}).get("count", 0), "relationships": (rels or {}).get("count", 0)}


async def engine_runtime(graph: Graph, engine: str) -> str | None:
    if engine == "embedded":
        java = embedded_java()
        return f"ArcadeDB embedded in the API process, {java}" if java else "ArcadeDB embedded"
    row = await graph.read_one(q.NEO4J_VERSION)
    return f"{row['name']} {row['version']} {row['edition']}" if row else "Neo4j"


def _memory(opts: Options, rss: RssSampler) -> Memory:
    if opts.engine == "embedded":
        what, heap = "the API server process, the embedded engine's JVM inside", opts.heap
    else:
        what, heap = "the API server process only (Neo4j runs elsewhere)", None
    return Memory(what, rss.peak, rss.first, rss.samples, heap)


async def run_scale(opts: Options, console: Console, *, concurrency: bool = True) -> RunResult:
    settings = engine_settings(opts)
    options = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(opts).items()}
    result = RunResult(
        opts.engine, opts.scale, opts.seed, opts.command(), describe_machine(), options, now()
    )
    if opts.graph is None:
        if opts.engine == "embedded":
            shutil.rmtree(opts.data_dir, ignore_errors=True)  # a fresh graph, every run
        console.rule(f"[bold]{opts.engine}, scale {opts.scale:g}: loading")
        result.load = await load_fresh(settings, opts.scale, opts.seed, opts.provinces)

    console.rule("serving")
    with serving(opts, console) as server, RssSampler(server.pid) as rss:
        await _measure(opts, settings, server.url, result, console, concurrency)
    result.memory = _memory(opts, rss)
    result.finished_at = now()
    return result


@contextlib.contextmanager
def serving(
    opts: Options, console: Console, log: str = "server", **env: str
) -> Iterator[ApiServer]:
    """`kb serve` on the graph just loaded (``env`` added to its environment); stopped
    afterwards, and the embedded data directory removed unless kept."""
    server = ApiServer(
        {**server_env(opts.engine, opts.data_dir, opts.heap), **env},
        opts.work / f"{opts.engine}-scale-{opts.scale:g}-{log}.log",
    )
    try:
        with console.status("starting the API server (kb serve)"):
            server.start()
        yield server
    finally:
        with console.status("stopping the API server"):
            server.stop()
        if opts.engine == "embedded" and not opts.keeps_data:
            shutil.rmtree(opts.data_dir, ignore_errors=True)


async def _measure(
    opts: Options,
    settings: Settings,
    url: str,
    result: RunResult,
    console: Console,
    concurrency: bool,
) -> None:
    # The embedded data directory is the server's now: this attaches to its engine over Bolt.
    async with (
        open_runtime(settings, apply_migrations=False) as rt,
        httpx.AsyncClient(base_url=url, timeout=120) as client,
    ):
        with console.status("counting the graph and sampling inputs"):
            result.graph = await count_graph(rt.graph)
            result.machine["engine_runtime"] = await engine_runtime(rt.graph, opts.engine)
            inputs = await sample_inputs(rt.graph, opts.samples, opts.seed)
        with console.status("the floor of a request: HTTP alone, and the API's"):
            result.floors = await measure_floors(client)
        console.rule("questions: GraphQL over HTTP and raw Cypher")
        with progress_bar(console) as bar:
            for question in QUESTIONS:
                result.questions.append(
                    await measure(
                        question,
                        question.variables(inputs),
                        client,
                        rt.graph,
                        bar,
                        warmup=opts.warmup,
                    )
                )
    if concurrency and opts.clients > 0 and opts.duration > 0:
        console.rule("concurrency")
        with progress_bar(console) as bar:
            result.concurrency = await hammer(
                url, question_mix(inputs), opts.clients, opts.duration, bar
            )
