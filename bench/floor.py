"""The least a request over HTTP costs on this machine, measured beside the questions.

The GraphQL ÷ raw Cypher ratio of `kb bench run` compares a request over HTTP with the replay
of its statements through the driver. Part of the request's time is HTTP itself: the client
sending a POST and reading the answer, the server parsing it and writing one back. That part
does not depend on the API; it is measured here on a bare ASGI app served by the same uvicorn
(one persistent connection, the same client and payload as the questions), so that each
question's ratio can be set beside the ratio it would have if the API added nothing but HTTP:

    least ratio = (raw p50 + bare HTTP p50) ÷ raw p50

Where that is above the ratio target, no GraphQL layer served over HTTP can meet the target for
that question on this machine. The API's own floor, `{ __typename }` (no statement), is
measured too: the cost of any request through FastAPI, Strawberry and the worker loop.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from starlette.types import Receive, Scope, Send

from bench.stats import median
from graph.engine.embedded import free_port

TYPENAME = {"query": "{ __typename }"}
ANSWER = b'{"data":{"__typename":"Query"}}'
SAMPLES = 300


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole request and answers what `{ __typename }` answers; nothing else."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(ANSWER))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


@contextlib.contextmanager
def bare_server(timeout_s: float = 30.0) -> Iterator[str]:
    """`bare_app` under uvicorn in a process of its own, as `kb serve` runs the API; its URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.floor:bare_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(url, json=TYPENAME, timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bare HTTP server did not answer on {url}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()
            process.wait(10)


async def typename_p50(client: httpx.AsyncClient, path: str, samples: int = SAMPLES) -> float:
    """Median milliseconds of `{ __typename }` POSTed to ``path`` over ``client``'s connection,
    after a few untimed."""
    times: list[float] = []
    for i in range(samples + 10):
        started = time.perf_counter()
        resp = await client.post(path, json=TYPENAME)
        elapsed = (time.perf_counter() - started) * 1000
        resp.raise_for_status()
        if i >= 10:
            times.append(elapsed)
    value = median(times)
    assert value is not None
    return round(value, 3)


@dataclass
class Floors:
    """Medians, in milliseconds, of `samples` requests each, one after the other."""

    samples: int
    http_ms: float  # a bare ASGI app: HTTP alone
    api_ms: float  # the API's `{ __typename }`: any request's floor

    def least_ratio(self, raw_p50: float | None, *, api: bool = False) -> float | None:
        """The GraphQL ÷ raw ratio of a request that cost its statements plus HTTP alone (or,
        with ``api``, plus this API's floor: nothing for its fields and models)."""
        if not raw_p50:
            return None
        return round((raw_p50 + (self.api_ms if api else self.http_ms)) / raw_p50, 3)


async def measure_floors(api: httpx.AsyncClient, samples: int = SAMPLES) -> Floors:
    """Both floors, the bare app's first; the API's over ``api``'s own connection."""
    with bare_server() as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as bare:
            http_ms = await typename_p50(bare, "/graphql", samples)
    api_ms = await typename_p50(api, "/graphql", samples)
    return Floors(samples, http_ms, api_ms)
