"""What every view shares: access levels, rendering, redirects, cookies, error raising."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.channels.ratelimit import client_address, parse_networks
from bot.review.keys import JINJA, RESOURCES, SESSION, USER
from bot.review.resources import Resources
from bot.review.security import SESSION_IDLE_SECONDS, Session
from bot.review.users import User

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ACCESS = "review_access"
PUBLIC = "public"
REVIEWER = "reviewer"
ADMIN = "admin"
SESSION_COOKIE = "review_session"
LOGIN_COOKIE = "review_login"


def public(handler: Handler) -> Handler:
    """Reachable without a session (sign-in page, stylesheet)."""
    setattr(handler, ACCESS, PUBLIC)
    return handler


def admin_only(handler: Handler) -> Handler:
    """Export, deletion, account management and the audit log."""
    setattr(handler, ACCESS, ADMIN)
    return handler


def access_of(handler: Any) -> str:
    return getattr(handler, ACCESS, REVIEWER)


def resources(request: web.Request) -> Resources:
    return request.config_dict[RESOURCES]


def current_user(request: web.Request) -> User:
    user = request.get(USER)
    if user is None:
        raise web.HTTPUnauthorized(text="Session absente ou expirée : reconnectez-vous.")
    return user


def current_session(request: web.Request) -> Session | None:
    return request.get(SESSION)


def url(request: web.Request, name: str, query: dict[str, str] | None = None) -> str:
    """Path of a named route of the review app, including its mount prefix (/review)."""
    target: URL = request.app.router[name].url_for()
    if query:
        target = target.with_query(query)
    return str(target)


def prefix(request: web.Request) -> str:
    """Where the app is mounted ("/review"), for cookie paths."""
    return url(request, "inbox").rstrip("/") or "/"


def redirect(location: str) -> web.Response:
    # Returned rather than raised so that cookies set on it are sent.
    return web.Response(status=303, headers={"Location": location})


def is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def client_ip(request: web.Request) -> str:
    """The client's address, from ``X-Forwarded-For`` only when the peer is a trusted proxy
    (``TRUSTED_PROXIES``): behind nginx every request comes from 127.0.0.1, and one shared
    throttle key would let five bad attempts by anyone lock every staff member out."""
    networks = parse_networks(resources(request).settings.trusted_proxies)
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), networks)


def set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=prefix(request),
        httponly=True,
        samesite="Strict",
        secure=is_https(request),
    )


def clear_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path=prefix(request))


def set_session_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    set_cookie(request, response, SESSION_COOKIE, value, SESSION_IDLE_SECONDS)


def render(
    request: web.Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> web.Response:
    session = current_session(request)
    base: dict[str, Any] = {
        "app": request.app,
        "request": request,
        "user": request.get(USER),
        "csrf_token": session.csrf if session else None,
    }
    base.update(context or {})
    return aiohttp_jinja2.render_template(template, request, base, app_key=JINJA, status=status)


def bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=message)


def not_found(message: str = "Page introuvable.") -> web.HTTPNotFound:
    return web.HTTPNotFound(text=message)


async def form(request: web.Request) -> dict[str, str]:
    """The posted form as plain strings (files are refused)."""
    data = await request.post()
    values: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise bad_request("Les fichiers ne sont pas acceptés ici.")
        values[key] = value
    return values
