"""Search evaluation: queries people type, by category, with hit@1, hit@5, MRR, zero-result
rate and latency, beside a plain fuzzy baseline (case folding + rapidfuzz over the same names).

The set is the hand-written cases (``bench/search_cases.yaml``) plus cases generated from
geothai's names with a fixed seed: Thai and English names, level words in both languages and
their abbreviations, and typos (a character dropped, swapped with its neighbour, or doubled).
A case is a hit when any of its expected ids is returned; a name that several places share is
reported in its own category (``shared``), since only a level word or an area can tell them apart.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
CASES_FILE = HERE / "search_cases.yaml"
EVAL_FILE = HERE / "search_eval.yaml"
SEED = 14
PROVINCES = 77  # all of them
DISTRICTS = 120
SUBDISTRICTS = 160
K = 10

# Level words people put before (Thai, English transcriptions) or after (English) a name.
THAI_LEVEL = {"province": "จังหวัด", "district": "อำเภอ", "subdistrict": "ตำบล"}
THAI_LEVEL_BKK = {"district": "เขต", "subdistrict": "แขวง"}
THAI_ABBR = {"province": "จ.", "district": "อ.", "subdistrict": "ต."}
EN_BEFORE = {"province": "Changwat", "district": "Amphoe", "subdistrict": "Tambon"}
EN_BEFORE_BKK = {"district": "Khet", "subdistrict": "Khwaeng"}
EN_AFTER = {"province": "Province", "district": "District", "subdistrict": "Subdistrict"}


@dataclass(frozen=True)
class Case:
    category: str
    text: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class _Place:
    id: str
    level: str
    name_th: str
    name_en: str
    bangkok: bool


def _places() -> list[_Place]:
    import geothai

    out = []
    for p in geothai.provinces():
        out.append(_Place(f"area:{p.code}", "province", p.name_th, p.name_en, p.code == "10"))
        for d in geothai.districts(p.code):
            bkk = p.code == "10"
            # geothai writes Bangkok's districts with their level word (เขตพระนคร)
            name = d.name_th.removeprefix("เขต") if bkk else d.name_th
            out.append(_Place(f"area:{d.code}", "district", name, d.name_en, bkk))
            for s in geothai.subdistricts(d.code):
                out.append(_Place(f"area:{s.code}", "subdistrict", s.name_th, s.name_en, bkk))
    return out


def _key(text: str) -> str:
    return "".join(text.casefold().split())


def _typos(word: str, rng: random.Random) -> list[tuple[str, str]]:
    """One dropped, one swapped and one doubled character, away from the first one."""
    if len(word) < 4:
        return []
    out = []
    i = rng.randrange(1, len(word) - 1)
    out.append(("dropped", word[:i] + word[i + 1 :]))
    j = rng.randrange(1, len(word) - 1)
    if word[j] != word[j + 1] and word[j] != " " and word[j + 1] != " ":
        out.append(("swapped", word[:j] + word[j + 1] + word[j] + word[j + 2 :]))
    k = rng.randrange(1, len(word))
    if word[k] != " ":
        out.append(("doubled", word[:k] + word[k] + word[k:]))
    return out


def generate(seed: int = SEED) -> list[Case]:
    """The whole evaluation set: hand-written cases, then generated ones, in a stable order."""
    rng = random.Random(seed)
    cases: list[Case] = []
    hand = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    for category, rows in hand.items():
        cases += [Case(category, str(r["text"]), tuple(r["expected"])) for r in rows]

    places = _places()
    by_th: dict[str, list[_Place]] = defaultdict(list)
    by_en: dict[str, list[_Place]] = defaultdict(list)
    for p in places:
        by_th[_key(p.name_th)].append(p)
        by_en[_key(p.name_en)].append(p)
    known = set(by_th) | set(by_en)

    def ids(found: Sequence[_Place], level: str | None = None) -> tuple[str, ...]:
        return tuple(p.id for p in found if level is None or p.level == level)

    def add(category: str, text: str, expected: tuple[str, ...]) -> None:
        cases.append(Case(category if len(expected) == 1 else "shared", text, expected))

    chosen = [p for p in places if p.level == "province"]
    for level, n in (("district", DISTRICTS), ("subdistrict", SUBDISTRICTS)):
        chosen += rng.sample([p for p in places if p.level == level], n)
    for p in chosen:
        same_th, same_en = by_th[_key(p.name_th)], by_en[_key(p.name_en)]
        add("thai_name", p.name_th, ids(same_th))
        add("english_name", p.name_en, ids(same_en))
        word = (THAI_LEVEL_BKK if p.bangkok else THAI_LEVEL).get(p.level, THAI_LEVEL[p.level])
        add("thai_level_word", word + p.name_th, ids(same_th, p.level))
        add("thai_level_abbr", THAI_ABBR[p.level] + p.name_th, ids(same_th, p.level))
        before = (EN_BEFORE_BKK if p.bangkok else EN_BEFORE).get(p.level, EN_BEFORE[p.level])
        add("english_level_word", f"{before} {p.name_en}", ids(same_en, p.level))
        add("english_level_word", f"{p.name_en} {EN_AFTER[p.level]}", ids(same_en, p.level))
        for _, typo in _typos(p.name_th, rng):
            if _key(typo) not in known:
                add("thai_typo", typo, ids(same_th))
        for _, typo in _typos(p.name_en, rng):
            if _key(typo) not in known:
                add("english_typo", typo, ids(same_en))
    return cases


def load(path: Path = EVAL_FILE) -> list[Case]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Case(r["category"], str(r["text"]), tuple(r["expected"])) for r in rows]


def write(cases: Sequence[Case], path: Path = EVAL_FILE) -> None:
    header = (
        "# The search evaluation set, written by `kb bench search --write-set` from\n"
        "# bench/search_cases.yaml and geothai's names (bench/search_eval.py, seed "
        f"{SEED}).\n# {len(cases)} cases.\n"
    )
    rows = [{"category": c.category, "text": c.text, "expected": list(c.expected)} for c in cases]
    body = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=200)
    path.write_text(header + body, encoding="utf-8")


# --- measuring -----------------------------------------------------------------------------------

Searcher = Callable[[str], Awaitable[list[str]]]


@dataclass
class Figures:
    n: int
    hit1: float
    hit5: float
    mrr: float
    zero: float
    p50_ms: float
    p95_ms: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in vars(self).items()}


@dataclass(frozen=True)
class Outcome:
    case: Case
    ids: tuple[str, ...]
    ms: float

    @property
    def rank(self) -> int | None:
        for i, hit in enumerate(self.ids, 1):
            if hit in self.case.expected:
                return i
        return None


async def run(cases: Sequence[Case], searcher: Searcher) -> list[Outcome]:
    out = []
    for case in cases:
        start = time.perf_counter()
        ids = await searcher(case.text)
        out.append(Outcome(case, tuple(ids), (time.perf_counter() - start) * 1000))
    return out


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def figures(outcomes: Sequence[Outcome]) -> dict[str, Figures]:
    """Figures per category, and over all cases but the shared names (``all``)."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.case.category].append(o)
        if o.case.category != "shared":
            groups["all"].append(o)
    out = {}
    for name, group in groups.items():
        ranks = [o.rank for o in group]
        ms = [o.ms for o in group]
        n = len(group)
        out[name] = Figures(
            n=n,
            hit1=sum(r == 1 for r in ranks) / n,
            hit5=sum(r is not None and r <= 5 for r in ranks) / n,
            mrr=sum(1 / r for r in ranks if r is not None) / n,
            zero=sum(not o.ids for o in group) / n,
            p50_ms=_pct(ms, 50),
            p95_ms=_pct(ms, 95),
        )
    return out


