"""The API under test as its own process (`kb serve`), and a sampler of its resident memory."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import psutil

from graph.engine.embedded import free_port

# Variables of the caller's environment that would point the server somewhere else.
_ENGINE_VARIABLES = ("KB_BOLT_PORT", "KB_HTTP_PORT", "KB_API_HOST", "KB_API_PORT")


class ServerFailed(RuntimeError):
    """The API server did not come up; the message ends with the tail of its log."""


def server_env(engine: str, data_dir: Path, heap: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENGINE_VARIABLES}
    env.update(
        KB_ENGINE=engine,
        KB_DATA_DIR=str(data_dir),
        KB_EMBEDDED_HEAP=heap,
        # The benchmark replays the statements each response lists; never on a public server.
        KB_TRACE_STATEMENTS="true",
        KB_LOG_LEVEL="WARNING",
    )
    if engine == "embedded":
        env.pop("KB_NEO4J_URI", None)
    return env


class ApiServer:
    """`python -m api.cli serve` on a free loopback port; its output goes to ``log_path``."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        args: tuple[str, ...] = (),
        cwd: Path | None = None,
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.args = args  # more `kb serve` options (`--demo`)
        self.cwd = cwd  # serve the source tree there (another commit's checkout)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout_s: float = 600.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), *self.args],
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"the API server exited ({self.process.returncode})" + self._tail()
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                self.stop()
                raise ServerFailed(
                    f"the API server was not healthy after {timeout_s:.0f}s" + self._tail()
                )
            time.sleep(0.25)

    def stop(self, timeout_s: float = 120.0) -> None:
        """Ctrl-C first, so the engine closes its database cleanly; then harder."""
        process = self.process
        if process is not None and process.poll() is None:
            for sig, wait in ((signal.SIGINT, timeout_s), (signal.SIGTERM, 30.0)):
                process.send_signal(sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(wait)
                    break
            else:
                process.kill()
                process.wait(30)
        if self._log is not None:
            self._log.close()
            self._log = None

    def _tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return ""
        return f"; the end of {self.log_path}:\n" + "\n".join(text) if text else ""


class RssSampler:
    """Resident memory of one process, sampled every ``interval_s`` on a background thread."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.first: int | None = None
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = self.process.memory_info().rss
            except psutil.Error:
                return  # the process is gone
            self.first = rss if self.first is None else self.first
            self.peak = max(self.peak, rss)
            self.samples += 1
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
