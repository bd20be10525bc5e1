"""Each question over HTTP and as the raw Cypher its resolvers ran, on the same inputs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.progress import Progress

from bench.questions import RATIO_TARGET, Question, Variables
from bench.stats import Latency, median, ratio, summarize
from graph.db import Graph
from graph.errors import GraphError

ERROR_EXAMPLES = 5


@dataclass
class Answer:
    """One GraphQL request as the client saw it."""

    ms: float
    error: str | None
    round_trips: int | None
    statements: list[dict[str, Any]]
    size: int


@dataclass
class QuestionResult:
    name: str
    title: str
    local: bool
    p95_target_ms: float
    samples: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    graphql: Latency = field(default_factory=Latency)
    raw: Latency = field(default_factory=Latency)
    ratio_p50: float | None = None
    round_trips_median: float | None = None
    round_trips_max: int | None = None
    response_bytes_median: float | None = None
    graphql_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    inputs: list[Variables] = field(default_factory=list)

    @property
    def p95_met(self) -> bool:
        return self.graphql.p95 is not None and self.graphql.p95 < self.p95_target_ms

    @property
    def ratio_met(self) -> bool:
        return self.ratio_p50 is not None and self.ratio_p50 <= RATIO_TARGET

    @property
    def met(self) -> bool:
        return self.errors == 0 and self.p95_met and self.ratio_met


def error_of(status: int, body: dict[str, Any] | None) -> str | None:
    """What went wrong with a response, in one line; None when it answered cleanly."""
    if status != 200:
        return f"HTTP {status}"
    errors = (body or {}).get("errors")
    if errors:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code", "ERROR")
        return f"{code}: {first.get('message', '')}"[:300]
    return None


async def ask(client: httpx.AsyncClient, question: Question, variables: Variables) -> Answer:
    payload = {"query": question.document, "variables": variables}
    started = time.perf_counter()
    try:
        resp = await client.post("/graphql", json=payload)
        body = resp.json()
    except (httpx.HTTPError, ValueError) as exc:
        ms = (time.perf_counter() - started) * 1000
        return Answer(ms, f"{type(exc).__name__}: {exc}"[:300], None, [], 0)
    ms = (time.perf_counter() - started) * 1000
    extensions = body.get("extensions") or {}
    return Answer(
        ms,
        error_of(resp.status_code, body),
        extensions.get("dbRoundTrips"),
        extensions.get("statements") or [],
        len(resp.content),
    )


async def replay(graph: Graph, statements: list[dict[str, Any]]) -> float:
    """The statements a request ran, one after the other, as the resolvers sent them."""
    started = time.perf_counter()
    for statement in statements:
        await graph.read(statement["query"], statement["params"])
    return (time.perf_counter() - started) * 1000


async def measure(
    question: Question,
    inputs: list[Variables],
    client: httpx.AsyncClient,
    graph: Graph,
    progress: Progress,
    *,
    warmup: int = 3,
) -> QuestionResult:
    """Warm up on the first inputs, then per input: ask once untimed (so GraphQL and raw Cypher
    both meet the input's data already read), time the GraphQL request, then time the replay
    of exactly the statements it reports."""
    result = QuestionResult(question.name, question.title, question.local, question.p95_target_ms)
    task = progress.add_task(question.title, total=len(inputs) + min(warmup, len(inputs)))
    for variables in inputs[:warmup]:
        answer = await ask(client, question, variables)
        if answer.error is None:
            await replay(graph, answer.statements)
        progress.advance(task)
    round_trips: list[int] = []
    sizes: list[float] = []
    for variables in inputs:
        await ask(client, question, variables)
        answer = await ask(client, question, variables)
        result.inputs.append(variables)
        raw_ms = 0.0
        if answer.error is None:
            try:
                raw_ms = await replay(graph, answer.statements)
            except GraphError as exc:
                answer.error = f"raw replay: {exc}"[:300]
        if answer.error is not None:
            result.errors += 1
            if len(result.error_examples) < ERROR_EXAMPLES:
                result.error_examples.append(f"{variables}: {answer.error}")
        else:
            result.graphql_ms.append(round(answer.ms, 3))
            result.raw_ms.append(round(raw_ms, 3))
            if answer.round_trips is not None:
                round_trips.append(answer.round_trips)
            sizes.append(answer.size)
        progress.advance(task)
    result.samples = len(inputs)
    result.graphql = summarize(result.graphql_ms)
    result.raw = summarize(result.raw_ms)
    result.ratio_p50 = ratio(result.graphql.p50, result.raw.p50)
    result.round_trips_median = median(round_trips)
    result.round_trips_max = max(round_trips, default=None)
    result.response_bytes_median = median(sizes)
    return result
