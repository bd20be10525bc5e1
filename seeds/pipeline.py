"""`kb seed`: sources, geothai areas, the region and the article, and optionally the demo network.

All seed files are validated together before anything is written, then written in one
transaction: a bad record anywhere leaves the graph as it was and is named in the error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph import derived, first_load
from graph.dataset import Dataset, DatasetError, Problem
from graph.db import Graph
from graph.load import LoadReport, Progress, existing_ids, load_dataset, plan_steps
from graph.queries.load import RECORD_SEED_STATE, SEED_STATE
from seeds.sources import (
    DATA_DIR,
    GEOTHAI_SOURCE,
    geothai_dataset,
    geothai_version,
    load_file,
    province_groups,
)


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


async def seed(
    graph: Graph,
    *,
    demo: bool = False,
    scale: float = 1.0,
    random_seed: int = 2565,
    data_dir: Path = DATA_DIR,
    progress: Progress | None = None,
    skip_unchanged: bool = False,
) -> SeedResult:
    """Load the seed; with ``skip_unchanged``, do nothing when the graph already holds a seed
    of the very same inputs (a restart of ``kb serve --demo``)."""
    inputs = seed_inputs(demo=demo, scale=scale, random_seed=random_seed, data_dir=data_dir)
    if skip_unchanged and await seeded_inputs(graph) == inputs:
        return SeedResult(inputs=inputs, skipped=True)
    datasets = base_datasets(data_dir)
    if demo:
        from seeds.demo import generate_demo

        datasets.append(
            generate_demo(scale=scale, seed=random_seed, province_groups=demo_groups(data_dir))
        )
    external = set().union(*(ds.external_references() for ds in datasets))
    check_together(datasets, await existing_ids(graph, external))
    result = SeedResult(inputs=inputs)
    # The real data and the demo are two transactions: the demo can be regenerated at another
    # scale without touching the facts.
    base = merge(datasets[:4], "seed files + geothai")
    base_steps = plan_steps(base)
    demo_steps = plan_steps(datasets[4]) if demo else []
    # Into an empty graph, the rollups are counted here and stored with the nodes; otherwise
    # the graph holds more than these files, and they are recounted in it after the load.
    fresh = await first_load.is_empty(graph)
    if fresh:
        computed = first_load.compute(datasets)
        first_load.attach(base_steps, computed)
        first_load.attach(demo_steps, computed)
    result.reports.append(
        await load_dataset(
            graph,
            base,
            progress=progress,
            checked=True,
            steps=base_steps,
            refresh=not demo and not fresh,
        )
    )
    if demo:
        result.reports.append(
            await load_dataset(
                graph,
                datasets[4],
                progress=progress,
                checked=True,
                steps=demo_steps,
                refresh=not fresh,
            )
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
