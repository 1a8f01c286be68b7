"""A real tracker database filled through RedactingTrackerStore, and the real review app over it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Engine

from bot.review import users
from bot.review.app import create_app
from bot.review.db import make_engine
from bot.review.security import Passwords
from bot.settings import ROOT, Settings
from bot.tracker_store import RedactingTrackerStore
from tests.bot.review.pg import pg_url  # noqa: F401 - fixture for the PostgreSQL tests
from tests.bot.review.scenarios import save_all

REVIEWER = ("relectrice", "mot-de-passe-relectrice")
ADMIN = ("admin", "mot-de-passe-administrateur")
SECRET = "cle-de-test-de-l-outil-de-relecture-0123456789"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def store(db_url: str, domain: Domain) -> Iterator[RedactingTrackerStore]:
    tracker_store = RedactingTrackerStore(domain=domain, url=db_url)
    yield tracker_store
    tracker_store.dispose()


@pytest.fixture
async def seeded(store: RedactingTrackerStore, domain: Domain) -> float:
    """The sample conversations saved turn by turn; returns the reference time."""
    return await save_all(store, domain)


@pytest.fixture
def engine(db_url: str, store: RedactingTrackerStore) -> Iterator[Engine]:
    review_engine = make_engine(db_url)
    yield review_engine
    review_engine.dispose()


@pytest.fixture(scope="session")
def fast_passwords() -> Passwords:
    # Cheap Argon2 parameters for creating test accounts; verification reads them from the hash.
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.fixture
def accounts(engine: Engine, fast_passwords: Passwords) -> dict[str, users.User]:
    with engine.begin() as connection:
        return {
            "reviewer": users.create_user(connection, fast_passwords, *REVIEWER, users.REVIEWER),
            "admin": users.create_user(connection, fast_passwords, *ADMIN, users.ADMIN),
        }


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.from_env(
        {"TRACKER_STORE_URL": db_url, "REVIEW_SECRET_KEY": SECRET, "RETENTION_DAYS": "365"}
    )


@pytest.fixture
def nlu_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "existing.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
        "    - bonjour\n    - [MSP](structure) bonjour\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def review_app(
    settings: Settings, engine: Engine, tmp_path: Path, nlu_dir: Path, fast_passwords: Passwords
) -> web.Application:
    return create_app(
        settings, engine=engine, secret_file=tmp_path / "secret", nlu_dir=nlu_dir, passwords=fast_passwords
    )


@pytest.fixture
async def client(
    aiohttp_client, review_app: web.Application, seeded: float, accounts: dict[str, users.User]
) -> AsyncIterator[TestClient]:
    root = web.Application()
    root.add_subapp("/review", review_app)
    yield await aiohttp_client(root)


def csrf_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def login(client: TestClient, name: str, password: str, next_url: str | None = None) -> ClientResponse:
    page = await client.get("/review/login")
    token = csrf_of(await page.text())
    data = {"csrf_token": token, "name": name, "password": password}
    if next_url:
        data["next"] = next_url
    return await client.post("/review/login", data=data, allow_redirects=False)


async def signed_in(client: TestClient, who: str = "reviewer") -> str:
    """Sign in and return the session's CSRF token."""
    name, password = REVIEWER if who == "reviewer" else ADMIN
    response = await login(client, name, password)
    assert response.status == 303, await response.text()
    page = await client.get("/review/")
    return csrf_of(await page.text())
