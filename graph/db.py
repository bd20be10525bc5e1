"""The one door to the database: an async ``neo4j`` driver over Bolt, whatever the engine.

Every statement the application runs passes through ``Graph.read``, ``Graph.write`` or a
``Graph.transaction()``, which is where round trips are counted (for the tests that bound them
and for the benchmark), where driver errors become ``graph.errors``, and where the time left
to the current request (``time_limit``) goes to the engine as the transaction's timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, LiteralString

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, AsyncTransaction
from neo4j import exceptions as neo4j_errors
from neo4j import time as neo4j_time

from graph.engine import BoltEndpoint
from graph.engine.dialect import Dialect
from graph.errors import GraphUnavailable, QueryFailed, QueryTimedOut, StorageFull

# Neo4j reports hints (deprecations, unknown property names) as notifications; they are for the
# author of a query at development time, not for the operator's log.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
log = logging.getLogger(__name__)

Row = dict[str, Any]

# Values that ``Record.data()`` passes through unchanged. Our statements return maps, lists and
# these (every statement projects: no nodes, relationships or paths), so a row can be the
# record's own values, which is what ``data()`` makes of them at the cost of a chain of
# ``isinstance`` checks against abstract classes per value (20-45 % of a request that answers
# many fields). A record holding anything else still goes through ``data()``.
_PLAIN: frozenset[type] = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        neo4j_time.Date,
        neo4j_time.DateTime,
        neo4j_time.Time,
        neo4j_time.Duration,
    }
)


def _is_plain(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return kind in _PLAIN
    # A loop, not all(...): a generator per map and list costs more than the check itself.
    for item in value:  # noqa: SIM110
        if type(item) not in _PLAIN and not _is_plain(item):
            return False
    return True


def _row(record: neo4j.Record) -> Row:
    """A record as a row, equal to ``record.data()``."""
    row = dict(record.items())
    return row if _is_plain(row) else record.data()


async def _rows(result: neo4j.AsyncResult) -> list[Row]:
    """The result's records as rows, equal to ``await result.data()``."""
    return [_row(record) async for record in result]


@dataclass
class RoundTrips:
    """Counts statements sent to the engine while it is the current counter; with ``record``,
    keeps each statement and its parameters (the benchmark replays them as raw Cypher)."""

    count: int = 0
    record: bool = False
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


_counter: ContextVar[RoundTrips | None] = ContextVar("kb_round_trips", default=None)


@contextlib.contextmanager
def count_round_trips(*, record: bool = False) -> Iterator[RoundTrips]:
    counter = RoundTrips(record=record)
    token = _counter.set(counter)
    try:
        yield counter
    finally:
        _counter.reset(token)


def _count(query: str, params: Mapping[str, Any]) -> None:
    counter = _counter.get()
    if counter is not None:
        counter.count += 1
        if counter.record:
            counter.statements.append((query, dict(params)))


