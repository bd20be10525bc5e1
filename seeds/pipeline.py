"""`kb seed`: sources, geothai areas, the region and the article, and optionally the demo network.

All seed files are validated together before anything is written, then written in one
transaction: a bad record anywhere leaves the graph as it was and is named in the error.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import multiprocessing
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import derived, first_load
from graph.dataset import Dataset, DatasetError, Problem
from graph.db import Graph
from graph.engine import Engine
from graph.load import LoadReport, Progress, Step, existing_ids, load_dataset, plan_steps
from graph.queries.load import RECORD_SEED_STATE, SEED_STATE
from seeds.sources import (
    DATA_DIR,
    GEOTHAI_SOURCE,
    geothai_dataset,
    geothai_version,
    load_file,
    province_groups,
)

log = logging.getLogger(__name__)

DEMO_SEED = 2565  # the demo generator's default seed: the demo every clone gets


@dataclass
class SeedResult:
    reports: list[LoadReport] = field(default_factory=list)
    inputs: str = ""  # the hash of what was seeded (seed_inputs)
    skipped: bool = False  # the graph already held a seed of the same inputs

    @property
    def elements(self) -> int:
        return sum(r.elements for r in self.reports)


def base_datasets(data_dir: Path = DATA_DIR) -> list[Dataset]:
    """Every seed file and the geothai areas, each validated on its own."""
    sources = load_file(data_dir / "sources.yaml")
    sources = sources.model_copy(
        update={
            "sources": [
                s.model_copy(update={"version": geothai_version()}) if s.id == GEOTHAI_SOURCE else s
                for s in sources.sources
            ]
        }
    )
    parent, group_sources, _ = province_groups(data_dir / "regions.yaml")
    regions = load_file(data_dir / "regions.yaml")
    article = load_file(data_dir / "article.yaml")
    return [sources, geothai_dataset(parent, group_sources), regions, article]


def demo_groups(data_dir: Path = DATA_DIR) -> dict[str, list[str]]:
    _, _, memberships = province_groups(data_dir / "regions.yaml")
    return {m.group: list(m.provinces) for m in memberships}


def check_together(datasets: Sequence[Dataset], existing: set[str]) -> None:
    """Check each dataset against the ids of the others and of the graph; names every file."""
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for ds in datasets:
        for i in ds.node_ids():
            if i in owner and owner[i] != ds.origin:
                problems.append(Problem(ds.origin, i, "id", f"also defined in {owner[i]}"))
            owner.setdefault(i, ds.origin)
    all_ids = set(owner) | existing
    for ds in datasets:
        try:
            ds.check(all_ids)
        except DatasetError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DatasetError(problems)


def merge(datasets: Sequence[Dataset], origin: str) -> Dataset:
    return Dataset(
        origin=origin,
        **{s: [r for ds in datasets for r in getattr(ds, s)] for s in Dataset.SECTIONS},
    )


# The code that turns the seed files into graph rows: a change to it changes what a seed
# writes as surely as a change to the files does.
_SEED_CODE = ("seeds", "graph")
_ROOT = Path(__file__).resolve().parent.parent


def seed_inputs(*, demo: bool, scale: float, random_seed: int, data_dir: Path = DATA_DIR) -> str:
    """A hash of everything a seed's content depends on: the seed files, the geothai data,
    the demo's size and seed, and the loaders' source code."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((demo, scale if demo else None, random_seed if demo else None)).encode())
    h.update(geothai_version().encode())
    files = sorted(data_dir.glob("*.yaml"))
    for package in _SEED_CODE:
        files += sorted((_ROOT / package).rglob("*.py"))
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


async def seeded_inputs(graph: Graph) -> str | None:
    """The inputs hash of the last seed that completed in this graph, if any."""
    row = await graph.read_one(SEED_STATE)
    return row["inputs"] if row else None


@dataclass
class SeedPlan:
    """What a seed writes, worked out without the graph: the files read and checked on their
    own, the demo generated, every row planned with its search text (PyThaiNLP: most of this
    work), the rollups counted for a first load. Pure Python, so it can be worked out in
    another process while this one starts the engine (``PlanElsewhere``)."""

    datasets: list[Dataset]
    base: Dataset  # the real data as one dataset: the seed files and geothai
    base_steps: list[Step]
    demo_steps: list[Step]
    rollups: dict[str, dict[str, dict[str, Any]]]  # first_load.compute over all the datasets


def plan_seed(
    *, demo: bool, scale: float = 1.0, random_seed: int = DEMO_SEED, data_dir: Path = DATA_DIR
) -> SeedPlan:
    datasets = base_datasets(data_dir)
    if demo:
        from seeds.demo import generate_demo

        datasets.append(
            generate_demo(scale=scale, seed=random_seed, province_groups=demo_groups(data_dir))
        )
    base = merge(datasets[:4], "seed files + geothai")
    return SeedPlan(
        datasets=datasets,
        base=base,
        base_steps=plan_steps(base),
        demo_steps=plan_steps(datasets[4]) if demo else [],
        rollups=first_load.compute(datasets),
    )


