"""Every error a client sees carries ``extensions.code``; nothing unexpected leaks its details.

``classify`` is applied to every error of every operation by ``schema.app.KBSchema``.

Domain errors from ``graph`` become GraphQL errors with a code; errors of the GraphQL layer
itself (syntax, validation, limits) get theirs here; anything else is logged with its
traceback and shown only as "Unexpected error." with code INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from graph.accounts import Unauthenticated
from graph.errors import GraphUnavailable, InvalidInput, NotFound, QueryFailed, StorageFull
from graph.writes import Conflict, Forbidden, Rejected

log = logging.getLogger(__name__)


class KBError(GraphQLError):
    """A GraphQL error we raise on purpose, with a code clients can branch on."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(message, extensions={"code": code or self.code, **extra})


class PageSizeExceeded(KBError):
    code = "PAGE_SIZE_EXCEEDED"


class TooComplex(KBError):
    code = "QUERY_TOO_COMPLEX"


# The exact messages of the limits (graphql-core's token limit, Strawberry's extensions): a
# validation message that merely mentions aliases ("use different aliases") is not one of them.
_LIMITS = (
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"^\d+ aliases found\. Allowed: \d+$"), "TOO_MANY_ALIASES"),
    (re.compile(r"exceeds maximum operation depth of \d+$"), "DEPTH_LIMIT_EXCEEDED"),
)


def _code_for_core_error(error: GraphQLError) -> str:
    message = error.message
    for pattern, code in _LIMITS:
        if pattern.search(message):
            return code
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED"


def classify(error: GraphQLError) -> GraphQLError:
    """The error as clients should see it."""
    original = error.original_error
    if original is None:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": _code_for_core_error(error)}
        return error
    if isinstance(original, GraphQLError) and (original.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), **(original.extensions or {})}
        return error
    code, message = None, None
    if isinstance(original, Conflict):
        error.extensions = {
            **(error.extensions or {}),
            "code": "CONFLICT",
            "currentRevision": original.current,
        }
        return _with_message(error, str(original))
    if isinstance(original, Rejected):
        error.extensions = {
            **(error.extensions or {}),
            "code": "BAD_USER_INPUT",
            "errors": [
                {
                    "path": list(e.path),
                    "code": e.code,
                    "message": e.message,
                    "messageTh": e.message_th,
                }
                for e in original.errors
            ],
        }
        return _with_message(error, str(original))
    if isinstance(original, Forbidden):
        code, message = "FORBIDDEN", str(original)
    elif isinstance(original, Unauthenticated):
        code, message = "UNAUTHENTICATED", str(original)
    elif isinstance(original, NotFound):
        code, message = "NOT_FOUND", str(original)
    elif isinstance(original, InvalidInput):
        code, message = "BAD_USER_INPUT", str(original)
    elif isinstance(original, StorageFull):
        code = "INSUFFICIENT_STORAGE"
        message = "ดิสก์ของเซิร์ฟเวอร์เต็ม บันทึกไม่ได้ (the server's disk is full; nothing was saved)"
        log.error("%s", original)
    elif isinstance(original, GraphUnavailable):
        code, message = "SERVICE_UNAVAILABLE", "the graph engine is unavailable"
        log.error("graph unavailable: %s", original)
    elif isinstance(original, TimeoutError):
        code, message = "TIMEOUT", "the query took longer than the server allows"
    elif isinstance(original, QueryFailed):
        code, message = "INTERNAL_SERVER_ERROR", "the graph engine could not answer this query"
        log.error("query failed (%s): %s", original.code, original)
    if code is None:
        log.error("unexpected error at %s", error.path, exc_info=original)
        code, message = "INTERNAL_SERVER_ERROR", "Unexpected error."
    return GraphQLError(
        message or error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code},
    )


def _with_message(error: GraphQLError, message: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )
