"""Errors the graph layer raises; each message names the problem in words a user can act on."""

from __future__ import annotations


class GraphError(RuntimeError):
    """Base of every error raised by ``graph``."""


class GraphUnavailable(GraphError):
    """The engine cannot be reached (not started, wrong address, wrong password)."""


class QueryFailed(GraphError):
    """The engine refused or failed a statement; ``code`` is the Neo4j status code."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class QueryTimedOut(GraphError, TimeoutError):
    """The request's time ran out: before a statement was sent, or the engine stopped it."""


class StorageFull(GraphError):
    """The engine could not write: the disk holding its data is full."""


class ReadOnlyViolation(GraphError):
    """A statement that writes was given where only reads are allowed."""


class NotFound(GraphError):
    """No node has the given id."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} with id {key!r}")
        self.kind = kind
        self.key = key


class InvalidInput(GraphError):
    """An argument is out of its allowed range or form."""
