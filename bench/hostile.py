"""Hostile requests against `kb serve --demo` (issue #11): how long the server takes to refuse
documents built to be expensive, and how `/health` answers while clients send the heaviest
request the limits accept.

    python -m bench.hostile                      # this checkout, embedded engine
    python -m bench.hostile --source /tmp/old    # another commit's tree (git archive | tar -x)

Writes ``<label>.json`` and ``<label>.md`` to bench/results/hostile/.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from bench.server import ApiServer

RESULTS = Path(__file__).resolve().parent / "results" / "hostile"
CLIENT_TIMEOUT_S = 180.0


def fragment_fan_out(levels: int = 20) -> str:
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{k} on Query {{ ...F{k - 1} ...F{k - 1} }}" for k in range(1, levels + 1)
    ]
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


def _area_tree(levels: int) -> str:
    inner = "code"
    for _ in range(levels):
        inner = f"code children {{ {inner} }}"
    return inner


def _rollup_tree(levels: int) -> str:
    inner = "area { code } organizations people"
    for _ in range(levels):
        inner = f"area {{ code }} organizations people children {{ {inner} }}"
    return inner


def _aliases(n: int, body: str) -> str:
    return "{ " + " ".join(f"a{i}: {body}" for i in range(n)) + " }"


# Documents built to cost a lot for their size (issue #11, hole 1).
HOSTILE = {
    "fragment fan-out (2^20 fields, 823 bytes)": (fragment_fan_out(), None),
    "30 aliases of the area tree, 6 levels": (
        _aliases(30, f'area(code: "TH") {{ {_area_tree(6)} }}'),
        None,
    ),
    "30 aliases of the country's rollup, 5 levels": (
        _aliases(30, f'rollup(area: "area:TH") {{ {_rollup_tree(5)} }}'),
        None,
    ),
    "page sizes from a variable's default ($n: Int = 100)": (
        """query($n: Int = 100) { organizations(first: $n) { nodes {
           partners(hops: 4, first: $n) { organization { partners(first: $n) { hops } } } } } }""",
        None,
    ),
}

# Requests the limits accept, among which the slowest is "the heaviest accepted request".
HEAVY_CANDIDATES = {
    "area tree, 3 levels below the country": f'{{ area(code: "TH") {{ {_area_tree(3)} }} }}',
    "5 rollups of a province group, 2 levels": _aliases(
        5, f'rollup(area: "area:pg-central-lower-1") {{ {_rollup_tree(2)} }}'
    ),
    "100 organizations' partners within 4 hops (first 40)": """{ organizations(first: 100) {
        nodes { id partners(hops: 4, first: 40) { hops organization { id } } } } }""",
    "30 searches": _aliases(30, 'search(text: "สภาองค์กรชุมชน", first: 10) { score }'),
}


@dataclass
class Sent:
    name: str
    seconds: float
    status: int
    codes: list[str]
    health_during_s: float | None = None  # a /health sent 0.2 s after the document


@dataclass
class Report:
    label: str
    source: str
    hostile: list[Sent] = field(default_factory=list)
    candidates: list[Sent] = field(default_factory=list)
    heaviest: str = ""
    clients: int = 0
    seconds: float = 0.0
    heavy_requests: int = 0
    heavy_codes: dict[str, int] = field(default_factory=dict)
    heavy_latency_s: dict[str, float] = field(default_factory=dict)
    health_idle_s: dict[str, float] = field(default_factory=dict)
    health_loaded_s: dict[str, float] = field(default_factory=dict)


def _codes(resp: httpx.Response) -> list[str]:
    try:
        body = resp.json()
    except ValueError:
        return [f"HTTP {resp.status_code}"]
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


def _post(client: httpx.Client, name: str, query: str, variables: Any = None) -> Sent:
    start = time.perf_counter()
    resp = client.post("/graphql", json={"query": query, "variables": variables or {}})
    return Sent(name, time.perf_counter() - start, resp.status_code, _codes(resp))


def _health(url: str) -> float:
    start = time.perf_counter()
    httpx.get(f"{url}/health", timeout=CLIENT_TIMEOUT_S)
    return time.perf_counter() - start


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": float(len(ordered)),
        "p50": statistics.median(ordered),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
    }


def _health_samples(url: str, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        out.append(_health(url))
        stop.wait(0.05)


def measure(
    url: str, report: Report, *, clients: int, seconds: float, heavy: str | None = None
) -> Report:
    with httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT_S) as client:
        _post(client, "warm-up", '{ area(code: "71") { code children { code } } }')
        for name, (query, variables) in HOSTILE.items():
            health: list[float] = []
            probe = threading.Timer(0.2, lambda out=health: out.append(_health(url)))
            probe.start()
            sent = _post(client, name, query, variables)
            probe.join()
            sent.health_during_s = health[0] if health else None
            report.hostile.append(sent)
            print(f"hostile  {sent.seconds:7.3f}s  {sent.codes}  {name}", flush=True)
        for name, query in HEAVY_CANDIDATES.items():
            _post(client, name, query)  # warm-up
            sent = _post(client, name, query)
            report.candidates.append(sent)
            print(f"accepted {sent.seconds:7.3f}s  {sent.codes}  {name}", flush=True)
    # The slowest answered without an error (one that hits the time limit is reported above),
    # unless the caller names one (to compare runs on a noisy machine).
    accepted = [s for s in report.candidates if not s.codes]
    report.heaviest = heavy or max(accepted, key=lambda s: s.seconds).name
    idle: list[float] = [_health(url) for _ in range(50)]
    report.health_idle_s = _quantiles(idle)

    query = HEAVY_CANDIDATES[report.heaviest]
    stop = threading.Event()
    latencies: list[float] = []
    codes: dict[str, int] = {}
    lock = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT_S) as c:
            while not stop.is_set():
                sent = _post(c, report.heaviest, query)
                with lock:
                    latencies.append(sent.seconds)
                    key = ",".join(sent.codes) or "ok"
                    codes[key] = codes.get(key, 0) + 1

    loaded: list[float] = []
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    threads.append(threading.Thread(target=_health_samples, args=(url, stop, loaded)))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    report.clients, report.seconds = clients, seconds
    report.heavy_requests = len(latencies)
    report.heavy_codes = codes
    report.heavy_latency_s = _quantiles(latencies)
    report.health_loaded_s = _quantiles(loaded)
    return report


def markdown(report: Report) -> str:
    lines = [
        f"# Hostile requests: {report.label}",
        "",
        f"Server: `kb serve --demo` on the embedded engine, source `{report.source}`.",
        "",
        "| document | answered in | codes | /health sent 0.2 s later took |",
        "|---|---:|---|---:|",
    ]
    for s in report.hostile:
        health = f"{s.health_during_s:.3f} s" if s.health_during_s is not None else "-"
        codes = ", ".join(s.codes) or "ok"
        lines.append(f"| {s.name} | {s.seconds:.3f} s | {codes} | {health} |")
    lines += ["", "Accepted requests (second run of each):", "", "| request | time | codes |"]
    lines.append("|---|---:|---|")
    for s in report.candidates:
        lines.append(f"| {s.name} | {s.seconds:.3f} s | {', '.join(s.codes) or 'ok'} |")
    h, i, r = report.health_loaded_s, report.health_idle_s, report.heavy_latency_s
    lines += [
        "",
        f"Heaviest accepted: **{report.heaviest}**, sent in a loop by {report.clients} clients "
        f"for {report.seconds:.0f} s: {report.heavy_requests} requests ({report.heavy_codes}), "
        f"p50 {r.get('p50', 0):.3f} s, p99 {r.get('p99', 0):.3f} s.",
        "",
        "| /health | samples | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {q.get('n', 0):.0f} | {q.get('p50', 0) * 1000:.1f} ms | "
            f"{q.get('p95', 0) * 1000:.1f} ms | {q.get('p99', 0) * 1000:.1f} ms | "
            f"{q.get('max', 0) * 1000:.1f} ms |"
            for name, q in (("idle", i), ("under load", h))
        ),
        "",
    ]
    return "\n".join(lines)


def main(
    label: Annotated[str, typer.Option(help="Name of the result files.")] = "after",
    source: Annotated[
        Path | None, typer.Option(help="Serve this source tree instead of this checkout.")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Measure a server already running here instead.")
    ] = None,
    heavy: Annotated[
        str | None, typer.Option(help="The accepted request to load with (default: slowest).")
    ] = None,
    clients: Annotated[int, typer.Option(min=1)] = 5,
    seconds: Annotated[float, typer.Option(min=1)] = 30.0,
    out: Annotated[Path, typer.Option(help="Where results are written.")] = RESULTS,
) -> None:
    """Measure refusals of hostile documents and /health under the heaviest accepted load."""
    if heavy is not None and heavy not in HEAVY_CANDIDATES:
        raise typer.BadParameter(f"--heavy must be one of {sorted(HEAVY_CANDIDATES)}")
    report = Report(label=label, source=str(source or "this checkout"))
    if url is not None:
        measure(url, report, clients=clients, seconds=seconds, heavy=heavy)
    else:
        with tempfile.TemporaryDirectory(prefix="kb-hostile-") as work:
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith("KB_") or k == "KB_EMBEDDED_HEAP"
            }
            env.update(KB_ENGINE="embedded", KB_DATA_DIR=f"{work}/data", KB_LOG_LEVEL="WARNING")
            env.setdefault("KB_EMBEDDED_HEAP", "2g")
            server = ApiServer(
                env,
                Path(work) / "server.log",
                args=("--demo",),
                cwd=source.resolve() if source else None,
            )
            print("starting `kb serve --demo` (seeds first) ...", flush=True)
            server.start()
            try:
                measure(server.url, report, clients=clients, seconds=seconds, heavy=heavy)
            finally:
                server.stop()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{label}.json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    (out / f"{label}.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    typer.run(main)
