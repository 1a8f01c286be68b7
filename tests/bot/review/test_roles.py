"""Reviewers read, tag and annotate; only administrators export, delete and manage accounts."""

from __future__ import annotations

import asyncio
import html
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from bot.review import schema, users
from bot.review.security import Passwords
from tests.bot.review.conftest import csrf_of, login, signed_in

LAST_ADMIN = "dernier administrateur actif"

ADMIN_PAGES = [
    "/review/export.csv",
    "/review/export.json",
    "/review/queue/nlu.yml",
    "/review/users",
    "/review/audit",
]
REVIEWER_PAGES = ["/review/", "/review/conversation?id=conv-funding", "/review/queue", "/review/dashboard"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
async def test_reviewer_cannot_open_admin_pages(client: TestClient, path: str) -> None:
    await signed_in(client, "reviewer")
    response = await client.get(path, allow_redirects=False)
    assert response.status == 403
    assert "réservé aux administrateurs" in await response.text()


@pytest.mark.parametrize("path", ADMIN_PAGES + REVIEWER_PAGES)
async def test_admin_opens_every_page(client: TestClient, path: str) -> None:
    await signed_in(client, "admin")
    response = await client.get(path, allow_redirects=False)
    assert response.status == 200


@pytest.mark.parametrize("path", REVIEWER_PAGES)
async def test_reviewer_opens_reading_pages(client: TestClient, path: str) -> None:
    await signed_in(client, "reviewer")
    assert (await client.get(path, allow_redirects=False)).status == 200


async def test_reviewer_cannot_delete_a_conversation(client: TestClient, engine) -> None:
    token = await signed_in(client, "reviewer")
    response = await client.post(
        "/review/conversation/delete",
        data={"csrf_token": token, "sender_id": "conv-funding", "confirm": "yes"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert (await client.get("/review/conversation?id=conv-funding")).status == 200


async def test_reviewer_cannot_manage_accounts(client: TestClient, engine, accounts) -> None:
    token = await signed_in(client, "reviewer")
    created = await client.post(
        "/review/users",
        data={
            "csrf_token": token,
            "name": "intrus",
            "role": "admin",
            "password": "un-mot-de-passe-long",
            "password_again": "un-mot-de-passe-long",
        },
        allow_redirects=False,
    )
    assert created.status == 403
    promoted = await client.post(
        "/review/users/update",
        data={"csrf_token": token, "user_id": str(accounts["reviewer"].id), "role": "admin"},
        allow_redirects=False,
    )
    assert promoted.status == 403
    with engine.connect() as connection:
        assert users.find_by_name(connection, "intrus") is None
        assert users.find_by_name(connection, "relectrice").role == "reviewer"


async def test_reviewer_does_not_see_admin_links(client: TestClient) -> None:
    await signed_in(client, "reviewer")
    page = await (await client.get("/review/")).text()
    assert "/review/export.csv" not in page
    assert "/review/users" not in page


async def test_admin_creates_and_updates_accounts(client: TestClient, engine, accounts) -> None:
    token = await signed_in(client, "admin")
    created = await client.post(
        "/review/users",
        data={
            "csrf_token": token,
            "name": "nouveau",
            "role": "reviewer",
            "password": "un-mot-de-passe-long",
            "password_again": "un-mot-de-passe-long",
        },
        allow_redirects=False,
    )
    assert created.status == 303
    with engine.connect() as connection:
        account = users.find_by_name(connection, "nouveau")
    assert account is not None and account.role == "reviewer"
    updated = await client.post(
        "/review/users/update",
        data={"csrf_token": token, "user_id": str(account.id), "role": "admin", "active": "no"},
        allow_redirects=False,
    )
    assert updated.status == 303
    with engine.connect() as connection:
        changed = users.find_by_name(connection, "nouveau")
    assert changed.role == "admin" and not changed.active and changed.epoch == account.epoch + 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"name": "court", "password": "trop-court", "password_again": "trop-court"},
            "au moins 12 caractères",
        ),
        (
            {"name": "a b", "password": "un-mot-de-passe-long", "password_again": "un-mot-de-passe-long"},
            "invalide",
        ),
        (
            {"name": "autre", "password": "un-mot-de-passe-long", "password_again": "un-autre-mot-de-passe"},
            "diffèrent",
        ),
        (
            {
                "name": "relectrice",
                "password": "un-mot-de-passe-long",
                "password_again": "un-mot-de-passe-long",
            },
            "existe déjà",
        ),
    ],
)
async def test_account_creation_explains_refusals(client: TestClient, fields: dict, message: str) -> None:
    token = await signed_in(client, "admin")
    response = await client.post(
        "/review/users", data={"csrf_token": token, "role": "reviewer", **fields}, allow_redirects=False
    )
    assert response.status == 400
    assert message in html.unescape(await response.text())


async def test_admin_cannot_lock_themselves_out(client: TestClient, accounts) -> None:
    token = await signed_in(client, "admin")
    response = await client.post(
        "/review/users/update",
        data={"csrf_token": token, "user_id": str(accounts["admin"].id), "role": "reviewer"},
        allow_redirects=False,
    )
    assert response.status == 400
    assert "propre compte" in await response.text()


@pytest.fixture
def second_admin(engine: Engine, fast_passwords: Passwords, accounts) -> users.User:
    with engine.begin() as connection:
        return users.create_user(connection, fast_passwords, "adjointe", "mot-de-passe-adjointe", users.ADMIN)


@pytest.fixture
def users_updates(engine: Engine) -> Iterator[list[str]]:
    """The UPDATE statements on staff accounts, as the review app's engine starts them."""
    started: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith(f"UPDATE {schema.users.name} "):
            started.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    yield started
    sa.event.remove(engine, "before_cursor_execute", record)


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("change", [{"role": "reviewer"}, {"active": "no"}])
async def test_two_admins_removing_each_other_at_once_leave_one(
    aiohttp_client,
    client: TestClient,
    engine: Engine,
    db_url: str,
    accounts,
    second_admin: users.User,
    users_updates: list[str],
    change: dict[str, str],
) -> None:
    # Over HTTP an administrator can only remove another one (never themselves), so the last
    # administrator can only go when two remove each other at the same time.
    first_token = await signed_in(client, "admin")
    other = await aiohttp_client(client.server)
    assert (await login(other, "adjointe", "mot-de-passe-adjointe")).status == 303
    other_token = csrf_of(await (await other.get("/review/")).text())
    # Hold SQLite's write lock until both requests have checked their session and started
    # their update: without it the first could commit before the second is even signed in.
    blocker = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        requests = [
            asyncio.create_task(
                client.post(
                    "/review/users/update",
                    data={"csrf_token": first_token, "user_id": str(second_admin.id), **change},
                    allow_redirects=False,
                )
            ),
            asyncio.create_task(
                other.post(
                    "/review/users/update",
                    data={"csrf_token": other_token, "user_id": str(accounts["admin"].id), **change},
                    allow_redirects=False,
                )
            ),
        ]
        await asyncio.wait_for(_until(lambda: len(users_updates) == 2), timeout=5)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    responses = await asyncio.gather(*requests)
    assert sorted(response.status for response in responses) == [303, 400]
    refused = next(response for response in responses if response.status == 400)
    assert LAST_ADMIN in html.unescape(await refused.text())
    with engine.connect() as connection:
        assert len(users.active_admins(connection)) == 1
