"""The portal app over real HTTP: pages, widget assets, error pages, headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.settings import Settings
from bot.web.app import content_security_policy, create_app
from bot.web.rasa_url import rasa_endpoint


@pytest.fixture
async def client(aiohttp_client, settings: Settings):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "L'assistant de l'exercice coordonné"),
        ("/sources", "Sources de l'assistant"),
        ("/confidentialite", "Confidentialité de l'assistant"),
    ],
)
async def test_pages_are_french_and_embed_the_widget_once(client, settings, path, heading) -> None:
    response = await client.get(path)
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert '<html lang="fr">' in html
    assert f"<h1>{heading}</h1>" in html.replace("&#39;", "'")
    # One <script> tag on the page: the snippet, pointing at Rasa's public URL.
    assert len(re.findall(r"<script\b", html)) == 1
    assert 'src="/widget/webchat.js"' in html
    assert f'data-server-url="{settings.rasa_public_url}"' in html
    assert 'data-privacy-url="/confidentialite"' in html


async def test_home_shows_the_snippet_portal_teams_paste(client, settings) -> None:
    html = await (await client.get("/")).text()
    snippet = re.search(r"<pre[^>]*><code>(.*?)</code></pre>", html, re.S)
    assert snippet is not None
    code = snippet.group(1)
    # Shown as text, not as a second live <script>.
    assert code.startswith('&lt;script src="http://127.0.0.1:')
    assert "/widget/webchat.js" in code
    assert settings.rasa_public_url in code


async def test_privacy_notice_states_retention_and_no_health_data(aiohttp_client) -> None:
    settings = Settings.from_env({"RETENTION_DAYS": "90"})
    client = await aiohttp_client(create_app(settings))
    html = await (await client.get("/confidentialite")).text()
    assert "au plus 90 jours" in html
    assert "Ne saisissez aucune donnée de santé personnelle" in html


async def test_host_header_is_escaped_in_the_snippet(client) -> None:
    response = await client.get("/", headers={"Host": 'x"><script>alert(1)</script>'})
    html = await response.text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/widget/webchat.js", "text/javascript", "CoordoWebchat"),
        ("/widget/webchat.css", "text/css", ".cw-launcher"),
        ("/widget/socket.io.min.js", "text/javascript", "Socket.IO"),
        ("/site/portal.css", "text/css", ".site-header"),
    ],
)
async def test_widget_assets_are_served_locally(client, path, content_type, marker) -> None:
    response = await client.get(path)
    assert response.status == 200
    assert response.content_type in (content_type, "application/javascript")
    assert marker in await response.text()
    if path.startswith("/widget/"):
        assert response.headers["Cache-Control"] == "no-cache"


async def test_pages_carry_a_strict_csp_allowing_only_rasa(client, settings) -> None:
    response = await client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert csp == content_security_policy(settings)
    assert "script-src 'self';" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    port = settings.rasa_port
    assert f"connect-src 'self' http://127.0.0.1:{port} ws://127.0.0.1:{port};" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [
        ("GET", "/nulle-part", 404, "Page introuvable"),
        ("GET", "/widget/absent.js", 404, "Page introuvable"),
        ("GET", "/widget/../app.py", 404, "Page introuvable"),
        ("POST", "/", 405, "Méthode non autorisée"),
    ],
)
async def test_errors_are_french_pages_without_traceback(client, method, path, status, title) -> None:
    response = await client.request(method, path)
    assert response.status == status
    html = await response.text()
    assert f"<h1>{title}</h1>" in html
    assert "Traceback" not in html
    if status == 405:
        assert response.headers["Allow"] == "GET,HEAD"


async def test_a_failing_view_gives_a_french_500_page(aiohttp_client, settings) -> None:
    app = create_app(settings)

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail")

    app.router.add_get("/casse", broken)
    client = await aiohttp_client(app)
    response = await client.get("/casse")
    assert response.status == 500
    html = await response.text()
    assert "<h1>Erreur interne</h1>" in html
    assert "secret detail" not in html


async def test_mounted_apps_keep_their_own_responses(aiohttp_client, settings) -> None:
    """The lead mounts the review app under the portal: its 404s are not ours."""
    app = create_app(settings)
    other = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    other.router.add_get("/hello", hello)
    app.add_subapp("/review", other)
    client = await aiohttp_client(app)
    ok = await client.get("/review/hello")
    assert ok.status == 200 and await ok.json() == {"ok": True}
    assert "Content-Security-Policy" not in ok.headers
    missing = await client.get("/review/absent")
    assert missing.status == 404
    assert "Page introuvable" not in await missing.text()


async def test_app_refuses_to_start_without_the_socketio_client(settings, tmp_path: Path) -> None:
    # A bare server rather than aiohttp_client: a client whose server never started is never
    # closed by the fixture, and its unclosed session warns.
    server = TestServer(create_app(settings, node_modules=tmp_path))
    try:
        with pytest.raises(RuntimeError, match="npm ci"):
            await server.start_server()
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("url", "origin", "ws_origin", "socket_path"),
    [
        ("http://127.0.0.1:5005", "http://127.0.0.1:5005", "ws://127.0.0.1:5005", "/socket.io/"),
        ("https://rasa.example/", "https://rasa.example", "wss://rasa.example", "/socket.io/"),
        (
            "https://portail.example/rasa",
            "https://portail.example",
            "wss://portail.example",
            "/rasa/socket.io/",
        ),
        ("http://[::1]:5005", "http://[::1]:5005", "ws://[::1]:5005", "/socket.io/"),
    ],
)
def test_rasa_endpoint_splits_origin_and_socket_path(url, origin, ws_origin, socket_path) -> None:
    endpoint = rasa_endpoint(url)
    assert (endpoint.origin, endpoint.ws_origin, endpoint.socket_path) == (
        origin,
        ws_origin,
        socket_path,
    )


@pytest.mark.parametrize(
    "url", ["127.0.0.1:5005", "ftp://rasa.example", "/rasa", 'http://x"><script>', "http:// a"]
)
def test_rasa_endpoint_rejects_what_is_not_an_http_url(url) -> None:
    with pytest.raises(ValueError, match="RASA_PUBLIC_URL"):
        rasa_endpoint(url)


async def test_reverse_proxy_path_goes_to_the_socket_path(aiohttp_client) -> None:
    settings = Settings.from_env({"RASA_PUBLIC_URL": "https://portail.example/rasa"})
    client = await aiohttp_client(create_app(settings))
    html = await (await client.get("/")).text()
    assert 'data-server-url="https://portail.example"' in html
    assert 'data-socket-path="/rasa/socket.io/"' in html
