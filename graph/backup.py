"""JSON Lines of every node and relationship: export, backup and restore, the same on both engines.

One line per node or relationship, sorted, with keys in a fixed order, so the same graph gives
the same bytes on the embedded engine and on Neo4j (a file taken on one restores on the other)::

    {"format":"codi-kb-jsonl","personal":true,"scope":"all","version":1}
    {"id":"area:71","label":"Area","props":{...}}                 nodes: by label, then id
    {"from":"area:7101","props":{...},"to":"area:71","type":"PART_OF"}   by type, from, to, props
    {"end":true,"nodes":9738,"relationships":12873}

Nodes are named by their ``id``, never by an engine's internal id; a relationship by its
endpoints' ids, its type and its properties. Stored rollups and flows travel with the nodes:
they were right in the graph the file was read from, so a restored graph is right at once.

Personal data (people's contact properties, accounts, the history of changes) is written only
when the caller asks for it (``personal=True``): a backup does, an export for a caller who may
not see contact data does not.

A restore writes only into an empty graph. The whole file is read and checked first (format,
labels, relationship types, every endpoint among the file's nodes); only then is anything
written, through the bulk path: nodes created per label in large ``UNWIND`` batches, then the
relationships, each endpoint found through its label's unique id index.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.db import Graph, Tx
from graph.engine import Engine
from graph.errors import GraphError, InvalidInput, NotFound
from graph.queries import backup as q
from graph.registry import label_of

FORMAT = "codi-kb-jsonl"
VERSION = 1
# Properties of a person that are personal data (graph.load keeps contact data in these).
PERSONAL_PROPERTIES: dict[str, frozenset[str]] = {
    "Person": frozenset({"contact_phone", "contact_email", "contact_line"}),
}
# Transient marks a write in progress sets and removes in its own transaction.
TRANSIENT_PROPERTIES = frozenset({"_lock"})

# (step, items done, items in the step)
Progress = Callable[[str, int, int], None]
Row = dict[str, Any]


class BackupError(GraphError):
    """A file that cannot be restored, or a graph that cannot take it; the message says which
    line or what to do."""


@dataclass
class ExportReport:
    scope: str
    personal: bool
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    attempts: int = 1

    @property
    def elements(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())


@dataclass
class RestoreReport:
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def elements(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())

    @property
    def per_second(self) -> float:
        return self.elements / self.seconds if self.seconds else 0.0


def dumps(obj: Any) -> str:
    """One line: keys sorted, no spaces, Thai as it is written (never ``\\u`` escapes)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- files ---------------------------------------------------------------------------------------


@contextmanager
def open_text(path: Path, mode: str, *, gzipped: bool | None = None) -> Iterator[IO[str]]:
    """A text file, gzip-compressed when its name ends in ``.gz`` (or ``gzipped``), with no
    name or time in the gzip header, so the same graph still gives the same bytes."""
    if path.suffix == ".gz" if gzipped is None else gzipped:
        if mode == "w":
            raw = path.open("wb")
            zipped = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            try:
                with io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as text:
                    yield text
            finally:
                raw.close()
        else:
            with gzip.open(path, "rt", encoding="utf-8") as text:
                yield text
    else:
        with path.open(mode, encoding="utf-8", newline="\n") as text:
            yield text


# --- export --------------------------------------------------------------------------------------


def _node_line(label: str, props: dict[str, Any], personal: bool) -> Row:
    hidden = TRANSIENT_PROPERTIES | (set() if personal else PERSONAL_PROPERTIES.get(label, set()))
    kept = {k: v for k, v in props.items() if k not in hidden and v is not None}
    return {"id": kept.get("id"), "label": label, "props": kept}


def _rel_line(rel: str, row: Row) -> Row:
    props = {k: v for k, v in row["props"].items() if k not in TRANSIENT_PROPERTIES}
    return {"from": row["from"], "props": props, "to": row["to"], "type": rel}


