"""One search over areas, organizations and people: Thai or English names, part of a Thai name,
romanized Thai, codes; ranked the same way whichever engine holds the graph.

How a search runs:

1. The text is checked and turned into a Lucene query (``graph.text.lucene_query``) over the
   segmented ``search_text`` each node stores; empty or punctuation-only text stops here.
2. Each label's full-text index gives candidates, ordered by stored properties and capped
   (``graph.queries.search``): the engines' own relevance scores differ, so they are not used
   for order; they only choose which matches are read when a label has more than
   ``FIRST_LOOK_INDEX_CAP`` of them (organizations and people, outside an area).
   Only when nothing matches as typed (a typo, another spelling): the areas whose names are
   closest to the text, from every area's names held in memory (a few thousand, compared with
   rapidfuzz), and the other labels' indexes again, in one statement, allowing one slip in the
   text's skeleton or in its longer Latin words ("Kanchanabury") through exact index terms
   (``graph.text.skeleton_clauses``), or, for a text of more than three words, every word but
   one.
3. Every candidate is scored here, in Python, by how its written forms (names, aliases, short
   names, code) match the text, from the words the loader segmented each form into
   (``search_words``: no name is segmented again at search time); ties break by area level,
   then, for people and organizations, how connected the node is (its number of
   relationships, more first: of namesakes, the leader with many memberships), shorter name,
   then id (among hits that did not match as typed, the closest name letter by letter
   first). Both engines index the same tokens with the same analyzer, so they return the same
   candidates, and the ranking is a function of the candidates' properties only: the results
   are identical, unless a label matched more than the index caps let through (thousands of
   names at national scale; never on the demo data).

Scores are tiers rather than a continuous measure, so that a result's place is easy to
explain; from best to worst:

=====  ==========================================================================
1.00   the text is a written form (name, alias, short name, code), ignoring case,
       spaces and punctuation
0.95   the same, once the words a name may carry or drop (กลุ่ม, จังหวัด, ตอน ...)
       are left out of both: กลางตอนล่าง 1 = กลุ่มจังหวัดกลางล่าง 1; but 0.50 when a
       level word left out names another level (ภาคกลาง is not the subdistrict กลาง)
0.90   a Latin text is the romanization (RTGS) of a Thai form, ignoring such words
0.80   a written form starts with the text
0.75   the romanization of a Thai form starts with the text
0.60   a written form contains the text (part of a Thai word sequence: จนบุรี)
0.55   the romanization of a Thai form contains the text
0.50   one written form contains every word of the text, in any order
0.45   the romanization of one Thai form contains every word of the text
0.40   every word of the text is in some written form or its romanization
0.30   as above, with a spelling slip (one edit) in a Latin word of 5 letters or more
0.10   the full-text index matched it, none of the above explains how
=====  ==========================================================================
"""

from __future__ import annotations

import bisect
import math
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from graph import text as thai
from graph.db import Graph
from graph.entities import build_node, require
from graph.errors import InvalidInput
from graph.models.common import LEVEL_ORDER
from graph.queries import search as q
from graph.registry import SEARCH_LABELS

MAX_TEXT_LENGTH = 200
MAX_LIMIT = 1000
# Candidates fetched per label. The cap's order follows the final ranking (exact term first,
# larger areas first, shorter names first), so a larger cap rarely changes the top results.
CANDIDATE_CAP = 200
# A code ("10", "7101") is asked for as itself and as a prefix of the codes under it: Bangkok's
# "10" has some 230 areas under it, which the Cypher order (the code itself, then the larger
# areas) ranks as the final ranking does. Fewer are fetched and scored.
CODE_CAP = 20
# Candidates of a second look (typos, other spellings) per label: ordered by the index's own
# score after exactness (graph.queries.search), the closest come first.
SECOND_LOOK_CAP = 50
# ... taken from the best this many of the index's matches by its score (outside an area).
SECOND_LOOK_INDEX_CAP = 500
# A first look's organizations and people: the best this many of the index's matches by its
# score (outside an area; graph.queries.search). Areas are never cut.
FIRST_LOOK_INDEX_CAP = 1000

