"""Reviewers read, tag and annotate; only administrators export, delete and manage accounts."""

from __future__ import annotations

import html

import pytest
from aiohttp.test_utils import TestClient

from bot.review import users
from tests.bot.review.conftest import signed_in

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
