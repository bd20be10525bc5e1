"""Search ranking in Python, 600 organization candidates, caches cold: from the words the loader
stored (``search_words``) vs segmenting every name with PyThaiNLP. Needs no engine.

    python bench/results/profiles/score_ab.py
"""

from __future__ import annotations

import time

from graph import search as s
from graph import text
from graph.load import node_props
from seeds.national import generate_national
from seeds.pipeline import demo_groups

QUERIES = ("สภาองค์กรชุมชนตำบลท้ายบ้าน", "Kok Thong Subdistrict Community Organization Council")


def main() -> None:
    rows: list[dict[str, object]] = []
    for ds in generate_national(1.0, 2566, province_groups=demo_groups(), provinces=["30"]):
        rows += [node_props("organizations", o) for o in ds.organizations]
        if len(rows) >= 1200:
            break
    for q in QUERIES:
        query = s._Query.parse(q)
        assert query is not None
        for variant, batch in (
            ("stored words", rows[:600]),
            (
                "segmenting",
                [{k: v for k, v in r.items() if k != "search_words"} for r in rows[600:1200]],
            ),
        ):
            for cached in (text.words, text.romanize, s._keys, s._keys_of_words, s._roman_keys):
                cached.cache_clear()
            started = time.perf_counter()
            for row in batch:
                s._score("Organization", row, query)
            ms = (time.perf_counter() - started) * 1000
            print(f"{q[:30]:30s} {variant:13s} {len(batch)} candidates: {ms:7.1f} ms")


if __name__ == "__main__":
    main()