def misses(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.rank != 1]


# --- the baseline --------------------------------------------------------------------------------


class FuzzyBaseline:
    """Case folding and rapidfuzz's WRatio over every written form, in memory: what a search
    must beat to be worth its index."""

    FORMS = (
        "name_th",
        "name_en",
        "short_name_th",
        "short_name_en",
        "given_name_th",
        "family_name_th",
        "code",
    )

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.choices: list[str] = []
        self.ids: list[str] = []
        for row in rows:
            values = [row.get(f) for f in self.FORMS] + list(row.get("aliases") or [])
            for v in values:
                if isinstance(v, str) and v:
                    self.choices.append(v.casefold())
                    self.ids.append(str(row["id"]))

    async def __call__(self, text: str) -> list[str]:
        from rapidfuzz import fuzz, process

        found = process.extract(text.casefold(), self.choices, scorer=fuzz.WRatio, limit=4 * K)
        out: dict[str, None] = {}
        for _, score, i in found:
            if score >= 50:
                out.setdefault(self.ids[i], None)
        return list(out)[:K]


BASELINE_ROWS = """
MATCH (n) WHERE n:Area OR n:Organization OR n:Person
RETURN n.id AS id, n.name_th AS name_th, n.name_en AS name_en, n.short_name_th AS short_name_th,
       n.short_name_en AS short_name_en, n.given_name_th AS given_name_th,
       n.family_name_th AS family_name_th, n.code AS code, n.aliases AS aliases
"""
