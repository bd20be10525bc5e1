"""`kb bench romanization`: how often a romanizer writes a Thai name the way it is written in
English, over two sets:

* **places**: every distinct Thai name of a province, district or subdistrict in geothai with
  its English name (the government's own romanization; "Mueang ..." districts left out, their
  English name is not a romanization of the Thai one);
* **people**: ``bench/romanization_people.yaml``, Thai given names and surnames with the
  spellings their holders use, written by hand.

Per romanizer: *equal* (the romanization, letters only, equals the English name, letters only,
lower case), *same skeleton* (``graph.text.skeleton``: what search compares before ranking),
and *within one edit* of the skeleton (what search's typo index finds). "stored" is what the
search index holds for a word (``graph.romanization.romanizations``): any of its forms counts.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from graph import romanization
from graph.text import skeleton, words

PEOPLE_FILE = Path(__file__).with_name("romanization_people.yaml")
_LATIN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Row:
    romanizer: str
    pairs: int
    equal: float
    same_skeleton: float
    within_one_edit: float
    ms_per_name: float


def place_pairs() -> list[tuple[str, str]]:
    """(Thai, English) names of geothai's provinces, districts and subdistricts, distinct."""
    import geothai

    pairs: list[tuple[str, str]] = []
    for p in geothai.provinces():
        pairs.append((p.name_th, p.name_en))
        for d in geothai.districts(p.code):
            pairs.append((d.name_th, d.name_en))
            pairs.extend((s.name_th, s.name_en) for s in geothai.subdistricts(d.code))
    return [
        (th, en)
        for th, en in dict.fromkeys(pairs)
        if th and en and not _letters(en).startswith("mueang")
    ]


def people_pairs(path: Path = PEOPLE_FILE) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(th, en) for th, spellings in data.items() for en in spellings]


def _letters(text: str) -> str:
    return "".join(_LATIN.findall(text.lower()))


def _name(fn: Callable[[str], Sequence[str]]) -> Callable[[str], tuple[str, ...]]:
    """A word romanizer applied to a whole name, word by word (``graph.text.words``): every
    combination is not needed, each form joined."""

    def forms(name: str) -> tuple[str, ...]:
        per_word = [f for f in (fn(w) for w in words(name)) if f]
        width = max((len(f) for f in per_word), default=0)
        return tuple(
            dict.fromkeys("".join(f[min(i, len(f) - 1)] for f in per_word) for i in range(width))
        )

    return forms


ROMANIZERS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "royin (PyThaiNLP, whole word)": _name(lambda w: (romanization.royin(w),)),
    "rtgs (syllable by syllable)": _name(lambda w: (romanization.rtgs(w),)),
    "stored (rtgs and royin)": _name(romanization.romanizations),
}


def measure(name: str, fn: Callable[[str], tuple[str, ...]], pairs: list[tuple[str, str]]) -> Row:
    from rapidfuzz.distance import Levenshtein

    equal = same = near = 0
    for th, _ in pairs:
        words(th)  # segmenting is not romanizing: done before the clock starts
    for cached in (romanization.royin, romanization.rtgs, romanization._syllable):
        cached.cache_clear()
    start = time.perf_counter()
    outputs = [fn(th) for th, _ in pairs]
    elapsed = time.perf_counter() - start
    for forms, (_, en) in zip(outputs, pairs, strict=True):
        want = _letters(en)
        sk = skeleton(want)
        skeletons = [skeleton(f) for f in forms]
        equal += want in forms
        same += sk in skeletons
        near += min((Levenshtein.distance(sk, s) for s in skeletons), default=99) <= 1
    n = len(pairs) or 1
    return Row(
        name,
        len(pairs),
        round(equal / n, 3),
        round(same / n, 3),
        round(near / n, 3),
        round(elapsed / n * 1000, 3),
    )


def run() -> dict[str, list[Row]]:
    sets = {"places (geothai)": place_pairs(), "people (hand-written)": people_pairs()}
    return {
        label: [measure(n, f, pairs) for n, f in ROMANIZERS.items()]
        for label, pairs in sets.items()
    }


def write(results: dict[str, list[Row]], out: Path, machine: dict) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    js = out / "romanization.json"
    js.write_text(
        json.dumps(
            {"machine": machine, "sets": {k: [asdict(r) for r in v] for k, v in results.items()}},
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    lines = [
        "# Romanization: Thai names written the way they are written in English",
        "",
        f"Measured {machine.get('measured_at', '')} by `kb bench romanization`, commit "
        f"{machine.get('commit')}. How each set is built and what each column counts: "
        "`bench/romanization.py`. Times: each romanizer from empty caches, a word romanized "
        "once per set (names share words); PyThaiNLP's first load is in the first row.",
        "",
    ]
    for label, rows in results.items():
        lines += [
            f"## {label}: {rows[0].pairs:,} pairs",
            "",
            "| romanizer | equal | same skeleton | within one edit | ms per name |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.romanizer} | {r.equal:.3f} | {r.same_skeleton:.3f} | {r.within_one_edit:.3f} "
            f"| {r.ms_per_name:.3f} |"
            for r in rows
        ]
        lines.append("")
    md = out / "romanization.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    return md, js