EXACT = 1.0
EXACT_BUT_OPTIONAL = 0.95
ROMAN_EXACT = 0.9
PREFIX = 0.8
ROMAN_PREFIX = 0.75
CONTAINS = 0.6
ROMAN_CONTAINS = 0.55
ALL_WORDS = 0.5
ROMAN_ALL_WORDS = 0.45
WORDS_ACROSS_FORMS = 0.4
FUZZY = 0.3
INDEX_ONLY = 0.1

# The written forms of each label, in the order a tie between them is reported as ``matched``.
# ``aliases`` holds a list; a match on one is reported as ``aliases[i]``.
FORMS: dict[str, tuple[str, ...]] = {
    "Area": ("name_th", "name_en", "aliases", "code"),
    "Organization": ("name_th", "name_en", "short_name_th", "short_name_en"),
    "Person": (
        "name_th",
        "given_name_th",
        "family_name_th",
        "name_en",
        "given_name_en",
        "family_name_en",
    ),
}
# Optional words that name an area level: "ภาคกลาง" asks for a region, not the subdistrict กลาง.
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "ภาค": ("region", "province_group"),
    "กลุ่ม": ("province_group",),
    "group": ("province_group",),
    "จังหวัด": ("province", "province_group"),
    "อำเภอ": ("district",),
    "เขต": ("district",),
    "ตำบล": ("subdistrict",),
    "แขวง": ("subdistrict",),
    "province": ("province", "province_group"),
    "changwat": ("province",),
    "district": ("district",),
    "amphoe": ("district",),
    "amphur": ("district",),
    "khet": ("district",),
    "subdistrict": ("subdistrict",),
    "tambon": ("subdistrict",),
    "khwaeng": ("subdistrict",),
    "kwaeng": ("subdistrict",),
}
_LEVEL_RANK = {level.value: i for i, level in enumerate(LEVEL_ORDER)}
_NOT_AN_AREA = len(LEVEL_ORDER) + 1  # in a tie, areas come before organizations and people
_NO_NAME = 10_000  # sorts after any real name


@dataclass(frozen=True)
class SearchHit:
    id: str  # node id, e.g. "area:71", "org:codi", "person:..."
    label: str  # "Area" | "Organization" | "Person"
    score: float  # our own deterministic relevance, higher first
    # Which written form matched best: a property name ("name_th", "name_en", "code",
    # "short_name_en", "family_name_th" ...), "aliases[i]" for the i-th alias, or "search_text"
    # when only the full-text index explains the match. ``matched_text`` gives its value.
    matched: str
    # The node's read model (graph.read); built for the hits a search returns only.
    node: Any = field(repr=False)
    # How close the text is to the closest written form, letter by letter (0..1: one minus
    # the edits, a swap of neighbours counting one, over the longer length): orders hits of
    # the same score, so that "Thang Klagn" puts Thang Klang before Chang Klang.
    closeness: float = field(default=0.0, repr=False)
    row: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # as stored
    # How many relationships the node has: of hits alike in score, closeness and level, the
    # more connected comes first (a leader with many memberships before a namesake).
    links: int = field(default=0, repr=False, compare=False)

    @property
    def guessed(self) -> bool:
        """The text did not match this node's names as typed: a slip or another spelling was
        assumed (a user interface says "did you mean")."""
        return self.score <= FUZZY

    @property
    def matched_text(self) -> str | None:
        """The written form that matched, e.g. "กลางล่าง 1" for ``aliases[0]``; None when only
        the index explains the match."""
        if self.matched == "search_text":
            return None
        if self.matched.startswith("aliases["):
            aliases = getattr(self.node, "aliases", None) or []
            i = int(self.matched[len("aliases[") : -1])
            return str(aliases[i]) if i < len(aliases) else None
        value = getattr(self.node, self.matched, None)
        return None if value is None else str(value)


