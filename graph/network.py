"""Connection questions: partners within N hops, shortest paths, neighbourhoods."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.db import Graph
from graph.entities import any_nodes, build_node, own_fields, require
from graph.errors import InvalidInput, NotFound
from graph.limits import (
    MAX_NEIGHBOURHOOD_DEPTH,
    MAX_NEIGHBOURHOOD_NODES,
    MAX_PARTNER_HOPS,
    MAX_PATH_HOPS,
    check_range,
)
from graph.queries import network as q
from graph.queries.relations import Plan
from graph.read import Organization, ReadModel
from graph.registry import label_of
from graph.vocabulary import reading

# --- paths ---------------------------------------------------------------------------------------


_TH_NAMES = ("name_th", "text_th", "title_th")
_EN_NAMES = ("name_en", "text_en", "title_en", "name_latn")


_NAME_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _name_fields(model: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The naming fields a read model has, in the order they are preferred: asking a model for
    a field it lacks costs two exceptions (pydantic's ``__getattr__``), on every node of a path."""
    if model not in _NAME_FIELDS:
        fields = getattr(model, "model_fields", {})
        _NAME_FIELDS[model] = (
            tuple(f for f in _TH_NAMES if f in fields),
            tuple(f for f in _EN_NAMES if f in fields),
        )
    return _NAME_FIELDS[model]


def display_names(node: Any) -> tuple[str, str]:
    """How a node of any label is named in Thai and in English (romanized Thai, or its id,
    when it has no English name)."""
    th_fields, en_fields = _name_fields(type(node))
    th = next((v for f in th_fields if (v := getattr(node, f))), None)
    en = next((v for f in en_fields if (v := getattr(node, f))), None)
    return th or en or node.id, en or th or node.id


class PathNode(ReadModel):
    """A node on a path (the node itself is ``get_related("node")``)."""

    id: str
    label: str
    name_th: str
    name_en: str

    @classmethod
    def of(cls, label: str, node: Any) -> PathNode:
        th, en = display_names(node)
        out = cls(id=node.id, label=label, name_th=th, name_en=en)
        out.set_related("node", node)
        return out


class PathStep(ReadModel):
    """One relationship of a path, read in the direction the path walks it."""

    source: str
    target: str
    type: str
    forward: bool  # True when the stored relationship points from source to target
    label_en: str
    label_th: str
    role: str | None

    @classmethod
    def of(
        cls, source: str, target: str, type: str, forward: bool, role: str | None = None
    ) -> PathStep:
        words = reading(type, forward)
        return cls(
            source=source,
            target=target,
            type=type,
            forward=forward,
            label_en=words.en,
            label_th=words.th,
            role=role,
        )


class Path(ReadModel):
    length: int
    nodes: list[PathNode]
    steps: list[PathStep]
    text_en: str
    text_th: str

    @classmethod
    def of(cls, nodes: list[PathNode], steps: list[PathStep]) -> Path:
        def sentence(english: bool) -> str:
            if not nodes:
                return ""
            parts = [nodes[0].name_en if english else nodes[0].name_th]
            for step, node in zip(steps, nodes[1:], strict=False):
                words = step.label_en if english else step.label_th
                parts.append(f"—{words}→ {node.name_en if english else node.name_th}")
            return " ".join(parts)

        return cls(
            length=len(steps),
            nodes=nodes,
            steps=steps,
            text_en=sentence(True),
            text_th=sentence(False),
        )


# --- 2. partners ---------------------------------------------------------------------------------


class Partner(ReadModel):
    """An organization in a partner network, and how it is reached."""

    organization: Organization
    hops: int  # steps from the origin (1: a direct partner)
    ties: int  # distinct partnerships and shared members linking it to the layer before
    path: Path


@dataclass
class _Walk:
    origin: str
    depth: dict[str, int] = field(default_factory=dict)
    parent: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # to (from, label, via)
    ties: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    start_role: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # allowed organization -> name_th

    @classmethod
    def of(cls, row: dict[str, Any]) -> _Walk:
        w = cls(row["origin"])
        seen = {row["origin"]}
        for org, role in row["starts"]:
            w.start_role.setdefault(org, role)
            seen.add(org)
        for depth, edges in enumerate(row["layers"], start=1):
            for here, to, via_label, via in sorted(edges):
                if to in seen and w.depth.get(to) != depth:
                    continue
                if to not in seen:
                    seen.add(to)
                    w.depth[to] = depth
                    w.parent[to] = (here, via_label, via)
                w.ties[to].add((here, via))
        w.names = {org: name for org, name in row["allowed"] if org in w.depth}
        return w

    def ranked(self, limit: int) -> list[str]:
        """Nearest first, then the most tied, then by name."""
        return sorted(
            self.names, key=lambda i: (self.depth[i], -len(self.ties[i]), self.names[i], i)
        )[:limit]

    def chain(self, target: str) -> list[tuple[str, str, str]]:
        """(organization, via label, via) from the first organization to ``target``."""
        hops = []
        while target in self.parent:
            hops.append((target, *self.parent[target][1:]))
            target = self.parent[target][0]
        return [(target, "", ""), *reversed(hops)]


