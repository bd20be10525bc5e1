"""JSON Lines export, `kb backup` and `kb restore`: the same file on both engines.

A backup is taken by `kb backup` while this test process serves the graph (the CLI attaches to
the running engine), restored by `kb restore` into an empty graph and backed up again: the two
files are byte-identical. On Neo4j the file goes embedded -> Neo4j -> embedded as well.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph import backup as bk
from graph.engine.dialect import ARCADEDB
from graph.runtime import open_runtime
from tests.conftest import NEO4J_PASSWORD, NEO4J_URI, WIPE_BATCH, EngineUnderTest, settings_for
from tests.test_engine import _kb, an_organizations_word

# Everything but the database's own records (its migrations, the seed's state).
WIPE_CONTENT = (
    "MATCH (n) WHERE NOT n:Migration AND NOT n:SeedState WITH n LIMIT 20000 "
    "DETACH DELETE n RETURN count(*) AS deleted"
)
assert WIPE_BATCH  # the fixture's wipe takes the migrations too; restores keep them


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _fresh_embedded_env(tmp_path: Path, name: str) -> dict[str, str]:
    _, env = settings_for("embedded", tmp_path / name)
    return env


async def test_backup_restore_backup_gives_the_same_bytes(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    first = tmp_path / "first.jsonl"
    done = _kb(kb.env, "backup", str(first))
    assert done.returncode == 0, done.stderr
    # The file the CLI wrote is what the function gives, line for line.
    lines, report = await bk.export_lines(kb.graph, personal=True)
    assert first.read_text(encoding="utf-8") == "\n".join(lines) + "\n"
    assert report.nodes["Area"] >= 8000 and report.relationships["PART_OF"] >= 8000

    # Into a non-empty graph: refused, and nothing is written.
    refused = _kb(kb.env, "restore", str(first))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "ว่าง" in refused.stderr

    # Into an empty embedded graph, then backed up again: the same bytes.
    env = _fresh_embedded_env(tmp_path, "restored")
    done = _kb(env, "restore", str(first), timeout=300)
    assert done.returncode == 0, done.stderr
    second = tmp_path / "second.jsonl"
    done = _kb(env, "backup", str(second), timeout=300)
    assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()

    # The restored graph answers with the stored rollups it came with.
    done = _kb(env, "query", "MATCH (a:Area {id: 'area:TH'}) RETURN a.rollup_people AS people")
    assert done.returncode == 0, done.stderr
    counts = await kb.graph.read("MATCH (a:Area {id: 'area:TH'}) RETURN a.rollup_people AS people")
    assert json.loads(done.stdout) == counts

    # Its full-text indexes were built once after the importer's writing (the bulk path of a
    # first load): a word of an organization's name finds as many there as here.
    term, found = await an_organizations_word(kb)
    done = _kb(
        env,
        "query",
        "CALL db.index.fulltext.queryNodes($index, $term) YIELD node RETURN count(node) AS n",
        "-p",
        f"index={ARCADEDB.fulltext_index_name('Organization')}",
        "-p",
        f"term={term}",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": found}]


async def test_a_backup_moves_between_engines_unchanged(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    """Neo4j -> embedded -> Neo4j: each backup of a restore is the file restored."""
    if kb.name != "neo4j":
        return  # the embedded-only round trip is the test above
    from_neo4j = tmp_path / "neo4j.jsonl"
    await bk.backup(kb.graph, from_neo4j)

    env = _fresh_embedded_env(tmp_path, "embedded")
    assert _kb(env, "restore", str(from_neo4j), timeout=300).returncode == 0
    from_embedded = tmp_path / "embedded.jsonl.gz"
    done = _kb(env, "backup", str(from_embedded), timeout=300)
    assert done.returncode == 0, done.stderr
    with bk.open_text(from_embedded, "r") as f:
        assert f.read().encode() == from_neo4j.read_bytes()

    # Empty Neo4j, restore the file the embedded engine wrote, back it up: the same again.
    while (await kb.graph.write(WIPE_CONTENT))[0]["deleted"]:
        pass
    try:
        report = await bk.restore(kb.graph, from_embedded)
        assert report.elements == len(_lines(from_neo4j)) - 2
    finally:
        again = tmp_path / "again.jsonl"
        await bk.backup(kb.graph, again)
    assert again.read_bytes() == from_neo4j.read_bytes()


async def test_an_area_export_holds_its_subtree_and_no_personal_data(kb: EngineUnderTest) -> None:
    lines, report = await bk.export_lines(kb.graph, area="area:71")
    rows = [json.loads(line) for line in lines]
    header, body, end = rows[0], rows[1:-1], rows[-1]
    assert header == {"format": bk.FORMAT, "personal": False, "scope": "area:71", "version": 1}
    nodes = [r for r in body if "label" in r]
    rels = [r for r in body if "type" in r]
    assert end == {"end": True, "nodes": len(nodes), "relationships": len(rels)}
    ids = {n["id"] for n in nodes}
    assert "area:71" in ids and "area:7101" in ids and "area:710101" in ids
    assert "area:10" not in ids and "area:TH" not in ids  # Bangkok, the country: not below 71
    assert all(r["from"] in ids and r["to"] in ids for r in rels)
    assert not {n["label"] for n in nodes} & {"Account", "Change"}
    assert not any(k.startswith("contact_") for n in nodes for k in n["props"])
    people = [n for n in nodes if n["label"] == "Person"]
    assert people, "the demo network has people working in Kanchanaburi"
    cited = {s for n in nodes for s in n["props"].get("source_ids", [])}
    assert {n["id"] for n in nodes if n["label"] == "Source"} == cited
    # Sorted: nodes by label in the registry's order, then id; deterministic.
    again, _ = await bk.export_lines(kb.graph, area="area:71")
    assert again == lines
    assert report.nodes["Person"] == len(people)

    # With personal data asked for, contact data comes along.
    personal, _ = await bk.export_lines(kb.graph, area="area:71", personal=True)
    assert any('"contact_' in line for line in personal)


def test_a_cut_or_foreign_file_is_refused_naming_the_line(tmp_path: Path) -> None:
    cut = tmp_path / "cut.jsonl"
    header = bk.dumps({"format": bk.FORMAT, "personal": True, "scope": "all", "version": 1})
    node = bk.dumps({"id": "src:x", "label": "Source", "props": {"id": "src:x"}})
    cut.write_text(f"{header}\n{node}\n", encoding="utf-8")
    with pytest.raises(bk.BackupError, match="cut short"):
        bk.parse_file(cut)
    dangling = tmp_path / "dangling.jsonl"
    rel = bk.dumps({"from": "src:x", "props": {}, "to": "area:nowhere", "type": "PART_OF"})
    end = bk.dumps({"end": True, "nodes": 1, "relationships": 1})
    dangling.write_text(f"{header}\n{node}\n{rel}\n{end}\n", encoding="utf-8")
    with pytest.raises(bk.BackupError, match=r"line\) 3: PART_OF refers to 'area:nowhere'"):
        bk.parse_file(dangling)
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text('{"hello": "world"}\n', encoding="utf-8")
    with pytest.raises(bk.BackupError, match=r"line\) 1: not a codi-kb-jsonl file"):
        bk.parse_file(foreign)


def _kb_in(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`kb` run in ``cwd``, as a user in that folder would."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def _readme_commands() -> list[list[str]]:
    """The `kb` command lines of the README's section on moving to Neo4j."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Backup, restore and moving to Neo4j") :]
    block = re.findall(r"```bash\n(.*?)```", section, re.S)[0]
    lines = [line.split("#")[0].split() for line in block.splitlines()]
    return [line[1:] for line in lines if line and line[0] == ".venv/bin/kb"]


