"""Engine factory and schema set-up shared by the tracker store, the review app and its commands."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import StaticPool

from bot.review import schema

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Any stable 64-bit number: the PostgreSQL advisory lock taken while creating tables.
_SCHEMA_LOCK_ID = zlib.crc32(b"bot.review.schema")


class UnsupportedDatabase(ValueError):
    """The URL names a database the review summary cannot maintain."""


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine for `url`; nothing connects until the first query.

    SQLite files get WAL mode and a busy timeout, because the Rasa process writes while the
    review app reads; PostgreSQL gets a bounded pool and pre-ping, because several Rasa
    instances and the web process share it and connections may be cut by a restart.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if not memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(parsed, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        return sa.create_engine(
            parsed, pool_size=int(pool_size), max_overflow=int(max_overflow), pool_pre_ping=True
        )
    raise UnsupportedDatabase(
        f"Base de données non prise en charge : {backend!r} (SQLite ou PostgreSQL attendus)."
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # 32 MiB of page cache (default 2 MiB): index pages of large tables stay in memory.
    cursor.execute("PRAGMA cache_size = -32000")
    cursor.close()


def ensure_schema(engine: Engine, extra: sa.MetaData | None = None) -> None:
    """Create the missing tables (and `extra`'s, e.g. Rasa's own) once, whoever starts first.

    On PostgreSQL an advisory lock serialises the creation, so Rasa instances and the web
    process starting together on one empty database do not race on CREATE TABLE.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_ID})
        if extra is not None:
            extra.create_all(connection, checkfirst=True)
        schema.metadata.create_all(connection, checkfirst=True)


def insert_ignore(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose primary key is already there."""
    if not rows:
        return
    statement = _dialect_insert(connection, table).values(rows)
    connection.execute(statement.on_conflict_do_nothing())


def upsert(
    connection: Connection,
    table: sa.Table,
    rows: list[dict[str, Any]],
    keys: list[str],
    update: Callable[[Any], dict[str, Any]] | None = None,
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE: atomic when several processes write the same row.

    `update(excluded)` returns the SET clause, where `excluded.c.<name>` is the proposed row;
    by default every non-key column takes the new value.
    """
    if not rows:
        return
    statement = _dialect_insert(connection, table).values(rows)
    excluded = statement.excluded
    values = (
        update(excluded)
        if update is not None
        else {name: excluded[name] for name in rows[0] if name not in keys}
    )
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=values))


def _dialect_insert(connection: Connection, table: sa.Table) -> Any:
    name = connection.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise UnsupportedDatabase(f"Base de données non prise en charge : {name!r}.")
    return insert(table)
