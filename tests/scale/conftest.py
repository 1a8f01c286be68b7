"""A scaled-out assistant shared by the tests of this folder: two Rasa instances, one action
server, a throw-away PostgreSQL database (conversations and knowledge base) and Redis.

Started on first use (about a minute) and stopped at the end of the session. Without
PostgreSQL or Redis the tests skip, saying which one is missing; under CI=true they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.client import RestClient
from bench.scaled import ScaledStack, rasa_urls, scaled_settings, start_scaled_stack
from bench.services import REDIS_URL, TemporaryDatabase
from tests.conftest import require_services

# Short enough for the fault tests to stay fast, long enough for a loaded 2-core machine.
TURN_TIMEOUT = 5.0
BURST = 8
RATE_PER_SECOND = 1.0


@pytest.fixture(scope="session")
def scale_db() -> Iterator[TemporaryDatabase]:
    require_services()
    database = TemporaryDatabase.create("coordo_scale")
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(scope="session")
def scaled_stack(
    scale_db: TemporaryDatabase, model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScaledStack]:
    settings = scaled_settings(scale_db.url, REDIS_URL)
    stack = start_scaled_stack(
        settings,
        model_path,
        tmp_path_factory.mktemp("scaled-stack"),
        instances=2,
        channel_limits={"turn_timeout": TURN_TIMEOUT, "burst": BURST, "rate_per_second": RATE_PER_SECOND},
    )
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def tracker_engine(scale_db: TemporaryDatabase) -> Iterator[Engine]:
    engine = sa.create_engine(scale_db.url, pool_pre_ping=True, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
async def client(scaled_stack: ScaledStack) -> AsyncIterator[RestClient]:
    async with aiohttp.ClientSession() as session:
        yield RestClient(rasa_urls(scaled_stack), session, timeout=30.0)


@pytest.fixture
def sender() -> str:
    """A conversation id no other test (nor a previous run, in Redis) has used."""
    return f"scale-{uuid.uuid4().hex[:12]}"
