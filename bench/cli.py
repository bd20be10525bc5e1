"""`kb bench`: load a scale, ask the eight questions over HTTP and as raw Cypher, report."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

# Only typer at import time: `kb --help` loads this module and must stay fast; each command
# imports what it needs.
import typer

if TYPE_CHECKING:
    from rich.console import Console

    from bench.run import Options

app = typer.Typer(
    help="Benchmark the API: latency per question, GraphQL vs raw Cypher, load, memory, growth.",
    no_args_is_help=True,
    add_completion=False,
)
T = TypeVar("T")
BENCH_DIR = Path(__file__).resolve().parent
SMOKE_GROUP = "area:pg-central-lower-1"

Engine = Annotated[str, typer.Option(help="embedded, or neo4j (KB_NEO4J_URI, KB_NEO4J_PASSWORD).")]
Work = Annotated[Path, typer.Option(help="Where the fresh data directories and server logs go.")]
Out = Annotated[Path, typer.Option(help="Where the JSON and Markdown results are written.")]
Samples = Annotated[int, typer.Option(min=1, help="Sampled inputs per question.")]
Warmup = Annotated[int, typer.Option(min=0, help="Inputs asked first, untimed, per question.")]
Seed = Annotated[int, typer.Option(help="Seed of the generator and of the sampling.")]
Heap = Annotated[str, typer.Option(help="Java heap of the embedded engine.")]
Keep = Annotated[bool, typer.Option(help="Keep the embedded data directory afterwards.")]
Wipe = Annotated[
    bool, typer.Option("--wipe-neo4j", help="Allow deleting everything in the Neo4j database.")
]


def _console() -> Console:
    import logging

    from rich.console import Console
    from rich.logging import RichHandler

    console = Console(stderr=True)
    logging.basicConfig(
        level=logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
        force=True,
    )
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return console


def _check_engine(engine: str, wipe_neo4j: bool, console: Console) -> None:
    if engine not in ("embedded", "neo4j"):
        raise typer.BadParameter("--engine must be embedded or neo4j")
    if engine != "neo4j":
        return
    if not os.environ.get("KB_NEO4J_URI") or not os.environ.get("KB_NEO4J_PASSWORD"):
        console.print("[red]--engine neo4j needs KB_NEO4J_URI and KB_NEO4J_PASSWORD[/red]")
        raise typer.Exit(2)
    if not wipe_neo4j:
        console.print(
            "[red]refused:[/red] the benchmark deletes everything in the Neo4j database at "
            f"{os.environ['KB_NEO4J_URI']} before loading; pass --wipe-neo4j to allow it"
        )
        raise typer.Exit(2)


def _run(console: Console, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work``; a known failure (engine, graph, server) is one clear line and exit 1."""
    from bench.server import ServerFailed
    from graph.engine import EngineError
    from graph.errors import GraphError

    try:
        return asyncio.run(work())
    except (EngineError, GraphError, ServerFailed) as exc:
        from rich.markup import escape

        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None


def _one_run(opts: Options, console: Console, *, exit_on_errors: bool = False) -> None:
    from bench.report import write
    from bench.run import run_scale
    from bench.summary import print_run

    result = _run(console, lambda: run_scale(opts, console))
    json_path, md_path = write(result, opts.out)
    print_run(result, console)
    console.print(f"results: {md_path} and {json_path}")
    if exit_on_errors:
        problems = result.failures()
        if problems:
            console.print(f"[red]smoke failed:[/red] {'; '.join(problems)}")
            raise typer.Exit(1)
        console.print("[green]smoke passed: every question answered without errors[/green]")