async def partners(
    graph: Graph,
    origins: Sequence[str],
    *,
    hops: int = 2,
    max_hops: int = MAX_PARTNER_HOPS,
    kinds: Sequence[str] | None = None,
    within: str | None = None,
    on: dt.date | None = None,
    limit: int = 50,
    plans: Mapping[str, Plan] | None = None,
) -> dict[str, list[Partner]]:
    """Organizations reachable from each origin (an organization or a person) in at most
    ``hops`` steps, each step a shared partnership or a shared member; nearest and most tied
    first, each with the path that reaches it. Two round trips for any number of origins:
    the walk, then the nodes on the paths (organizations fetched with ``plans``)."""
    check_range("hops", hops, 1, min(max_hops, MAX_PARTNER_HOPS))
    by_label: dict[str, list[str]] = defaultdict(list)
    for o in origins:
        label = label_of(o)
        if label not in ("Organization", "Person"):
            raise InvalidInput(f"partners are found from an organization or a person, not {o!r}")
        by_label[label].append(o)
    day = (on or dt.date.today()).isoformat()
    walks: dict[str, _Walk] = {}
    for label, ids in sorted(by_label.items()):
        rows = await graph.read(
            q.partner_walk(label, hops),
            origins=list(dict.fromkeys(ids)),
            within=within,
            kinds=list(kinds) if kinds else None,
            on=day,
        )
        for row in rows:
            walks[row["origin"]] = _Walk.of(row)
    for o in origins:
        if o not in walks:
            if within is not None:
                await require(graph, ("Area", within))
            raise NotFound(label_of(o) or "node", o)
    keep = {origin: w.ranked(limit) for origin, w in walks.items()}
    wanted: set[str] = set(walks)
    for origin, w in walks.items():
        for target in keep[origin]:
            for org, _, via in w.chain(target):
                wanted.update((org, via) if via else (org,))
    found = await any_nodes(graph, sorted(wanted), plans)
    parts = _PathParts(found)
    return {
        origin: [
            Partner(
                organization=found[i],
                hops=w.depth[i],
                ties=len(w.ties[i]),
                path=_partner_path(w, i, parts),
            )
            for i in keep[origin]
        ]
        for origin, w in walks.items()
    }


class _PathParts:
    """The nodes and steps of a request's partner paths, each made once: the paths to twenty
    partners share their first steps, and the models are frozen."""

    def __init__(self, found: dict[str, Any]) -> None:
        self.found = found
        self._nodes: dict[tuple[str, str], PathNode] = {}
        self._steps: dict[tuple[str, str, str, bool, str | None], PathStep] = {}

    def node(self, label: str, node_id: str) -> PathNode:
        key = (label, node_id)
        if key not in self._nodes:
            self._nodes[key] = PathNode.of(label, self.found[node_id])
        return self._nodes[key]

    def step(
        self, source: str, target: str, type: str, forward: bool, role: str | None = None
    ) -> PathStep:
        key = (source, target, type, forward, role)
        if key not in self._steps:
            self._steps[key] = PathStep.of(*key)
        return self._steps[key]


def _partner_path(w: _Walk, target: str, parts: _PathParts) -> Path:
    chain = w.chain(target)
    nodes: list[PathNode] = []
    steps: list[PathStep] = []
    first = chain[0][0]
    if first != w.origin:  # the walk began from a person, through an organization of theirs
        nodes.append(parts.node("Person", w.origin))
        steps.append(parts.step(w.origin, first, "MEMBER_OF", True, w.start_role.get(first)))
    nodes.append(parts.node("Organization", first))
    here = first
    for org, via_label, via in chain[1:]:
        nodes.append(parts.node(via_label, via))
        if via_label == "Partnership":
            steps.append(parts.step(here, via, "PARTY_TO", True))
            steps.append(parts.step(via, org, "PARTY_TO", False))
        else:
            steps.append(parts.step(here, via, "MEMBER_OF", False))
            steps.append(parts.step(via, org, "MEMBER_OF", True))
        nodes.append(parts.node("Organization", org))
        here = org
    return Path.of(nodes, steps)


# --- 3. shortest paths ---------------------------------------------------------------------------


async def connection(
    graph: Graph,
    source: str,
    target: str,
    *,
    max_hops: int = MAX_PATH_HOPS,
    every: bool = False,
    limit: int = 5,
) -> list[Path]:
    """A shortest path of at most ``max_hops`` relationships between any two nodes, or
    (``every``) all of them, at most ``limit`` in a stable order; empty when none is short
    enough. One round trip (two when an end does not exist, to say which)."""
    check_range("maxHops", max_hops, 1, MAX_PATH_HOPS)
    labels = label_of(source), label_of(target)
    for node_id, label in zip((source, target), labels, strict=True):
        if label is None:
            raise NotFound("node", node_id)
    if source == target:
        found = await any_nodes(graph, [source])
        if source not in found:
            raise NotFound(labels[0] or "node", source)
        return [Path.of([PathNode.of(labels[0] or "", found[source])], [])]
    statement = q.shortest_path(labels[0] or "", labels[1] or "", max_hops, every)
    rows = await graph.read(statement, {"from": source, "to": target, "limit": limit})
    if not rows:
        await require(graph, (labels[0] or "", source), (labels[1] or "", target))
    paths = []
    for r in rows:
        if not r["nodes"]:
            continue
        nodes = []
        for row in r["nodes"]:
            label = row.pop("label")
            nodes.append(PathNode.of(label, build_node(label, own_fields(label, row))))
        steps = [
            PathStep.of(a.id, b.id, rel["type"], rel["from"] == a.id, rel.get("role"))
            for a, b, rel in zip(nodes, nodes[1:], r["rels"], strict=False)
        ]
        paths.append(Path.of(nodes, steps))
    return paths


