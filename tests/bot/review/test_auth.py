"""Sign-in, sessions, CSRF and the refusal of every page without a session."""

from __future__ import annotations

import html
import time

import pytest
import time_machine
from aiohttp.test_utils import TestClient

from bot.review import users
from bot.review.keys import RESOURCES
from bot.review.pages import SESSION_COOKIE
from bot.review.security import SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, Session
from tests.bot.review.conftest import ADMIN, REVIEWER, csrf_of, login, signed_in

PAGES = [
    "/review/",
    "/review/conversation?id=conv-funding",
    "/review/queue",
    "/review/dashboard",
    "/review/export.csv",
    "/review/export.json",
    "/review/queue/nlu.yml",
    "/review/users",
    "/review/audit",
]
FORMS = [
    "/review/conversation/tag",
    "/review/conversation/untag",
    "/review/conversation/note",
    "/review/conversation/status",
    "/review/conversation/delete",
    "/review/queue/label",
    "/review/queue/unlabel",
    "/review/users",
    "/review/users/update",
    "/review/logout",
]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_without_session_redirects_to_sign_in(client: TestClient, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/review/login?next=")
    assert "conv-funding" not in await response.text()


@pytest.mark.parametrize("path", FORMS)
async def test_every_form_without_session_is_refused(client: TestClient, path: str) -> None:
    response = await client.post(path, data={"sender_id": "conv-funding", "tag": "x"}, allow_redirects=False)
    assert response.status == 401
    body = await response.text()
    assert "reconnectez-vous" in body
    assert "Traceback" not in body


async def test_sign_in_page_is_public_and_sets_a_form_token(client: TestClient) -> None:
    response = await client.get("/review/login")
    assert response.status == 200
    page = html.unescape(await response.text())
    assert "Connexion de l'équipe support" in page
    assert csrf_of(page)
    assert "review_login" in response.cookies


async def test_sign_in_sets_a_strict_http_only_session_cookie(client: TestClient) -> None:
    response = await login(client, *REVIEWER, next_url="/review/queue")
    assert response.status == 303
    assert response.headers["Location"] == "/review/queue"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/review"
    assert int(cookie["max-age"]) == SESSION_IDLE_SECONDS
    assert not cookie["secure"]
    inbox = await client.get("/review/")
    assert inbox.status == 200
    page = await inbox.text()
    assert "relectrice (relecteur)" in page
    assert "conv-funding" in page


async def test_cookie_is_secure_behind_https(client: TestClient) -> None:
    page = await client.get("/review/login")
    token = csrf_of(await page.text())
    response = await client.post(
        "/review/login",
        data={"csrf_token": token, "name": REVIEWER[0], "password": REVIEWER[1]},
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.cookies[SESSION_COOKIE]["secure"]


@pytest.mark.parametrize(
    ("name", "password"),
    [(REVIEWER[0], "pas-le-bon-mot-de-passe"), ("inconnu", REVIEWER[1]), ("", "")],
)
async def test_wrong_credentials_are_refused_with_one_message(
    client: TestClient, name: str, password: str
) -> None:
    response = await login(client, name, password)
    assert response.status == 401
    assert "Nom d'utilisateur ou mot de passe incorrect." in html.unescape(await response.text())
    assert SESSION_COOKIE not in response.cookies
    assert (await client.get("/review/", allow_redirects=False)).status == 303


async def test_repeated_failures_block_the_account_for_a_while(client: TestClient) -> None:
    for _ in range(5):
        assert (await login(client, REVIEWER[0], "mauvais-mot-de-passe")).status == 401
    response = await login(client, *REVIEWER)
    assert response.status == 429
    assert "Trop de tentatives" in await response.text()


async def test_sign_in_without_form_token_is_refused(client: TestClient) -> None:
    response = await client.post(
        "/review/login", data={"name": REVIEWER[0], "password": REVIEWER[1]}, allow_redirects=False
    )
    assert response.status == 403
    assert "CSRF" in await response.text()


async def test_forms_refuse_a_missing_or_wrong_csrf_token(client: TestClient) -> None:
    token = await signed_in(client)
    base = {"sender_id": "conv-funding", "tag": "formation"}
    missing = await client.post("/review/conversation/tag", data=base, allow_redirects=False)
    assert missing.status == 403
    assert "Jeton de sécurité (CSRF)" in await missing.text()
    wrong = await client.post(
        "/review/conversation/tag", data={**base, "csrf_token": token[:-2] + "xx"}, allow_redirects=False
    )
    assert wrong.status == 403
    accepted = await client.post(
        "/review/conversation/tag", data={**base, "csrf_token": token}, allow_redirects=False
    )
    assert accepted.status == 303


async def test_token_from_another_session_is_refused(client: TestClient, aiohttp_client, review_app) -> None:
    first = await signed_in(client)
    second = await signed_in(client, "admin")
    assert first != second
    response = await client.post(
        "/review/conversation/tag",
        data={"sender_id": "conv-funding", "tag": "x", "csrf_token": first},
        allow_redirects=False,
    )
    assert response.status == 403


async def test_cross_origin_post_is_refused_even_with_token(client: TestClient) -> None:
    token = await signed_in(client)
    response = await client.post(
        "/review/conversation/tag",
        data={"sender_id": "conv-funding", "tag": "x", "csrf_token": token},
        headers={"Origin": "https://attaquant.example"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert "autre origine" in await response.text()


def _cookie_for(review_app, user: users.User, *, issued: float, login_at: float) -> str:
    codec = review_app[RESOURCES].codec
    session = Session(user.id, user.epoch, "jeton", login_at, issued)
    # Fernet stamps the cookie with the clock: an old cookie is one made in the past.
    with time_machine.travel(issued, tick=False):
        return codec.encode(session)


async def test_expired_session_sends_back_to_sign_in(client: TestClient, review_app, accounts) -> None:
    now = time.time()
    fresh = _cookie_for(review_app, accounts["reviewer"], issued=now, login_at=now)
    idle = _cookie_for(
        review_app, accounts["reviewer"], issued=now - SESSION_IDLE_SECONDS - 60, login_at=now - 3 * 3600
    )
    too_long = _cookie_for(
        review_app, accounts["reviewer"], issued=now - 60, login_at=now - SESSION_MAX_SECONDS - 60
    )
    ok = await client.get("/review/", cookies={SESSION_COOKIE: fresh}, allow_redirects=False)
    assert ok.status == 200
    client.session.cookie_jar.clear()
    for cookie in (idle, too_long, fresh[:-4] + "AAAA", "pas-un-jeton"):
        response = await client.get("/review/", cookies={SESSION_COOKIE: cookie}, allow_redirects=False)
        assert response.status == 303, cookie
        assert response.headers["Location"].startswith("/review/login")


async def test_active_session_is_refreshed(client: TestClient, review_app, accounts) -> None:
    now = time.time()
    older = _cookie_for(review_app, accounts["reviewer"], issued=now - 900, login_at=now - 900)
    response = await client.get("/review/", cookies={SESSION_COOKIE: older}, allow_redirects=False)
    assert response.status == 200
    renewed = response.cookies[SESSION_COOKIE].value
    assert renewed != older
    decoded = review_app[RESOURCES].codec.decode(renewed)
    assert decoded is not None and decoded.login_at == pytest.approx(now - 900)


async def test_sign_out_ends_the_session_everywhere(client: TestClient) -> None:
    token = await signed_in(client)
    stolen = client.session.cookie_jar.filter_cookies(client.make_url("/review/"))[SESSION_COOKIE].value
    response = await client.post("/review/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/review/login"
    client.session.cookie_jar.clear()
    replay = await client.get("/review/", cookies={SESSION_COOKIE: stolen}, allow_redirects=False)
    assert replay.status == 303


async def test_deactivated_account_loses_its_session(client: TestClient, engine, accounts) -> None:
    await signed_in(client)
    with engine.begin() as connection:
        users.update_user(connection, accounts["reviewer"].id, active=False)
    assert (await client.get("/review/", allow_redirects=False)).status == 303
    assert (await login(client, *REVIEWER)).status == 401


@pytest.mark.parametrize(
    "target", ["https://attaquant.example/", "//attaquant.example", "/ailleurs", "/review\\@x"]
)
async def test_sign_in_never_redirects_outside_the_app(client: TestClient, target: str) -> None:
    response = await login(client, *ADMIN, next_url=target)
    assert response.status == 303
    assert response.headers["Location"] == "/review/"


async def test_prefix_without_slash_leads_to_the_inbox(client: TestClient) -> None:
    anonymous = await client.get("/review", allow_redirects=False)
    assert anonymous.status == 303 and anonymous.headers["Location"].startswith("/review/login")
    signed = await login(client, *REVIEWER, next_url="/review")
    assert signed.headers["Location"] == "/review/"
    response = await client.get("/review", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/review/"


async def test_unknown_page_gives_a_french_error_without_trace(client: TestClient) -> None:
    await signed_in(client)
    response = await client.get("/review/nexiste-pas")
    assert response.status == 404
    body = await response.text()
    assert "Page introuvable." in body
    assert "Traceback" not in body


async def test_pages_carry_security_headers(client: TestClient) -> None:
    response = await client.get("/review/login")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
