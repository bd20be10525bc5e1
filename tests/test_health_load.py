"""`/health` under load (issue 11): while clients keep the server busy with the heaviest request
the limits accept, `/health` still answers at once, from a real `kb serve` process.

Before api/offload.py, GraphQL ran on the server's one event loop and `/health` waited behind it:
5.7 s at the median with 5 such clients (bench/results/hostile/merged-11.md). The bounds below
are generous (half a second at the median, where each loaded request takes more than a second), so that
only the contrast is tested, not the machine's speed.

The embedded engine only: what is tested is the server's event loop, which is the same whatever
engine answers, and `kb serve --seed` here needs a graph of its own.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.server import ApiServer
from tests.conftest import settings_for

CLIENTS = 4
LOADED_S = 12.0
# The area tree three levels below the country: about 7,000 areas, the heaviest request the
# limits accept (bench/hostile.py, HEAVY_CANDIDATES).
HEAVY = '{ area(code: "TH") { code children { code children { code children { code } } } } }'


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def test_health_answers_at_once_while_clients_send_the_heaviest_request(tmp_path: Path) -> None:
    _, env = settings_for("embedded", tmp_path / "kb")
    server = ApiServer(
        {**env, "KB_LOG_LEVEL": "WARNING"}, tmp_path / "server.log", args=("--seed",)
    )
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            started = time.perf_counter()
            resp = client.post("/graphql", json={"query": HEAVY})
            alone = time.perf_counter() - started
        assert resp.status_code == 200 and not resp.json().get("errors"), resp.text

        stop = threading.Event()
        heavy: list[tuple[float, int]] = []
        health: list[tuple[float, int]] = []

        def send_heavy() -> None:
            with httpx.Client(base_url=server.url, timeout=120) as c:
                while not stop.is_set():
                    started = time.perf_counter()
                    status = c.post("/graphql", json={"query": HEAVY}).status_code
                    heavy.append((time.perf_counter() - started, status))

        def ask_health() -> None:
            stop.wait(1.0)  # once every client has its first request in
            while not stop.is_set():
                started = time.perf_counter()
                status = httpx.get(f"{server.url}/health", timeout=120).status_code
                health.append((time.perf_counter() - started, status))
                stop.wait(0.1)

        threads = [threading.Thread(target=send_heavy) for _ in range(CLIENTS)]
        threads.append(threading.Thread(target=ask_health))
        for t in threads:
            t.start()
        time.sleep(LOADED_S)
        stop.set()
        for t in threads:
            t.join(timeout=180)
    finally:
        server.stop()

    loaded = [s for s, _ in heavy]
    waits = [s for s, _ in health]
    figures = (
        f"heavy request alone {alone:.2f} s; {len(loaded)} under load by {CLIENTS} clients, "
        f"median {statistics.median(loaded):.2f} s; /health ({len(waits)} samples) median "
        f"{statistics.median(waits) * 1000:.0f} ms, p90 {_quantile(waits, 0.9) * 1000:.0f} ms, "
        f"max {max(waits) * 1000:.0f} ms"
    )
    print(f"\n{figures}")
    assert {status for _, status in heavy} <= {200}, heavy
    # The load is real: each heavy request holds the server for at least twice the median
    # /health is allowed below, so a /health queued behind them would fail it (1.38 s at the
    # median on 8 December, once plain fields were completed in one step; 2-3 s before).
    assert statistics.median(loaded) > 1.0, figures
    # Behind the requests (before api/offload.py): 4 samples in 11 s, median 2.8 s, max 4.9 s,
    # and 503 ENGINE_TIMEOUT for an engine that was only busy.
    assert len(waits) >= 20, figures
    assert statistics.median(waits) < 0.5, figures
    assert _quantile(waits, 0.9) < 1.5, figures
    assert {status for _, status in health} == {200}, health
