"""The embedded engine: loopback only, a generated secret, one owner per data directory."""

from __future__ import annotations

import ipaddress
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from graph.migrations import LATEST, applied_versions, migrate
from tests.conftest import EngineUnderTest

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _embedded_only(kb: EngineUnderTest) -> None:
    if kb.name != "embedded":
        pytest.skip("about the embedded engine only")


def test_secret_and_runtime_files_are_private(kb: EngineUnderTest) -> None:
    _embedded_only(kb)
    data = kb.settings.data_dir
    for name in ("secret", "runtime.json"):
        mode = stat.S_IMODE((data / name).stat().st_mode)
        assert mode == 0o600, f"{name} has mode {oct(mode)}"
    secret = (data / "secret").read_text().strip()
    assert len(secret) >= 24


def test_engine_listens_on_loopback_only(kb: EngineUnderTest) -> None:
    _embedded_only(kb)
    info = json.loads((kb.settings.data_dir / "runtime.json").read_text())
    assert info["pid"] == os.getpid()
    mine = psutil.Process().net_connections(kind="tcp")
    listening = {c.laddr.port: c.laddr.ip for c in mine if c.status == psutil.CONN_LISTEN}
    for port in (info["bolt_port"], info["http_port"]):
        assert port in listening, (port, listening)
        ip = ipaddress.ip_address(listening[port])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # the JVM binds 127.0.0.1 through an IPv6 socket
        assert ip == ipaddress.ip_address("127.0.0.1"), (port, listening)


def _kb(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).parent.parent,
    )


def test_cli_talks_to_the_running_server_instead_of_failing(kb: EngineUnderTest) -> None:
    """While this process owns the data directory, a `kb` command attaches to its server."""
    done = _kb(kb.env, "query", "MATCH (a:Area {code: $c}) RETURN a.name_en AS name", "-p", "c=71")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"name": "Kanchanaburi"}]
    if kb.name == "embedded":
        assert "attached" in done.stderr or "127.0.0.1" in done.stderr or done.stderr == ""


def test_a_directory_held_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "held"
    data.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, time
                f = open({str(data / "kb.lock")!r}, "a+")
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)
                f.write(str(os.getpid())); f.flush()
                print("locked", flush=True)
                time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {
            "KB_DATA_DIR": str(data),
            "KB_ATTACH_WAIT_S": "1",
        }
        done = _kb(env, "status")
        assert done.returncode == 1
        assert f"pid {holder.pid}" in done.stderr
        assert "held by" in done.stderr
        assert "Traceback" not in done.stderr
        assert "\tat com." not in done.stderr and "Exception" not in done.stderr
    finally:
        holder.kill()
        holder.wait()


async def test_migrations_are_recorded_and_idempotent(kb: EngineUnderTest) -> None:
    assert sorted(await applied_versions(kb.graph)) == list(range(1, LATEST + 1))
    assert await migrate(kb.graph, kb.runtime.engine) == []
    indexes = await kb.graph.read("SHOW INDEXES YIELD name, type RETURN name, type")
    names = {r["name"] for r in indexes}
    for label in ("Area", "Organization", "Person"):
        assert kb.runtime.engine.dialect.fulltext_index_name(label) in names
    constraints = await kb.graph.read("SHOW CONSTRAINTS YIELD name RETURN name")
    assert {"area_id", "area_code", "person_id", "organization_id"} <= {
        r["name"] for r in constraints
    }


async def _index_names(kb: EngineUnderTest) -> set[str]:
    return {r["name"] for r in await kb.graph.read("SHOW INDEXES YIELD name RETURN name")}


async def _organizations_found(kb: EngineUnderTest, term: str) -> int:
    rows = await kb.graph.read(
        "CALL db.index.fulltext.queryNodes($index, $term) YIELD node RETURN count(node) AS n",
        index=kb.runtime.engine.dialect.fulltext_index_name("Organization"),
        term=term,
    )
    return int(rows[0]["n"])


async def an_organizations_word(kb: EngineUnderTest) -> tuple[str, int]:
    """The first word of an organization's search text, and how many its full-text index finds
    (at least that one)."""
    row = await kb.graph.read_one(
        "MATCH (o:Organization) WHERE o.search_text IS NOT NULL "
        "RETURN o.search_text AS text ORDER BY o.id LIMIT 1"
    )
    assert row is not None
    term = row["text"].split()[0]
    found = await _organizations_found(kb, term)
    assert found >= 1
    return term, found


async def test_full_text_indexes_built_after_a_first_load_are_there_again_however_it_ends(
    kb: EngineUnderTest,
) -> None:
    """A first load through the importer drops the full-text indexes and builds them once at
    the end; if the process is killed in between, the next start's migrations build them."""
    _embedded_only(kb)
    engine = kb.runtime.engine
    name = engine.dialect.fulltext_index_name("Organization")
    term, found = await an_organizations_word(kb)

    with engine.search_indexes_after():
        assert name not in await _index_names(kb)  # what the load writes is not indexed yet
    assert name in await _index_names(kb)
    assert await _organizations_found(kb, term) == found

    with pytest.raises(RuntimeError, match="a load that failed"), engine.search_indexes_after():
        raise RuntimeError("a load that failed")
    assert name in await _index_names(kb)

    killed = engine.search_indexes_after()  # entered, never left: the process died inside
    killed.__enter__()
    assert name not in await _index_names(kb)
    assert await migrate(kb.graph, engine) == []  # the next start
    assert name in await _index_names(kb)
    assert await _organizations_found(kb, term) == found


def test_the_embedded_engines_memory_follows_the_database_and_the_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """KB_EMBEDDED_HEAP=auto (the default): 4 GB; a database of a gigabyte or more on a machine
    of 16 GB or more gets a 6 GB heap and a 3.5 GB page cache (measured at scale 1: the
    collector's pauses 3.0-4.4 s -> 0.9 s over a search run); a heap given is kept as it is,
    and the caller's own JVM options come after (and so win over) the page cache's."""
    from graph.engine.embedded import jvm_memory
    from graph.settings import Settings

    gb = 1 << 30
    monkeypatch.delenv("KB_EMBEDDED_HEAP", raising=False)
    assert Settings(_env_file=None).embedded_heap == "auto"  # type: ignore[call-arg]
    assert jvm_memory("auto", 0, 24 * gb) == ("4g", [])
    assert jvm_memory("auto", 3 * gb, 24 * gb) == ("6g", ["-Darcadedb.maxPageRAM=3584"])
    assert jvm_memory("auto", 3 * gb, 8 * gb) == ("4g", [])  # a small machine keeps 4 GB
    assert jvm_memory("2g", 3 * gb, 24 * gb) == ("2g", [])
    with pytest.raises(ValueError, match="embedded_heap"):
        Settings(embedded_heap="lots", _env_file=None)  # type: ignore[call-arg]
