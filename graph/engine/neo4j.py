"""Production engine: a Neo4j 5 server (self-hosted, cluster or Aura) named by KB_NEO4J_URI."""

from __future__ import annotations

from graph.engine import BoltEndpoint, Engine, EngineError
from graph.engine.dialect import NEO4J
from graph.settings import Settings


class Neo4jEngine(Engine):
    name = "neo4j"
    dialect = NEO4J

    def __init__(self, settings: Settings) -> None:
        if not settings.neo4j_uri:
            raise EngineError("KB_NEO4J_URI is not set")
        if settings.neo4j_password is None:
            raise EngineError("KB_NEO4J_PASSWORD is not set (KB_NEO4J_URI is)")
        self.settings = settings

    def describe(self) -> str:
        return f"Neo4j at {self.settings.neo4j_uri} (database {self.settings.neo4j_database})"

    def start(self) -> BoltEndpoint:
        password = self.settings.neo4j_password
        assert password is not None  # checked in __init__
        return BoltEndpoint(
            self.settings.neo4j_uri or "",
            self.settings.neo4j_user,
            password.get_secret_value(),
            self.settings.neo4j_database,
        )

    def stop(self) -> None:
        """Nothing to release: the server is not ours."""

    def run_admin(self, statement: str) -> None:
        raise EngineError("Neo4j takes all its DDL as Cypher; no admin statement is defined")