async def search(
    graph: Graph,
    text: str,
    *,
    labels: Sequence[str] = SEARCH_LABELS,
    limit: int = 10,
    within: str | None = None,
) -> list[SearchHit]:
    """Areas, organizations and people whose names, aliases or codes match ``text``, best
    first, at most ``limit``. ``within`` (an area id) keeps only areas in that area's subtree
    (itself included), and organizations and people that work in (or, for organizations, are
    based in) an area of it. A text with a word only an organization's name holds
    ("community", "fund", ออมทรัพย์: ``graph.text.ORGANIZATION_WORDS``) or a number (หมู่ที่ 11)
    finds people only when they are the one label asked for.

    Raises ``InvalidInput`` for text over 200 characters, an unknown label, or a limit outside
    1..1000; ``NotFound`` when ``within`` names no area.
    """
    chosen = _check(text, labels, limit)
    query = _Query.parse(text)
    if query is None:
        return []
    if query.organization and len(chosen) > 1 and "Person" in chosen:
        # "... Community Welfare Fund", กลุ่มออมทรัพย์..., หมู่ที่ 11: an organization's name
        # (or a code), not a person's (graph.text.ORGANIZATION_WORDS); people are searched for
        # it only when asked alone. At national scale, the people's branch of such a Thai text
        # (its place words are syllables of thousands of names) was 0.1-0.25 s of a search.
        chosen.remove("Person")
    cap = max(CODE_CAP if query.code else CANDIDATE_CAP, 2 * limit)
    hits = await _hits(
        graph, q.candidates(tuple(chosen), within is not None), chosen, query, False, cap, within
    )
    if max((h.score for h in hits), default=0.0) < ALL_WORDS:
        # Nothing as typed, or only loosely: a typo or another spelling. Areas: the names
        # closest to the text, from every area's names held here (_AreaNames). Then the
        # index again, allowing a slip in the longer Latin words ("Kanchanabury") and asking
        # for the text's skeleton ("Teerapong", "กาญจนบรี"): more candidates to score, so
        # only now.
        seen = {h.id: h for h in hits}
        ids, nearest = (
            _close_areas(await _area_names(graph), query) if "Area" in chosen else ([], 0.0)
        )
        # The areas' index too when no area's name came close ("Ayudhya": its skeleton).
        fuzzy = [
            label
            for label in chosen
            if (label != "Area" or nearest < CLOSE_AREA) and query.lucene_of(label, True)
        ]
        found = []
        if ids or fuzzy:
            statement = q.second_look(tuple(fuzzy), within is not None, bool(ids))
            second_cap = max(SECOND_LOOK_CAP, 2 * limit)
            found = await _hits(graph, statement, fuzzy, query, True, second_cap, within, ids)
        for h in found:
            if h.id not in seen or h.score > seen[h.id].score:
                seen[h.id] = h
        hits = list(seen.values())
    if not hits and within is not None:
        await require(graph, ("Area", within))  # nothing inside it, or no such area?
    hits.sort(key=_rank)
    return [replace(h, node=build_node(h.label, h.row)) for h in hits[:limit]]


# --- names of areas held in memory, for typos --------------------------------------------------

# Areas are few (the government's 7,776 and the network's own) and change rarely (admins
# only), so their names are held here, per graph, and compared whole with the text
# (rapidfuzz): a dropped, doubled or swapped letter in a short name ("Lei", "น่น", "พังาง")
# is one or two edits that no index term allows. Read again after AREA_NAMES_TTL_S, or at
# once after this process wrote an area (``forget_area_names``).
AREA_NAMES_TTL_S = 300.0
AREA_MATCH_CUTOFF = 70.0  # rapidfuzz ratio, 0..100
AREA_MATCH_CANDIDATES = 15
# How close (rapidfuzz ratio) an area's name must come for the areas' index to be left out
# of the second look.
CLOSE_AREA = 80.0


