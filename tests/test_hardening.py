"""Hostile requests over real HTTP (issue 11, holes 3 and 4): malformed and oversized bodies get
a 4xx GraphQL-shaped error, one log line, and the connection stays usable; slow headers and
slow bodies are cut off."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.conftest import EngineUnderTest

VALID = json.dumps({"query": '{ area(code: "TH") { nameEn } }'}).encode()


class Raw:
    """One HTTP/1.1 connection, by hand: what is sent is exactly what a hostile client sends,
    and a reset of the connection shows up as an error here."""

    def __init__(self, url: str) -> None:
        u = urlparse(url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.sock = socket.create_connection((self.host, self.port), timeout=30)
        self.buf = b""

    def post(self, body: bytes, content_type: str = "application/json") -> tuple[int, dict, dict]:
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.sock.sendall(head + body)
        return self.response()

    def response(self) -> tuple[int, dict, dict]:
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection mid-body"
            self.buf += chunk
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, json.loads(body) if body else {}

    def close(self) -> None:
        self.sock.close()


MALFORMED = [
    pytest.param(b"\xff", "application/json", id="invalid-utf8"),
    pytest.param(b"null", "application/json", id="json-null"),
    pytest.param(b"42", "application/json", id="json-number"),
    pytest.param(b'"abc"', "application/json", id="json-string"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="deep-json"),
    pytest.param(VALID, "application/json; charset=latin-1", id="latin-1"),
    pytest.param(b'{"query": ', "application/json", id="truncated-json"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
def test_malformed_bodies_get_a_4xx_graphql_error_and_one_log_line(
    api: str, kb: EngineUnderTest, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    conn = Raw(api)
    try:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            status, _, answer = conn.post(body, content_type)
        assert 400 <= status < 500, (status, answer)
        [error] = answer["errors"]
        assert error["message"] and error["extensions"]["code"]
        logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(logged) == 1, [r.getMessage() for r in logged]
        assert logged[0].exc_info is None and "\n" not in logged[0].getMessage()
        # The same connection still answers the next request.
        status, _, answer = conn.post(VALID)
        assert status == 200 and answer["data"]["area"]["nameEn"] == "Thailand"
    finally:
        conn.close()


@pytest.mark.parametrize("variables", ["[" * 5000, "42", "%FF"], ids=["deep", "number", "bad-utf8"])
def test_malformed_variables_over_get_get_a_4xx_graphql_error(
    api: str, kb: EngineUnderTest, variables: str
) -> None:
    resp = httpx.get(
        f"{api}/graphql?query={{__typename}}&variables={variables}",
        headers={"accept": "application/json"},
        timeout=30,
    )
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_bodies_over_the_limit_get_413_at_once(api: str, kb: EngineUnderTest) -> None:
    limit = getattr(kb.settings, "max_request_bytes", 1_000_000)  # main had none
    big = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 2 * limit}}).encode()
    conn = Raw(api)
    try:
        started = time.monotonic()
        status, headers, answer = conn.post(big)
        assert status == 413, answer
        assert answer["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert headers.get("connection") == "close"
        assert time.monotonic() - started < 5
    finally:
        conn.close()
    # Without a Content-Length (chunked), the limit holds as the body arrives.
    conn = Raw(api)
    try:
        head = (
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"a" * 65536
        conn.sock.sendall(head)
        with contextlib.suppress(OSError):  # the server answers and closes while we still send
            for _ in range(2 * limit // len(chunk) + 2):
                conn.sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        status, _, answer = conn.response()
        assert status == 413
    finally:
        conn.close()


def test_slow_headers_are_cut_off(api: str, kb: EngineUnderTest) -> None:
    """500 connections send half a request line and wait: each is closed once the header time
    limit has passed, and the server answers others meanwhile."""
    u = urlparse(api)
    socks = []
    for _ in range(500):
        s = socket.create_connection((u.hostname, u.port), timeout=5)
        s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-")
        socks.append(s)
    started = time.monotonic()
    conn = Raw(api)
    try:
        status, _, _ = conn.post(VALID)
        assert status == 200
    finally:
        conn.close()
    limit = getattr(kb.settings, "header_timeout_s", 10.0)  # main had none
    closed = 0
    for s in socks:
        s.settimeout(max(limit + 5 - (time.monotonic() - started), 0.1))
        try:
            while s.recv(4096):
                pass
            closed += 1
        except (TimeoutError, OSError):
            pass
        finally:
            s.close()
    took = time.monotonic() - started
    print(f"\n500 slow-header connections: {closed} closed by the server after {took:.1f}s")
    assert closed == 500
    assert took < limit + 5