async def _scope_ids(tx: Tx, area: str) -> set[str]:
    """The ids of an area's subtree: its areas, what is tied to them, their plans' goals."""
    areas = {r["id"] for r in await tx.run(q.SUBTREE_AREAS, area=area)}
    if not areas:
        raise NotFound("Area", area)
    ids = areas | {r["id"] for r in await tx.run(q.SUBTREE_ENTITIES, area=area)}
    plans = sorted(i for i in ids if label_of(i) == "Plan")
    if plans:
        ids |= {r["id"] for r in await tx.run(q.GOALS_OF_PLANS, plans=plans)}
    return ids


def _cited(lines: list[Row]) -> set[str]:
    return {s for line in lines for s in line["props"].get("source_ids") or ()}


async def _read_lines(
    tx: Tx, area: str | None, personal: bool, progress: Progress | None
) -> tuple[list[Row], list[Row]]:
    """Every node and relationship in scope, sorted, read in the one transaction ``tx``."""
    labels = (
        q.EXPORT_LABELS
        if personal
        else tuple(label for label in q.EXPORT_LABELS if label not in q.BOOKKEEPING_LABELS)
    )
    scope = await _scope_ids(tx, area) if area else None
    nodes: list[Row] = []
    for i, label in enumerate(labels):
        rows = await tx.run(q.NODES_OF_LABEL[label])
        lines = [_node_line(label, r["props"], personal) for r in rows]
        if scope is not None and label not in ("Source", "Account", "Change"):
            lines = [line for line in lines if line["id"] in scope]
        lines.sort(key=lambda line: str(line["id"]))
        nodes.extend(lines)
        if progress:
            progress("reading nodes, label by label", i + 1, len(labels))
    rels: list[Row] = []
    kept = {line["id"] for line in nodes}
    for j, rel in enumerate(q.EXPORT_REL_TYPES):
        rows = await tx.run(q.RELS_OF_TYPE[rel])
        lines = [_rel_line(rel, r) for r in rows]
        if scope is not None:
            lines = [line for line in lines if line["from"] in kept and line["to"] in kept]
        lines.sort(key=lambda line: (line["from"], line["to"], dumps(line["props"])))
        rels.extend(lines)
        if progress:
            progress("reading relationships, type by type", j + 1, len(q.EXPORT_REL_TYPES))
    if scope is not None:
        # Of the sources and the history, only what the subtree's records cite or describe.
        cited = _cited(nodes) | _cited(rels)
        nodes = [
            line
            for line in nodes
            if (line["label"] != "Source" or line["id"] in cited)
            and (line["label"] != "Change" or line["props"].get("entity") in kept)
            and line["label"] != "Account"
        ]
    return nodes, rels


async def export_lines(
    graph: Graph,
    *,
    area: str | None = None,
    personal: bool = False,
    progress: Progress | None = None,
    attempts: int = 3,
) -> tuple[list[str], ExportReport]:
    """The graph (or ``area``'s subtree) as sorted JSON Lines, read in one transaction.

    A read transaction sees each statement's committed state, not one snapshot on every
    engine, so the graph's fingerprint (node and relationship counts, the number and time of
    the last change) is read before and after: if a write landed in between, the whole read
    is done again (``attempts`` times at most), so the file is one consistent state."""
    started = time.perf_counter()
    for attempt in range(1, attempts + 1):
        async with graph.rolled_back() as tx:
            before = await tx.run(q.FINGERPRINT)
            nodes, rels = await _read_lines(tx, area, personal, progress)
            after = await tx.run(q.FINGERPRINT)
        if before == after:
            break
        if attempt == attempts:
            raise BackupError(
                f"กราฟมีการเขียนระหว่างอ่านทั้ง {attempts} ครั้ง · the graph changed while it was "
                f"being read, {attempts} times in a row; try again when writes are fewer"
            )
    report = ExportReport(scope=area or "all", personal=personal, attempts=attempt)
    header = {"format": FORMAT, "personal": personal, "scope": report.scope, "version": VERSION}
    lines = [dumps(header)]
    for n in nodes:
        report.nodes[n["label"]] += 1
        lines.append(dumps(n))
    for r in rels:
        report.relationships[r["type"]] += 1
        lines.append(dumps(r))
    lines.append(dumps({"end": True, "nodes": len(nodes), "relationships": len(rels)}))
    report.seconds = time.perf_counter() - started
    return lines, report


