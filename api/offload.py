"""The app served off the server's event loop: every request but `GET /health` runs on a worker
thread's own loop, so that work which holds a loop (GraphQL building thousands of objects between
two awaits) never holds the loop that accepts connections and answers `/health`.

Measured on the demo graph (bench/results/hostile/README.md): the area tree three levels below
the country (about 7,000 areas) takes about a second of Python, in the driver turning records
into dicts, in building the models and in graphql-core completing the fields; the engine's own
time is about a tenth of it. With five of those at once on the server's loop, `/health` waited
5.7 s at the median. On its own loop it waits for the GIL, which the worker thread hands over at
every switch interval (5 ms), and for the garbage collector, which stops every thread: 74 ms at
the median, 1.1 s at the 99th percentile.

The worker loop runs the app's lifespan too, so the driver the requests use is opened on the loop
they run on; `/health` asks the engine through a connection of its own, opened on the server's
loop once the app has started, so it never queues behind the requests' statements either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

from api.health import health_response
from graph.db import Graph
from graph.engine.embedded import leave_jvm
from graph.errors import GraphError
from graph.runtime import Runtime
from graph.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


class _WorkerLoop:
    """An event loop running on a thread of its own until stopped."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        # A daemon: a request that never ends must not keep the process alive after shutdown.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
            # What is left when stopped is cancelled and awaited, as asyncio.run does.
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
        finally:
            self.loop.close()
            leave_jvm()  # the embedded engine's JVM was started on this thread

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on this loop and await its result from the caller's loop; cancelling
        the caller cancels it."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def stop(self, timeout_s: float = 30.0) -> None:
        with contextlib.suppress(RuntimeError):  # already closed
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.warning("the request loop did not stop within %gs", timeout_s)


class OffLoop:
    """ASGI app: ``app`` (a FastAPI app from ``create_app``) run on a worker loop, lifespan
    included; `GET /health` answered on the calling (server's) loop through its own
    connection to the engine."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._worker: _WorkerLoop | None = None
        self._runtime: Runtime | None = None
        self._health: Graph | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
        elif (
            self._health is not None
            and self._runtime is not None
            and scope["type"] == "http"
            and scope["path"] == "/health"
            and scope["method"] == "GET"
        ):
            response = await health_response(
                self._health, self._runtime.engine.name, self.settings.health_timeout_s
            )
            await response(scope, receive, send)
        elif self._worker is None:  # served without a lifespan: nothing to run it on
            await self.app(scope, receive, send)
        else:
            await self._forward(self._worker, scope, receive, send)

    async def _forward(
        self, worker: _WorkerLoop, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run the app on ``worker``; its ``receive`` and ``send`` run back on this loop, where
        the connection is.

        Each crossing between the loops wakes a thread, which on a busy machine waits for a
        core: a request crossed six times before its answer was out (measured on the demo
        graph: `{ __typename }` took 0.7-1.1 ms longer than with the app on this loop). Two are
        left on the way: the request's first message is read here while the worker starts (it
        is handed over as soon as the app asks, and was usually there already: a small body
        comes with the headers), and the response's start goes out with its first body message
        in one crossing."""
        here = asyncio.get_running_loop()
        first: asyncio.Task[Message] | None = None
        if scope["type"] == "http":
            first = here.create_task(_awaited(receive()))
            await asyncio.sleep(0)  # it runs first: done unless the body is still on its way

        async def receive_here() -> Message:
            nonlocal first
            if first is None:
                return await asyncio.wrap_future(
                    asyncio.run_coroutine_threadsafe(_awaited(receive()), here)
                )
            prefetched, first = first, None
            if prefetched.done():  # a finished task never changes: read from any thread
                return prefetched.result()
            return await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(_awaited(prefetched), here)
            )

        held: list[Message] = []  # a response's start, sent with what follows it

        async def send_all(messages: list[Message]) -> None:
            for message in messages:
                await send(message)

        async def send_here(message: Message) -> None:
            if message["type"] == "http.response.start" and not held:
                held.append(message)
                return
            messages = [*held, message]
            held.clear()
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(send_all(messages), here))

        try:
            await worker.run(self.app(scope, receive_here, send_here))
        finally:
            if first is not None and not first.done():  # never asked for: nobody waits for it
                first.cancel()
        if held:  # a start with no body after it (not valid ASGI): sent as it was
            await send_all(held)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        worker = self._worker = _WorkerLoop("kb-requests")

        async def receive_() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self._close_health()
            return message

        held: list[Message] = []

        async def send_(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await self._open_health()
            elif message["type"] == "lifespan.shutdown.complete":
                # Said once the worker loop has stopped: the server ends its own loop as soon
                # as it hears this, and would cancel the rest of this shutdown.
                held.append(message)
                return
            await send(message)

        try:
            await self._forward(worker, scope, receive_, send_)
        finally:
            await self._close_health()
            self._worker = None
            await asyncio.to_thread(worker.stop)
            for message in held:
                await send(message)

    async def _open_health(self) -> None:
        """The connection `/health` asks through, opened on this loop (a driver serves the loop
        it was opened on). Without it, `/health` goes to the worker loop like any request."""
        rt: Runtime = self.app.state.runtime
        graph = rt.graph
        if graph.endpoint is None:
            return
        try:
            async with asyncio.timeout(max(self.settings.health_timeout_s, 10.0)):
                self._health = await Graph.connect(
                    graph.endpoint,
                    graph.dialect,
                    graph.engine,
                    rediscover=rt.engine.rediscover,
                    storage_trouble=rt.engine.storage_trouble,
                )
        except (GraphError, TimeoutError) as exc:
            log.warning("/health shares the requests' loop: no connection of its own (%s)", exc)
            return
        self._runtime = rt

    async def _close_health(self) -> None:
        health, self._health, self._runtime = self._health, None, None
        if health is not None:
            with contextlib.suppress(Exception):  # shutting down either way
                await health.close()