@dataclass(frozen=True)
class _AreaNames:
    keys: list[str]  # a form's words without the optional ones, run together
    owners: list[str]  # the area each key belongs to
    read_at: float
    # Each key's script (Thai or not) and length, in the order of ``keys``, which are sorted
    # by them: a text is compared only with the keys of its script whose length allows the
    # cutoff (``_close_areas``).
    shapes: list[tuple[bool, int]]


_AREA_NAMES: weakref.WeakKeyDictionary[Graph, _AreaNames] = weakref.WeakKeyDictionary()


def forget_area_names(graph: Graph) -> None:
    """An area was written: read the names again at the next search that needs them."""
    _AREA_NAMES.pop(graph, None)


async def _area_names(graph: Graph) -> _AreaNames:
    held = _AREA_NAMES.get(graph)
    if held is not None and time.monotonic() - held.read_at < AREA_NAMES_TTL_S:
        return held
    read_at = time.monotonic()
    keys: list[str] = []
    owners: list[str] = []
    for row in await graph.read(q.AREA_NAMES):
        stored = _stored_words(row["words"])
        for name, value in _forms("Area", row):
            core = "".join(_core_words(stored.get(name) or thai.words(value)))
            if len(core) >= 2:
                keys.append(core)
                owners.append(str(row["id"]))
    ordered = sorted((_shape(key), key, owner) for key, owner in zip(keys, owners, strict=True))
    names = _AreaNames(
        [key for _, key, _ in ordered],
        [owner for _, _, owner in ordered],
        read_at,
        [shape for shape, _, _ in ordered],
    )
    _AREA_NAMES[graph] = names
    return names


def _shape(key: str) -> tuple[bool, int]:
    return thai.has_thai(key), len(key)


def _close_areas(names: _AreaNames, query: _Query) -> tuple[list[str], float]:
    """The areas whose names are closest to the text, and how close the closest is (rapidfuzz
    ratio, 0..100)."""
    from rapidfuzz import fuzz, process

    text = "".join(query.words)
    if len(text) < 2:
        return [], 0.0
    # fuzz.ratio is 2 x (letters in common) / (both lengths) x 100: a key shorter than c/(2-c)
    # of the text, or longer than (2-c)/c of it, cannot reach the cutoff c; nor can a key in
    # another script. The rest is a contiguous run of the sorted keys.
    c = AREA_MATCH_CUTOFF / 100
    script = thai.has_thai(text)
    lo = bisect.bisect_left(names.shapes, (script, math.ceil(len(text) * c / (2 - c))))
    hi = bisect.bisect_right(names.shapes, (script, math.floor(len(text) * (2 - c) / c)))
    close = process.extract(
        text,
        names.keys[lo:hi],
        scorer=fuzz.ratio,
        score_cutoff=AREA_MATCH_CUTOFF,
        limit=4 * AREA_MATCH_CANDIDATES,
    )
    ids = list(dict.fromkeys(names.owners[lo + i] for _, _, i in close))
    ids = ids[:AREA_MATCH_CANDIDATES]
    return ids, max((score for _, score, _ in close), default=0.0)


def _check(text: str, labels: Sequence[str], limit: int) -> list[str]:
    if not isinstance(text, str):
        raise InvalidInput("search text must be a string")
    length = len(text.strip())
    if length > MAX_TEXT_LENGTH:
        raise InvalidInput(
            f"search text is {length} characters long; at most {MAX_TEXT_LENGTH} are allowed"
        )
    if isinstance(labels, str):  # a lone "Area" would otherwise be read as five labels
        labels = (labels,)
    unknown = [label for label in labels if label not in SEARCH_LABELS]
    if unknown or not labels:
        raise InvalidInput(
            f"search labels must be some of {', '.join(SEARCH_LABELS)}; got {list(labels)}"
        )
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"search limit must be between 1 and {MAX_LIMIT}; got {limit!r}")
    return list(dict.fromkeys(labels))


