"""The admin's read-only console (`kb query`): refuse writes up front, run what passes in a
read-only session where the engine has one, and never commit anyway.

The check reads the statement the way the engine does: strings, comments and backtick-quoted
names are tokens of their own, so a keyword inside a string or a property named `create` is not
a write, and a procedure is known by its full name however it is quoted or spaced
(``CALL `merge.node`(...)``, ``CALL `do`.`when`(...)``, ``CALL db . labels()``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.db import Graph, Row
from graph.errors import ReadOnlyViolation

# Clauses and commands that change data or schema (LOAD CSV reads files of the server's host).
WRITE_KEYWORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "FOREACH",
        "LOAD",
        "INSERT",
        "ALTER",
        "GRANT",
        "REVOKE",
        "DENY",
        "RENAME",
        "START",
        "STOP",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
    }
)
# The only procedures `kb query` may call: they read the schema, the full-text indexes, or
# the engine's version. Compared by full name, case-insensitively.
READ_PROCEDURES = frozenset(
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

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
    | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
    | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
    | (?P<word>[^\W\d]\w*)
    | (?P<number>\d[\w.]*)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word, quoted (a backtick-quoted name), punct, string, param, number
    text: str  # for a quoted name: the name itself, without its backticks


def tokens(statement: str) -> list[Token]:
    """The statement's tokens, without spaces and comments."""
    found = []
    for m in _TOKEN.finditer(statement):
        kind = m.lastgroup or "punct"
        if kind in ("space", "comment"):
            continue
        text = m.group()
        if kind == "quoted":
            text = text[1:-1].replace("``", "`") if text.endswith("`") else text[1:]
        found.append(Token(kind, text))
    return found


def _is_keyword(toks: list[Token], i: int) -> bool:
    """Whether the unquoted word at ``i`` is in a keyword's place: not a property (`n.create`),
    a label or relationship type (`:Set`), or a map key (`{create: 1}`)."""
    before = toks[i - 1] if i > 0 else None
    after = toks[i + 1] if i + 1 < len(toks) else None
    if before is not None and before.kind == "punct" and before.text in (".", ":"):
        return False
    return not (
        after is not None
        and after.text == ":"
        and before is not None
        and before.kind == "punct"
        and before.text in ("{", ",")
    )


def _procedure_name(toks: list[Token], i: int) -> str | None:
    """The full name of the procedure called at ``CALL`` (at ``i - 1``): its parts, quoted or
    not, joined by dots; ``None`` for a subquery (``CALL {`` or ``CALL (x) {``)."""
    parts: list[str] = []
    while i < len(toks) and toks[i].kind in ("word", "quoted"):
        parts.append(toks[i].text)
        if i + 1 < len(toks) and toks[i + 1].text == "." and toks[i + 1].kind == "punct":
            i += 2
        else:
            break
    return ".".join(parts) if parts else None


def ensure_read_only(query: str) -> None:
    """``ReadOnlyViolation`` when the statement could change data or schema."""
    toks = tokens(query)
    for i, tok in enumerate(toks):
        if tok.kind != "word" or not _is_keyword(toks, i):
            continue
        word = tok.text.upper()
        if word in WRITE_KEYWORDS:
            raise ReadOnlyViolation(
                f"ปฏิเสธ: `kb query` อ่านได้อย่างเดียว แต่คำสั่งนี้มี {word} — "
                f"refused: `kb query` is read-only and this statement contains {word}. "
                "Change data through `kb seed` or the loaders, which validate it first."
            )
        if word == "CALL":
            name = _procedure_name(toks, i + 1)
            if name is not None and name.lower() not in READ_PROCEDURES:
                raise ReadOnlyViolation(
                    f"ปฏิเสธ: procedure {name} ไม่อยู่ในรายการที่อ่านอย่างเดียวของ `kb query` — "
                    f"refused: procedure {name} is not on the read-only list of `kb query` "
                    f"({', '.join(sorted(READ_PROCEDURES))})"
                )


async def run_read_only(graph: Graph, query: str, params: dict[str, Any]) -> list[Row]:
    """Run an admin's statement: checked first, then in a read-only session (Neo4j refuses
    any write in it; the embedded engine has no such mode) in a transaction rolled back."""
    ensure_read_only(query)
    async with graph.rolled_back(read_only=True) as tx:
        return await tx.run(query, **params)  # admin console input, checked above
