"""The benchmark's own parts: statistics, result files, the command line, and its measuring
plumbing against a served graph. Nothing here is timed: the figures are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import LiteralString

import httpx
import pytest
import pytest_asyncio
from rich.progress import Progress
from typer.testing import CliRunner

from bench import compare
from bench.concurrency import ConcurrencyResult, hammer
from bench.floor import Floors, measure_floors
from bench.growth import GrowthResult, local_check, to_growth_markdown, write_growth
from bench.latency import QuestionResult, error_of, measure
from bench.loading import LoadResult
from bench.machine import describe_machine
from bench.questions import LOCAL, QUESTIONS
from bench.report import Memory, RunResult, targets, write
from bench.run import Options, question_mix
from bench.sampling import sample_inputs
from bench.stats import Latency, percentile, ratio, summarize
from graph.db import Graph
from tests.conftest import EngineUnderTest, served

ROOT = Path(__file__).parent.parent

# --- statistics ----------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 100 .. 1, unsorted on purpose
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2  # never an interpolation
    assert percentile([7.0], 99) == 7
    assert percentile([1.0, 2.0, 3.0], 99) == 3  # fewer than 100 values: p99 is the slowest


@pytest.mark.parametrize("p", [0, -1, 101])
def test_percentile_out_of_range(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], p)


def test_summaries_of_nothing_are_empty() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    assert summarize([]) == Latency()
    assert summarize([2.0, 4.0]) == Latency(
        n=2, p50=2.0, p95=4.0, p99=4.0, mean=3.0, min=2.0, max=4.0
    )
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None and ratio(1.0, 0.0) is None


def test_errors_of_a_response() -> None:
    assert error_of(200, {"data": {"x": 1}}) is None
    assert error_of(500, None) == "HTTP 500"
    body = {"errors": [{"message": "no area", "extensions": {"code": "NOT_FOUND"}}]}
    assert error_of(200, body) == "NOT_FOUND: no area"


# --- result files --------------------------------------------------------------------------------


def _question(name: str, title: str, local: bool, target: float, p50: float) -> QuestionResult:
    result = QuestionResult(name, title, local, target, samples=3)
    result.graphql_ms = [p50 - 1, p50, p50 + 5]
    result.raw_ms = [p50 / 2 - 1, p50 / 2, p50 / 2 + 2]
    result.graphql, result.raw = summarize(result.graphql_ms), summarize(result.raw_ms)
    result.ratio_p50 = ratio(result.graphql.p50, result.raw.p50)
    result.round_trips_median, result.round_trips_max = 4, 6
    result.inputs = [{"id": "x"}] * 3
    return result


def _run(scale: float, p50: float = 10.0) -> RunResult:
    result = RunResult(
        "embedded",
        scale,
        2566,
        Options(scale).command(),
        {"cpu_model": "test CPU", "logical_cpus": 2, "packages": {"neo4j": "6"}},
        {"samples": 3, "warmup": 1},
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
    )
    result.graph = {"nodes": 1000, "relationships": 3000}
    result.load = LoadResult(100, 1.0, 3, 900, 2900, 0.5, 0.4, 0.1, 3800)
    result.questions = [
        _question(q.name, q.title, q.local, q.p95_target_ms, p50 * (1 + i / 10))
        for i, q in enumerate(QUESTIONS)
    ]
    result.concurrency = ConcurrencyResult(2, 3.0, elapsed_s=3.1, requests=62, errors=1)
    result.memory = Memory("the API server process", 600 * 2**20, 300 * 2**20, 15, "1g")
    result.floors = Floors(300, http_ms=1.0, api_ms=2.5)
    return result


def test_run_results_are_written_as_json_and_markdown(tmp_path: Path) -> None:
    json_path, md_path = write(_run(0.5), tmp_path)
    assert (json_path.name, md_path.name) == ("embedded-scale-0.5.json", "embedded-scale-0.5.md")
    data = json.loads(json_path.read_text())
    assert data["schema_version"] == 1 and data["kind"] == "run"
    for key in ("engine", "scale", "seed", "command", "machine", "graph", "load", "questions",
                "concurrency", "memory", "targets", "started_at", "finished_at"):  # fmt: skip
        assert key in data, key
    assert data["command"].startswith("kb bench run --scale 0.5 ")
    assert data["load"]["elements"] == 3800 and data["load"]["per_second"] == 7600
    assert data["concurrency"]["requests_per_s"] == pytest.approx(20, abs=0.1)
    assert [q["name"] for q in data["questions"]] == [q.name for q in QUESTIONS]
    for q in data["questions"]:
        assert set(q["graphql"]) == {"n", "p50", "p95", "p99", "mean", "min", "max"}
        assert set(q["raw"]) == set(q["graphql"])
        for key in ("samples", "errors", "ratio_p50", "round_trips_median", "met", "inputs"):
            assert key in q, key
    assert any(t["target"].startswith("loading") and t["met"] is False for t in data["targets"])
    floors = data["floors"]
    assert (floors["http_ms"], floors["api_ms"], floors["samples"]) == (1.0, 2.5, 300)
    rollup = next(q for q in data["questions"] if q["name"] == "rollup")  # raw p50 5 ms
    assert floors["least_ratio"]["rollup"] == (rollup["raw"]["p50"] + 1.0) / rollup["raw"]["p50"]

    markdown = md_path.read_text()
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    for q in QUESTIONS:
        # once among the questions, once beside the floor of a request
        assert sum(line.startswith(f"| {q.title} |") for line in table) == 2, q.title
    assert "kb bench run --scale 0.5" in markdown
    assert "## Concurrency" in markdown and "## Memory" in markdown
    assert "## The floor of a request over HTTP" in markdown
    assert "| rollup | 5.0 | 2.00 | 1.20 | 1.50 | yes |" in markdown  # (5 + 1) / 5, (5 + 2.5) / 5


def test_a_ratio_the_http_alone_puts_out_of_reach_is_said_so() -> None:
    floors = Floors(300, http_ms=1.2, api_ms=2.8)
    assert floors.least_ratio(2.0) == 1.6  # (2 + 1.2) / 2: no API over HTTP gets to 1.3
    assert floors.least_ratio(10.0) == 1.12
    assert floors.least_ratio(2.0, api=True) == 2.4  # (2 + 2.8) / 2
    assert floors.least_ratio(None) is None and floors.least_ratio(0.0) is None


def test_what_fails_a_smoke_run() -> None:
    result = _run(0.01)
    assert result.failures() == ["concurrency: 1 requests errored"]
    result.concurrency = None
    assert result.failures() == []
    result.questions[0].errors = 2
    result.questions[1].samples = 0
    assert result.failures() == [
        "rollup: 2 of 3 requests errored",
        "partners: no inputs found in the graph",
    ]


def test_targets_name_what_missed() -> None:
    result = _run(1.0, p50=100.0)
    missed = {t["target"] for t in targets(result) if not t["met"]}
    assert "rollup: GraphQL p95 < 50 ms" in missed
    assert "connection: GraphQL p95 < 200 ms" not in missed  # 100-odd ms is within its own target
    assert any(t.startswith("20 clients") for t in missed)  # 2 clients for 3 s is not the target


def test_growth_compares_local_questions_between_quarter_and_full_scale(tmp_path: Path) -> None:
    growth = GrowthResult("embedded", "kb bench growth --scales 0.1,0.25,1", "start", "end")
    growth.runs = [_run(0.1, 10.0), _run(0.25, 10.0), _run(1.0, 12.0)]
    checks = local_check(growth)
    assert [c["question"] for c in checks] == list(LOCAL)
    assert all(c["scales"] == [0.25, 1.0] and c["ratio"] == 1.2 and c["met"] for c in checks)
    markdown = to_growth_markdown(growth)
    assert "(1.20×)" in markdown and "scale 0.25 vs 1" in markdown
    json_path, md_path = write_growth(growth, tmp_path)
    data = json.loads(json_path.read_text())
    assert data["kind"] == "growth" and data["scales"] == [0.1, 0.25, 1.0]
    assert [row["question"] for row in data["growth"]] == [q.name for q in QUESTIONS]
    assert md_path.name == "embedded-growth.md"


def test_runs_on_two_engines_side_by_side(tmp_path: Path) -> None:
    write(_run(1.0, p50=10.0), tmp_path)
    neo4j = _run(1.0, p50=20.0)
    neo4j.engine = "neo4j"
    neo4j.machine = {**neo4j.machine, "cpu_check_ms": 108.3}
    write(neo4j, tmp_path)
    target = compare.write(
        [tmp_path / "embedded-scale-1.json", tmp_path / "neo4j-scale-1.json"], tmp_path
    )
    assert target.name == "side-by-side-scale-1.md"
    markdown = target.read_text()
    rollup = next(line for line in markdown.splitlines() if line.startswith("| rollup |"))
    # each engine's own figures: GraphQL p50 10.0 (embedded), 20.0 (neo4j); raw p50 half of it
    assert rollup.split(" | ")[1:4] == ["10.0", "15.0", "5.0"]
    assert rollup.split(" | ")[5:8] == ["20.0", "25.0", "10.0"]
    assert "| loading, elements/s | 7,600 | 7,600 |" in markdown
    # runs on different days are told apart by the machine's speed, where it was measured
    assert "CPU check not measured" in markdown and "CPU check 108.3 ms" in markdown

    with pytest.raises(compare.CompareError, match="different scales"):
        write(_run(0.5), tmp_path)
        compare.write(
            [tmp_path / "embedded-scale-0.5.json", tmp_path / "neo4j-scale-1.json"], tmp_path
        )
    with pytest.raises(compare.CompareError, match="no such result file"):
        compare.write([tmp_path / "missing.json"], tmp_path)
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(compare.CompareError, match="not the result of"):
        compare.write([tmp_path / "bad.json"], tmp_path)


# --- the command line ----------------------------------------------------------------------------


def test_kb_bench_commands() -> None:
    from api.cli import app

    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    for command in (
        "run",
        "load",
        "growth",
        "smoke",
        "compare",
        "probe",
        "overhead",
        "paint",
        "romanization",
    ):
        assert command in result.output


def test_neo4j_is_never_wiped_without_consent(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app

    monkeypatch.setenv("KB_NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("KB_NEO4J_PASSWORD", "x")
    result = CliRunner().invoke(app, ["bench", "run", "--scale", "0.01", "--engine", "neo4j"])
    assert result.exit_code == 2
    assert "--wipe-neo4j" in result.output


def test_the_command_line_of_a_run_repeats_it() -> None:
    opts = Options(0.25, samples=7, clients=5, duration=9, seed=3, heap="2g")
    assert opts.command() == (
        "kb bench run --scale 0.25 --engine embedded --samples 7 --warmup 3 --clients 5 "
        "--duration 9 --seed 3 --heap 2g"
    )
    kept = Options(1, graph=Path("/data/kept"))
    assert kept.command().endswith(" --graph /data/kept")
    assert kept.data_dir == Path("/data/kept") and kept.keeps_data and not kept.keep


def test_a_kept_graph_to_measure_must_be_an_embedded_data_directory(tmp_path: Path) -> None:
    from api.cli import app

    result = CliRunner().invoke(
        app, ["bench", "run", "--scale", "1", "--graph", str(tmp_path)], terminal_width=200
    )
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the error box, unwrapped
    assert "is not a kept embedded graph" in said, said


# --- the measuring plumbing, against the seeded graph of the test suite ---------------------------


@pytest.fixture(scope="module")
def traced_api(kb: EngineUnderTest) -> Iterator[str]:
    """The app with statement tracing on (the benchmark's setting), over real HTTP."""
    with served(kb.settings.model_copy(update={"trace_statements": True}), "bench") as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def client(traced_api: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=traced_api, timeout=60) as http:
        yield http


async def test_every_question_is_measured_over_http_and_replayed(
    kb: EngineUnderTest, client: httpx.AsyncClient, traced_api: str
) -> None:
    inputs = await sample_inputs(kb.graph, 2, seed=1)
    assert inputs == await sample_inputs(kb.graph, 2, seed=1), "sampling is deterministic"
    progress = Progress(disable=True)
    for question in QUESTIONS:
        variables = question.variables(inputs)
        assert variables, f"no inputs sampled for {question.name}"
        result = await measure(question, variables, client, kb.graph, progress, warmup=1)
        assert result.errors == 0, result.error_examples
        assert result.graphql.n == result.raw.n == len(variables)
        assert result.round_trips_median is not None and result.round_trips_median >= 1
    for a, b in inputs.pairs:
        assert a != b
    concurrent = await hammer(traced_api, question_mix(inputs), 2, 1.0, progress)
    assert concurrent.requests > 0 and concurrent.errors == 0, concurrent.error_examples


async def test_the_floor_of_a_request_is_measured_on_a_bare_server_and_on_the_api(
    client: httpx.AsyncClient,
) -> None:
    floors = await measure_floors(client, samples=20)
    assert floors.samples == 20 and floors.http_ms > 0 and floors.api_ms > 0


def test_the_machine_description_carries_a_cpu_check_that_run_files_show(tmp_path: Path) -> None:
    machine = describe_machine()
    assert machine["logical_cpus"] >= 1 and machine["ram_bytes"] > 0
    assert isinstance(machine["cpu_check_ms"], float) and machine["cpu_check_ms"] > 0
    result = _run(0.5)
    result.machine = machine
    _, md_path = write(result, tmp_path)
    assert f"CPU check (a fixed Python loop, best of 5): {machine['cpu_check_ms']} ms" in (
        md_path.read_text()
    )


async def test_the_probe_breaks_a_question_into_its_statements(
    kb: EngineUnderTest, traced_api: str
) -> None:
    from bench.probe import probe

    report = await probe(traced_api, kb.graph, ["coverage", "pools"], samples=2, seed=1)
    for name in ("coverage", "pools"):
        found = report[name]
        assert found["graphql_p50"] > 0 and found["raw_p50"] > 0
        assert found["statements"], name
        assert all(
            s["share_of_raw"] > 0 and s["p95_ms"] >= s["p50_ms"] for s in found["statements"]
        )
        assert all(s["calls"] >= 1 and s["rows_max"] >= 1 for s in found["statements"])


async def test_the_overhead_split_adds_up(kb: EngineUnderTest, traced_api: str) -> None:
    from bench.overhead import count_fields, measure, table

    assert count_fields({"a": 1, "b": [{"c": 2}, {"c": 3, "d": {"e": 4}}]}) == 6
    async with httpx.AsyncClient(base_url=traced_api, timeout=60) as client:
        splits = await measure(client, kb.graph, samples=2, seed=1)
    assert {s.question for s in splits} == {q.name for q in QUESTIONS}
    for s in splits:
        assert s.request_ms > 0 and s.raw_ms > 0 and s.floor_ms > 0, s
        assert s.fields > 0, s
        assert s.rest_ms == max(s.request_ms - s.raw_ms - s.floor_ms, 0.0)
    assert table(splits).count("\n") == len(splits) + 1


def test_the_product_loads_no_benchmark_until_asked() -> None:
    """Starting `kb` or the app imports neither the benchmark nor the national generator; `kb
    bench` loads them when it is asked for."""
    code = (
        "import sys, api.cli, api.app\n"
        "print(sorted(m for m in sys.modules if m == 'bench' or m.startswith('bench.')"
        " or m == 'seeds.national'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", done.stdout
    asked = subprocess.run(
        [sys.executable, "-m", "api.cli", "bench", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert asked.returncode == 0, asked.stderr
    assert "run" in asked.stdout


# --- the national network through the engine's importer -------------------------------------------


def _load_and_export(data_dir: str, bulk: bool) -> tuple[bool, int, int, list[str]]:
    """In a child process (one embedded engine per process): migrate, load the real data and a
    small national network, with or without the engine's importer, and export the graph."""
    import asyncio

    from bench.loading import load_graph
    from graph.backup import export_lines
    from graph.runtime import open_runtime
    from tests.conftest import settings_for

    settings, _ = settings_for("embedded", Path(data_dir))

    async def work() -> tuple[bool, int, int, list[str]]:
        async with open_runtime(settings) as rt:
            with Progress(disable=True) as progress:
                engine = rt.engine if bulk else None
                result = await load_graph(rt.graph, 0.05, 7, progress, ("58",), engine=engine)
            lines, _ = await export_lines(rt.graph, personal=True)
            lines.append(f"search: {await _full_text_matches(rt.graph)}")
        return result.bulk, result.elements, result.planned_elements, lines

    return asyncio.run(work())


async def _full_text_matches(graph: Graph) -> dict[str, int]:
    """How many nodes each label's full-text index finds for the first word of its first node's
    search text: the indexes are there and hold every row, however the rows were written."""
    first_texts: dict[str, LiteralString] = {
        "Area": "MATCH (n:Area) WHERE n.search_text IS NOT NULL "
        "RETURN n.search_text AS text ORDER BY n.id LIMIT 1",
        "Organization": "MATCH (n:Organization) WHERE n.search_text IS NOT NULL "
        "RETURN n.search_text AS text ORDER BY n.id LIMIT 1",
        "Person": "MATCH (n:Person) WHERE n.search_text IS NOT NULL "
        "RETURN n.search_text AS text ORDER BY n.id LIMIT 1",
    }
    out = {}
    for label, statement in first_texts.items():
        first = await graph.read_one(statement)
        assert first is not None, label
        term = first["text"].split()[0]
        found = await graph.read(
            "CALL db.index.fulltext.queryNodes($index, $term) YIELD node RETURN node.id AS id",
            index=graph.dialect.fulltext_index_name(label),
            term=term,
        )
        out[f"{label} {term}"] = len(found)
    assert all(out.values()), out
    return out


def test_the_engines_importer_writes_the_same_national_network_as_cypher(
    tmp_path: Path,
) -> None:
    """The embedded engine's batch importer (kb bench's loader) against the Cypher loader, on
    the same generated network: the same graph, property for property (the JSON Lines export,
    rollups included, compared line by line)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    outcomes = {}
    for bulk in (True, False):
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            outcomes[bulk] = pool.submit(_load_and_export, str(tmp_path / str(bulk)), bulk).result()
    used, elements, planned, with_importer = outcomes[True]
    not_used, _, _, with_cypher = outcomes[False]
    assert used and not not_used
    assert elements == planned > 1000
    assert len(with_importer) == len(with_cypher)
    differ = [(a, b) for a, b in zip(with_importer, with_cypher, strict=True) if a != b]
    assert not differ, differ[:3]


async def test_search_latency_on_a_graph_as_it_stands(kb: EngineUnderTest) -> None:
    """`kb bench search-scale`'s sampling and measuring, on the test graph: every kind of text,
    texts found (a sampled name finds its node), and texts that match nothing finding nothing."""
    from bench import search_scale as ss

    kinds = await ss.sample(kb.graph, per_kind=5)
    assert {"Area, Thai", "Person, Latin typo", "nothing matches"} <= set(kinds)
    measured = {k.name: k for k in await ss.measure(kb.graph, kinds)}
    assert measured["Area, Thai"].n == 5 and measured["Area, Thai"].top5 == 1.0
    assert all(k.same_name >= k.top5 for k in measured.values())
    assert measured["Person, Thai"].same_name == 1.0  # a person's Thai name finds that name
    assert measured["nothing matches"].zero == 1.0
    assert all(k.p95_ms >= k.p50_ms > 0 for k in measured.values())
    md = ss.markdown(kb.name, {"Area": 1}, list(measured.values()), "test")
    assert "| Area, Thai | 5 |" in md


def test_romanization_is_compared_on_places_and_people(tmp_path: Path) -> None:
    """`kb bench romanization`: what search stores matches more English names than PyThaiNLP's
    royin alone, on geothai's places and on the hand-written people, and the files say so."""
    from bench import romanization

    results = romanization.run()
    assert set(results) == {"places (geothai)", "people (hand-written)"}
    for label, rows in results.items():
        by = {r.romanizer.split()[0]: r for r in rows}
        assert by["stored"].equal >= by["royin"].equal, label
        assert by["stored"].same_skeleton > by["royin"].same_skeleton, label
        assert rows[0].pairs > 100
    places = {r.romanizer.split()[0]: r for r in results["places (geothai)"]}
    assert places["rtgs"].equal > places["royin"].equal + 0.05
    md, js = romanization.write(results, tmp_path, describe_machine())
    assert "| stored (rtgs and royin) |" in md.read_text(encoding="utf-8")
    assert json.loads(js.read_text(encoding="utf-8"))["sets"]["places (geothai)"][0]["pairs"] > 6000
