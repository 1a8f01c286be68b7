"""Knowledge-base fixtures: the same loaded data on SQLite and on PostgreSQL.

PostgreSQL tests use a schema of their own (dropped afterwards) in the `test` database. When
the server is unreachable they are skipped with the reason, except under CI=true, where an
unreachable database is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from knowledge.db import make_engine
from knowledge.loader import DEFAULT_DATA_DIR, load
from knowledge.query import KnowledgeBase

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL est requis en CI : {reason}")
    pytest.skip(f"PostgreSQL injoignable ({POSTGRES_URL}) : {reason}")


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """An engine bound to a fresh schema of the test database, dropped at the end."""
    engine = make_engine(POSTGRES_URL, pool_size=2, max_overflow=2)
    schema = f"kb_test_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        engine.dispose()
        _postgres_unavailable(str(exc.orig).strip().splitlines()[0])
    scoped = engine.execution_options(schema_translate_map={None: schema})
    try:
        yield scoped
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_kb(postgres_engine: Engine) -> KnowledgeBase:
    load(postgres_engine)
    return KnowledgeBase(postgres_engine)


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def any_kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    """The loaded knowledge base on each backend: query tests run on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("kb")
    return request.getfixturevalue("postgres_kb")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the data files, for tests that break or change one."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture
def sqlite_engine() -> Iterator[Engine]:
    """A private in-memory SQLite database (one shared connection)."""
    engine = make_engine("sqlite://")
    yield engine
    engine.dispose()
