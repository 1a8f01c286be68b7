"""Issue 14, review app: throttle under parallel attempts and behind the proxy, failed names
not stored in clear, every change audited, namespaced conversation ids shown and linked."""

from __future__ import annotations

import asyncio
import html

import aiohttp
import sqlalchemy as sa
from aiohttp.test_utils import TestClient
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Engine

from bot.review import audit, schema
from bot.review.pages import LOGIN_COOKIE
from bot.tracker_store import RedactingTrackerStore
from tests.bot.review.conftest import REVIEWER, csrf_of, login, signed_in
from tests.bot.review.scenarios import Scenario, Turn, save


def audit_rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    with engine.connect() as connection:
        query = sa.select(
            schema.audit.c.actor, schema.audit.c.action, schema.audit.c.target, schema.audit.c.detail
        )
        return [tuple(row) for row in connection.execute(query.order_by(schema.audit.c.id))]


async def test_parallel_attempts_get_no_more_password_checks_than_the_limit(client: TestClient) -> None:
    page = await client.get("/review/login")
    token, cookie = csrf_of(await page.text()), page.cookies[LOGIN_COOKIE].value
    form = {"csrf_token": token, "name": REVIEWER[0], "password": "mauvais-mot-de-passe"}
    # No cookie jar: each request carries the same form token, as a script would send them.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as raw:

        async def attempt() -> int:
            async with raw.post(
                client.make_url("/review/login"),
                data=form,
                headers={"Cookie": f"{LOGIN_COOKIE}={cookie}"},
                allow_redirects=False,
            ) as response:
                return response.status

        statuses = await asyncio.gather(*(attempt() for _ in range(20)))
    # Five password checks (401), every other attempt refused before the check (429).
    assert {status: statuses.count(status) for status in set(statuses)} == {401: 5, 429: 15}


async def test_throttle_is_per_client_behind_the_proxy(client: TestClient) -> None:
    attacker = {"X-Forwarded-For": "198.51.100.66"}
    for index in range(5):
        page = await client.get("/review/login")
        response = await client.post(
            "/review/login",
            data={"csrf_token": csrf_of(await page.text()), "name": f"essai-{index}", "password": "x" * 12},
            headers=attacker,
            allow_redirects=False,
        )
        assert response.status == 401
    page = await client.get("/review/login")
    blocked = await client.post(
        "/review/login",
        data={"csrf_token": csrf_of(await page.text()), "name": "essai-5", "password": "x" * 12},
        headers=attacker,
        allow_redirects=False,
    )
    assert blocked.status == 429
    # The staff member behind the same nginx, from another address, still signs in.
    page = await client.get("/review/login")
    response = await client.post(
        "/review/login",
        data={"csrf_token": csrf_of(await page.text()), "name": REVIEWER[0], "password": REVIEWER[1]},
        headers={"X-Forwarded-For": "203.0.113.10"},
        allow_redirects=False,
    )
    assert response.status == 303


async def test_a_failed_name_is_never_stored_in_clear(client: TestClient, engine: Engine) -> None:
    typed = "Printemps-2026!secret"  # a password typed in the name field
    assert (await login(client, typed, "")).status == 401
    assert (await login(client, REVIEWER[0], "pas-le-bon")).status == 401
    failed = [row for row in audit_rows(engine) if row[1] == audit.LOGIN_FAILED]
    assert all(typed not in " ".join(row) for row in audit_rows(engine))
    assert failed[0][0] == audit.UNKNOWN_ACTOR and '"name_digest"' in failed[0][3]
    # Which existing account is being guessed is kept.
    assert failed[1][0] == REVIEWER[0]


async def test_every_change_and_the_sign_out_are_audited(client: TestClient, engine: Engine) -> None:
    token = await signed_in(client)
    for path, fields in [
        ("/review/conversation/tag", {"tag": "à revoir"}),
        ("/review/conversation/note", {"text": "La réponse cite la bonne source."}),
        ("/review/conversation/status", {"status": "reviewed"}),
        ("/review/conversation/untag", {"tag": "à revoir"}),
    ]:
        response = await client.post(
            path, data={"csrf_token": token, "sender_id": "conv-funding", **fields}, allow_redirects=False
        )
        assert response.status == 303, await response.text()
    await client.post("/review/logout", data={"csrf_token": token}, allow_redirects=False)
    changes = [
        (actor, action, target) for actor, action, target, _ in audit_rows(engine) if action != "login"
    ]
    assert changes == [
        (REVIEWER[0], audit.TAG_ADDED, "conv-funding"),
        (REVIEWER[0], audit.NOTE_ADDED, "conv-funding"),
        (REVIEWER[0], audit.STATUS_CHANGED, "conv-funding"),
        (REVIEWER[0], audit.TAG_REMOVED, "conv-funding"),
        (REVIEWER[0], audit.LOGOUT, "127.0.0.1"),
    ]
    details = [detail for _, action, _, detail in audit_rows(engine) if action == audit.NOTE_ADDED]
    # The note's text may quote the user: only its length goes to the audit log.
    assert details == ['{"chars": 32}']


async def test_a_refused_change_is_not_audited(client: TestClient, engine: Engine) -> None:
    token = await signed_in(client)
    response = await client.post(
        "/review/conversation/status",
        data={"csrf_token": token, "sender_id": "conv-funding", "status": "inventé"},
        allow_redirects=False,
    )
    assert response.status == 400
    assert [row for row in audit_rows(engine) if row[1] == audit.STATUS_CHANGED] == []


NAMESPACED = [
    "webchat:0f3c2a9e8d7b4c1a9e8d7b4c1a9e8d7b",
    "teams:19:meeting_NjQ2@thread.v2",
    "messenger:2412345678901234",
    "rest:client & co",
]


async def test_namespaced_conversations_are_listed_and_opened(
    client: TestClient, store: RedactingTrackerStore, domain: Domain, seeded: float
) -> None:
    for index, sender_id in enumerate(NAMESPACED):
        turn = Turn(f"Question numéro {index} sur les MSP", "ask_funding", 0.9)
        await save(store, domain, Scenario(sender_id, sender_id.split(":")[0], 0.1, [turn]), seeded)
    await signed_in(client)
    inbox = html.unescape(await (await client.get("/review/", params={"page_size": "100"})).text())
    for sender_id in NAMESPACED:
        response = await client.get("/review/conversation", params={"id": sender_id})
        assert response.status == 200
        assert sender_id in html.unescape(await response.text())
        assert sender_id[:23] in inbox
