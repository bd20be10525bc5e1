"""Imports that write, on each engine, after every other test of it (tests/conftest.py orders
this file last): a generated 10,000-row organizations file with three bad rows, a ``kb import``
killed with SIGKILL midway, the README's section, and export → wipe → import giving the same
graph and the same export, byte for byte.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench.imports import organizations_file
from graph.accounts import OPERATOR
from graph.exports import export_tables, table_rows
from graph.imports import ImportRefused, area_index, import_file
from graph.queries import imports as iq
from graph.queries import rollup as rq
from graph.queries.areas import ROLLUP_LIVE
from graph.writes import history
from tests.conftest import WIPE_BATCH, EngineUnderTest

ROOT = Path(__file__).parent.parent
ROWS = 10_000


async def _rollups_match_a_recount(kb: EngineUnderTest, areas: list[str]) -> None:
    stored = {r["id"]: r for r in await kb.graph.read(rq.STORED_ROLLUPS, areas=areas)}
    live = {r["key"]: r for r in await kb.graph.read(ROLLUP_LIVE, ids=areas)}
    for a in areas:
        for f in ("organizations", "people", "partnerships", "resources", "pools"):
            assert stored[a][f] == live[a][f], (a, f, stored[a][f], live[a][f])


async def test_ten_thousand_rows_three_bad_then_fixed_then_again(kb: EngineUnderTest) -> None:
    graph = kb.graph
    index = await area_index(graph)
    bad = organizations_file(index, ROWS, bad=True)
    good = organizations_file(index, ROWS)
    before = await graph.read("MATCH (o:Organization) RETURN count(o) AS n")

    with pytest.raises(ImportRefused) as refused:
        await import_file(graph, OPERATOR, bad, "orgs-10000.csv", "csv", dry_run=True)
    errors = refused.value.report.errors
    assert [(e.row, e.column) for e in errors] == [
        (101, "subdistrict"),
        (202, "end_on"),
        (303, "name_th"),
    ]
    assert "unknown subdistrict 'ตำบลไม่มีอยู่จริง'" in errors[0].reason
    assert errors[1].reason == "end_on is before start_on"
    assert errors[2].reason.startswith("duplicate of row 2")
    # Without --dry-run the same file writes nothing either.
    with pytest.raises(ImportRefused):
        await import_file(graph, OPERATOR, bad, "orgs-10000.csv", "csv")
    assert await graph.read("MATCH (o:Organization) RETURN count(o) AS n") == before

    started = time.perf_counter()
    report = await import_file(graph, OPERATOR, good, "orgs-10000.csv", "csv")
    print(f"\n{kb.name}: {ROWS} rows imported in {time.perf_counter() - started:.1f} s")
    assert report.counts == {"created": ROWS, "updated": 0, "unchanged": 0, "error": 0}
    assert report.written
    source = report.source_id
    cited = await graph.read(
        "MATCH (o:Organization) WHERE $s IN o.source_ids RETURN count(o) AS n", s=source
    )
    assert cited == [{"n": ROWS}]
    [src] = await graph.read(
        "MATCH (s:Source {id: $id}) RETURN s.file AS file, s.checksum AS checksum, "
        "s.imported_by AS by, s.imported_at AS at",
        id=source,
    )
    assert src["file"] == "orgs-10000.csv" and src["by"] == "operator" and src["at"]
    assert source.endswith(src["checksum"][:16])
    some = report.rows[0].entity
    assert some is not None
    [change] = await history(graph, some)
    assert change.op == "create" and change.source_ids == (source,)

    again = await import_file(graph, OPERATOR, good, "orgs-10000.csv", "csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": ROWS, "error": 0}
    assert not again.written
    assert len(await history(graph, some)) == 1

    # The rollups moved with the import: the stored counts equal a recount.
    areas = sorted({"area:TH", "area:71", "area:7101", "area:710101", "area:10", "area:50"})
    await _rollups_match_a_recount(kb, areas)


def _kb(kb: EngineUnderTest, *args: str, cwd: Path = ROOT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args],
        env={**kb.env, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


async def test_kb_import_killed_midway_leaves_nothing_then_completes(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    graph = kb.graph
    index = await area_index(graph)
    file = tmp_path / "killed.csv"
    file.write_bytes(organizations_file(index, 3000, prefix="กลุ่มนำเข้าที่ถูกหยุด"))
    names = (
        "MATCH (o:Organization) WHERE o.name_th STARTS WITH 'กลุ่มนำเข้าที่ถูกหยุด' RETURN count(o) AS n"
    )

    # Killed once the statements that write are being sent (the CLI prints each step on a
    # line when it has no terminal): the transaction is open, half of the file sent.
    proc = _kb(kb, "import", str(file))
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("writing Organization-LOCATED_IN-Area"):
            break
    assert proc.poll() is None, "".join(seen)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    time.sleep(1)
    assert await graph.read(names) == [{"n": 0}]
    assert await graph.read(
        "MATCH (s:Source) WHERE s.file ENDS WITH 'killed.csv' RETURN count(s) AS n"
    ) == [{"n": 0}]

    done = _kb(kb, "import", str(file))
    out, err = done.communicate(timeout=900)
    assert done.returncode == 0, err
    assert re.search(r"3,000 │\s+0 │\s+0 │\s+0", out), out
    assert await graph.read(names) == [{"n": 3000}]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Bring your spreadsheet") : text.index("## Tests")]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_readme_bring_your_spreadsheet_runs(kb: EngineUnderTest, tmp_path: Path) -> None:
    """Every command of the README's section, in order, from a folder holding the example."""
    commands = _readme_commands()
    assert any("--dry-run" in c for c in commands) and any("kb export" in c for c in commands)
    (tmp_path / "docs" / "examples").mkdir(parents=True)
    for example in (ROOT / "docs" / "examples").iterdir():
        (tmp_path / "docs" / "examples" / example.name).write_bytes(example.read_bytes())
    env = {**kb.env, "COLUMNS": "200", "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    for command in commands:
        command = command.replace(".venv/bin/kb", "kb")
        done = subprocess.run(
            command, shell=True, env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "organizations.xlsx").exists()
    assert (tmp_path / "kanchanaburi" / "organizations.csv").exists()


# --- export → wipe → import ------------------------------------------------------------------------

SKIP_LABELS = {"Change", "Account", "Source"}


async def _counts(kb: EngineUnderTest) -> tuple[dict[str, int], dict[str, int]]:
    labels = {
        r["label"]: r["n"]
        for r in await kb.graph.read(iq.COUNT_LABELS)
        if r["label"] not in SKIP_LABELS
    }
    types = {r["type"]: r["n"] for r in await kb.graph.read(iq.COUNT_TYPES)}
    return labels, types


async def test_export_wipe_import_gives_the_same_graph_and_the_same_export(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    """The whole graph exported (CSV, with contact data), the database wiped, the seed's areas,
    sources and article loaded again (with the sources the exported records cite, and the plans,
    goals, mechanisms and mentorships, which no spreadsheet holds), the five files imported: the same nodes
    per label (but sources, history and accounts), relationships per type, and the same
    export, byte for byte."""
    from graph.dataset import Dataset
    from graph.load import load_dataset
    from graph.migrations import migrate
    from graph.models.person import Mentorship
    from graph.models.source import Source
    from graph.registry import BY_LABEL
    from graph.writes import read_record
    from seeds.pipeline import seed

    graph = kb.graph
    labels, types = await _counts(kb)
    exported = await export_tables(graph, "csv", contact=True)
    xlsx = await export_tables(graph, "xlsx", contact=True)
    source_ids = [r["id"] for r in await graph.read("MATCH (s:Source) RETURN s.id AS id")]
    sources = []
    for sid in source_ids:
        record = await read_record(graph, "Source", sid)
        assert record is not None
        record.pop("_revision")
        if not sid.startswith("src:import-"):
            sources.append(Source.model_validate(record))

    copied: dict[str, list[Any]] = {"plans": [], "goals": [], "mechanisms": []}
    for section, label in (("plans", "Plan"), ("goals", "Goal"), ("mechanisms", "Mechanism")):
        for row in await graph.read(f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id"):
            record = await read_record(graph, label, row["id"])
            assert record is not None
            record.pop("_revision")
            copied[section].append(BY_LABEL[label].model.model_validate(record))
    # Who mentors whom: no spreadsheet kind either.
    copied["mentorships"] = [
        Mentorship.model_validate(
            {
                **{k: v for k, v in m["props"].items() if k in Mentorship.model_fields},
                "mentor": m["mentor"],
                "mentee": m["mentee"],
            }
        )
        for m in await graph.read(
            "MATCH (a:Person)-[r:MENTORS]->(b:Person) "
            "RETURN a.id AS mentor, b.id AS mentee, properties(r) AS props"
        )
    ]
    planning = Dataset(**copied)

    while (await graph.write(WIPE_BATCH))[0]["deleted"]:
        pass
    assert await graph.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    await migrate(graph, kb.runtime.engine)
    await seed(graph)
    held = {r["id"] for r in await graph.read("MATCH (s:Source) RETURN s.id AS id")}
    await load_dataset(graph, Dataset(sources=[s for s in sources if s.id not in held]))

    for kind in ("organizations", "people", "partnerships", "resources", "plans", "events"):
        if kind == "plans":
            # Plans, goals, mechanisms and mentorships are no spreadsheet kind: copied as they
            # were, after the records they name and before the events that decided them.
            await load_dataset(graph, planning)
            continue
        name = f"{kind}.csv"
        (tmp_path / name).write_bytes(exported[name])
        report = await import_file(graph, OPERATOR, exported[name], name, "csv")
        assert report.counts["error"] == 0
    assert await _counts(kb) == (labels, types)
    again = await export_tables(graph, "csv", contact=True)
    for name, data in exported.items():
        assert again[name] == data, f"{name} differs after the round trip"
    again_xlsx = await export_tables(graph, "xlsx", contact=True)
    assert again_xlsx == xlsx
    await _rollups_match_a_recount(kb, ["area:TH", "area:71", "area:pg-central-lower-1"])
    rows = await table_rows(graph, "organizations", within="area:71")
    assert rows, "Kanchanaburi's organizations are back"
