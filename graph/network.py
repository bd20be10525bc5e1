"""Connection questions: partners within N hops, shortest paths, neighbourhoods."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.db import Graph
from graph.entities import nodes_any, nodes_by_id
from graph.errors import InvalidInput, NotFound
from graph.models.dataset import label_of
from graph.queries import entities as eq
from graph.queries import network as q
from graph.vocabulary import reading

Row = dict[str, Any]
MAX_PATH_HOPS = 10


@dataclass(frozen=True)
class PathNode:
    id: str
    label: str
    row: Row


@dataclass(frozen=True)
class Step:
    """One relationship of a path, read in the direction the path walks it."""

    source: str
    target: str
    type: str
    forward: bool  # True when the stored relationship points from source to target
    role: str | None = None

    @property
    def label_en(self) -> str:
        return reading(self.type, self.forward).en

    @property
    def label_th(self) -> str:
        return reading(self.type, self.forward).th


@dataclass
class Path:
    nodes: list[PathNode] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def length(self) -> int:
        return len(self.steps)


# --- partners ------------------------------------------------------------------------------------


@dataclass
class Partner:
    id: str
    row: Row
    hops: int
    ties: int  # distinct (organization, partnership or member) links from the layer before
    path: Path


@dataclass
class _Walk:
    origin: str
    layer: list[str]
    seen: set[str]
    depth: dict[str, int] = field(default_factory=dict)
    parent: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # org -> (from, label, via)
    ties: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    start_role: dict[str, str] = field(default_factory=dict)


async def partners_within(
    graph: Graph,
    origins: Sequence[str],
    *,
    hops: int = 2,
    kinds: Sequence[str] | None = None,
    within: str | None = None,
    on: dt.date | None = None,
    limit: int = 50,
) -> dict[str, list[Partner]]:
    """Organizations reachable from each origin (an organization or a person) in at most
    ``hops`` steps, each step a shared partnership or a shared member; nearest and most
    tied first, each with the path that reaches it."""
    if not 1 <= hops <= 6:
        raise InvalidInput("hops must be between 1 and 6")
    day = (on or dt.date.today()).isoformat()
    walks = await _start(graph, origins, day)
    for depth in range(1, hops + 1):
        frontier = sorted({org for w in walks.values() for org in w.layer})
        if not frontier:
            break
        edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for r in await graph.read(q.PARTNER_STEP, frontier=frontier, on=day):
            edges[r["from"]].append((r["to"], r["via_label"], r["via"]))
        for w in walks.values():
            nxt: list[str] = []
            for here in w.layer:
                for to, via_label, via in sorted(edges.get(here, ())):
                    if to in w.seen and w.depth.get(to) != depth:
                        continue
                    if to not in w.seen:
                        w.seen.add(to)
                        w.depth[to] = depth
                        w.parent[to] = (here, via_label, via)
                        nxt.append(to)
                    w.ties[to].add((here, via))
            w.layer = nxt
    found = {org for w in walks.values() for org in w.depth}
    rows = await nodes_by_id(graph, "Organization", sorted(found))
    allowed = set(rows)
    if kinds:
        allowed = {i for i in allowed if rows[i].get("kind") in set(kinds)}
    if within:
        inside = await graph.read(q.ORGANIZATIONS_WITHIN, within=within, ids=sorted(allowed))
        allowed &= {r["id"] for r in inside}
    ranked: dict[str, list[Partner]] = {}
    keep: dict[str, list[str]] = {}
    for origin, w in walks.items():
        ids = sorted((i for i in w.depth if i in allowed), key=_rank(w, rows))
        keep[origin] = ids[:limit]
    vias = {w.parent[i][2] for origin, w in walks.items() for i in _chain(w, keep[origin])}
    extra = await nodes_any(graph, sorted(vias | set(walks)))
    for origin, w in walks.items():
        ranked[origin] = [
            Partner(i, rows[i], w.depth[i], len(w.ties[i]), _partner_path(w, i, rows, extra))
            for i in keep[origin]
        ]
    return ranked


async def _start(graph: Graph, origins: Sequence[str], day: str) -> dict[str, _Walk]:
    walks: dict[str, _Walk] = {}
    people = [o for o in origins if label_of(o) == "Person"]
    orgs = [o for o in origins if label_of(o) == "Organization"]
    bad = [o for o in origins if o not in people and o not in orgs]
    if bad:
        raise InvalidInput(f"partners are found from an organization or a person, not {bad[0]!r}")
    known = await nodes_any(graph, list(origins))
    for o in origins:
        if o not in known:
            raise NotFound(label_of(o) or "node", o)
    for o in orgs:
        walks[o] = _Walk(o, [o], {o})
    if people:
        start: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in await graph.read(q.PERSON_ORGANIZATIONS, ids=people, on=day):
            start[r["key"]].append((r["org"], r["role"]))
        for p in people:
            own = [org for org, _ in start[p]]
            walks[p] = _Walk(p, own, set(own), start_role=dict(start[p]))
    return walks


def _rank(w: _Walk, rows: dict[str, Row]) -> Callable[[str], tuple[int, int, str, str]]:
    """Nearest first, then the most tied, then by name."""
    return lambda i: (w.depth[i], -len(w.ties[i]), rows[i].get("name_th", ""), i)


def _chain(w: _Walk, ids: Sequence[str]) -> set[str]:
    """Every organization on the way to the given ones."""
    out: set[str] = set()
    for i in ids:
        while i in w.parent:
            out.add(i)
            i = w.parent[i][0]
    return out


def _partner_path(
    w: _Walk, target: str, rows: dict[str, Row], extra: dict[str, tuple[str, Row]]
) -> Path:
    hops: list[tuple[str, str, str]] = []
    i = target
    while i in w.parent:
        hops.append((i, *w.parent[i][1:]))
        i = w.parent[i][0]
    first = i
    path = Path()
    if first != w.origin:  # the walk began from a person, through an organization of theirs
        label, row = extra.get(w.origin, ("Person", {"id": w.origin}))
        path.nodes.append(PathNode(w.origin, label, row))
        path.steps.append(Step(w.origin, first, "MEMBER_OF", True, w.start_role.get(first)))
    path.nodes.append(
        PathNode(first, "Organization", rows.get(first) or extra.get(first, ("", {}))[1])
    )
    here = first
    for org, via_label, via in reversed(hops):
        via_row = extra.get(via, (via_label, {"id": via}))[1]
        path.nodes.append(PathNode(via, via_label, via_row))
        if via_label == "Partnership":
            path.steps.append(Step(here, via, "PARTY_TO", True))
            path.steps.append(Step(via, org, "PARTY_TO", False))
        else:
            path.steps.append(Step(here, via, "MEMBER_OF", False))
            path.steps.append(Step(via, org, "MEMBER_OF", True))
        path.nodes.append(PathNode(org, "Organization", rows[org]))
        here = org
    return path


# --- shortest paths ------------------------------------------------------------------------------


async def connection_paths(
    graph: Graph,
    source: str,
    target: str,
    *,
    max_hops: int = MAX_PATH_HOPS,
    every: bool = False,
    limit: int = 5,
) -> list[Path]:
    """A shortest path between any two nodes, or (``every``) all of them, at most ``limit``
    in a stable order. Empty when none is at most ``max_hops`` long."""
    if not 1 <= max_hops <= MAX_PATH_HOPS:
        raise InvalidInput(f"maxHops must be between 1 and {MAX_PATH_HOPS}")
    rows = await graph.read(q.ELEMENT_IDS, ids=[source, target])
    elements = {r["key"]: r["element"] for r in rows}
    for node in (source, target):
        if node not in elements:
            raise NotFound(label_of(node) or "node", node)
    if source == target:
        found = await nodes_any(graph, [source])
        label, row = found[source]
        return [Path(nodes=[PathNode(source, label, row)])]
    params = {"from": elements[source], "to": elements[target], "limit": limit}
    result = await graph.read(q.ALL_SHORTEST_PATHS if every else q.SHORTEST_PATH, params)
    paths = []
    for r in result:
        if len(r["rels"]) > max_hops:
            continue
        path = Path(nodes=[PathNode(n["id"], n["label"], n) for n in r["nodes"]])
        for a, b, rel in zip(r["nodes"], r["nodes"][1:], r["rels"], strict=False):
            path.steps.append(
                Step(a["id"], b["id"], rel["type"], rel["from"] == a["id"], rel.get("role"))
            )
        paths.append(path)
    return paths


# --- neighbourhood -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type: str
    rel: Row

    @property
    def id(self) -> str:
        key = self.rel.get("key") or self.rel.get("id")
        return f"{self.source}|{self.type}|{self.target}" + (f"|{key}" if key else "")


@dataclass
class Neighbourhood:
    root: str
    nodes: dict[str, PathNode] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    truncated: bool = False
    depth_of: dict[str, int] = field(default_factory=dict)


async def neighbourhood(
    graph: Graph, root: str, *, depth: int = 1, limit: int = 200
) -> Neighbourhood:
    """Nodes and relationships within ``depth`` steps of ``root``, at most ``limit`` nodes,
    chosen in a stable order (nearest first, then by relationship type and id)."""
    if not 1 <= depth <= 3:
        raise InvalidInput("depth must be between 1 and 3")
    found = await nodes_any(graph, [root])
    if root not in found:
        raise NotFound(label_of(root) or "node", root)
    label, row = found[root]
    hood = Neighbourhood(root, {root: PathNode(root, label, row)}, depth_of={root: 0})
    frontier = [root]
    for d in range(1, depth + 1):
        # Enough rows to fill what is left of the node budget, with room for the edges
        # between nodes already found; a hub's thousands of links are never all fetched.
        budget = max(limit - len(hood.nodes), 1)
        rows = await graph.read(eq.NEIGHBOURS, ids=frontier, cap=budget * 3)
        if len(rows) >= budget * 3:
            hood.truncated = True  # a label's links were cut at the cap
        rows.sort(key=lambda r: (r["key"], r["type"], r["node"].get("id", "")))
        nxt: list[str] = []
        for r in rows:
            other = r["node"].get("id")
            if other is None:
                continue
            if other not in hood.nodes:
                if len(hood.nodes) >= limit:
                    hood.truncated = True
                    continue
                hood.nodes[other] = PathNode(other, r["label"], r["node"])
                hood.depth_of[other] = d
                nxt.append(other)
            src, dst = (r["key"], other) if r["out"] else (other, r["key"])
            edge = Edge(src, dst, r["type"], r["rel"] or {})
            hood.edges.setdefault(edge.id, edge)
        frontier = nxt
        if not frontier:
            break
    return hood
