"""DDL shared by both engines: uniqueness of ids and the indexes behind every lookup.

Full-text indexes differ per engine and live in ``graph.engine.dialect``.
"""

from __future__ import annotations

from typing import LiteralString

UNIQUE_IDS: list[LiteralString] = [
    "CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT area_id IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT area_code IF NOT EXISTS FOR (n:Area) REQUIRE n.code IS UNIQUE",
    "CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT partnership_id IF NOT EXISTS FOR (n:Partnership) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT resource_id IF NOT EXISTS FOR (n:Resource) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT plan_id IF NOT EXISTS FOR (n:Plan) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT goal_id IF NOT EXISTS FOR (n:Goal) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT mechanism_id IF NOT EXISTS FOR (n:Mechanism) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT migration_version IF NOT EXISTS "
    "FOR (n:Migration) REQUIRE n.version IS UNIQUE",
]

# Filters the API offers on whole labels (kind, level, tier, synthetic) and the sort keys.
LOOKUP_INDEXES: list[LiteralString] = [
    "CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level)",
    "CREATE INDEX organization_kind IF NOT EXISTS FOR (n:Organization) ON (n.kind)",
    "CREATE INDEX organization_synthetic IF NOT EXISTS FOR (n:Organization) ON (n.synthetic)",
    "CREATE INDEX person_tier IF NOT EXISTS FOR (n:Person) ON (n.tier)",
    "CREATE INDEX person_synthetic IF NOT EXISTS FOR (n:Person) ON (n.synthetic)",
    "CREATE INDEX partnership_kind IF NOT EXISTS FOR (n:Partnership) ON (n.kind)",
    "CREATE INDEX resource_kind IF NOT EXISTS FOR (n:Resource) ON (n.kind)",
    "CREATE INDEX plan_year IF NOT EXISTS FOR (n:Plan) ON (n.year_ce)",
    "CREATE INDEX event_on IF NOT EXISTS FOR (n:Event) ON (n.on)",
]