class PlanElsewhere:
    """``plan_seed`` in a child process, started before the engine: on a first start the
    plan (about 5 s of Python on this project's 2-core machine) is worked out while the JVM
    starts and the migrations run, instead of after them. A thread would not do: the JVM's
    start holds the interpreter. The child is spawned, not forked: it inherits no JVM and no
    threads. Close it when done (``close``), used or not."""

    def __init__(
        self,
        *,
        demo: bool,
        scale: float = 1.0,
        random_seed: int = DEMO_SEED,
        data_dir: Path = DATA_DIR,
    ) -> None:
        self.kwargs = {
            "demo": demo,
            "scale": scale,
            "random_seed": random_seed,
            "data_dir": data_dir,
        }
        self._pool = multiprocessing.get_context("spawn").Pool(1)
        self._result = self._pool.apply_async(plan_seed, kwds=self.kwargs)

    async def plan(self) -> SeedPlan:
        # The child's exception, if it failed, is raised here, as plan_seed's would be.
        return await asyncio.to_thread(self._result.get)

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


async def seed(
    graph: Graph,
    *,
    demo: bool = False,
    scale: float = 1.0,
    random_seed: int = DEMO_SEED,
    data_dir: Path = DATA_DIR,
    progress: Progress | None = None,
    skip_unchanged: bool = False,
    planned: PlanElsewhere | None = None,
    engine: Engine | None = None,
) -> SeedResult:
    """Load the seed; with ``skip_unchanged``, do nothing when the graph already holds a seed
    of the very same inputs (a restart of ``kb serve --demo``). ``planned``: the same seed's
    plan, being worked out in another process. ``engine``: the graph's engine, whose own
    importer writes a first load (into an empty graph) when it has one here."""
    kwargs: dict[str, Any] = {
        "demo": demo,
        "scale": scale,
        "random_seed": random_seed,
        "data_dir": data_dir,
    }
    if planned is not None and planned.kwargs != kwargs:
        raise ValueError(f"the plan given is of another seed: {planned.kwargs} != {kwargs}")
    inputs = seed_inputs(**kwargs)
    if skip_unchanged and await seeded_inputs(graph) == inputs:
        return SeedResult(inputs=inputs, skipped=True)
    plan = await planned.plan() if planned is not None else plan_seed(**kwargs)
    datasets = plan.datasets
    external = set().union(*(ds.external_references() for ds in datasets))
    check_together(datasets, await existing_ids(graph, external))
    result = SeedResult(inputs=inputs)
    base, base_steps, demo_steps = plan.base, plan.base_steps, plan.demo_steps
    # Into an empty graph, the rollups are counted here and stored with the nodes; otherwise
    # the graph holds more than these files, and they are recounted in it after the load.
    fresh = await first_load.is_empty(graph)
    if fresh:
        first_load.attach(base_steps, plan.rollups)
        first_load.attach(demo_steps, plan.rollups)
    if fresh and engine is not None and engine.can_bulk_create():
        # Into an empty graph there is nothing to match or prune: the engine's importer writes
        # the rows as they are (on the demo seed, 6.2-7.1 s against 8.9-10.1 s through Cypher).
        # It is not one transaction: a seed cut short leaves part of its rows and no seed state,
        # so the next start seeds again through Cypher, over what is there, and recounts.
        rids: dict[str, str] = {}
        result.reports.append(await _import(engine, base, base_steps, rids, progress))
        if demo:
            result.reports.append(await _import(engine, datasets[4], demo_steps, rids, progress))
    else:
        await _load_through_cypher(
            graph, plan, demo=demo, fresh=fresh, progress=progress, result=result
        )
    if fresh:
        # The rollups stored with the nodes are those of this load: say so (graph.derived), or
        # the next start would find them unmarked and recount them. A crash before this line
        # leaves them unmarked, and so recounted.
        async with graph.transaction() as tx:
            await derived.mark_rollups(tx)
    await graph.write(
        RECORD_SEED_STATE,
        inputs=inputs,
        at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        demo=demo,
    )
    return result


async def _import(
    engine: Engine,
    ds: Dataset,
    steps: list[Step],
    rids: dict[str, str],
    progress: Progress | None,
) -> LoadReport:
    """``steps`` written by the engine's importer; ``rids`` carries the record ids of the nodes
    written so far, where the next dataset's relationships may end."""
    nodes, rels = first_load.bulk_rows(steps)

    def tick(step: str, done: int, total: int) -> None:
        if progress is not None:
            progress(ds.origin, step, done, total)

    by_type: Counter[str] = Counter()
    for (rel, _, _), rows in rels.items():
        by_type[rel] += len(rows)
    log.info(
        "loading %s through the engine's importer: %d nodes, %d relationships",
        ds.origin,
        sum(map(len, nodes.values())),
        by_type.total(),
    )
    started = time.perf_counter()
    await asyncio.to_thread(engine.bulk_create, nodes, rels, tick, rids)
    return LoadReport(
        ds.origin,
        nodes={label: len(rows) for label, rows in nodes.items()},
        relationships=dict(by_type),
        seconds=time.perf_counter() - started,
    )


async def _load_through_cypher(
    graph: Graph,
    plan: SeedPlan,
    *,
    demo: bool,
    fresh: bool,
    progress: Progress | None,
    result: SeedResult,
) -> None:
    # The real data and the demo are two transactions: the demo can be regenerated at another
    # scale without touching the facts.
    result.reports.append(
        await load_dataset(
            graph,
            plan.base,
            progress=progress,
            checked=True,
            steps=plan.base_steps,
            refresh=not demo and not fresh,
        )
    )
    if demo:
        result.reports.append(
            await load_dataset(
                graph,
                plan.datasets[4],
                progress=progress,
                checked=True,
                steps=plan.demo_steps,
                refresh=not fresh,
            )
        )
