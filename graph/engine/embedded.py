"""The default engine: an ArcadeDB server inside this Python process, reached over Bolt.

ArcadeDB allows one process per data directory. The process that takes the directory's lock
starts the server and publishes its Bolt address in ``runtime.json``; any other ``kb`` process
started on the same directory (a CLI command while ``kb serve`` runs) finds that address and
talks to the running server instead of failing.

Files in the data directory::

    secret         generated root password (mode 0600), created once
    kb.lock        flock held by the owning process; holds its pid
    runtime.json   Bolt and HTTP ports of the running server (mode 0600)
    arcadedb/      the server's root: databases, config
    logs/          the engine's own log (Java logging is routed here, not to the terminal)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import shutil
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import psutil

from graph.engine import BoltEndpoint, Engine, EngineError
from graph.engine.dialect import (
    ARCADEDB,
    ARCADEDB_ANALYZER_CLASS,
    ARCADEDB_FULLTEXT_NAMES,
)
from graph.queries.load import REL_TYPES
from graph.registry import NODE_LABELS
from graph.settings import Settings

log = logging.getLogger(__name__)

ROOT_USER = "root"
# Below this much free space, a failed write is reported as a full disk.
_LOW_SPACE = 32 * 2**20

# Rows per commit when a full-text index is built over rows already written (the engine's
# default is 5,000). Measured on people's index: scale 0.1 (91,678 rows) 9.8-10.1 s at 300
# against 10.7-11.2 at 100, 10.8-10.9 at 1,000, 11.9-12.9 at 5,000; scale 1 in the README.
_FULLTEXT_BUILD_BATCH = 300

# Python level -> java.util.logging level for the engine's log file.
_JUL_LEVELS = {"DEBUG": "FINE", "INFO": "INFO", "WARNING": "WARNING", "ERROR": "SEVERE"}

# The engine's memory when KB_EMBEDDED_HEAP is "auto" (the default): a 4 GB heap, in which
# ArcadeDB keeps a page cache of a quarter (1 GB); for a database of a gigabyte or more on a
# machine of 16 GB or more, a 6 GB heap with a 3.5 GB page cache. Measured on the national
# network at scale 1 (a 2.6 GB database, bench/results/search-NOTES.md): the collector's young
# pauses over a search run fell from 3.0-4.4 s in all to 0.9, and the highest search p95 of any
# kind of text from 118.7-143.5 ms to 92.8-105.3. A graph smaller than its page cache gains
# nothing from it, and a first load starts from an empty directory (the 4 GB the loading
# benchmarks measured).
LARGE_DATABASE_BYTES = 1 << 30
LARGE_MACHINE_BYTES = 16 << 30
LARGE_HEAP, LARGE_PAGE_CACHE_MB, DEFAULT_HEAP = "6g", 3584, "4g"


def jvm_memory(heap: str, database_bytes: int, machine_bytes: int) -> tuple[str, list[str]]:
    """The heap and the JVM options for the page cache, for KB_EMBEDDED_HEAP = ``heap``."""
    if heap != "auto":
        return heap, []
    if database_bytes >= LARGE_DATABASE_BYTES and machine_bytes >= LARGE_MACHINE_BYTES:
        return LARGE_HEAP, [f"-Darcadedb.maxPageRAM={LARGE_PAGE_CACHE_MB}"]
    return DEFAULT_HEAP, []


def _bytes_under(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _describe_process(pid: int) -> str:
    try:
        proc = psutil.Process(pid)
        return f"pid {pid} ({' '.join(proc.cmdline())[:200]})"
    except psutil.Error:
        return f"pid {pid}"


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Point the process's file descriptor 2 at ``path`` for the duration of the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as target:
        os.dup2(target.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def leave_jvm() -> None:
    """Detach the calling thread from the engine's JVM, if it is attached. The thread that
    starts the JVM is attached to it as a user thread, and at exit the JVM waits for every
    user thread to end or detach: when that thread is not the process's main thread (the API
    serves from a worker thread, api/offload.py), it must detach before it ends, or the process
    never exits."""
    jpype = sys.modules.get("jpype")
    if jpype is not None and jpype.isJVMStarted() and jpype.java.lang.Thread.isAttached():
        jpype.java.lang.Thread.detach()


def _drop_index(schema: Any, name: str, waits: tuple[float, ...] = (0.1, 0.3, 1, 2, 4)) -> bool:
    """Drop one index before a bulk load; False (the index kept, the load only slower) when the
    engine still refuses after the waits. ArcadeDB answers NeedRetryException ("one or more
    underlying files are not available") while its own background work holds the index's files,
    seen once in CI right after the migrations made them."""
    for wait in (*waits, None):
        try:
            schema.drop_index(name)
            return True
        except Exception as exc:  # the wheel wraps the engine's exception in ArcadeDBError
            if "NeedRetryException" not in str(exc):
                raise
            if wait is None:
                log.warning("kept the index %s for this load: %s", name, _first_line(exc))
                return False
            time.sleep(wait)
    return False


def _first_line(exc: BaseException) -> str:
    """A Java exception's message without its stack trace."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def holds_database(settings: Settings) -> bool:
    """Whether the data directory holds the embedded engine's database already (else the
    first start creates it)."""
    root = settings.data_dir.expanduser() / "arcadedb" / "databases"
    return (root / settings.embedded_database).exists()


class _JsonBatch:
    """Rows into ArcadeDB's batch importer as one JSON string per chunk, lists included.

    The wheel's own ``GraphBatch.create_vertices`` and ``new_edges`` take this path only when
    every value is a scalar; a list anywhere (every row here has ``source_ids``) sends the
    vertices value by value through JPype and the edges one call each, about 24 times slower
    by the wheel's own account. The bridge classes they call accept lists as they are. Where
    the bridge or the batch's Java object is not there (another wheel), or a value is neither a
    scalar nor a list of scalars, the wheel's methods are used."""

    def __init__(self, batch: Any) -> None:
        self._batch = batch
        self._java = getattr(batch, "_java_graph_batch", None)  # the pinned wheel's
        self._vertices: Any = None
        self._edges: Any = None
        if self._java is not None:
            import jpype
            from arcadedb_embedded.type_conversion import json_bulk_scalar_ok

            self._scalar_ok = json_bulk_scalar_ok  # imported once, asked of every value
            try:
                self._vertices = jpype.JClass("com.arcadedb.python.VertexBatcher")
                self._edges = jpype.JClass("com.arcadedb.python.EdgeBatcher")
            except Exception:  # a wheel without the bridge: its slower methods
                self._java = None

    def _value_ok(self, value: Any) -> bool:
        """Whether the JSON bridge stores ``value`` as Cypher would: a JSON scalar, or a list
        of them (a LIST, like a list written through Cypher; tests/test_bench.py and
        tests/test_first_load.py compare the two ways' graphs property by property)."""
        if type(value) is list:
            return all(self._scalar_ok(v) for v in value)
        return self._scalar_ok(value)

    def _fits(self, rows: list[dict[str, Any]]) -> bool:
        return self._java is not None and all(
            type(k) is str and self._value_ok(v) for row in rows for k, v in row.items()
        )

    def create_vertices(self, label: str, rows: list[dict[str, Any]]) -> list[str]:
        if not self._fits(rows):
            return list(self._batch.create_vertices(label, rows))
        joined = str(self._vertices.createVerticesJson(self._java, label, json.dumps(rows)))
        return joined.split(";") if joined else []

    def new_edges(
        self, sources: list[str], rel: str, targets: list[str], rows: list[dict[str, Any]]
    ) -> None:
        if not self._fits(rows) or any(k in ("_src", "_dst") for row in rows for k in row):
            self._batch.new_edges(sources, rel, targets, rows)
            return
        payload = [
            {"_src": src, "_dst": dst, **row}
            for src, dst, row in zip(sources, targets, rows, strict=True)
        ]
        self._edges.newEdgesJson(self._java, rel, json.dumps(payload))


class EmbeddedEngine(Engine):
    name = "embedded"
    dialect = ARCADEDB

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dir = settings.data_dir.expanduser().resolve()
        self.database = settings.embedded_database
        self.mode: str | None = None  # "owner" or "attached" once started
        self._endpoint: BoltEndpoint | None = None
        self._http_port: int | None = None
        self._lock_file: IO[str] | None = None
        self._server: Any = None

    # -- paths -----------------------------------------------------------------------------------
    @property
    def secret_path(self) -> Path:
        return self.dir / "secret"

    @property
    def runtime_path(self) -> Path:
        return self.dir / "runtime.json"

    @property
    def log_dir(self) -> Path:
        return self.dir / "logs"

    def describe(self) -> str:
        where = f" ({self.mode})" if self.mode else ""
        return f"embedded ArcadeDB at {self.dir}{where}"

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> BoltEndpoint:
        if self._endpoint is not None:
            return self._endpoint
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._make_private()
            password = self._password()
            lock = (self.dir / "kb.lock").open("a+")
        except OSError as exc:
            raise self._filesystem_error(exc) from None
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return self._attach(password)
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        self._lock_file = lock
        try:
            self._endpoint = self._start_server(password)
        except OSError as exc:
            if self._server is not None:  # started, then could not publish its address
                with _stderr_to(Path(os.devnull)), contextlib.suppress(Exception):
                    self._server.stop()
                self._server = None
            self._release_lock()
            raise self._filesystem_error(exc) from None
        except BaseException:
            self._release_lock()
            raise
        self.mode = "owner"
        return self._endpoint

    def rediscover(self) -> BoltEndpoint | None:
        """Attached to another process's engine that restarted: where it serves now."""
        if self.mode != "attached" or self._endpoint is None:
            return None
        info = self._read_runtime()
        if not info or not psutil.pid_exists(info["pid"]) or not _port_open(info["bolt_port"]):
            return None
        uri = f"bolt://127.0.0.1:{info['bolt_port']}"
        if uri != self._endpoint.uri:
            self._http_port = int(info["http_port"])
            self._endpoint = BoltEndpoint(
                uri, ROOT_USER, self._endpoint.password, self._endpoint.database
            )
        return self._endpoint

    def storage_trouble(self) -> str | None:
        try:
            free = shutil.disk_usage(self.dir).free
        except OSError:
            return None
        if free >= _LOW_SPACE:
            return None
        return f"only {free / 2**20:.1f} MB free on the disk holding {self.dir}"

    def stop(self) -> None:
        if self.mode == "owner":
            with contextlib.suppress(FileNotFoundError):
                self.runtime_path.unlink()
            if self._server is not None:
                try:
                    self._server.stop()
                except Exception as exc:  # the engine is going away either way
                    log.warning("embedded engine did not stop cleanly: %s", _first_line(exc))
                self._server = None
            self._release_lock()
        self.mode = None
        self._endpoint = None

    def run_admin(self, statement: str) -> None:
        """Run one ArcadeDB SQL command: in this process when it owns the engine, else through
        the server's HTTP API (loopback, root). A first start runs about forty (the migrations'
        types, properties and indexes): 0.04-0.4 s each over HTTP."""
        if self._endpoint is None or self._http_port is None:
            raise EngineError("the embedded engine is not started")
        if self.mode == "owner" and self._server is not None:
            try:
                self._server.get_database(self.database).command("sql", statement)
            except Exception as exc:  # the engine's error, said in one line
                raise EngineError(
                    f"embedded engine refused {statement!r}: {_first_line(exc)}"
                ) from None
            return
        url = f"http://127.0.0.1:{self._http_port}/api/v1/command/{self.database}"
        try:
            resp = httpx.post(
                url,
                json={"language": "sql", "command": statement},
                auth=(ROOT_USER, self._endpoint.password),
                timeout=120,
            )
        except httpx.HTTPError as exc:
            raise EngineError(f"embedded engine unreachable at {url}: {exc}") from exc
        if resp.status_code != 200:
            try:
                detail = resp.json().get("detail") or resp.json().get("error")
            except ValueError:
                detail = resp.text[:300]
            raise EngineError(f"embedded engine refused {statement!r}: {detail}")

    def can_bulk_create(self) -> bool:
        return self.mode == "owner" and self._server is not None

    @contextlib.contextmanager
    def search_indexes_after(self) -> Iterator[None]:
        """ArcadeDB adds each row's search terms to its full-text index as the row is written,
        and that slows down as the index grows; dropped first and made again at the end, the
        index is built in one pass over the rows (measured in bench/results/loading/)."""
        if not self.can_bulk_create() or self._server is None:
            yield
            return
        schema = self._server.get_database(self.database).schema
        dropped = [
            label
            for label, name in ARCADEDB_FULLTEXT_NAMES.items()
            if schema.exists_index(name) and _drop_index(schema, name)
        ]
        try:
            yield
        finally:
            for label in dropped:
                self._build_search_index(label)

    def restore_search_indexes(self) -> None:
        if not self.can_bulk_create() or self._server is None:
            return  # an attached process: the owner's start makes them
        schema = self._server.get_database(self.database).schema
        for label, name in ARCADEDB_FULLTEXT_NAMES.items():
            if schema.exists_type(label) and not schema.exists_index(name):
                log.warning(
                    "the full-text index of %s was missing (a load cut short?): building it", label
                )
                self._build_search_index(label)

    def _build_search_index(self, label: str) -> None:
        """The full-text index of ``label`` over the rows already written: the index
        the migrations' ``CREATE INDEX`` makes (the same analyzer, similarity and name), through the
        engine's index builder so that the build commits every ``_FULLTEXT_BUILD_BATCH`` rows
        instead of its default 5,000: each entry waits in its transaction's sorted map until
        the commit, and a smaller map is cheaper to add to (people's index at scale 1, 830,000
        rows: 131, 113 s -> 91, 71 s; organizations' 33 -> 16 s). The engine then compacts the
        index on its own thread, which the next build waits for (bench/results/loading/)."""
        if self._server is None:
            raise EngineError("the embedded engine is not started")
        log.info("building the full-text index of %s", label)
        import jpype

        schema = self._server.get_database(self.database).get_java_database().getSchema()
        index_type = jpype.JClass("com.arcadedb.schema.Schema").INDEX_TYPE.FULL_TEXT
        properties = jpype.JArray(jpype.JString)(["search_text"])
        try:
            (
                schema.buildTypeIndex(label, properties)
                .withType(index_type)
                .withAnalyzer(ARCADEDB_ANALYZER_CLASS)
                .withBatchSize(_FULLTEXT_BUILD_BATCH)
                .withIgnoreIfExists(True)
                .create()
            )
        except Exception as exc:  # the engine's error, said in one line
            raise EngineError(
                f"embedded engine could not build the full-text index of {label}: "
                f"{_first_line(exc)}"
            ) from None

    def node_rids(self) -> dict[str, str]:
        if not self.can_bulk_create() or self._server is None:
            return {}
        database = self._server.get_database(self.database)
        out: dict[str, str] = {}
        for label in NODE_LABELS:  # the closed set of labels (the migrations made their types)
            statement = f"SELECT id, @rid AS rid FROM {label}"  # noqa: S608 - a known label
            rows = database.query("sql", statement)
            out.update({str(r.get("id")): str(r.get("rid")) for r in rows if r.get("id")})
        return out

    def bulk_create(
        self,
        nodes: dict[str, list[dict[str, Any]]],
        rels: dict[tuple[str, str, str], list[dict[str, Any]]],
        progress: Callable[[str, int, int], None] | None = None,
        rids: dict[str, str] | None = None,
    ) -> bool:
        """ArcadeDB's batch graph importer, in this process: vertices cross into the engine a
        chunk at a time and edges are buffered and written by the engine itself, with no
        Cypher planned or rows matched by id. Only the process that owns the data directory
        can do this; an attached one (a CLI beside ``kb serve``) goes through Bolt."""
        if not self.can_bulk_create() or self._server is None:
            return False
        rids = {} if rids is None else rids
        created_here = {r["props"]["id"] for rows in nodes.values() for r in rows}
        ends = {r[end] for rows in rels.values() for r in rows for end in ("from", "to")}
        missing = sorted(ends - created_here - rids.keys())
        if missing:  # before anything is written
            raise EngineError(
                f"{len(missing)} relationship end(s) neither created here nor in the graph, "
                f"e.g. {', '.join(missing[:3])}"
            )
        database = self._server.get_database(self.database)
        schema = database.schema
        for rel in sorted({rel for rel, _, _ in rels}):
            if rel not in REL_TYPES:  # a type from the closed set, never a file's
                raise EngineError(f"not a relationship type: {rel!r}")
            # In this process, not through the HTTP API: about 50 ms a type that way, and a
            # first seed names about twenty.
            if not schema.exists_type(rel):
                schema.create_edge_type(rel)
        total_nodes = sum(len(rows) for rows in nodes.values())
        total_rels = sum(len(rows) for rows in rels.values())
        done = 0
        chunk = 20_000
        with database.graph_batch() as batch:
            writer = _JsonBatch(batch)
            for label, rows in nodes.items():
                for i in range(0, len(rows), chunk):
                    part = rows[i : i + chunk]
                    created = writer.create_vertices(label, [r["props"] for r in part])
                    rids.update(zip((r["props"]["id"] for r in part), created, strict=True))
                    done += len(part)
                    if progress:
                        progress("creating nodes", done, total_nodes)
            done = 0
            for (rel, _, _), rows in sorted(rels.items()):
                for i in range(0, len(rows), chunk):
                    part = rows[i : i + chunk]
                    writer.new_edges(
                        [rids[r["from"]] for r in part],
                        rel,
                        [rids[r["to"]] for r in part],
                        [r["props"] for r in part],
                    )
                    done += len(part)
                    if progress:
                        progress("creating relationships", done, total_rels)
        return True

    # -- internals -------------------------------------------------------------------------------
    def _make_private(self) -> None:
        """The directory and everything in it readable by this user only (700 / 600), whatever
        modes it had: it holds personal contact data. Files the engine creates from now on are
        private too (umask)."""
        os.umask(0o077)
        loosened = 0
        for root, dirs, files in os.walk(self.dir):
            for name, mode in [(root, 0o700)] + [(os.path.join(root, f), 0o600) for f in files]:
                st = os.lstat(name)
                if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
                    continue
                if stat.S_IMODE(st.st_mode) & 0o077:
                    loosened += 1
                os.chmod(name, mode)
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        if loosened:
            log.warning(
                "ปรับสิทธิ์ไดเรกทอรีข้อมูลให้เป็นส่วนตัว: %d entries of %s were readable by other "
                "users; now 700 (directories) / 600 (files)",
                loosened,
                self.dir,
            )

    def _filesystem_error(self, exc: OSError) -> EngineError:
        where = exc.filename or self.dir
        if exc.errno == errno.EROFS:
            why = "is on a read-only file system"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = "cannot be written by this user"
        elif exc.errno == errno.ENOSPC:
            return EngineError(
                f"ดิสก์เต็ม: disk full: the disk holding the data directory {self.dir} has no "
                f"space left ({where}); free some space or set KB_DATA_DIR to another disk"
            )
        else:
            why = f"cannot be used ({exc.strerror})"
        return EngineError(
            f"ไดเรกทอรีข้อมูลใช้ไม่ได้: the data directory {self.dir} {why} ({where}); "
            "make it writable or set KB_DATA_DIR to another directory"
        )

    def _password(self) -> str:
        if self.secret_path.exists():
            return self.secret_path.read_text().strip()
        if (self.dir / "arcadedb" / "config" / "server-users.jsonl").exists():
            raise EngineError(
                f"{self.secret_path} is missing but {self.dir} already holds a database whose "
                "root password was kept there; restore the file or use a new KB_DATA_DIR."
            )
        password = secrets.token_urlsafe(24)
        fd = os.open(self.secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(password)
        return password

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _attach(self, password: str) -> BoltEndpoint:
        """Another process owns the directory: use its server, or explain who holds it."""
        deadline = time.monotonic() + self.settings.attach_wait_s
        holder = self._lock_holder()
        while True:
            info = self._read_runtime()
            if info and psutil.pid_exists(info["pid"]) and _port_open(info["bolt_port"]):
                self.mode = "attached"
                self._http_port = int(info["http_port"])
                self._endpoint = BoltEndpoint(
                    f"bolt://127.0.0.1:{info['bolt_port']}", ROOT_USER, password, self.database
                )
                return self._endpoint
            if holder is not None and not psutil.pid_exists(holder):
                raise EngineError(
                    f"{self.dir} is locked by {holder}, which no longer exists; retry."
                )
            if time.monotonic() > deadline:
                who = _describe_process(holder) if holder else "another process"
                raise EngineError(
                    f"The data directory {self.dir} is held by {who}, which is not serving it "
                    "over Bolt. Wait for it to finish or stop it, or set KB_DATA_DIR to another "
                    "directory."
                )
            time.sleep(0.2)

    def _lock_holder(self) -> int | None:
        try:
            text = (self.dir / "kb.lock").read_text().strip()
            return int(text) if text else None
        except (OSError, ValueError):
            return None

    def _read_runtime(self) -> dict[str, Any] | None:
        try:
            data: dict[str, Any] = json.loads(self.runtime_path.read_text())
            return data
        except (OSError, ValueError):
            return None

    def _write_runtime(self, info: dict[str, Any]) -> None:
        tmp = self.runtime_path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(info, f)
        tmp.replace(self.runtime_path)

    def _configure_java_logging(self) -> Path:
        """Send the engine's Java logging to a file in the data directory, never the terminal."""
        self.log_dir.mkdir(exist_ok=True)
        props = self.log_dir / "java-logging.properties"
        level = _JUL_LEVELS[self.settings.log_level]
        pattern = (self.log_dir / "arcadedb.%g.log").as_posix()
        props.write_text(
            "handlers = java.util.logging.FileHandler\n"
            f".level = {level}\n"
            f"com.arcadedb.level = {level}\n"
            "io.undertow.level = WARNING\n"
            "org.xnio.level = WARNING\n"
            "org.jboss.level = WARNING\n"
            f"java.util.logging.FileHandler.level = {level}\n"
            f"java.util.logging.FileHandler.pattern = {pattern}\n"
            "java.util.logging.FileHandler.limit = 10000000\n"
            "java.util.logging.FileHandler.count = 5\n"
            "java.util.logging.FileHandler.encoding = UTF-8\n"
            "java.util.logging.FileHandler.formatter = com.arcadedb.log.LogFormatter\n"
        )
        # Crash reports of the JVM go next to the log, not into the working directory.
        os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(self.log_dir / "hs_err_pid%p.log"))
        return props

    def _gc_log(self) -> list[str]:
        """Pauses of the collector show up as slow requests: keep a record of them in the log
        directory (unless its path has a colon, which -Xlog would read as a separator)."""
        path = self.log_dir / "gc.log"
        if ":" in str(path):
            return []
        return [f"-Xlog:gc:file={path}:uptime,level,tags:filecount=5,filesize=10m"]

    def _memory(self) -> tuple[str, list[str]]:
        database = _bytes_under(self.dir / "arcadedb")
        heap, memory_args = jvm_memory(
            self.settings.embedded_heap, database, psutil.virtual_memory().total
        )
        log.info(
            "embedded engine: heap %s%s (database %s on disk)",
            heap,
            f", page cache {LARGE_PAGE_CACHE_MB} MB" if memory_args else "",
            f"{database / 1e9:.1f} GB" if database >= 1e9 else f"{database / 1e6:.0f} MB",
        )
        return heap, memory_args

    def _create_server(
        self,
        props: Path,
        password: str,
        bolt_port: int,
        http_port: int,
        memory: tuple[str, list[str]],
    ) -> Any:
        from arcadedb_embedded import jvm as arcade_jvm

        heap, memory_args = memory
        arcade_jvm.start_jvm(
            heap_size=heap,
            jvm_args=[
                f"-Djava.util.logging.config.file={props}",
                # The engine's web server still uses sun.misc.Unsafe; without this the JVM
                # prints a warning to the terminal at the first request.
                "--sun-misc-unsafe-memory-access=allow",
                # System.gc(), which the collector's log shows being called during ordinary work,
                # starts a concurrent cycle instead of stopping every thread for a full
                # collection of a heap that holds gigabytes of cached pages at national scale.
                "-XX:+ExplicitGCInvokesConcurrent",
                *self._gc_log(),
                *memory_args,  # before the caller's own, which win
                *self.settings.embedded_jvm_args,
            ],
        )
        import arcadedb_embedded

        server = arcadedb_embedded.create_server(
            root_path=str(self.dir / "arcadedb"),
            root_password=password,
            config={
                "host": self.settings.embedded_host,
                "http_port": http_port,
                "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
                "bolt_port": bolt_port,
            },
        )
        server.start()
        try:
            server.create_database(self.database)  # opens it when it exists
        except BaseException:
            with contextlib.suppress(Exception):
                server.stop()
            raise
        return server

    def _start_server(self, password: str) -> BoltEndpoint:
        props = self._configure_java_logging()
        bolt_port = self.settings.bolt_port or free_port()
        http_port = self.settings.http_port or free_port()
        for port in (bolt_port, http_port):
            if _port_open(port):
                raise EngineError(f"port {port} on 127.0.0.1 is already in use")
        started = time.monotonic()
        memory = self._memory()
        try:
            # The JVM writes its start-up warnings straight to file descriptor 2; they go to
            # the engine's log with the rest of its output, not to the user's terminal.
            with _stderr_to(self.log_dir / "jvm-start.log"):
                self._server = self._create_server(props, password, bolt_port, http_port, memory)
        except EngineError:
            raise
        except Exception as exc:
            if self._server is not None:
                with contextlib.suppress(Exception):
                    self._server.stop()
                self._server = None
            raise EngineError(
                f"the embedded engine did not start in {self.dir}: {_first_line(exc)} "
                f"(details in {self.log_dir})"
            ) from None
        self._http_port = http_port
        self._write_runtime(
            {
                "pid": os.getpid(),
                "bolt_port": bolt_port,
                "http_port": http_port,
                "database": self.database,
                "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
        )
        log.info(
            "embedded engine up in %.1fs: bolt://127.0.0.1:%d (logs in %s)",
            time.monotonic() - started,
            bolt_port,
            self.log_dir,
        )
        return BoltEndpoint(f"bolt://127.0.0.1:{bolt_port}", ROOT_USER, password, self.database)
