"""The admin's read-only console (`kb query`): refuse writes up front, and never commit anyway."""

from __future__ import annotations

import re
from typing import Any

from graph.db import Graph, Row
from graph.errors import ReadOnlyViolation

# Clauses and commands that change data or schema.
_WRITE_WORDS = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|GRANT|REVOKE|DENY|"
    r"RENAME|START\s+DATABASE|STOP\s+DATABASE|TERMINATE)\b",
    re.IGNORECASE,
)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
_READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.index.fulltext.querynodes",
        "db.index.fulltext.queryrelationships",
        "dbms.components",
    }
)
# String literals and comments are removed before looking for keywords in them.
_STRINGS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL
)


def ensure_read_only(query: str) -> None:
    code = _STRINGS_AND_COMMENTS.sub(" ", query)
    if m := _WRITE_WORDS.search(code):
        raise ReadOnlyViolation(
            f"refused: `kb query` is read-only and this statement contains {m.group(1).upper()}. "
            "Change data through `kb seed` or the loaders, which validate it first."
        )
    for m in _CALL.finditer(code):
        if m.group(1).lower() not in _READ_PROCEDURES and not m.group(1).lower().startswith(
            "db.index.fulltext.query"
        ):
            raise ReadOnlyViolation(
                f"refused: procedure {m.group(1)} is not on the read-only list of `kb query`"
            )


async def run_read_only(graph: Graph, query: str, params: dict[str, Any]) -> list[Row]:
    """Run an admin's statement: checked first, then in a transaction that is rolled back."""
    ensure_read_only(query)
    async with graph.rolled_back() as tx:
        return await tx.run(query, **params)  # admin console input, checked above
