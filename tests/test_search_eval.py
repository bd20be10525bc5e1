"""Search as people type it (issue 14): a few cases of every category of the evaluation set
(bench/search_eval.yaml) on every engine, a floor on a fixed sample of the whole set, and a
text that matches nothing costs at most two statements."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from bench import search_eval as ev
from graph import text
from graph.db import count_round_trips
from graph.search import search
from tests.conftest import EngineUnderTest

THIRAPHONG = "person:thiraphong-phromphochuenbun"
PIYA = "person:piya-phuangsamli"


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        # English level words and transcriptions, before or after the name
        ("Amphoe Sai Yok", "area:7102"),
        ("Sai Yok District", "area:7102"),
        ("Kanchanaburi Province", "area:71"),
        ("Changwat Kanchanaburi", "area:71"),
        ("Tambon Ban Tai", "area:710102"),
        ("Khet Phra Nakhon", "area:1001"),
        # Thai abbreviations
        ("จ.กาญจนบุรี", "area:71"),
        ("อ. ไทรโยค", "area:7102"),
        # Thai typos: a vowel dropped, a letter doubled, a tone mark dropped
        ("กาญจนบรี", "area:71"),
        ("ไทรโยคค", "area:7102"),
        ("ทองผาภูมิิ", "area:7107"),
        # Latin typos: swapped, dropped, doubled letters; short words too
        ("Knachanaburi", "area:71"),
        ("Kanchnaburi", "area:71"),
        ("Sai Yko", "area:7102"),
        # typos no index term allows: short names, swapped or dropped letters (the names of
        # areas held in memory)
        ("น่น", "area:55"),
        ("สมุทรราการ", "area:11"),
        ("Lei", "area:42"),
        ("Roi tE", "area:45"),
        ("Nogn Bua Lam Phu", "area:39"),
        # several names a slip away: the one closest letter by letter first (a swap is one
        # edit): Thang Klang before Chang Klang, Charim before Mae Charim
        ("Thang Klagn", "area:140705"),
        ("Charimm", "area:530304"),
        ("Phra Phrmo", "area:8020"),
        # a hyphenated English word typed as one ("Sub-committee")
        ("subcommittee", "org:cw-subcommittee"),
        # other spellings of the same name
        ("Ayudhya", "area:14"),
        ("Chiengmai", "area:50"),
        ("Nakhonpathom", "area:73"),
        # people by the English spelling of their Thai names
        ("Teerapong", THIRAPHONG),
        ("Theerapong", THIRAPHONG),
        ("Puangsamlee", PIYA),
        ("ธีรพงษ์", THIRAPHONG),
        ("นายธีรพงศ์", THIRAPHONG),  # with an honorific
        ("คุณปิยะ", PIYA),
        ("ปิยะ พวงสําลี", PIYA),  # sara am as nikhahit + sara aa
    ],
)
async def test_what_people_type_finds_it_first(kb: EngineUnderTest, typed: str, first: str) -> None:
    hits = await search(kb.graph, typed)
    assert hits, typed
    assert hits[0].id == first, (typed, [h.id for h in hits[:3]])


async def test_a_typo_ranks_below_an_exact_name() -> None:
    """Skeleton terms only widen the candidates; the ranking keeps exact names above them."""
    assert text.skeleton("Thiraphong") == text.skeleton("Teerapong")
    assert text.skeleton("กาญจนบุรี") == text.skeleton("กาญจนบรี")
    assert text.expand_abbreviations("ต.บ้านใต้ อ.เมือง") == "ตำบลบ้านใต้ อำเภอเมือง"


async def test_a_text_that_matches_nothing_asks_twice_at_most(kb: EngineUnderTest) -> None:
    await search(kb.graph, "Kanchnaburi")  # reads the names of areas once (kept 5 minutes)
    for typed in ("qxzvwkj", "ฬฬฬฮฮฮ", "Xylophonequartz"):
        with count_round_trips() as trips:
            hits = await search(kb.graph, typed)
        assert hits == []
        assert trips.count <= 2, typed


# Measured on 2026-12-02 over this sample (bench/results/search-*.md has the whole set; the
# typo floors raised once the names of areas were held in memory);
# a floor a little under what both engines gave, so a regression fails.
FLOOR_HIT5 = {
    "thai_name": 0.95,
    "english_name": 0.95,
    "thai_level_word": 0.95,
    "thai_level_abbr": 0.95,
    "english_level_word": 0.9,
    "thai_typo": 0.88,
    "english_typo": 0.88,
    "romanization": 0.75,
    "people": 0.8,
    "organizations": 0.8,
    "codi_areas": 0.9,
    "codes": 0.95,
}
SAMPLE_PER_CATEGORY = 25


def _sample() -> list[ev.Case]:
    by: dict[str, list[ev.Case]] = defaultdict(list)
    for case in ev.load():
        by[case.category].append(case)
    rng = random.Random(ev.SEED)
    out = []
    for category in sorted(by):
        cases = by[category]
        out += (
            cases if len(cases) <= SAMPLE_PER_CATEGORY else rng.sample(cases, SAMPLE_PER_CATEGORY)
        )
    return out


async def test_evaluation_sample_meets_its_floor(kb: EngineUnderTest) -> None:
    async def ours(typed: str) -> list[str]:
        return [h.id for h in await search(kb.graph, typed, limit=ev.K)]

    figures = ev.figures(await ev.run(_sample(), ours))
    low = {
        c: round(figures[c].hit5, 2) for c, floor in FLOOR_HIT5.items() if figures[c].hit5 < floor
    }
    assert not low, low