async def export_jsonl(
    graph: Graph,
    path: Path,
    *,
    area: str | None = None,
    personal: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write ``export_lines`` to ``path`` (``.gz``: compressed); the file appears whole or not
    at all (written beside it, then renamed)."""
    lines, report = await export_lines(graph, area=area, personal=personal, progress=progress)
    tmp = path.with_name(path.name + ".partial")

    def write() -> None:
        with open_text(tmp, "w", gzipped=path.suffix == ".gz") as f:
            for line in lines:
                f.write(line)
                f.write("\n")
        tmp.replace(path)

    await asyncio.to_thread(write)
    return report


async def backup(graph: Graph, path: Path, *, progress: Progress | None = None) -> ExportReport:
    """Everything, personal data included, to ``path``: what ``restore`` takes back."""
    return await export_jsonl(graph, path, personal=True, progress=progress)


# --- restore -------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    header: Row
    nodes: dict[str, list[Row]]  # label -> rows {"props"}
    rels: dict[tuple[str, str, str], list[Row]]  # (type, from label, to label) -> rows


def parse_file(path: Path) -> _Parsed:
    """Read and check a whole file; raise ``BackupError`` naming the first bad line."""
    nodes: dict[str, list[Row]] = defaultdict(list)
    rels: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    ids: dict[str, str] = {}
    header: Row | None = None
    end: Row | None = None
    pending: list[tuple[int, Row]] = []

    def bad(number: int, why: str) -> BackupError:
        return BackupError(f"{path}, บรรทัด (line) {number}: {why}")

    try:
        with open_text(path, "r") as f:
            for number, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    line = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise bad(number, f"not JSON ({exc.msg})") from None
                if not isinstance(line, dict):
                    raise bad(number, "not a JSON object")
                if header is None:
                    if line.get("format") != FORMAT:
                        raise bad(number, f"not a {FORMAT} file (its first line names no format)")
                    if line.get("version") != VERSION:
                        raise bad(number, f"format version {line.get('version')!r}, "
                                  f"this program reads version {VERSION}")  # fmt: skip
                    header = line
                elif end is not None:
                    raise bad(number, "a line after the end line")
                elif "end" in line:
                    end = line
                elif "label" in line:
                    label, props = line.get("label"), line.get("props")
                    if label not in q.EXPORT_LABELS:
                        raise bad(number, f"unknown label {label!r}")
                    if not isinstance(props, dict) or not isinstance(props.get("id"), str):
                        raise bad(number, "a node needs props with a string id")
                    if props["id"] in ids:
                        raise bad(number, f"id {props['id']!r} appears twice")
                    ids[props["id"]] = label
                    nodes[label].append({"props": props})
                elif "type" in line:
                    pending.append((number, line))
                else:
                    raise bad(number, "neither a node, a relationship nor the end line")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"{path} is not a complete gzip file: {exc}") from None
    if header is None:
        raise BackupError(f"{path} is empty")
    for number, line in pending:
        rel, source, target = line.get("type"), line.get("from"), line.get("to")
        if rel not in q.EXPORT_REL_TYPES:
            raise bad(number, f"unknown relationship type {rel!r}")
        if source not in ids or target not in ids:
            missing = source if source not in ids else target
            raise bad(number, f"{rel} refers to {missing!r}, which is not a node in the file")
        props = line.get("props") or {}
        if not isinstance(props, dict):
            raise bad(number, "relationship props must be an object")
        rels[(rel, ids[source], ids[target])].append({"from": source, "to": target, "props": props})
    if end is None:
        raise BackupError(f"{path} has no end line: the file is cut short; take the backup again")
    counted = (sum(len(v) for v in nodes.values()), sum(len(v) for v in rels.values()))
    if (end.get("nodes"), end.get("relationships")) != counted:
        raise BackupError(
            f"{path}: its end line counts {end.get('nodes')} nodes and "
            f"{end.get('relationships')} relationships, the file holds {counted[0]} and "
            f"{counted[1]}"
        )
    return _Parsed(header, dict(nodes), dict(rels))


async def ensure_empty(graph: Graph) -> None:
    row = await graph.read_one(q.ANY_CONTENT)
    held = int((row or {}).get("nodes") or 0)
    if held:
        raise BackupError(
            "กราฟนี้มีข้อมูลอยู่แล้ว กู้คืนได้เฉพาะกราฟว่าง · the graph is not empty: a restore "
            "writes only into an empty graph. Restore into a new data directory (KB_DATA_DIR) or "
            "an empty Neo4j database."
        )


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


async def restore(
    graph: Graph,
    path: Path,
    *,
    engine: Engine | None = None,
    progress: Progress | None = None,
    batch_size: int = 10_000,
) -> RestoreReport:
    """Load a file written by ``backup`` (or ``export_jsonl``) into an empty graph: through
    ``engine``'s own importer where it has one here, else through Cypher."""
    parsed = await asyncio.to_thread(parse_file, path)
    await ensure_empty(graph)
    if engine is not None and engine.can_bulk_create():
        started = time.perf_counter()
        if await asyncio.to_thread(_bulk_load, engine, parsed, progress):
            report = RestoreReport(seconds=time.perf_counter() - started)
            for label, rows in parsed.nodes.items():
                report.nodes[label] += len(rows)
            for (rel, _, _), rows in parsed.rels.items():
                report.relationships[rel] += len(rows)
            return report
    return await bulk_create(graph, parsed.nodes, parsed.rels, progress, batch_size)


def _bulk_load(engine: Engine, parsed: _Parsed, progress: Progress | None) -> bool:
    """The engine's importer into the empty graph, its full-text indexes built once at the end
    (``Engine.search_indexes_after``): the bulk path of a first load. The time it reports
    includes building them; a restore killed before the end leaves them missing until the next
    start's migrations make them."""
    with engine.search_indexes_after():
        if not engine.bulk_create(parsed.nodes, parsed.rels, progress):
            return False
        if progress is not None:
            progress("building the search indexes", 0, 1)
    if progress is not None:
        progress("building the search indexes", 1, 1)
    return True


async def bulk_create(
    graph: Graph,
    nodes: dict[str, list[Row]],
    rels: dict[tuple[str, str, str], list[Row]],
    progress: Progress | None = None,
    batch_size: int = 10_000,
) -> RestoreReport:
    """The bulk path into an empty graph: ``CREATE`` only (nothing to merge with), nodes
    first, then relationships; each batch its own transaction."""
    report = RestoreReport()
    started = time.perf_counter()
    total_nodes = sum(len(v) for v in nodes.values())
    total_rels = sum(len(v) for v in rels.values())
    done = 0
    for label in q.EXPORT_LABELS:
        for batch in _chunks(nodes.get(label, []), batch_size):
            async with graph.transaction() as tx:
                await tx.run(q.CREATE_NODES[label], rows=batch)
            report.nodes[label] += len(batch)
            done += len(batch)
            if progress:
                progress("creating nodes", done, total_nodes)
    done = 0
    for (rel, source, target), rows in sorted(rels.items()):
        statement = q.create_relationships(rel, source, target)
        for batch in _chunks(rows, batch_size):
            async with graph.transaction() as tx:
                created = await tx.run(statement, rows=batch)
            if created[0]["created"] != len(batch):
                raise BackupError(
                    f"{rel} {source}->{target}: {len(batch)} relationships given, "
                    f"{created[0]['created']} created (an endpoint is missing from the graph)"
                )
            report.relationships[rel] += len(batch)
            done += len(batch)
            if progress:
                progress("creating relationships", done, total_rels)
    report.seconds = time.perf_counter() - started
    return report


def check_area_argument(area: str) -> str:
    """An area given as a code (71) or an id (area:71)."""
    area = area.strip()
    if not area:
        raise InvalidInput("an area code or id is needed")
    return area if area.startswith("area:") else f"area:{area}"