async def test_the_readme_moves_the_embedded_graph_to_neo4j(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    """The README's commands as written: back up the embedded graph, restore it into an empty
    Neo4j (into an empty embedded graph when no Neo4j is given), back that up: same bytes."""
    if kb.name != "embedded":
        return
    commands = _readme_commands()
    assert [c[0] for c in commands] == ["backup", "restore", "serve"]
    backup_cmd, restore_cmd, _serve = commands  # serving is what every API test does
    done = _kb_in(tmp_path, kb.env, *backup_cmd)
    assert done.returncode == 0, done.stderr
    if NEO4J_URI:
        target = {**kb.env, "KB_NEO4J_URI": NEO4J_URI, "KB_NEO4J_PASSWORD": NEO4J_PASSWORD}
        async with open_runtime(settings_for("neo4j", tmp_path / "n")[0]) as rt:
            while (await rt.graph.write(WIPE_BATCH))[0]["deleted"]:
                pass  # the session's Neo4j graph is seeded afresh when its turn comes
    else:
        target = _fresh_embedded_env(tmp_path, "target")
    done = _kb_in(tmp_path, target, *restore_cmd)
    assert done.returncode == 0, done.stderr
    done = _kb_in(tmp_path, target, "backup", "again.jsonl.gz")
    assert done.returncode == 0, done.stderr
    with (
        bk.open_text(tmp_path / "again.jsonl.gz", "r") as a,
        bk.open_text(tmp_path / restore_cmd[1], "r") as b,
    ):
        assert a.read() == b.read()
