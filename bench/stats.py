"""Latency statistics: nearest-rank percentiles and the summary every table shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least ``p`` percent of all values at or below
    it. Always one of the values measured, never an interpolation between two."""
    if not values:
        raise ValueError("no values")
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Milliseconds; every field is None when nothing was measured."""

    n: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    mean: float | None = None
    min: float | None = None
    max: float | None = None


def summarize(values_ms: Sequence[float]) -> Latency:
    if not values_ms:
        return Latency()
    return Latency(
        n=len(values_ms),
        p50=round(percentile(values_ms, 50), 3),
        p95=round(percentile(values_ms, 95), 3),
        p99=round(percentile(values_ms, 99), 3),
        mean=round(sum(values_ms) / len(values_ms), 3),
        min=round(min(values_ms), 3),
        max=round(max(values_ms), 3),
    )


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)
