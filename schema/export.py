"""Print the GraphQL schema (SDL); `make schema` writes it to schema/schema.graphql."""

from __future__ import annotations

from graph.settings import Settings
from schema.app import build_schema

if __name__ == "__main__":
    print(build_schema(Settings(_env_file=None)))