async def _hits(
    graph: Graph,
    statement: str,
    labels: list[str],
    query: _Query,
    second: bool,
    cap: int,
    within: str | None,
    ids: list[str] | None = None,
) -> list[SearchHit]:
    rows = await graph.read(statement, _params(graph, labels, query, second, cap, within, ids))
    return [_score(r["label"], r["row"], r["words"], query, r["links"]) for r in rows]


def _params(
    graph: Graph,
    labels: Sequence[str],
    query: _Query,
    second: bool,
    cap: int,
    within: str | None,
    ids: list[str] | None = None,
) -> dict[str, Any]:
    """The parameters of a candidates or (``second``) second-look statement
    (graph.queries.search): each label's index and its query."""
    params: dict[str, Any] = {}
    for label in labels:
        params[f"index_{label}"] = graph.dialect.fulltext_index_name(label)
        params[f"lucene_{label}"] = query.lucene_of(label, second)
        params[f"common_{label}"] = list(query.people_common if label == "Person" else query.common)
    params.update(
        token=f" {query.token} ",
        compact=query.token,
        cap=cap,
        index_cap=max(SECOND_LOOK_INDEX_CAP, cap),
        first_index_cap=max(FIRST_LOOK_INDEX_CAP, cap),
        within=within,
        ids=ids or [],
    )
    return params


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keys:
    """A written form (or its romanization) as compared: words, and words run together."""

    words: tuple[str, ...]
    compact: str  # every word, no spaces or punctuation
    core: str  # the same without the optional words (กลุ่ม, จังหวัด, ตอน ...)

    @classmethod
    def of(cls, ws: tuple[str, ...]) -> _Keys:
        return cls(ws, "".join(ws), "".join(_core_words(ws)))


def _core_words(ws: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in ws if w not in thai.OPTIONAL_WORDS) or ws


@lru_cache(maxsize=100_000)
def _keys(value: str) -> _Keys:
    return _Keys.of(thai.words(value))


@lru_cache(maxsize=100_000)
def _keys_of_words(ws: tuple[str, ...]) -> _Keys:
    return _Keys.of(ws)


@lru_cache(maxsize=100_000)
def _roman_keys(ws: tuple[str, ...]) -> tuple[_Keys, ...]:
    """The romanizations of a Thai form's words (``graph.text.romanized_variants``), RTGS
    first; none for a form with no Thai in it."""
    if not any(thai.has_thai(w) for w in ws):
        return ()
    return tuple(_Keys.of(tuple(v.split())) for v in thai.romanized_variants(ws))


def _stored_words(stored: Any) -> dict[str, tuple[str, ...]]:
    """The words of each form as the loader segmented them (``search_words``), by form name."""
    if not isinstance(stored, list):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for entry in stored:
        name, _, ws = str(entry).partition("\t")
        out[name] = tuple(ws.split())
    return out


