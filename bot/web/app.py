"""aiohttp application of the portal demo: two portal pages, the widget, the privacy notice.

The widget itself is static (``static/widget/``) and talks straight to Rasa's socket.io
channel; this app only serves pages and files, so it holds no conversation state.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.settings import ROOT, Settings
from bot.web import views
from bot.web.keys import SETTINGS, SOCKETIO_CLIENT
from bot.web.rasa_url import rasa_endpoint

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
WIDGET_DIR = HERE / "static" / "widget"
SITE_DIR = HERE / "static" / "site"
NODE_MODULES = ROOT / "node_modules"
SOCKETIO_CLIENT_FILE = Path("socket.io-client") / "dist" / "socket.io.min.js"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def content_security_policy(settings: Settings) -> str:
    """CSP of the portal pages: nothing runs or loads except from here and Rasa."""
    rasa = rasa_endpoint(settings.rasa_public_url)
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {rasa.origin} {rasa.ws_origin}",
            # The bot may send image attachments (http(s) only, checked by the widget).
            "img-src 'self' data: https:",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _is_own_request(request: web.Request) -> bool:
    # Once the lead mounts other apps (review) under this one, their responses must
    # keep their own error pages and headers.
    apps = request.match_info.apps
    return not apps or apps[-1] is request.app


def _error_response(request: web.Request, status: int) -> web.Response:
    response = aiohttp_jinja2.render_template(
        "error.html", request, views.error_context(status), status=status
    )
    return response


def _middleware(csp: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def portal_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not _is_own_request(request):
            return await handler(request)
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            response = _error_response(request, exc.status)
            if "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
        except Exception:
            logger.exception("Erreur interne sur %s %s", request.method, request.path)
            response = _error_response(request, 500)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/widget/"):
            # Portals embed the widget: let them pick up a new version at once (ETag).
            response.headers.setdefault("Cache-Control", "no-cache")
        return response

    return portal_pages


def _socketio_client(node_modules: Path) -> Callable[[web.Application], AsyncIterator[None]]:
    async def check(app: web.Application) -> AsyncIterator[None]:
        path = node_modules / SOCKETIO_CLIENT_FILE
        if not path.is_file():
            raise RuntimeError(
                f"Client socket.io introuvable ({path}) : lancez `npm ci` à la racine du dépôt."
            )
        app[SOCKETIO_CLIENT] = path
        yield

    return check


def create_app(settings: Settings, *, node_modules: Path = NODE_MODULES) -> web.Application:
    """Build the portal app: ``/``, ``/sources``, ``/confidentialite`` and ``/widget/…``.

    ``node_modules`` is where ``npm ci`` installed the socket.io browser client; the app
    refuses to start without it rather than serve a widget that cannot connect.
    """
    csp = content_security_policy(settings)
    app = web.Application(middlewares=[_middleware(csp)])
    app[SETTINGS] = settings
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app.cleanup_ctx.append(_socketio_client(node_modules))

    app.router.add_get("/", views.index, name="index")
    app.router.add_get("/sources", views.sources, name="sources")
    app.router.add_get("/confidentialite", views.privacy, name="privacy")
    # Before the static prefix below, which would otherwise answer 404 for this name.
    app.router.add_get("/widget/socket.io.min.js", views.socketio_client, name="socketio")
    app.router.add_static("/widget/", WIDGET_DIR, name="widget")
    app.router.add_static("/site/", SITE_DIR, name="site")
    return app
