"""The bounds of the connection questions, in one place: the graph checks them, the API passes
its own (smaller) settings through them, and statements are generated for bounds within them."""

from __future__ import annotations

from graph.errors import InvalidInput

MAX_PARTNER_HOPS = 6  # partner networks: steps through shared partnerships and members
MAX_PATH_HOPS = 10  # shortest paths between any two nodes
MAX_NEIGHBOURHOOD_DEPTH = 3
MAX_NEIGHBOURHOOD_NODES = 1000


def check_range(name: str, value: int, low: int, high: int) -> int:
    """``value`` when ``low <= value <= high``; else ``InvalidInput`` naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high} (got {value!r})")
    return value
