"""Engine factory and session lifecycle, on real SQLite (and a refused PostgreSQL port)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from knowledge.db import make_engine, session_scope


def test_engine_is_lazy_until_first_use() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/nowhere", pool_size=3, max_overflow=2)
    assert engine.pool.size() == 3  # built, configured, not connected
    with pytest.raises(OperationalError), engine.connect():
        pass
    engine.dispose()


def test_sqlite_engine_is_shared_across_threads(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    with session_scope(engine) as session:
        session.execute(text("CREATE TABLE item (name TEXT)"))
        session.execute(text("INSERT INTO item VALUES ('ESP')"))
    found: list[str] = []

    def read() -> None:
        with session_scope(engine) as session:
            found.extend(session.execute(text("SELECT name FROM item")).scalars())

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert found == ["ESP"]
    engine.dispose()


def test_session_scope_commits_or_rolls_back() -> None:
    engine = make_engine("sqlite://")
    with session_scope(engine) as session:
        session.execute(text("CREATE TABLE item (name TEXT)"))
        session.execute(text("INSERT INTO item VALUES ('kept')"))
    with pytest.raises(RuntimeError, match="boom"), session_scope(engine) as session:
        session.execute(text("INSERT INTO item VALUES ('dropped')"))
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert session.execute(text("SELECT name FROM item")).scalars().all() == ["kept"]
    engine.dispose()


def test_sqlite_enforces_foreign_keys() -> None:
    engine = make_engine("sqlite://")
    with session_scope(engine) as session:
        session.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        session.execute(text("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.execute(text("INSERT INTO child VALUES (42)"))
    engine.dispose()
