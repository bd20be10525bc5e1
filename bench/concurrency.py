"""N clients asking the question mix over HTTP for a bounded time against the one server."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from rich.progress import Progress

from bench.latency import ERROR_EXAMPLES, ask
from bench.questions import Question, Variables
from bench.stats import Latency, summarize

Request = tuple[Question, Variables]


@dataclass
class ConcurrencyResult:
    clients: int
    duration_s: float
    elapsed_s: float = 0.0
    requests: int = 0
    errors: int = 0
    errors_by_question: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    latency: Latency = field(default_factory=Latency)
    by_question: dict[str, Latency] = field(default_factory=dict)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0


async def hammer(
    url: str, mix: list[Request], clients: int, duration_s: float, progress: Progress
) -> ConcurrencyResult:
    """Each client has its own connection and walks the mix from its own offset, so at any
    moment the server sees different questions on different inputs."""
    result = ConcurrencyResult(clients, duration_s)
    if not mix or clients < 1:
        return result
    times: dict[str, list[float]] = {q.name: [] for q, _ in mix}
    errors: Counter[str] = Counter()
    task = progress.add_task(f"{clients} clients for {duration_s:g}s", total=duration_s)
    started = time.perf_counter()
    deadline = started + duration_s

    async def client(offset: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            k = offset
            while time.perf_counter() < deadline:
                question, variables = mix[k % len(mix)]
                k += 1
                answer = await ask(http, question, variables)
                result.requests += 1
                if answer.error is None:
                    times[question.name].append(answer.ms)
                else:
                    errors[question.name] += 1
                    if len(result.error_examples) < ERROR_EXAMPLES:
                        result.error_examples.append(f"{question.name} {variables}: {answer.error}")

    async def ticker() -> None:
        while True:
            elapsed = time.perf_counter() - started
            progress.update(
                task,
                completed=min(elapsed, duration_s),
                description=f"{clients} clients: {result.requests:,} requests",
            )
            await asyncio.sleep(0.5)

    spread = max(1, len(mix) // clients)
    tick = asyncio.create_task(ticker())
    try:
        await asyncio.gather(*(client(i * spread) for i in range(clients)))
    finally:
        tick.cancel()
    result.elapsed_s = round(time.perf_counter() - started, 3)
    progress.update(task, completed=duration_s)
    result.errors = sum(errors.values())
    result.errors_by_question = dict(errors)
    result.latency = summarize([ms for values in times.values() for ms in values])
    result.by_question = {name: summarize(values) for name, values in times.items()}
    return result
