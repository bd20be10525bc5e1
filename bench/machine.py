"""What the figures were measured on: CPU, memory, OS, runtimes, package versions, commit."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

PACKAGES = ("neo4j", "strawberry-graphql", "arcadedb-embedded", "fastapi", "uvicorn", "httpx")
ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    return platform.platform()


def embedded_jre() -> Path | None:
    """The Java runtime bundled with the embedded engine's wheel (its ``bin/`` has ``java`` and
    ``jfr``), or None where the wheel is not installed."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "jre"


def embedded_java() -> str | None:
    """The version of the Java runtime bundled with the embedded engine, read from its
    ``release`` file, so the JVM need not start to tell."""
    jre = embedded_jre()
    if jre is None:
        return None
    release = jre / "release"
    try:
        for line in release.read_text().splitlines():
            if line.startswith("JAVA_VERSION="):
                return "Java " + line.split("=", 1)[1].strip('"') + " (bundled JRE)"
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def cpu_check_ms(rounds: int = 5) -> float:
    """Milliseconds a fixed single-threaded Python workload takes, best of ``rounds``.

    The machine is a shared virtual one: on another day the same code on the same "2 cores"
    ran two to three times slower. Runs are comparable only where this figure is close."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def describe_machine() -> dict[str, Any]:
    memory = psutil.virtual_memory()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu_model": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_bytes": memory.total,
        "os": _os_name(),
        "python": platform.python_version(),
        "embedded_java": embedded_java(),
        "packages": {p: _version(p) for p in PACKAGES},
        "commit": _git_commit(),
        # The CPU may be shared with other work: the load at the start says how busy it was.
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "cpu_check_ms": cpu_check_ms(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
