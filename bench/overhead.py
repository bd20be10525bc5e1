"""Where a GraphQL request's time goes beyond its Cypher: the split behind the GraphQL ÷ raw
ratio of `kb bench run`.

    .venv/bin/kb bench overhead [--data-dir .kb] [--samples 20]

It opens the API in this process (no network: the ASGI app is called directly, so the HTTP
stack of uvicorn and the client is left out), samples the benchmark's inputs from whatever graph
the data directory holds, and per question and input, side by side:

- the whole request (parse, validation, the limits, resolvers, models, JSON);
- the replay of the statements that request reported, through the same `neo4j` driver
  (``Graph.read``: the "raw Cypher" of the benchmark);
- the floor of any request: ``{ __typename }``, which runs no statement;
- the number of fields in the answer (every key at every depth).

What is left (request - raw - floor) is the work that grows with the answer: building the read
models and completing each field in graphql-core. Divided by the field count it gives the cost
per field, which says how far the ratio can fall for a question that answers many fields from
one cheap statement.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.latency import error_of, replay
from bench.questions import QUESTIONS
from bench.sampling import sample_inputs
from graph.settings import Settings

FLOOR = "{ __typename }"


@dataclass(frozen=True)
class Split:
    question: str
    samples: int
    request_ms: float  # medians
    raw_ms: float
    floor_ms: float
    fields: int

    @property
    def rest_ms(self) -> float:
        return max(self.request_ms - self.raw_ms - self.floor_ms, 0.0)

    @property
    def ratio(self) -> float:
        return self.request_ms / self.raw_ms if self.raw_ms else float("inf")

    @property
    def us_per_field(self) -> float:
        return 1000 * self.rest_ms / self.fields if self.fields else 0.0


def count_fields(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


async def _post(client: httpx.AsyncClient, document: str, variables: dict[str, Any]) -> Any:
    started = time.perf_counter()
    resp = await client.post("/graphql", json={"query": document, "variables": variables})
    ms = (time.perf_counter() - started) * 1000
    body = resp.json()
    error = error_of(resp.status_code, body)
    if error:
        raise RuntimeError(error)
    return ms, body


async def measure(client: httpx.AsyncClient, graph: Any, samples: int, seed: int) -> list[Split]:
    inputs = await sample_inputs(graph, samples, seed)
    splits: list[Split] = []
    for question in QUESTIONS:
        variables = question.variables(inputs)[:samples]
        if not variables:
            continue
        request, raw, floor, fields = [], [], [], []
        for v in variables:
            _, body = await _post(client, question.document, v)  # untimed: warm the same data
            statements = (body.get("extensions") or {}).get("statements") or []
            await replay(graph, statements)
            ms, body = await _post(client, question.document, v)
            request.append(ms)
            raw.append(await replay(graph, statements))
            floor.append((await _post(client, FLOOR, {}))[0])
            fields.append(count_fields(body.get("data")))
        splits.append(
            Split(
                question.name,
                len(request),
                statistics.median(request),
                statistics.median(raw),
                statistics.median(floor),
                int(statistics.median(fields)),
            )
        )
    return splits


async def run_overhead(data_dir: Path, samples: int, seed: int) -> list[Split]:
    # Imported here: the API is only needed when this probe runs.
    from api.app import create_app

    app = create_app(Settings(data_dir=data_dir, trace_statements=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kb") as client:
            return await measure(client, app.state.runtime.graph, samples, seed)


def table(splits: list[Split]) -> str:
    lines = [
        "| question | samples | request p50 ms | raw Cypher p50 ms | floor p50 ms | rest ms "
        "| fields | µs per field | request ÷ raw |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in splits:
        lines.append(
            f"| {s.question} | {s.samples} | {s.request_ms:.1f} | {s.raw_ms:.1f} | "
            f"{s.floor_ms:.1f} | {s.rest_ms:.1f} | {s.fields} | {s.us_per_field:.1f} | "
            f"{s.ratio:.2f} |"
        )
    return "\n".join(lines)


def main(data_dir: Path, samples: int, seed: int) -> str:
    return table(asyncio.run(run_overhead(data_dir, samples, seed)))