# The monotonic instant by which the current request must be answered (None: no limit).
_deadline: ContextVar[float | None] = ContextVar("kb_deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Statements run in this block (and in tasks it starts) must end within ``seconds`` of its
    start: each is sent with the time left as its transaction timeout, which Neo4j enforces by
    stopping it, so a statement outlives neither its request nor a cancelled client. ArcadeDB
    ignores the timeout over Bolt (see README, Safety)."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _time_left() -> float | None:
    """Seconds left to the current request; ``QueryTimedOut`` when none are."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0.001:  # 0 would mean "no timeout" to the engine
        raise QueryTimedOut("the request's time ran out before this statement could start")
    return left


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, neo4j_errors.Neo4jError) and "TransactionTimedOut" in (exc.code or ""):
        return QueryTimedOut("the graph engine stopped the statement at the request's time limit")
    if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return GraphUnavailable(f"the graph engine is unreachable: {exc}")
    if isinstance(exc, neo4j_errors.AuthError):
        return GraphUnavailable(f"the graph engine refused the credentials: {exc.message}")
    if isinstance(exc, neo4j_errors.Neo4jError):
        message = (exc.message or str(exc)).strip().splitlines()[0]
        return QueryFailed(message, exc.code)
    return exc


class Tx:
    """An open write transaction; statements run in it commit or roll back together."""

    def __init__(self, tx: AsyncTransaction | AsyncManagedTransaction) -> None:
        self._tx = tx

    async def run(self, query: LiteralString, /, **params: Any) -> list[Row]:
        _count(query, params)
        try:
            result = await self._tx.run(query, params)
            return await _rows(result)
        except neo4j_errors.Neo4jError as exc:
            raise _translate(exc) from exc


def _driver(endpoint: BoltEndpoint) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        endpoint.uri,
        auth=(endpoint.user, endpoint.password),
        max_connection_pool_size=64,
        connection_acquisition_timeout=30,
    )


_GONE = (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired)


class Graph:
    """One driver per process, opened at start-up and passed down."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        dialect: Dialect,
        engine: str,
        *,
        endpoint: BoltEndpoint | None = None,
        rediscover: Callable[[], BoltEndpoint | None] | None = None,
        storage_trouble: Callable[[], str | None] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.dialect = dialect
        self.engine = engine
        self.endpoint = endpoint
        self._rediscover = rediscover
        self._storage_trouble = storage_trouble
        self._reconnecting = asyncio.Lock()
        # Writes through this process, one at a time where the engine would otherwise make
        # concurrent writers fail at commit (see graph.writes).
        self.write_lock = asyncio.Lock()

    @classmethod
    async def connect(
        cls,
        endpoint: BoltEndpoint,
        dialect: Dialect,
        engine: str,
        *,
        rediscover: Callable[[], BoltEndpoint | None] | None = None,
        storage_trouble: Callable[[], str | None] | None = None,
    ) -> Graph:
        driver = _driver(endpoint)
        try:
            await driver.verify_connectivity()
        except Exception as exc:
            await driver.close()
            raise _translate(exc) from exc
        return cls(
            driver,
            endpoint.database,
            dialect,
            engine,
            endpoint=endpoint,
            rediscover=rediscover,
            storage_trouble=storage_trouble,
        )

    async def close(self) -> None:
        await self.driver.close()

    async def _reconnect(self) -> bool:
        """After the engine went away: when it is back somewhere else (another process's
        engine restarted on new ports), point the driver there; True if it did. A Neo4j server
        restarted at its same address needs none of this: the driver reconnects by itself."""
        if self._rediscover is None:
            return False
        stale = self.driver
        async with self._reconnecting:
            if self.driver is not stale:  # another request reconnected meanwhile
                return True
            endpoint = await asyncio.to_thread(self._rediscover)
            if endpoint is None or endpoint == self.endpoint:
                return False
            driver = _driver(endpoint)
            try:
                await driver.verify_connectivity()
            except Exception:
                await driver.close()
                return False
            self.driver, self.endpoint = driver, endpoint
            log.warning("the graph engine moved to %s; reconnected", endpoint.uri)
        await stale.close()
        return True

    def _failed(self, exc: Exception) -> Exception:
        """The error to raise for a failed write: a full disk is named as such."""
        error = exc if isinstance(exc, QueryFailed) else _translate(exc)
        if isinstance(error, QueryFailed):
            text = f"{exc}"
            trouble = self._storage_trouble() if self._storage_trouble else None
            if trouble is None and "no space left on device" in text.lower():
                trouble = "the engine's disk is full (No space left on device)"
            if trouble is not None:
                return StorageFull(f"disk full: {trouble}")
        return error

    async def read(
        self, query: LiteralString, params: Mapping[str, Any] | None = None, /, **kw: Any
    ) -> list[Row]:
        """Run one read statement in an auto-commit transaction and return its rows."""
        values = dict(params or {}, **kw)
        _count(query, values)
        try:
            return await self._read(query, values)
        except _GONE as exc:
            if not await self._reconnect():
                raise _translate(exc) from exc
        try:
            return await self._read(query, values)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise _translate(exc) from exc

    async def _read(self, query: LiteralString, values: dict[str, Any]) -> list[Row]:
        timeout = _time_left()
        try:
            async with self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                result = await session.run(neo4j.Query(query, timeout=timeout), values)
                return await _rows(result)
        except _GONE:
            raise
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise _translate(exc) from exc

    async def read_one(
        self, query: LiteralString, params: Mapping[str, Any] | None = None, /, **kw: Any
    ) -> Row | None:
        rows = await self.read(query, params, **kw)
        return rows[0] if rows else None

    async def write(
        self, query: LiteralString, params: Mapping[str, Any] | None = None, /, **kw: Any
    ) -> list[Row]:
        """Run one write statement in its own transaction."""
        async with self.transaction() as tx:
            return await tx.run(query, **dict(params or {}, **kw))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """An explicit transaction: committed when the block ends, rolled back on any error."""
        timeout = _time_left()
        try:
            async with self.driver.session(database=self.database) as session:
                tx = await session.begin_transaction(timeout=timeout)
                try:
                    yield Tx(tx)
                except BaseException:
                    if not tx.closed():
                        await tx.rollback()
                    raise
                await tx.commit()
        except _GONE as exc:
            # Not retried (the block may have had effects); the next statement finds the
            # engine where it went.
            await self._reconnect()
            raise _translate(exc) from exc
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, QueryFailed) as exc:
            failed = self._failed(exc)
            if failed is exc:
                raise
            raise failed from exc

    @contextlib.asynccontextmanager
    async def rolled_back(self, *, read_only: bool = False) -> AsyncIterator[Tx]:
        """A transaction that is always rolled back: what runs in it can never be committed.
        With ``read_only`` the session asks for read access, which Neo4j enforces (a write in
        it fails); the embedded engine (ArcadeDB) ignores the access mode."""
        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        timeout = _time_left()
        try:
            async with self.driver.session(
                database=self.database, default_access_mode=mode
            ) as session:
                tx = await session.begin_transaction(timeout=timeout)
                try:
                    yield Tx(tx)
                finally:
                    if not tx.closed():
                        await tx.rollback()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise _translate(exc) from exc
