"""The only statements whose text differs between the embedded engine and Neo4j, side by side.

Everything else is shared Cypher in ``graph.queries``. Both engines answer full-text queries
through ``db.index.fulltext.queryNodes``; they differ in how the index is created and named.
Both indexes use Lucene's whitespace analyzer over text we segment ourselves (PyThaiNLP), so
they see the same tokens and return the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Labels with a full-text index over their `search_text` property.
FULLTEXT_LABELS: tuple[str, ...] = ("Area", "Organization", "Person")


@dataclass(frozen=True)
class Statement:
    language: Literal["cypher", "sql"]
    text: str


# --- ArcadeDB: full-text indexes exist only in its SQL dialect, on a declared property. ----------
_ARCADEDB_ANALYZER = '{"analyzer": "org.apache.lucene.analysis.core.WhitespaceAnalyzer"}'
ARCADEDB_FULLTEXT_DDL: dict[str, list[Statement]] = {
    "Area": [
        Statement("sql", "CREATE VERTEX TYPE Area IF NOT EXISTS"),
        Statement("sql", "CREATE PROPERTY Area.search_text IF NOT EXISTS STRING"),
        Statement(
            "sql",
            "CREATE INDEX IF NOT EXISTS ON Area (search_text) FULL_TEXT METADATA "
            + _ARCADEDB_ANALYZER,
        ),
    ],
    "Organization": [
        Statement("sql", "CREATE VERTEX TYPE Organization IF NOT EXISTS"),
        Statement("sql", "CREATE PROPERTY Organization.search_text IF NOT EXISTS STRING"),
        Statement(
            "sql",
            "CREATE INDEX IF NOT EXISTS ON Organization (search_text) FULL_TEXT METADATA "
            + _ARCADEDB_ANALYZER,
        ),
    ],
    "Person": [
        Statement("sql", "CREATE VERTEX TYPE Person IF NOT EXISTS"),
        Statement("sql", "CREATE PROPERTY Person.search_text IF NOT EXISTS STRING"),
        Statement(
            "sql",
            "CREATE INDEX IF NOT EXISTS ON Person (search_text) FULL_TEXT METADATA "
            + _ARCADEDB_ANALYZER,
        ),
    ],
}
# ArcadeDB names an index after its type and property.
ARCADEDB_FULLTEXT_NAMES = {
    "Area": "Area[search_text]",
    "Organization": "Organization[search_text]",
    "Person": "Person[search_text]",
}

# --- Neo4j: the same index in Cypher, with the same (whitespace) analyzer. -----------------------
NEO4J_FULLTEXT_DDL: dict[str, list[Statement]] = {
    "Area": [
        Statement(
            "cypher",
            "CREATE FULLTEXT INDEX area_search_text IF NOT EXISTS FOR (n:Area) "
            "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        )
    ],
    "Organization": [
        Statement(
            "cypher",
            "CREATE FULLTEXT INDEX organization_search_text IF NOT EXISTS FOR (n:Organization) "
            "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        )
    ],
    "Person": [
        Statement(
            "cypher",
            "CREATE FULLTEXT INDEX person_search_text IF NOT EXISTS FOR (n:Person) "
            "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        )
    ],
}
NEO4J_FULLTEXT_NAMES = {
    "Area": "area_search_text",
    "Organization": "organization_search_text",
    "Person": "person_search_text",
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