@app.command()
def run(
    scale: Annotated[float, typer.Option(min=0.0001, help="Size of the national network.")],
    engine: Engine = "embedded",
    work: Work = BENCH_DIR / "work",
    samples: Samples = 50,
    warmup: Warmup = 3,
    clients: Annotated[int, typer.Option(min=0, help="Concurrent HTTP clients (0: skip).")] = 20,
    duration: Annotated[float, typer.Option(min=0, help="Seconds of concurrent load.")] = 60.0,
    out: Out = BENCH_DIR / "results",
    seed: Seed = 2566,
    heap: Heap = "4g",
    keep: Keep = False,
    wipe_neo4j: Wipe = False,
    provinces: Annotated[
        str | None, typer.Option(help="Only these province codes, comma-separated (71,72).")
    ] = None,
    graph: Annotated[
        Path | None,
        typer.Option(
            help="Measure this kept embedded graph as it stands instead of loading one (a data "
            "directory kept by `kb bench load --keep` or `run --keep`, loaded at --scale and "
            "--seed); nothing is loaded and it is left in place."
        ),
    ] = None,
) -> None:
    """Load one scale into a fresh graph and measure every question, concurrency and memory."""
    from bench.run import Options

    console = _console()
    if graph is not None and (engine != "embedded" or not (graph / "arcadedb").is_dir()):
        raise typer.BadParameter(
            f"{graph} is not a kept embedded graph (no arcadedb folder in it); --graph takes "
            "the data directory of one, with --engine embedded",
            param_hint="--graph",
        )
    _check_engine(engine, wipe_neo4j, console)
    only = sorted({p.strip() for p in provinces.split(",") if p.strip()}) if provinces else []
    opts = Options(
        scale,
        engine,
        work,
        out,
        samples,
        warmup,
        clients,
        duration,
        seed,
        heap,
        keep,
        provinces=tuple(only) or None,
        graph=graph.resolve() if graph else None,
    )
    _one_run(opts, console)