# --- 8. neighbourhood ----------------------------------------------------------------------------


class GraphNode(ReadModel):
    """A node of a neighbourhood, as a network view draws it."""

    id: str
    label: str  # display label: the Thai name
    type: str  # Area, Organization, Person ...
    kind: str | None  # its kind, level or tier
    name_th: str | None
    name_en: str | None
    level: str | None  # the area level it sits at, for areas, partnerships and resources
    start_on: dt.date | None  # when it runs, for partnerships and plans (a filter by date)
    end_on: dt.date | None
    depth: int
    synthetic: bool


class GraphEdge(ReadModel):
    id: str
    source: str
    target: str
    type: str
    label_en: str
    label_th: str
    start_on: dt.date | None  # when the relationship holds (memberships), where it is stored
    end_on: dt.date | None

    # The same ends by the names Cytoscape.js and vis-network give them (the API's `from`, `to`).
    @property
    def from_(self) -> str:
        return self.source

    @property
    def to(self) -> str:
        return self.target


class Neighbourhood(ReadModel):
    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


def _graph_node(node_id: str, label: str, row: dict[str, Any], depth: int) -> GraphNode:
    th = row.get("name_th") or row.get("text_th") or row.get("title_th")
    return GraphNode(
        id=node_id,
        label=th or node_id,
        type=label,
        kind=row.get("kind") or row.get("level") or row.get("tier"),
        name_th=row.get("name_th"),
        name_en=row.get("name_en") or row.get("name_latn"),
        level=row.get("level"),
        start_on=row.get("start_on"),
        end_on=row.get("end_on"),
        depth=depth,
        synthetic=bool(row.get("synthetic")),
    )


async def neighbourhood(
    graph: Graph, root: str, *, depth: int = 1, limit: int = 200
) -> Neighbourhood:
    """Nodes and relationships within ``depth`` steps of ``root``, at most ``limit`` nodes,
    chosen in a stable order (nearest first, then by relationship type and id). One round
    trip per step."""
    check_range("depth", depth, 1, MAX_NEIGHBOURHOOD_DEPTH)
    check_range("limit", limit, 1, MAX_NEIGHBOURHOOD_NODES)
    label = label_of(root)
    if label is None:
        raise NotFound("node", root)
    nodes: dict[str, GraphNode] = {}
    edges: dict[str, GraphEdge] = {}
    truncated = False
    frontier = [root]
    for d in range(1, depth + 1):
        # Enough rows to fill what is left of the node budget, with room for the edges
        # between nodes already found; a hub's thousands of links are never all fetched.
        budget = max(limit - len(nodes), 1)
        statement = q.neighbours(label if d == 1 else None)
        rows = await graph.read(statement, ids=frontier, root=root, cap=budget * 3)
        if d == 1:
            if not rows or rows[0]["type"] is not None:
                raise NotFound(label, root)
            first = rows.pop(0)
            nodes[root] = _graph_node(root, label, first["node"], 0)
        if len(rows) >= budget * 3:
            truncated = True  # a label's links were cut at the cap
        rows.sort(key=lambda r: (r["key"], r["type"], r["node"].get("id") or ""))
        nxt: list[str] = []
        for r in rows:
            other = r["node"].get("id")
            if other is None:
                continue
            if other not in nodes:
                if len(nodes) >= limit:
                    truncated = True
                    continue
                nodes[other] = _graph_node(other, r["label"], r["node"], d)
                nxt.append(other)
            src, dst = (r["key"], other) if r["out"] else (other, r["key"])
            key = (r["rel"] or {}).get("key") or (r["rel"] or {}).get("id")
            edge_id = f"{src}|{r['type']}|{dst}" + (f"|{key}" if key else "")
            if edge_id not in edges:
                words = reading(r["type"], True)
                rel = r["rel"] or {}
                edges[edge_id] = GraphEdge(
                    id=edge_id,
                    source=src,
                    target=dst,
                    type=r["type"],
                    label_en=words.en,
                    label_th=words.th,
                    start_on=rel.get("start_on"),
                    end_on=rel.get("end_on"),
                )
        frontier = nxt
        if not frontier:
            break
    return Neighbourhood(
        root=root, nodes=list(nodes.values()), edges=list(edges.values()), truncated=truncated
    )