@dataclass(frozen=True)
class _Query:
    lucene: str  # exact words and prefixes only
    lucene_fuzzy: str | None  # the same with slips allowed; None when no word allows one
    # The same two for people's names, a Thai text asked for by its typed chunks
    # (graph.text.lucene_query's person).
    people: tuple[str, str | None]
    token: str  # the normalized text as a single index term
    keys: _Keys
    words: tuple[str, ...]  # the words that must match: optional ones left out
    roman: bool  # a Latin word in it: romanized Thai forms are compared too
    levels: frozenset[str]  # area levels named by its optional words (จังหวัด: province)

    skeleton: str  # the skeleton of the words that must match (graph.text.skeleton)
    common: tuple[str, ...]  # its words the index is not asked for (text.rare_words)
    people_common: tuple[str, ...]  # the same for people's index (asked for every rare word)
    code: bool  # every word it must match is a number: an area's code, or part of one
    # A word only an organization's name holds (text.ORGANIZATION_WORDS), or a number (a
    # village's, a code): not a person's name.
    organization: bool

    @classmethod
    def parse(cls, text: str) -> _Query | None:
        text = thai.expand_abbreviations(text)
        lucene = thai.lucene_query(text, fuzzy=False)
        keys = _keys(text)
        if lucene is None or not keys.compact:
            return None
        fuzzy = thai.lucene_query(text, fuzzy=True)
        people = thai.lucene_query(text, fuzzy=False, person=True) or lucene
        people_fuzzy = thai.lucene_query(text, fuzzy=True, person=True)
        token = "".join(thai.normalize(text).split())
        roman = any(not thai.has_thai(w) for w in keys.words)
        levels = frozenset(lv for w in keys.words for lv in LEVEL_WORDS.get(w, ()))
        core = _core_words(keys.words)
        required = thai.required_words(text)
        return cls(
            lucene,
            fuzzy if fuzzy != lucene else None,
            (people, people_fuzzy if people_fuzzy != people else None),
            token,
            keys,
            core,
            roman,
            levels,
            thai.skeleton(" ".join(core)),
            tuple(thai.rare_words(required, thai.MOST_ASKED)[1]),
            tuple(thai.rare_words(required, thai.MOST_ASKED, person=True)[1]),
            all(w.isdigit() for w in core),
            any(w in thai.ORGANIZATION_WORDS or w.isdigit() for w in keys.words),
        )

    def lucene_of(self, label: str, second: bool) -> str | None:
        """The index query for ``label``: as typed, or (``second``) with slips allowed, None
        when no word allows one."""
        if label == "Person":
            return self.people[1] if second else self.people[0]
        return self.lucene_fuzzy if second else self.lucene


def _forms(label: str, row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in FORMS[label]:
        value = row.get(name)
        if isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str) and v:
                    yield f"{name}[{i}]", v
        elif isinstance(value, str) and value:
            yield name, value


def _tier(query: _Query, form: _Keys, roman: bool, level: str | None) -> float:
    qk = query.keys
    if not form.compact:
        return 0.0
    if qk.compact == form.compact:
        return ROMAN_EXACT if roman else EXACT
    if qk.core == form.core:
        # "ภาคกลาง" is not the subdistrict "กลาง": a level word left out of the comparison
        # must not contradict the area's level.
        if level is not None and query.levels and level not in query.levels:
            return ROMAN_ALL_WORDS if roman else ALL_WORDS
        return ROMAN_EXACT if roman else EXACT_BUT_OPTIONAL
    if form.compact.startswith(qk.compact) or form.core.startswith(qk.core):
        return ROMAN_PREFIX if roman else PREFIX
    if qk.compact in form.compact or qk.core in form.core:
        return ROMAN_CONTAINS if roman else CONTAINS
    if all(w in form.compact for w in query.words):
        return ROMAN_ALL_WORDS if roman else ALL_WORDS
    return 0.0


def _score(label: str, row: dict[str, Any], words: Any, query: _Query, links: int) -> SearchHit:
    best, matched = 0.0, "search_text"
    level = str(row.get("level")) if label == "Area" else None
    forms: list[tuple[str, _Keys]] = []
    stored = _stored_words(words)
    for name, value in _forms(label, row):
        ws = stored.get(name)
        if ws is None:  # a node loaded before forms' words were stored
            ws = thai.words(value)
        keys = [(_keys_of_words(ws), False)]
        if query.roman:
            keys += [(k, True) for k in _roman_keys(ws)]
        for k, is_roman in keys:
            forms.append((name, k))
            tier = _tier(query, k, is_roman, level)
            if tier > best:
                best, matched = tier, name
    if best == 0.0:
        best, matched = _loose(query, forms)
    if best < FUZZY:
        best, matched = max((best, matched), _similar(query, forms))
    # Only what did not match a form as typed is ordered by it (_rank).
    closeness = (
        max((_closeness(query.keys.compact, k.compact) for _, k in forms), default=0.0)
        if best <= ALL_WORDS
        else 0.0
    )
    return SearchHit(str(row["id"]), label, best, matched, None, closeness, row, int(links or 0))