@app.command()
def load(
    scale: Annotated[float, typer.Option(min=0.0001, help="Size of the national network.")],
    engine: Engine = "embedded",
    work: Work = BENCH_DIR / "work",
    out: Out = BENCH_DIR / "results" / "loading",
    seed: Seed = 2566,
    heap: Heap = "4g",
    importer: Annotated[
        bool,
        typer.Option(
            "--importer", help="The embedded engine's batch importer instead of the Cypher loader."
        ),
    ] = False,
    wipe_neo4j: Wipe = False,
    keep: Keep = False,
) -> None:
    """Only the loading: the real data, then the national network into a fresh graph (through
    Cypher, or the embedded engine's batch importer with --importer), and the rollups."""
    import json
    import shutil
    from dataclasses import asdict

    from bench.loading import load_fresh
    from bench.machine import describe_machine
    from bench.run import Options, engine_settings

    console = _console()
    _check_engine(engine, wipe_neo4j, console)
    opts = Options(scale, engine, work, out, 1, 0, 0, 0.0, seed, heap, False)
    if engine == "embedded":
        shutil.rmtree(opts.data_dir, ignore_errors=True)
    machine = describe_machine()
    result = _run(
        console, lambda: load_fresh(engine_settings(opts), scale, seed, None, bulk=importer)
    )
    if engine == "embedded" and not keep:
        shutil.rmtree(opts.data_dir, ignore_errors=True)
    how = "importer" if result.bulk else "cypher"
    writes = result.elements / result.write_seconds if result.write_seconds else 0.0
    text = (
        f"# Loading the national network, scale {scale:g}, {engine} ({how})\n\n"
        f"Measured {machine['date']} by `kb bench load --scale {scale:g} --engine {engine}"
        f"{' --importer' if importer else ''}`; load average at the start "
        f"{machine['load_average_at_start']}, CPU check {machine['cpu_check_ms']} ms, "
        f"commit {machine['commit']}.\n\n"
        f"- real seed data: {result.seed_elements:,} elements in {result.seed_seconds:.1f} s\n"
        f"- national network: {result.chunks} chunks, {result.nodes:,} nodes + "
        f"{result.relationships:,} relationships = {result.elements:,} elements in "
        f"{result.wall_seconds:.1f} s wall (generating and writing): "
        f"**{result.per_second:,.0f} elements/s**\n"
        f"- the writing alone: {result.write_seconds:.1f} s, **{writes:,.0f} elements/s**"
        f"{' (overlapped with generating the next chunk)' if result.bulk else ''}\n"
        f"- area rollups recounted once at the end: {result.rollup_seconds:.1f} s\n"
    )
    if result.index_seconds:
        text += (
            f"- the full-text indexes built once after the importer's writing (part of the wall "
            f"time above): {result.index_seconds:.1f} s\n"
        )
    console.print(text)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"national-{engine}-scale-{scale:g}-{how}"  # "0.1": no Path.with_suffix here
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    payload = {"machine": machine, "load": asdict(result), "writes_per_second": writes}
    (out / f"{stem}.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    console.print(f"wrote {out / stem}.md and .json")
    if engine == "embedded" and keep:
        console.print(f"kept the graph in {opts.data_dir}")


@app.command()
def growth(
    scales: Annotated[str, typer.Option(help="Comma-separated scales.")] = "0.1,0.25,0.5,1",
    engine: Engine = "embedded",
    work: Work = BENCH_DIR / "work",
    samples: Samples = 50,
    warmup: Warmup = 3,
    out: Out = BENCH_DIR / "results",
    seed: Seed = 2566,
    heap: Heap = "4g",
    keep: Keep = False,
    wipe_neo4j: Wipe = False,
) -> None:
    """The question latencies at several scales, a fresh graph each; one growth table."""
    import shlex
    from functools import partial

    from bench.growth import GrowthResult, print_growth, write_growth
    from bench.run import Options, now, run_scale

    console = _console()
    _check_engine(engine, wipe_neo4j, console)
    try:
        values = sorted({float(s) for s in scales.split(",") if s.strip()})
    except ValueError:
        raise typer.BadParameter(f"--scales: numbers separated by commas, not {scales!r}") from None
    if not values or min(values) <= 0:
        raise typer.BadParameter("--scales needs at least one positive scale")
    command = ["kb", "bench", "growth", "--scales", ",".join(f"{s:g}" for s in values)]
    command += ["--engine", engine, "--samples", str(samples), "--warmup", str(warmup)]
    command += ["--seed", str(seed), "--heap", heap] + (["--wipe-neo4j"] if wipe_neo4j else [])
    result = GrowthResult(engine, shlex.join(command), now())
    for scale in values:
        opts = Options(scale, engine, work, out, samples, warmup, 0, 0.0, seed, heap, keep)
        # No concurrency at each scale: growth is about the latency of one request.
        result.runs.append(_run(console, partial(run_scale, opts, console, concurrency=False)))
    result.finished_at = now()
    json_path, md_path = write_growth(result, out)
    print_growth(result, console)
    console.print(f"results: {md_path} and {json_path}")


@app.command()
def compare(
    scale: Annotated[float, typer.Option(min=0.0001, help="The scale both runs loaded.")] = 1.0,
    engines: Annotated[str, typer.Option(help="Comma-separated engines.")] = "embedded,neo4j",
    out: Out = BENCH_DIR / "results",
) -> None:
    """Runs of one scale on several engines side by side, from their result files in --out."""
    from bench.compare import CompareError, write

    console = _console()
    names = [e.strip() for e in engines.split(",") if e.strip()]
    paths = [out / f"{name}-scale-{scale:g}.json" for name in names]
    try:
        target = write(paths, out)
    except CompareError as exc:
        console.print(f"[red]cannot compare:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(f"side by side: {target}")


@app.command()
def smoke(
    scale: Annotated[float, typer.Option(help="A tiny national network.")] = 0.01,
    samples: Samples = 3,
    keep_results: Annotated[
        Path | None, typer.Option(help="Write the results here instead of a temporary folder.")
    ] = None,
) -> None:
    """What CI runs: a tiny scale on one province group, a few inputs, 2 clients for 3 s;
    fails if any request errored or a question found no inputs."""
    from bench.run import Options
    from seeds.pipeline import demo_groups

    console = _console()
    # The whole country at 0.01 is still 400,000 elements: one group of provinces keeps CI
    # short while every kind of chunk, question and link to the article is exercised.
    provinces = tuple(sorted(demo_groups()[SMOKE_GROUP]))
    with tempfile.TemporaryDirectory(prefix="kb-bench-smoke-") as tmp:
        opts = Options(
            scale,
            work=Path(tmp) / "work",
            out=keep_results or Path(tmp) / "results",
            samples=samples,
            warmup=1,
            clients=2,
            duration=3.0,
            heap="1g",
            provinces=provinces,
        )
        _one_run(opts, console, exit_on_errors=True)


@app.command()
def writes(
    scale: Annotated[float, typer.Option(min=0.0001, help="Size of the national network.")] = 0.1,
    engine: Engine = "embedded",
    work: Work = BENCH_DIR / "work",
    out: Out = BENCH_DIR / "results",
    count: Annotated[int, typer.Option(min=1, help="Creates (and updates) one at a time.")] = 200,
    writers: Annotated[int, typer.Option(min=0, help="Concurrent writers (0: skip).")] = 10,
    duration: Annotated[float, typer.Option(min=0, help="Seconds of concurrent writes.")] = 30.0,
    refreshes: Annotated[int, typer.Option(min=1, help="Rollup refreshes timed alone.")] = 50,
    seed: Seed = 2566,
    heap: Heap = "4g",
    wipe_neo4j: Wipe = False,
) -> None:
    """Writes on a fresh graph: mutation latency one at a time, writes/s with concurrent
    writers, and the rollup refresh of one write."""
    from bench.run import Options
    from bench.writes import WriteOptions, print_result, run_writes, write

    console = _console()
    _check_engine(engine, wipe_neo4j, console)
    opts = WriteOptions(
        Options(scale, engine, work, out, duration=duration, seed=seed, heap=heap),
        writes=count,
        writers=writers,
        refreshes=refreshes,
    )
    result = _run(console, lambda: run_writes(opts, console))
    print_result(result, console)
    md, js = write(result, out)
    console.print(f"results: {md} and {js}")


@app.command()
def probe(
    data_dir: Annotated[
        Path | None,
        typer.Argument(help="A graph kept by `kb bench run --keep` (bench/work/embedded-scale-X)."),
    ] = None,
    questions: Annotated[str, typer.Option(help="Comma-separated questions.")] = (
        "search,pools,neighborhood,partners"
    ),
    samples: Samples = 50,
    seed: Seed = 2566,
    heap: Heap = "4g",
    jfr: Annotated[
        Path | None, typer.Option(help="Record the engine with Java Flight Recorder here.")
    ] = None,
    jfr_window: Annotated[str, typer.Option(help="Recording delay,duration.")] = "30s,60s",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report here.")] = None,
    read_jfr: Annotated[
        Path | None, typer.Option(help="Only summarize this recording by engine frames.")
    ] = None,
) -> None:
    """Where each question spends its time, statement by statement, on a kept graph."""
    from bench.probe import read_jfr as summarize
    from bench.probe import run_probe

    console = _console()
    if read_jfr is not None:
        console.print(summarize(read_jfr))
        return
    if data_dir is None:
        raise typer.BadParameter("give the data directory of a kept graph")
    names = [n.strip() for n in questions.split(",") if n.strip()]
    run_probe(
        data_dir,
        names,
        samples=samples,
        seed=seed,
        heap=heap,
        jfr=jfr,
        jfr_window=jfr_window,
        json_out=json_out,
    )


@app.command()
def overhead(
    data_dir: Annotated[
        Path, typer.Option(help="A seeded data directory (kb seed --demo, or a kept bench graph).")
    ] = Path(".kb"),
    samples: Samples = 20,
    seed: Seed = 2566,
    out: Annotated[Path | None, typer.Option(help="Also write the table to this file.")] = None,
) -> None:
    """Split each question's request time: raw Cypher, the floor of any request, the rest."""
    from bench.overhead import main as split

    text = split(data_dir, samples, seed)
    _console().print(text)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")


@app.command()
def paint(
    url: Annotated[
        str, typer.Option(help="A running server with the demo network (kb serve --demo).")
    ] = "http://127.0.0.1:8000",
    person: Annotated[str, typer.Option(help="Whose page to open.")] = "person:demo-710102-5",
    runs: Annotated[
        int, typer.Option(min=1, help="First visits, then as many return visits.")
    ] = 10,
    out: Out = BENCH_DIR / "results" / "explorer",
    label: Annotated[str, typer.Option(help="Names the result files.")] = "demo",
) -> None:
    """Time to first meaningful paint of a person's page in the explorer (real chromium)."""
    from bench import paint as bench_paint

    console = _console()
    with console.status(f"opening {person} {2 * runs} times in chromium"):
        result = asyncio.run(bench_paint.run(url, person, runs))
    console.print(bench_paint.table(result))
    for path in bench_paint.write(result, out, label):
        console.print(f"wrote {path}")


@app.command("search-scale")
def search_scale(
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory of an embedded graph (e.g. one `kb bench load` left)."),
    ] = None,
    engine: Engine = "embedded",
    per_kind: Annotated[int, typer.Option(min=5, help="Texts per kind.")] = 100,
    out: Out = BENCH_DIR / "results",
) -> None:
    """Search latency on a graph as it stands (the national network): names sampled from the
    graph, as stored, in Latin letters, with a typo, and texts that match nothing."""
    from bench import search_scale as ss

    console = _console()
    if engine not in ("embedded", "neo4j"):
        raise typer.BadParameter("--engine must be embedded or neo4j")
    if engine == "embedded" and data_dir is None:
        raise typer.BadParameter("--data-dir is needed for the embedded engine")

    async def work_() -> None:
        import time

        from bench.machine import describe_machine
        from graph.queries.nodes import COUNT_NODES_BY_LABEL
        from graph.runtime import open_runtime
        from graph.settings import Settings

        if engine == "embedded":
            settings = Settings(data_dir=data_dir, engine="embedded", _env_file=None)
        else:
            settings = Settings(_env_file=None)
        load = os.getloadavg()
        async with open_runtime(settings) as rt:
            rows = await rt.graph.read(COUNT_NODES_BY_LABEL)  # what `kb status` counts
            counts = {r["label"]: r["count"] for r in rows if r["label"] in ss.LABELS}
            with console.status("sampling names"):
                kinds = await ss.sample(rt.graph, per_kind)
            with console.status("searching"):
                measured = await ss.measure(rt.graph, kinds)
        machine = describe_machine()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        context = (
            f"Measured {stamp}, commit {machine.get('commit')}, load average at start "
            f"{load[0]:.2f}; {machine.get('cpu_model')}, "
            f"{machine.get('logical_cpus')} logical CPUs."
        )
        md = ss.markdown(engine, counts, measured, context)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"search-scale-{engine}.md"
        path.write_text(md, encoding="utf-8")
        console.print(md)
        console.print(f"wrote {path}")

    _run(console, work_)


@app.command()
def romanization(out: Out = BENCH_DIR / "results") -> None:
    """How often a romanizer writes a Thai name as it is written in English: geothai's place
    names and a hand-written list of people's names (bench/romanization.py)."""
    from datetime import UTC, datetime

    from rich.table import Table

    from bench import romanization as rom
    from bench.machine import describe_machine

    console = _console()
    machine = describe_machine()
    machine["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    with console.status("romanizing geothai's names and the people's list"):
        results = rom.run()
    for label, rows in results.items():
        table = Table(title=f"{label}: {rows[0].pairs:,} pairs")
        for col in ("romanizer", "equal", "same skeleton", "within one edit", "ms/name"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                r.romanizer,
                f"{r.equal:.3f}",
                f"{r.same_skeleton:.3f}",
                f"{r.within_one_edit:.3f}",
                f"{r.ms_per_name:.3f}",
            )
        console.print(table)
    md, js = rom.write(results, out, machine)
    console.print(f"wrote {md} and {js}")


@app.command()
def search(
    engine: Engine = "embedded",
    work: Annotated[
        Path | None,
        typer.Option(help="Data directory of the embedded engine (kept; default: a fresh one)."),
    ] = None,
    out: Out = BENCH_DIR / "results",
    write_set: Annotated[
        bool, typer.Option("--write-set", help="Regenerate bench/search_eval.yaml first.")
    ] = False,
    baseline: Annotated[bool, typer.Option(help="Also run the fuzzy baseline.")] = True,
) -> None:
    """Search quality and speed: hit@1, hit@5, MRR, zero results, p50/p95 per category of
    query (bench/search_eval.yaml), beside a rapidfuzz baseline, on the real seeded data."""
    from bench import search_eval

    console = _console()
    if engine not in ("embedded", "neo4j"):
        raise typer.BadParameter("--engine must be embedded or neo4j")
    if write_set:
        cases = search_eval.generate()
        search_eval.write(cases)
        console.print(f"wrote {len(cases)} cases to {search_eval.EVAL_FILE}")

    async def work_() -> None:
        from bench.search_report import evaluate, save, show
        from graph.runtime import open_runtime
        from graph.settings import Settings
        from seeds.pipeline import seed

        with tempfile.TemporaryDirectory(prefix="kb-bench-search-") as tmp:
            data_dir = work or Path(tmp)
            if engine == "embedded":
                settings = Settings(data_dir=data_dir, engine="embedded", _env_file=None)
            else:
                settings = Settings(_env_file=None)
            async with open_runtime(settings) as rt:
                await seed(rt.graph, demo=True, scale=1.0)
                cases = search_eval.load()
                report = await evaluate(rt.graph, cases, engine, with_baseline=baseline)
            show(report, console)
            for path in save(report, out):
                console.print(f"wrote {path}")

    _run(console, work_)
