"""The only statements whose text differs between the embedded engine and Neo4j, side by side.

Everything else is shared Cypher in ``graph.queries``. Both engines answer full-text queries
through ``db.index.fulltext.queryNodes``; they differ in how the index is created and named.
Both indexes use Lucene's whitespace analyzer over text we segment ourselves (PyThaiNLP), so
they see the same tokens and return the same candidates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from graph.registry import SEARCH_LABELS

# Labels with a full-text index over their `search_text` property (the registry says which).
FULLTEXT_LABELS: tuple[str, ...] = SEARCH_LABELS


@dataclass(frozen=True)
class Statement:
    language: Literal["cypher", "sql"]
    text: str


# --- ArcadeDB: full-text indexes exist only in its SQL dialect, on a declared property, and are
# named after their type and property. ------------------------------------------------------------
ARCADEDB_ANALYZER_CLASS = "org.apache.lucene.analysis.core.WhitespaceAnalyzer"
_ARCADEDB_ANALYZER = json.dumps({"analyzer": ARCADEDB_ANALYZER_CLASS})
# The migrations make each index on an empty type; after a bulk load EmbeddedEngine builds the
# same index (this analyzer) through the engine's index builder.
ARCADEDB_FULLTEXT_DDL: dict[str, list[Statement]] = {
    label: [
        Statement("sql", f"CREATE VERTEX TYPE {label} IF NOT EXISTS"),
        Statement("sql", f"CREATE PROPERTY {label}.search_text IF NOT EXISTS STRING"),
        Statement(
            "sql",
            f"CREATE INDEX IF NOT EXISTS ON {label} (search_text) FULL_TEXT METADATA "
            + _ARCADEDB_ANALYZER,
        ),
    ]
    for label in FULLTEXT_LABELS
}
ARCADEDB_FULLTEXT_NAMES = {label: f"{label}[search_text]" for label in FULLTEXT_LABELS}

# --- Neo4j: the same index in Cypher, with the same (whitespace) analyzer. -----------------------
NEO4J_FULLTEXT_NAMES = {label: f"{label.lower()}_search_text" for label in FULLTEXT_LABELS}
NEO4J_FULLTEXT_DDL: dict[str, list[Statement]] = {
    label: [
        Statement(
            "cypher",
            f"CREATE FULLTEXT INDEX {NEO4J_FULLTEXT_NAMES[label]} IF NOT EXISTS FOR (n:{label}) "
            "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        )
    ]
    for label in FULLTEXT_LABELS
}


@dataclass(frozen=True)
class Dialect:
    name: Literal["arcadedb", "neo4j"]
    fulltext_ddl: dict[str, list[Statement]] = field(repr=False)
    fulltext_names: dict[str, str] = field(repr=False)

    def fulltext_index_name(self, label: str) -> str:
        try:
            return self.fulltext_names[label]
        except KeyError:
            raise ValueError(f"no full-text index is defined for label {label!r}") from None


ARCADEDB = Dialect("arcadedb", ARCADEDB_FULLTEXT_DDL, ARCADEDB_FULLTEXT_NAMES)
NEO4J = Dialect("neo4j", NEO4J_FULLTEXT_DDL, NEO4J_FULLTEXT_NAMES)
