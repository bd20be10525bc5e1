"""Configuration from the environment (prefix ``KB_``); the defaults need none at all."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the knowledge base reads from its environment.

    With nothing set, the embedded engine runs on this machine with its data in ``./.kb``.
    Setting ``KB_NEO4J_URI`` switches every command and the API to that Neo4j instead.
    """

    model_config = SettingsConfigDict(env_prefix="KB_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path(".kb"), description="Where the embedded engine keeps data.")
    engine: Literal["auto", "embedded", "neo4j"] = Field(
        default="auto", description="auto: neo4j when KB_NEO4J_URI is set, else embedded."
    )

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"

    embedded_database: str = "kb"
    embedded_host: Literal["127.0.0.1"] = "127.0.0.1"  # never anything but loopback
    bolt_port: int | None = Field(default=None, ge=1, le=65535, description="Free port if unset.")
    http_port: int | None = Field(default=None, ge=1, le=65535, description="Free port if unset.")
    embedded_heap: str = Field(
        default="auto",
        pattern=r"^(auto|\d+[mMgG])$",
        description="Java heap of the embedded engine; auto: 4g, or 6g with a 3.5 GB page "
        "cache for a database of 1 GB or more on a machine of 16 GB or more.",
    )
    embedded_jvm_args: list[str] = Field(
        default_factory=list,
        description="Extra JVM options for the embedded engine, as a JSON list: "
        "'[\"-XX:+UseZGC\"]'. Its garbage collector logs to <data dir>/logs/gc.log.",
    )
    attach_wait_s: float = Field(
        default=30.0,
        ge=0,
        description="How long to wait for the process holding the data "
        "directory to publish its Bolt address before giving up.",
    )

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # API limits: the defaults are what a dashboard needs, with room to spare.
    max_page_size: int = Field(default=100, ge=1, le=10_000)
    max_query_depth: int = Field(default=10, ge=2, le=50)
    max_query_tokens: int = Field(default=2_000, ge=100)
    max_aliases: int = Field(default=30, ge=1)
    max_query_cost: int = Field(default=20_000, ge=10)
    # The estimated size of a list field without `first` whose bound is not known from the data
    # model (the area tree's is): what the cost estimate multiplies its contents by.
    unpaged_list_size: int = Field(default=20, ge=1)
    max_hops: int = Field(default=4, ge=1, le=6)
    request_timeout_s: float = Field(default=10.0, gt=0)
    # For the benchmark only: return every statement a GraphQL request ran, with its
    # parameters, in the response's extensions. Never enable it on a server users reach.
    trace_statements: bool = False
    # Plain leaf fields (a stored name, level, date) completed in one step instead of through
    # graphql-core's resolver machinery (schema.execution): the same answers, less time per
    # field. Off is graphql-core's own way for every field, kept to compare the two.
    fast_leaves: bool = True
    # Callers presenting this token (Authorization: Bearer ...) may see personal contact data.
    # Unset means nobody can; the full role model comes later.
    contact_token: SecretStr | None = None

    # Malformed requests, slow clients and engine trouble (README "Safety").
    max_request_bytes: int = Field(
        default=1_000_000, ge=1_000, description="Largest request body accepted (413 above)."
    )
    header_timeout_s: float = Field(
        default=10.0, gt=0, description="A connection must send its request headers within this."
    )
    body_timeout_s: float = Field(
        default=30.0, gt=0, description="A request's body must arrive within this (408 after)."
    )
    max_connections: int = Field(
        default=1_000, ge=1, description="Concurrent connections and requests; 503 above."
    )
    health_timeout_s: float = Field(
        default=2.0, gt=0, description="/health answers within this, engine or not."
    )
    refresh_stale_rollups: bool = Field(
        default=True,
        description="At start, recount rollups computed for another load than the last one "
        "(else warn, and /health reports them stale).",
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None

    @property
    def engine_kind(self) -> Literal["embedded", "neo4j"]:
        if self.engine == "auto":
            return "neo4j" if self.neo4j_uri else "embedded"
        return self.engine


@lru_cache
def get_settings() -> Settings:
    return Settings()
