"""The spreadsheet import benchmark: a generated 10,000-row organizations file, imported into a
graph that holds the seed (areas, sources, the article), timed: dry run, import, import again.

    python -m bench.imports --engine embedded            # a fresh embedded graph in bench/work
    KB_NEO4J_URI=... KB_NEO4J_PASSWORD=... python -m bench.imports --engine neo4j --wipe-neo4j

The file names areas the way spreadsheets do: by Thai subdistrict, district and province
names; dates in the Buddhist Era (some with Thai digits), the Common Era and d/m/y.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from graph.accounts import OPERATOR
from graph.imports import AreaIndex, ImportRefused, import_file
from graph.queries import imports as q
from graph.spreadsheet import write_table

KINDS = ("savings_group", "welfare_fund", "community_council", "cooperative", "community")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
RESULTS = Path(__file__).resolve().parent / "results" / "import"


def resolvable_subdistricts(index: AreaIndex) -> list[tuple[str, str, str]]:
    """(subdistrict, district, province) Thai names that name exactly one subdistrict, in code
    order."""
    out = []
    for place in sorted(index.by_id.values(), key=lambda p: p.code):
        if place.level != "subdistrict":
            continue
        district, province = index.up(place, "district"), index.up(place, "province")
        if district is None or province is None:
            continue
        names = (place.name_th, district.name_th, province.name_th)
        found, *_ = index.by_names(*names)
        if found is not None and found.id == place.id:
            out.append(names)
    return out


def _date(i: int) -> str:
    year_ce = 1990 + i % 30
    month, day = 1 + i % 12, 1 + i % 28
    style = i % 4
    if style == 0:
        return f"{year_ce + 543}-{month:02d}-{day:02d}"
    if style == 1:
        return f"{year_ce + 543}-{month:02d}-{day:02d}".translate(THAI_DIGITS)
    if style == 2:
        return f"{year_ce}-{month:02d}-{day:02d}"
    return f"{day:02d}/{month:02d}/{year_ce + 543}"


def organization_rows(
    index: AreaIndex, n: int = 10_000, *, bad: bool = False, prefix: str = "กลุ่มทดสอบนำเข้า"
) -> list[dict]:
    """``n`` organizations; with ``bad``, three of them broken: row 101 names a subdistrict
    that does not exist, row 202 ends before it starts, row 303 repeats row 2 (same name and
    area)."""
    places = resolvable_subdistricts(index)
    rows = []
    for i in range(n):
        sub, district, province = places[i % len(places)]
        rows.append(
            {
                "name_th": f"{prefix} {i + 1:05d}",
                "kind": KINDS[i % len(KINDS)],
                "subdistrict": sub,
                "district": district,
                "province": province,
                "start_on": _date(i),
                "end_on": "",
                "note": "สร้างโดยการทดสอบนำเข้า",
                "synthetic": "yes",
            }
        )
    if bad:
        rows[99] = {**rows[99], "subdistrict": "ตำบลไม่มีอยู่จริง"}  # spreadsheet row 101
        rows[200] = {**rows[200], "start_on": "2566-05-01", "end_on": "2565-05-01"}  # row 202
        rows[301] = dict(rows[0])  # row 303: a duplicate of row 2
    return rows


def organizations_file(
    index: AreaIndex, n: int = 10_000, *, bad: bool = False, prefix: str = "กลุ่มทดสอบนำเข้า"
) -> bytes:
    return write_table("organizations", organization_rows(index, n, bad=bad, prefix=prefix), "csv")


async def run(graph: Any, engine: str, n: int) -> dict[str, Any]:
    index = AreaIndex(await graph.read(q.AREA_TABLE))
    good = organizations_file(index, n)
    bad = organizations_file(index, n, bad=True)
    out: dict[str, Any] = {"engine": engine, "rows": n, "bytes": len(good)}
    started = time.perf_counter()
    try:
        await import_file(graph, OPERATOR, bad, "bench-bad.csv", "csv", dry_run=True)
    except ImportRefused as exc:
        out["bad_dry_run_errors"] = [(e.row, e.column) for e in exc.report.errors]
    out["bad_dry_run_s"] = time.perf_counter() - started
    for step in ("dry_run", "import", "again"):
        started = time.perf_counter()
        report = await import_file(
            graph, OPERATOR, good, "bench-organizations.csv", "csv", dry_run=step == "dry_run"
        )
        seconds = time.perf_counter() - started
        out[f"{step}_s"] = seconds
        out[f"{step}_rows_per_s"] = n / seconds
        out[f"{step}_counts"] = report.counts
    return out


async def main(engine: str, n: int, wipe: bool) -> dict[str, Any]:
    from graph.migrations import migrate
    from graph.runtime import open_runtime
    from graph.settings import Settings
    from seeds.pipeline import seed

    with tempfile.TemporaryDirectory(prefix="kb-import-bench-") as tmp:
        if engine == "embedded":
            settings = Settings(engine="embedded", data_dir=Path(tmp), embedded_heap="2g")
        else:
            settings = Settings(engine="neo4j", data_dir=Path(tmp))
        async with open_runtime(settings, apply_migrations=False) as rt:
            if engine == "neo4j":
                if not wipe:
                    raise SystemExit("--wipe-neo4j: this deletes everything in that database")
                wiping = "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"
                while (await rt.graph.write(wiping))[0]["deleted"]:
                    pass
            await migrate(rt.graph, rt.engine)
            await seed(rt.graph)
            result = await run(rt.graph, engine, n)
    result["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="embedded", choices=("embedded", "neo4j"))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--wipe-neo4j", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main(args.engine, args.rows, args.wipe_neo4j))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.engine}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps(result, indent=1, ensure_ascii=False))
