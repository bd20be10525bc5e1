"""Accounts, roles and API tokens: who a caller is and what they may read and write.

Roles, from least to most:

- ``anonymous``: no token; public data (no personal contact data), no writes;
- ``member``: a token; reads as anonymous does, no writes;
- ``coordinator``: reads contact data; writes records tied to the area subtrees it was given;
- ``admin``: everything, including hard deletes and managing accounts.

A token is shown once, when it is created: ``kb.<account>.<secret>``. Only an argon2 hash of
the secret is stored, on the ``(:Account)`` node; a token is checked by looking up its
account and verifying the secret against that hash, then cached for a minute in this process
(argon2 is deliberately slow; revoking through this process clears the cache at once).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph.db import Graph
from graph.errors import GraphError, InvalidInput, NotFound
from graph.queries import writes as q

TOKEN_PREFIX = "kb"
CACHE_SECONDS = 60.0

_hasher = PasswordHasher()


class Role(StrEnum):
    anonymous = "anonymous"
    member = "member"
    coordinator = "coordinator"
    admin = "admin"


class Unauthenticated(GraphError):
    """A token was presented and is not valid: unknown, wrong, expired or revoked."""


@dataclass(frozen=True)
class Caller:
    """Who is asking. ``areas``: for a coordinator, the ids of the areas whose subtrees it may
    write in."""

    role: Role = Role.anonymous
    account: str | None = None
    name: str | None = None
    areas: tuple[str, ...] = ()

    @property
    def can_see_contact(self) -> bool:
        return self.role in (Role.coordinator, Role.admin)

    @property
    def can_write(self) -> bool:
        return self.role in (Role.coordinator, Role.admin)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    @property
    def actor(self) -> str:
        """How history names this caller."""
        return self.account or self.role.value


ANONYMOUS = Caller()
# The command line, run by whoever holds the data directory or the Neo4j password.
OPERATOR = Caller(role=Role.admin, account="operator", name="kb command line")


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: Role
    areas: tuple[str, ...]
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not _expired(self.expires_at)


@dataclass
class _Cache:
    entries: dict[str, tuple[float, Caller]] = field(default_factory=dict)

    def get(self, token: str) -> Caller | None:
        hit = self.entries.get(token)
        if hit is None or hit[0] < time.monotonic():
            self.entries.pop(token, None)
            return None
        return hit[1]

    def put(self, token: str, caller: Caller, until: float) -> None:
        if len(self.entries) > 10_000:
            self.entries.clear()
        self.entries[token] = (until, caller)

    def forget(self, account: str) -> None:
        for token in [t for t, (_, c) in self.entries.items() if c.account == account]:
            del self.entries[token]


_cache = _Cache()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _expired(expires_at: str | None) -> bool:
    return expires_at is not None and dt.datetime.fromisoformat(expires_at) <= _now()


async def _area_ids(graph: Graph, areas: list[str]) -> tuple[str, ...]:
    """Area ids from ids or codes ("71", "area:71"); an unknown one is an error."""
    out = []
    for a in areas:
        if ":" in a:
            row = await graph.read_one("MATCH (x:Area {id: $id}) RETURN x.id AS id", id=a)
        else:
            row = await graph.read_one(q.AREA_ID_BY_CODE, code=a)
        if row is None:
            raise NotFound("Area", a)
        out.append(str(row["id"]))
    return tuple(out)


async def create_token(
    graph: Graph,
    *,
    name: str,
    role: Role,
    areas: list[str] | None = None,
    expires_in_days: int | None = None,
    created_by: str = "operator",
) -> tuple[Account, str]:
    """A new account and its token (returned once, never stored)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("an account needs a name of 1 to 200 characters")
    if role is Role.anonymous:
        raise InvalidInput("anonymous callers need no token")
    area_ids = await _area_ids(graph, list(areas or []))
    if role is Role.coordinator and not area_ids:
        raise InvalidInput("a coordinator needs at least one area (--area CODE)")
    if role is not Role.coordinator and area_ids:
        raise InvalidInput("only coordinators are given areas")
    if expires_in_days is not None and expires_in_days <= 0:
        raise InvalidInput("expires_in_days must be positive")
    account_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    now = _now()
    expires = (now + dt.timedelta(days=expires_in_days)).isoformat() if expires_in_days else None
    async with graph.transaction() as tx:
        await tx.run(
            q.CREATE_ACCOUNT,
            id=account_id,
            name=name,
            role=role.value,
            areas=list(area_ids),
            hash=_hasher.hash(secret),
            at=now.isoformat(),
            expires_at=expires,
            actor=created_by,
        )
    account = Account(account_id, name, role, area_ids, now.isoformat(), expires, None)
    return account, f"{TOKEN_PREFIX}.{account_id}.{secret}"


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        areas=tuple(row["areas"] or ()),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )


async def list_accounts(graph: Graph) -> list[Account]:
    return [_account(r) for r in await graph.read(q.LIST_ACCOUNTS)]


async def revoke(graph: Graph, account_id: str) -> None:
    async with graph.transaction() as tx:
        rows = await tx.run(q.REVOKE_ACCOUNT, id=account_id, at=_now().isoformat())
    if not rows:
        raise NotFound("account", account_id)
    _cache.forget(account_id)


def looks_like_token(token: str) -> bool:
    return token.startswith(f"{TOKEN_PREFIX}.") and token.count(".") == 2


async def caller_for_token(graph: Graph, token: str) -> Caller:
    """The caller a token stands for; ``Unauthenticated`` when it stands for nobody."""
    cached = _cache.get(token)
    if cached is not None:
        return cached
    _, account_id, secret = token.split(".", 2)
    row = await graph.read_one(q.ACCOUNT_BY_ID, id=account_id) if account_id else None
    if row is None:
        raise Unauthenticated("unknown token")
    try:
        _hasher.verify(row["hash"], secret)
    except (VerificationError, InvalidHashError):
        raise Unauthenticated("unknown token") from None
    account = _account(row)
    if account.revoked_at is not None:
        raise Unauthenticated("this token was revoked")
    if _expired(account.expires_at):
        raise Unauthenticated("this token has expired")
    caller = Caller(role=account.role, account=account.id, name=account.name, areas=account.areas)
    until = time.monotonic() + CACHE_SECONDS
    if account.expires_at is not None:
        left = (dt.datetime.fromisoformat(account.expires_at) - _now()).total_seconds()
        until = min(until, time.monotonic() + left)
    _cache.put(token, caller, until)
    return caller
