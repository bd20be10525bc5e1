"""Requests refused before they reach GraphQL: too large, too slow, not UTF-8, not a JSON object.

Each refusal is a 4xx with a GraphQL-shaped body (``{"errors": [{"message", "extensions":
{"code"}}]}``) and one log line; the connection stays usable (the body is read to its end,
except when it is too large, where the response says ``connection: close``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_UTF8 = {"utf-8", "utf8"}
_WITH_BODY = {"POST", "PUT", "PATCH"}


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _media_type(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    raw = headers.get(b"content-type", b"").decode("latin-1")
    media, *params = (p.strip() for p in raw.split(";"))
    charset = None
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


class RequestGuard:
    """ASGI middleware: checks every request body before the app sees it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, body_timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        try:
            if scope["method"] not in _WITH_BODY:
                _check_query_string(scope.get("query_string", b""))
                await self.app(scope, receive, send)
                return
            body = await self._read(headers, receive)
            self._check(headers, body)
        except Refused as exc:
            client = scope.get("client") or ("?", 0)
            log.warning(
                "refused %s %s from %s: %d %s (%s)",
                scope["method"],
                scope["path"],
                client[0],
                exc.status,
                exc.code,
                exc.message,
            )
            await _respond(send, exc, close=exc.status in (408, 413))
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise Refused(400, "BAD_REQUEST", "Content-Length is not a number") from None
            if size > self.max_bytes:
                raise _too_large(self.max_bytes)
        chunks: list[bytes] = []
        total = 0
        deadline = time.monotonic() + self.body_timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0))
            except TimeoutError:
                raise Refused(
                    408,
                    "REQUEST_TIMEOUT",
                    f"ส่งเนื้อหาคำขอไม่ครบภายใน {self.body_timeout_s:g} วินาที "
                    f"(the request body did not arrive within {self.body_timeout_s:g} s)",
                ) from None
            if message["type"] == "http.disconnect":
                raise Refused(400, "BAD_REQUEST", "the client went away before its body ended")
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                raise _too_large(self.max_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _check(self, headers: dict[bytes, bytes], body: bytes) -> None:
        media, charset = _media_type(headers)
        if charset is not None and charset not in _UTF8:
            raise Refused(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"รับเฉพาะ UTF-8 ไม่รับ charset={charset} "
                f"(only UTF-8 is accepted, not charset={charset})",
            )
        if media != "application/json" and not media.endswith("+json"):
            return  # GraphQL over GET, multipart and other types: the router answers them
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(
                400,
                "BAD_REQUEST",
                f"เนื้อหาคำขอไม่ใช่ UTF-8 ที่ถูกต้อง "
                f"(the request body is not valid UTF-8: byte {exc.start})",
            ) from None
        try:
            value: Any = json.loads(text)
        except RecursionError:
            raise Refused(
                400,
                "BAD_REQUEST",
                "JSON ซ้อนกันลึกเกินไป (the request body's JSON is nested too deeply)",
            ) from None
        except ValueError as exc:
            raise Refused(
                400, "BAD_REQUEST", f"เนื้อหาคำขอไม่ใช่ JSON (the request body is not JSON: {exc})"
            ) from None
        if not isinstance(value, dict):
            raise Refused(
                400,
                "BAD_REQUEST",
                "เนื้อหาคำขอต้องเป็น JSON object ที่มี query "
                f"(the body must be a JSON object with a query, not {type(value).__name__})",
            )


def _check_query_string(raw: bytes) -> None:
    """GraphQL over GET: ``variables`` and ``extensions`` are JSON objects in the URL."""
    if b"variables" not in raw and b"extensions" not in raw:
        return
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name not in ("variables", "extensions") or value in ("", "null"):
            continue
        try:
            parsed = json.loads(value)
        except (RecursionError, ValueError):
            raise Refused(
                400, "BAD_REQUEST", f"{name} ในลิงก์ไม่ใช่ JSON ({name} in the URL is not JSON)"
            ) from None
        if not isinstance(parsed, dict):
            raise Refused(
                400,
                "BAD_REQUEST",
                f"{name} ต้องเป็น JSON object ({name} must be a JSON object)",
            )


def _too_large(limit: int) -> Refused:
    return Refused(
        413,
        "PAYLOAD_TOO_LARGE",
        f"คำขอใหญ่เกิน {limit:,} ไบต์ (the request body is larger than {limit:,} bytes)",
    )


async def _respond(send: Send, exc: Refused, *, close: bool) -> None:
    body = json.dumps(
        {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]},
        ensure_ascii=False,
    ).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
