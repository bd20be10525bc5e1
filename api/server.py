"""How the app is put on the network: the port taken before the engine starts, a time limit
on request headers, a bound on concurrent connections (uvicorn's ``limit_concurrency``), and the
requests run off the server's loop so that `/health` never waits behind them (api/offload.py)."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.offload import OffLoop
from graph.settings import Settings

log = logging.getLogger(__name__)


class PortInUse(RuntimeError):
    """The API's port is taken; raised before the engine is started."""


def bind(host: str, port: int) -> socket.socket:
    """Take the API's port now, so that a port in use is reported at once, before the engine
    starts (uvicorn binds only after the app's start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"พอร์ต {port} บน {host} มีโปรแกรมอื่นใช้อยู่ "
                f"(port {port} on {host} is already in use): stop what holds it or use --port"
            ) from None
        raise PortInUse(
            f"ใช้พอร์ต {port} บน {host} ไม่ได้ (cannot bind {host}:{port}): {exc.strerror}"
        ) from None
    sock.set_inheritable(True)
    return sock


class _SlowHeaders:
    """One log line per burst of connections closed for slow headers, not one per connection."""

    closed = 0
    last_logged = 0.0

    @classmethod
    def note(cls, timeout: float) -> None:
        cls.closed += 1
        now = time.monotonic()
        if now - cls.last_logged >= 10:
            log.warning(
                "closed %d connection(s) that did not send their request headers within %gs",
                cls.closed,
                timeout,
            )
            cls.closed, cls.last_logged = 0, now


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing a connection whose request headers are not complete
    ``header_timeout`` seconds after it opened or after the request's first byte (uvicorn has a
    keep-alive timeout between requests, but none while headers trickle in)."""

    header_timeout = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        _SlowHeaders.note(self.header_timeout)
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        )
        self.transport.close()


def server_config(
    app: FastAPI, settings: Settings, *, host: str, port: int, **kw: Any
) -> uvicorn.Config:
    """The uvicorn configuration every server of the app uses (``kb serve`` and the tests): the
    app on a worker loop, `/health` on the server's (api/offload.py)."""
    protocol = type(
        "HeaderTimeoutProtocol",
        (HeaderTimeoutProtocol,),
        {"header_timeout": settings.header_timeout_s},
    )
    return uvicorn.Config(
        OffLoop(app, settings),
        host=host,
        port=port,
        http=protocol,
        limit_concurrency=settings.max_connections,
        **kw,
    )


def serve(
    app: FastAPI, settings: Settings, *, sock: socket.socket, host: str, port: int, **kw: Any
) -> None:
    """Serve on ``sock`` (from ``bind``) until stopped."""
    uvicorn.Server(server_config(app, settings, host=host, port=port, **kw)).run(sockets=[sock])
