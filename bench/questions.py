"""The eight connection questions as a dashboard or an app asks them, with their targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.sampling import Inputs

Variables = dict[str, Any]

P95_TARGET_MS = 50.0
PATH_P95_TARGET_MS = 200.0  # the connection path searches the whole graph
RATIO_TARGET = 1.3  # GraphQL p50 at most this times the raw Cypher p50


@dataclass(frozen=True)
class Question:
    name: str  # the GraphQL field
    title: str
    document: str
    variables: Callable[[Inputs], list[Variables]]
    local: bool = False  # should not grow with the size of the whole graph
    p95_target_ms: float = P95_TARGET_MS


ROLLUP = """
query Rollup($area: ID!) {
  rollup(area: $area) {
    area { id nameTh nameEn level }
    organizations people partnerships resources pools pooledAmount
    children {
      area { id nameTh level }
      organizations people partnerships pooledAmount
      children { area { id nameTh code } organizations people partnerships }
    }
    ancestors { nameTh level }
  }
}
"""

PARTNERS = """
query Partners($of: ID!) {
  partners(of: $of, hops: 2, first: 20) {
    hops
    ties
    organization { id nameTh kind locatedIn { nameTh } }
    path { textTh textEn steps { from to labelTh labelEn } }
  }
}
"""

CONNECTION = """
query Connection($from: ID!, $to: ID!) {
  connection(from: $from, to: $to) {
    length
    textTh
    textEn
    steps { from to type labelTh labelEn }
  }
}
"""

ONBOARDING = """
query Onboarding($person: ID!) {
  onboarding(person: $person) {
    person { nameTh nameLatn tier }
    areas { nameTh level }
    memberships { role roleTh organization { nameTh } startOn }
    mentors { mentor { nameTh tier } }
    peersInArea { total people { nameTh tier } }
    provinceGroup { nameTh }
    peersInProvinceGroup { total people { nameTh } }
    keyPeople { level area { nameTh } person { nameTh } organization { nameTh } role }
    partnerships { through partnership { nameTh kind level } }
    resources { through resource { nameTh kind level } }
    meetings { role event { nameTh dateTh } }
  }
}
"""

COVERAGE = """
query Coverage($area: ID!) {
  coverage(area: $area) {
    area { nameTh }
    children { area { nameTh } partnerships mechanisms pools gaps }
    withoutPartnership { nameTh }
    withoutMechanism { nameTh }
    withoutPool { nameTh }
    inherited { partnerships mechanisms pools }
  }
}
"""

POOLS = """
query Pools($within: ID!) {
  pools(within: $within, first: 5) {
    byLevel { level pools contributed allocated }
    pools {
      nameTh level
      stewards { nameTh }
      flows { contributed allocated balance feederCount contributedWithFeeders }
      pooledInto { nameTh }
    }
  }
}
"""

SEARCH = """
query Search($text: String!) {
  search(text: $text, first: 10) {
    score matched label
    node {
      id
      ... on Area { nameTh level }
      ... on Organization { nameTh kind }
      ... on Person { nameTh tier }
    }
  }
}
"""

NEIGHBORHOOD = """
query Neighborhood($id: ID!, $depth: Int!) {
  neighborhood(id: $id, depth: $depth, limit: 200) {
    truncated
    nodes { id label type }
    edges { from to type labelTh labelEn }
    cytoscape
  }
}
"""

QUESTIONS: tuple[Question, ...] = (
    Question("rollup", "rollup", ROLLUP, lambda i: [{"area": a} for a in i.areas]),
    Question(
        "partners",
        "partner network (2 hops)",
        PARTNERS,
        lambda i: [{"of": c.id} for c in i.councils],
        local=True,
    ),
    Question(
        "connection",
        "connection path",
        CONNECTION,
        lambda i: [{"from": a, "to": b} for a, b in i.pairs],
        p95_target_ms=PATH_P95_TARGET_MS,
    ),
    Question(
        "onboarding",
        "onboarding view",
        ONBOARDING,
        lambda i: [{"person": p.id} for p in i.leaders],
        local=True,
    ),
    Question("coverage", "gaps (coverage)", COVERAGE, lambda i: [{"area": a} for a in i.areas]),
    Question("pools", "resources (pools)", POOLS, lambda i: [{"within": a} for a in i.areas]),
    Question("search", "search", SEARCH, lambda i: [{"text": t} for t in i.texts]),
    Question(
        "neighborhood",
        "neighbourhood",
        NEIGHBORHOOD,
        lambda i: [{"id": r, "depth": d} for r, d in i.roots],
    ),
)
BY_NAME = {question.name: question for question in QUESTIONS}
LOCAL = tuple(question.name for question in QUESTIONS if question.local)