def _closeness(text: str, form: str) -> float:
    from rapidfuzz.distance import OSA

    return float(OSA.normalized_similarity(text, form))


def _loose(query: _Query, forms: list[tuple[str, _Keys]]) -> tuple[float, str]:
    """Every word somewhere among the node's forms, exactly or with one slip; else the index's
    own match. ``matched`` names the form that holds the most of the words."""
    counts: dict[str, int] = {}
    slipped = False
    for w in query.words:
        holders = [name for name, k in forms if w in k.compact]
        if not holders and thai.fuzzy_word(w):
            holders = [name for name, k in forms if any(_one_edit(w, fw) for fw in k.words)]
            slipped = slipped or bool(holders)
        if not holders:
            return INDEX_ONLY, "search_text"
        for name in dict.fromkeys(holders):
            counts[name] = counts.get(name, 0) + 1
    most = max(counts.values())
    name = next(n for n, c in counts.items() if c == most)
    return (FUZZY if slipped else WORDS_ACROSS_FORMS), name


def _similar(query: _Query, forms: list[tuple[str, _Keys]]) -> tuple[float, str]:
    """A typo or another spelling: how close the text is to the closest form (or one word of
    it), from 0.1 (the index's own match) up to just under ``FUZZY``: the mean of rapidfuzz's
    normalized similarity of the letters and of the skeletons (``graph.text.skeleton``)."""
    from rapidfuzz import fuzz

    best, matched = 0.0, "search_text"
    core = "".join(query.words)
    for name, k in forms:
        ws = _core_words(k.words)
        units = [("".join(ws), thai.skeleton(" ".join(ws)))]
        if len(ws) > 1:
            units += [(w, thai.skeleton(w)) for w in ws]
        for letters, sk in units:
            sim = (fuzz.ratio(core, letters) + fuzz.ratio(query.skeleton, sk)) / 2
            if sim > best:
                best, matched = sim, name
    if best == 0.0:
        return INDEX_ONLY, "search_text"
    return INDEX_ONLY + (FUZZY - INDEX_ONLY - 0.01) * best / 100, matched


def _one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours (Lucene's ``~1``);
    ``b`` may also be a longer word that starts with such a slip of ``a``."""
    if abs(len(a) - len(b)) > 1:
        b = b[: len(a)]  # a word typed in part, with a slip
    if a == b:
        return True
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        rest_a, rest_b = a[i + 1 :], b[i + 1 :]
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return rest_a == rest_b or (swapped and a[i + 2 :] == b[i + 2 :])
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _rank(hit: SearchHit) -> tuple[float, float, int, int, int, str]:
    if hit.label == "Area":
        level = _LEVEL_RANK.get(str(hit.row.get("level")), len(LEVEL_ORDER))
    else:
        level = _NOT_AN_AREA
    name = hit.row.get("name_th")
    # Closeness orders only what did not match a form as typed (every word somewhere, a slip,
    # a similar name; _score leaves it 0 above that): an exact, prefix or contains tie is
    # broken by level.
    closeness = round(hit.closeness, 3) if hit.score <= ALL_WORDS else 0.0
    length = len(name) if isinstance(name, str) else _NO_NAME
    # Of namesake people or organizations, the more connected first; areas of one level keep
    # the shorter name first (their links are mostly their children and what lies in them).
    links = 0 if hit.label == "Area" else hit.links
    return (-hit.score, -closeness, level, -links, length, hit.id)
