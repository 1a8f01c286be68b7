"""Engine factory and session lifecycle: the only module that opens database sessions.

SQLite by default (a file under var/), any SQLAlchemy URL otherwise (postgresql://…): the same
code runs on both. Nothing connects until a session is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine for `url`; no connection is opened here.

    SQLite gets no pool sizing (its pool ignores it) and may be used from the action server's
    threads; an in-memory SQLite database is shared by all sessions of the engine.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if parsed.database in (None, "", ":memory:"):
            options["poolclass"] = StaticPool
        engine = create_engine(url, future=True, **options)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        url,
        future=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; the loader relies on them to refuse orphans.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success, rolls back on error and always closes."""
    session = Session(bind=engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
