"""The answers to the users' connection questions, as GraphQL types.

1 rollup, 2 partners, 3 connection paths, 4 onboarding, 5 coverage gaps, 6 pools,
7 search, 8 neighbourhood. Each is computed in ``graph`` (Cypher lives there); these types
only shape the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import typing
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graph import network
from graph import people as people_q
from graph.areas import ChildCoverage as ChildCoverageData
from graph.areas import Rollup, rollup_from_row
from graph.errors import InvalidInput
from graph.models import AreaLevel, OrganizationKind, be_year
from graph.resources import Flows, LevelFlows
from schema.context import ctx
from schema.loaders import PartnersKey
from schema.types import (
    Area,
    Attendance,
    Membership,
    Mentorship,
    Node,
    Organization,
    Partnership,
    Person,
    Resource,
    as_node,
    build,
)

Row = dict[str, Any]
EMPTY_ROLLUP = Rollup(0, 0, 0, 0, 0, 0.0, 0)


# --- 1. rollup -----------------------------------------------------------------------------------


@strawberry.type(
    description="What an area's whole subtree holds, with the same counts for each "
    "child area below it."
)
class AreaRollup:
    area: Area
    counts: strawberry.Private[Rollup]

    # Plain fields, not resolvers: a dashboard asks for hundreds of these at once, and a
    # synchronous field costs a fraction of an awaited one.
    @strawberry.field(description="Organizations located in the subtree.")
    def organizations(self) -> int:
        return self.counts.organizations

    @strawberry.field(description="People working in the subtree.")
    def people(self) -> int:
        return self.counts.people

    @strawberry.field(description="Partnerships working across an area of the subtree.")
    def partnerships(self) -> int:
        return self.counts.partnerships

    @strawberry.field(description="Shared resources serving an area of the subtree.")
    def resources(self) -> int:
        return self.counts.resources

    @strawberry.field(description="Pooled funds (กองคลัง) serving the subtree.")
    def pools(self) -> int:
        return self.counts.pools

    @strawberry.field(description="Total contributed to those pooled funds (THB).")
    def pooled_amount(self) -> float:
        return self.counts.pooled_amount

    @strawberry.field(description="Number of contributions to those pooled funds.")
    def contributions(self) -> int:
        return self.counts.contributions

    @strawberry.field(description="Every area above, nearest first, up to the country.")
    async def ancestors(self, info: Info) -> list[Area]:
        return await self.area.ancestors(info)

    @strawberry.field(
        description="The same counts for each child area: region → province groups "
        "→ provinces → districts → subdistricts."
    )
    async def children(self, info: Info) -> list[AreaRollup]:
        children = await self.area.children(info)
        return list(await asyncio.gather(*(rollup_of(info, c) for c in children)))


async def rollup_of(info: Info, area: Area) -> AreaRollup:
    """An area's rollup: the counts its stored row carries (materialized at the last load), or,
    for a row without them, counted through the loader."""
    counts = rollup_from_row(area.row)
    if counts is None:
        counts = await ctx(info).loaders.rollup.load(area.id) or EMPTY_ROLLUP
    return AreaRollup(area=area, counts=counts)


# --- 2 and 3. partners and paths -----------------------------------------------------------------


@strawberry.type(description="A node on a path.")
class PathNode:
    id: strawberry.ID
    label: str
    name_th: str | None
    name_en: str | None
    row: strawberry.Private[Row]

    @strawberry.field(description="The node itself.")
    def node(self) -> Node | None:
        return as_node(self.label, self.row)


@strawberry.type(description="One step of a path, named as it reads in the walking direction.")
class PathStep:
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")
    type: str = strawberry.field(description="The relationship type, e.g. MEMBER_OF.")
    forward: bool = strawberry.field(
        description="True when walked in the relationship's stored direction."
    )
    label_en: str
    label_th: str
    role: str | None = None


@strawberry.type(description="A path through the network: nodes and the steps between them.")
class Path:
    length: int
    nodes: list[PathNode]
    steps: list[PathStep]

    @classmethod
    def build(cls, path: network.Path) -> Path:
        return cls(
            length=path.length,
            nodes=[
                PathNode(
                    id=strawberry.ID(n.id),
                    label=n.label,
                    name_th=n.row.get("name_th") or n.row.get("text_th") or n.row.get("title_th"),
                    name_en=n.row.get("name_en") or n.row.get("text_en") or n.row.get("title_en"),
                    row=n.row,
                )
                for n in path.nodes
            ],
            steps=[
                PathStep(
                    source=strawberry.ID(s.source),
                    target=strawberry.ID(s.target),
                    type=s.type,
                    forward=s.forward,
                    label_en=s.label_en,
                    label_th=s.label_th,
                    role=s.role,
                )
                for s in path.steps
            ],
        )

    @strawberry.field(description="The path as one line of English.")
    def text_en(self) -> str:
        return _sentence(self, english=True)

    @strawberry.field(description="The path as one line of Thai.")
    def text_th(self) -> str:
        return _sentence(self, english=False)


def _sentence(path: Path, *, english: bool) -> str:
    if not path.nodes:
        return ""
    parts = [_name(path.nodes[0], english)]
    for step, node in zip(path.steps, path.nodes[1:], strict=False):
        parts.append(f"—{step.label_en if english else step.label_th}→ {_name(node, english)}")
    return " ".join(parts)


def _name(node: PathNode, english: bool) -> str:
    if english:
        return node.name_en or node.row.get("name_latn") or node.name_th or str(node.id)
    return node.name_th or node.name_en or str(node.id)


@strawberry.type(description="An organization in a partner network.")
class Partner:
    organization: Organization
    hops: int = strawberry.field(description="Steps from the origin (1 = a direct partner).")
    ties: int = strawberry.field(
        description="Distinct partnerships and shared members linking it to the step before."
    )
    path: Path = strawberry.field(description="How it is reached: through whom.")


async def load_partners(
    info: Info,
    origin: str,
    hops: int,
    kinds: list[OrganizationKind] | None,
    within: str | None,
    valid_on: dt.date | None,
    first: int,
) -> list[Partner]:
    context = ctx(info)
    if not 1 <= hops <= context.settings.max_hops:
        raise InvalidInput(f"hops must be between 1 and {context.settings.max_hops} (got {hops})")
    key = PartnersKey(
        origin,
        hops,
        tuple(sorted(k.value for k in kinds)) if kinds else None,
        within,
        valid_on,
        context.page_size(first),
    )
    found = await context.loaders.partners.load(key)
    return [
        Partner(
            organization=build(Organization, p.row),
            hops=p.hops,
            ties=p.ties,
            path=Path.build(p.path),
        )
        for p in found
    ]


# --- 4. onboarding -------------------------------------------------------------------------------


@strawberry.type(description="A sample of people, with how many there are in all.")
class PeopleSample:
    total: int
    people: list[Person]


@strawberry.type(description="Someone holding a leading role one level up.")
class KeyPerson:
    level: AreaLevel
    area: Area
    person: Person
    organization: Organization
    role: str | None
    role_th: str | None


@strawberry.type(description="A partnership a person can reach, and how.")
class ReachablePartnership:
    partnership: Partnership
    through: list[str] = strawberry.field(
        description="'area' (it works in their area or above) and/or 'membership'."
    )


@strawberry.type(description="A shared resource a person can reach, and how.")
class ReachableResource:
    resource: Resource
    through: list[str] = strawberry.field(
        description="'area' (it serves their area or above) and/or 'stewardship'."
    )


@strawberry.type(description="What a second-tier leader being onboarded should see (question 4).")
class Onboarding:
    person: Person
    areas: list[Area] = strawberry.field(description="Where they work.")
    above: list[Area] = strawberry.field(description="Every area above, nearest first.")
    memberships: list[Membership]
    mentors: list[Mentorship]
    mentees: list[Mentorship]
    peers_in_area: PeopleSample = strawberry.field(description="Others working in their area.")
    province_group: Area | None
    peers_in_province_group: PeopleSample = strawberry.field(
        description="People of the same tier in their province group: how many in all, and "
        "the nearest of them (in their own district)."
    )
    key_people: list[KeyPerson] = strawberry.field(
        description="Leading roles in the bodies of their province, province group and region."
    )
    partnerships: list[ReachablePartnership]
    resources: list[ReachableResource]
    meetings: list[Attendance]


def build_onboarding(data: people_q.Onboarding) -> Onboarding:
    person = data.person
    return Onboarding(
        person=build(Person, person),
        areas=[build(Area, a) for a in data.areas],
        above=[build(Area, a) for a in data.above],
        memberships=[Membership.from_related(person, m.node, m.rel) for m in data.memberships],
        mentors=[Mentorship.build(m.node, person, m.rel) for m in data.mentors],
        mentees=[Mentorship.build(person, m.node, m.rel) for m in data.mentees],
        peers_in_area=PeopleSample(
            total=data.peers_in_area_total, people=[build(Person, p) for p in data.peers_in_area]
        ),
        province_group=build(Area, data.group) if data.group else None,
        peers_in_province_group=PeopleSample(
            total=data.peers_in_group_total,
            people=[build(Person, p) for p in data.peers_in_group],
        ),
        key_people=[
            KeyPerson(
                level=AreaLevel(k.level),
                area=build(Area, k.area),
                person=build(Person, k.person),
                organization=build(Organization, k.organization),
                role=k.role,
                role_th=k.role_th,
            )
            for k in data.key_people
        ],
        partnerships=[
            ReachablePartnership(partnership=build(Partnership, row), through=through)
            for row, through in data.partnerships
        ],
        resources=[
            ReachableResource(resource=build(Resource, row), through=through)
            for row, through in data.resources
        ],
        meetings=[
            Attendance.build(("Person", person), event, {"role": role, "role_th": role_th})
            for event, role, role_th in data.events
        ],
    )


# --- 5. coverage ---------------------------------------------------------------------------------


@strawberry.type(description="What one child area's subtree has.")
class ChildCoverage:
    area: Area
    partnerships: int
    mechanisms: int
    pools: int
    gaps: list[str] = strawberry.field(
        description="What it lacks: 'partnership', 'mechanism', 'pool'."
    )

    @classmethod
    def build(cls, c: ChildCoverageData) -> ChildCoverage:
        return cls(
            area=build(Area, c.area),
            partnerships=c.partnerships,
            mechanisms=c.mechanisms,
            pools=c.pools,
            gaps=c.gaps,
        )


@strawberry.type(description="What an area receives from the areas above it.")
class Inherited:
    partnerships: int
    mechanisms: int
    pools: int


@strawberry.type(description="Where coverage is missing under an area (question 5).")
class Coverage:
    area: Area

    async def _data(self, info: Info) -> Any:
        return await ctx(info).loaders.coverage.load(self.area.id)

    @strawberry.field(description="Every child area with what its subtree has.")
    async def children(self, info: Info) -> list[ChildCoverage]:
        return [ChildCoverage.build(c) for c in (await self._data(info)).children]

    @strawberry.field(description="Child areas with no active partnership in their subtree.")
    async def without_partnership(self, info: Info) -> list[Area]:
        return [build(Area, c.area) for c in (await self._data(info)).missing("partnership")]

    @strawberry.field(description="Child areas with no mechanism operating in their subtree.")
    async def without_mechanism(self, info: Info) -> list[Area]:
        return [build(Area, c.area) for c in (await self._data(info)).missing("mechanism")]

    @strawberry.field(description="Child areas with no pooled fund serving their subtree.")
    async def without_pool(self, info: Info) -> list[Area]:
        return [build(Area, c.area) for c in (await self._data(info)).missing("pool")]

    @strawberry.field(description="What the area gets from above (shared by every child).")
    async def inherited(self, info: Info) -> Inherited:
        i = (await self._data(info)).inherited
        return Inherited(partnerships=i.partnerships, mechanisms=i.mechanisms, pools=i.pools)


# --- 6. pools ------------------------------------------------------------------------------------


@strawberry.type(description="Money in and out of a resource (question 6).")
class ResourceFlows:
    contributed: float
    contributions: int
    allocated: float
    allocations: int
    balance: float = strawberry.field(description="Contributed minus allocated.")
    feeder_count: int = strawberry.field(description="Pools feeding it, at any depth.")
    feeders_contributed: float
    feeders_allocated: float
    contributed_with_feeders: float = strawberry.field(
        description="Its own contributions plus those of every pool feeding it."
    )

    @classmethod
    def build(cls, f: Flows) -> ResourceFlows:
        return cls(
            contributed=f.contributed,
            contributions=f.contributions,
            allocated=f.allocated,
            allocations=f.allocations,
            balance=f.balance,
            feeder_count=f.feeder_count,
            feeders_contributed=f.feeders_contributed,
            feeders_allocated=f.feeders_allocated,
            contributed_with_feeders=f.contributed_with_feeders,
        )


@strawberry.type(description="Pooled funds of one level under an area, with their flows.")
class LevelPools:
    level: AreaLevel
    pools: int
    contributed: float
    contributions: int
    allocated: float
    allocations: int

    @classmethod
    def build(cls, f: LevelFlows) -> LevelPools:
        return cls(
            level=AreaLevel(f.level),
            pools=f.pools,
            contributed=f.contributed,
            contributions=f.contributions,
            allocated=f.allocated,
            allocations=f.allocations,
        )


@strawberry.type(description="Shared pools under an area, rolled up per level (question 6).")
class PoolReport:
    within: Area
    by_level: list[LevelPools]
    pools: list[Resource]


# --- 7. search -----------------------------------------------------------------------------------


@strawberry.type(description="A search result.")
class SearchHit:
    score: float
    matched: str = strawberry.field(description="The written form that matched best.")
    label: str
    node: Node


# --- 8. neighbourhood ----------------------------------------------------------------------------


@strawberry.type(description="A node of a neighbourhood, ready for a network view.")
class GraphNode:
    id: strawberry.ID
    label: str = strawberry.field(description="Display label (Thai name).")
    type: str = strawberry.field(description="Area, Organization, Person ...")
    kind: str | None
    name_th: str | None
    name_en: str | None
    depth: int
    synthetic: bool


@strawberry.type(
    description="A relationship of a neighbourhood, with both Cytoscape "
    "(source/target) and vis-network (from/to) endpoint names."
)
class GraphEdge:
    id: strawberry.ID
    source: strawberry.ID
    target: strawberry.ID
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    type: str
    label_en: str
    label_th: str


@strawberry.type(description="Nodes and relationships within a depth of an entity (question 8).")
class Neighborhood:
    root: strawberry.ID
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="True when the node limit cut it short.")

    @strawberry.field(description="Cytoscape.js `elements`: pass straight to cytoscape().")
    def cytoscape(self) -> JSON:
        elements: list[dict[str, Any]] = [
            {"data": dataclasses.asdict(n) | {"id": str(n.id)}} for n in self.nodes
        ] + [
            {
                "data": {
                    "id": str(e.id),
                    "source": str(e.source),
                    "target": str(e.target),
                    "label": e.label_en,
                    "label_th": e.label_th,
                    "type": e.type,
                }
            }
            for e in self.edges
        ]
        return typing.cast(JSON, elements)

    @strawberry.field(description="vis-network data: `{nodes, edges}` for new vis.Network().")
    def vis_network(self) -> JSON:
        data: dict[str, Any] = {
            "nodes": [
                {"id": str(n.id), "label": n.label, "group": n.type, "level": n.depth}
                for n in self.nodes
            ],
            "edges": [
                {
                    "id": str(e.id),
                    "from": str(e.source),
                    "to": str(e.target),
                    "label": e.label_en,
                    "arrows": "to",
                }
                for e in self.edges
            ],
        }
        return typing.cast(JSON, data)


def build_neighborhood(hood: network.Neighbourhood) -> Neighborhood:
    from graph.vocabulary import reading

    nodes = [
        GraphNode(
            id=strawberry.ID(n.id),
            label=n.row.get("name_th") or n.row.get("text_th") or n.row.get("title_th") or n.id,
            type=n.label,
            kind=n.row.get("kind") or n.row.get("level") or n.row.get("tier"),
            name_th=n.row.get("name_th"),
            name_en=n.row.get("name_en") or n.row.get("name_latn"),
            depth=hood.depth_of.get(n.id, 0),
            synthetic=bool(n.row.get("synthetic")),
        )
        for n in hood.nodes.values()
    ]
    edges = [
        GraphEdge(
            id=strawberry.ID(e.id),
            source=strawberry.ID(e.source),
            target=strawberry.ID(e.target),
            from_=strawberry.ID(e.source),
            to=strawberry.ID(e.target),
            type=e.type,
            label_en=reading(e.type, True).en,
            label_th=reading(e.type, True).th,
        )
        for e in hood.edges.values()
    ]
    return Neighborhood(
        root=strawberry.ID(hood.root), nodes=nodes, edges=edges, truncated=hood.truncated
    )


__all__ = [
    "AreaRollup",
    "Coverage",
    "Neighborhood",
    "Onboarding",
    "Partner",
    "Path",
    "PoolReport",
    "ResourceFlows",
    "SearchHit",
    "be_year",
    "build_neighborhood",
    "build_onboarding",
]
