"""Fill a fresh graph: the real seed data, then the generated chunks, timing the generated part."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from bench import queries as q
from graph import first_load
from graph.areas import refresh_rollups
from graph.dataset import Dataset
from graph.db import Graph, Row
from graph.engine import Engine
from graph.load import load_dataset, plan_steps
from graph.migrations import migrate
from graph.runtime import open_runtime
from graph.settings import Settings
from seeds.national import generate_national, plan_national
from seeds.pipeline import demo_groups
from seeds.pipeline import seed as seed_real_data

WIPE_BATCH_SIZE = 10_000
Rels = dict[tuple[str, str, str], list[Row]]


@dataclass
class LoadResult:
    seed_elements: int
    seed_seconds: float
    chunks: int
    nodes: int
    relationships: int
    wall_seconds: float  # generating, checking and writing every chunk
    write_seconds: float  # the loader's own writing time, summed over the chunks
    rollup_seconds: float  # recounting the areas' materialized rollups once at the end
    planned_elements: int  # what plan_national expected
    bulk: bool = False  # written by the engine's own importer (else the Cypher loader)
    # Building the full-text indexes once after an importer load (part of wall_seconds).
    index_seconds: float = 0.0

    @property
    def elements(self) -> int:
        return self.nodes + self.relationships

    @property
    def per_second(self) -> float:
        return self.elements / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def per_second_with_rollups(self) -> float:
        seconds = self.wall_seconds + self.rollup_seconds
        return self.elements / seconds if seconds else 0.0


async def wipe(graph: Graph, progress: Progress) -> int:
    """Delete every node of a Neo4j database, batch by batch."""
    task = progress.add_task("wiping the Neo4j database", total=None)
    total = 0
    while True:
        rows = await graph.write(q.WIPE_BATCH, batch=WIPE_BATCH_SIZE)
        deleted = int(rows[0]["deleted"]) if rows else 0
        if not deleted:
            break
        total += deleted
        progress.update(task, completed=total, description=f"wiping: {total:,} nodes deleted")
    progress.update(task, total=total, completed=total)
    return total


async def load_graph(
    graph: Graph,
    scale: float,
    seed: int,
    progress: Progress,
    provinces: Sequence[str] | None = None,
    engine: Engine | None = None,
) -> LoadResult:
    """The real seed data (through Cypher, in transactions), then the national network: with
    ``engine``'s own importer where it has one (the embedded engine in this process), else
    through the Cypher loader."""
    real = progress.add_task("real data", total=None)

    def tick_real(dataset: str, step: str, done: int, total: int) -> None:
        progress.update(real, total=total, completed=done, description=f"real data: {step}")

    started = time.perf_counter()
    seeded = await seed_real_data(graph, progress=tick_real)
    seed_seconds = time.perf_counter() - started

    # The real province groups, so the network also reaches the article's pool and team.
    groups = demo_groups()
    plan = plan_national(scale, seed, province_groups=groups, provinces=provinces)
    overall = progress.add_task(f"national network, scale {scale:g}", total=plan.elements)
    chunk = progress.add_task("chunk", total=None)

    def tick_chunk(dataset: str, step: str, done: int, total: int) -> None:
        progress.update(chunk, total=total, completed=done, description=f"  {step}"[:44])

    result = LoadResult(seeded.elements, seed_seconds, 0, 0, 0, 0.0, 0.0, 0.0, plan.elements)
    result.bulk = engine is not None and engine.can_bulk_create()
    chunks = generate_national(scale, seed, province_groups=groups, provinces=provinces)
    started = time.perf_counter()
    if engine is not None and result.bulk:
        with engine.search_indexes_after():
            await _bulk_chunks(engine, chunks, result, plan.chunks, overall, tick_chunk, progress)
            progress.update(chunk, description="  building the full-text indexes", total=None)
            indexing = time.perf_counter()
        result.index_seconds = time.perf_counter() - indexing
    else:
        for ds in chunks:
            # One transaction per batch, not per chunk: the loader's mode for generated data,
            # and what keeps the engine's transaction memory flat at any scale. Rollups are
            # recounted once, after the last chunk.
            report = await load_dataset(
                graph, ds, progress=tick_chunk, one_transaction=False, refresh=False
            )
            result.chunks += 1
            result.nodes += sum(report.nodes.values())
            result.relationships += sum(report.relationships.values())
            result.write_seconds += report.seconds
            progress.update(
                overall,
                advance=report.elements,
                description=f"national, scale {scale:g}: chunk {result.chunks}/{plan.chunks}",
            )
    result.wall_seconds = time.perf_counter() - started
    progress.update(overall, total=result.elements, completed=result.elements)
    progress.update(chunk, description="  recounting area rollups", total=None)
    result.rollup_seconds = await refresh_rollups(graph)
    progress.update(chunk, description="  done", total=1, completed=1)
    return result


async def _bulk_chunks(
    engine: Engine,
    chunks: Iterator[Dataset],
    result: LoadResult,
    planned: int,
    overall: TaskID,
    tick: Callable[[str, str, int, int], None],
    progress: Progress,
) -> None:
    """Each chunk written by the engine's importer on a worker thread while the next one is
    generated here: the engine works in Java (JPype lets go of the interpreter), the generator
    in Python, so the two cores are both busy. A chunk's relationships may end at nodes of
    earlier chunks and of the real data: their record ids are kept (``rids``)."""
    rids = await asyncio.to_thread(engine.node_rids)

    def write(origin: str, nodes: dict[str, list[Row]], rels: Rels) -> float:
        started = time.perf_counter()
        engine.bulk_create(nodes, rels, lambda step, done, of: tick(origin, step, done, of), rids)
        return time.perf_counter() - started

    pending: asyncio.Future[float] | None = None
    for ds in chunks:
        nodes, rels = first_load.bulk_rows(plan_steps(ds))
        if pending is not None:
            result.write_seconds += await pending
        result.chunks += 1
        node_count = sum(map(len, nodes.values()))
        rel_count = sum(map(len, rels.values()))
        result.nodes += node_count
        result.relationships += rel_count
        pending = asyncio.ensure_future(asyncio.to_thread(write, ds.origin, nodes, rels))
        progress.update(
            overall,
            advance=node_count + rel_count,
            description=f"national (importer): chunk {result.chunks}/{planned}",
        )
    if pending is not None:
        result.write_seconds += await pending


def load_in_child(
    settings: Settings,
    scale: float,
    seed: int,
    provinces: Sequence[str] | None,
    bulk: bool = False,
) -> LoadResult:
    """What the child process runs: ``fill`` with its own progress bars on stderr."""
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    console = Console(stderr=True)
    with progress_bar(console) as progress:
        return asyncio.run(fill(settings, scale, seed, progress, provinces, bulk=bulk))


async def load_fresh(
    settings: Settings,
    scale: float,
    seed: int,
    provinces: Sequence[str] | None,
    bulk: bool = False,
) -> LoadResult:
    """``fill`` in a new process, which exits (JVM and all) before anything is measured."""
    # Not in this process: the embedded engine's JVM starts once per process, with the first
    # data directory's settings, so a growth run could not load its second scale here; and
    # the loader's JVM would stay resident next to the server's while the server is measured.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            pool, load_in_child, settings, scale, seed, tuple(provinces or ()) or None, bulk
        )


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<44}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


async def fill(
    settings: Settings,
    scale: float,
    seed: int,
    progress: Progress,
    provinces: Sequence[str] | None = None,
    *,
    bulk: bool = False,
) -> LoadResult:
    """Open the engine in this process, empty it (Neo4j), bring the schema up, load (with
    ``bulk``, through the engine's own importer where it has one); then close, which releases
    an embedded data directory for the server."""
    async with open_runtime(settings, apply_migrations=False) as rt:
        if rt.engine.name == "neo4j":
            await wipe(rt.graph, progress)
        await migrate(rt.graph, rt.engine)
        engine = rt.engine if bulk else None
        return await load_graph(rt.graph, scale, seed, progress, provinces, engine=engine)
