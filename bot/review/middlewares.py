"""Middlewares, outermost first: security headers, error pages, sessions and roles, CSRF."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from aiohttp import web

from bot.review import users
from bot.review.keys import SESSION, USER
from bot.review.pages import (
    ADMIN,
    LOGIN_COOKIE,
    PUBLIC,
    SESSION_COOKIE,
    Handler,
    access_of,
    clear_cookie,
    current_session,
    form,
    prefix,
    redirect,
    render,
    resources,
    set_session_cookie,
    url,
)
from bot.review.security import SESSION_REFRESH_SECONDS, tokens_match

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Pages are server-rendered with no script at all; charts are inline SVG.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DEFAULT_MESSAGES = {
    400: "Requête invalide.",
    401: "Session absente ou expirée : reconnectez-vous.",
    403: "Accès refusé.",
    404: "Page introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    413: "Requête trop volumineuse.",
    429: "Trop de tentatives : réessayez plus tard.",
}
CSRF_MESSAGE = "Jeton de sécurité (CSRF) absent ou invalide : rechargez la page et recommencez."


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Pages show personal data: nothing is kept by the browser or a proxy.
    headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """4xx and 5xx become a French page with the reason; never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        if error.status == 404 and request.method in SAFE_METHODS and request.path == prefix(request):
            # "/review" without the trailing slash: the inbox.
            return redirect(url(request, "inbox"))
        default = f"{error.status}: {error.reason}"
        message = error.text if error.text and error.text != default else None
        return _error_page(request, error.status, message or DEFAULT_MESSAGES.get(error.status, error.reason))
    except Exception:
        logger.exception("Review app error on %s %s", request.method, request.path)
        return _error_page(request, 500, "Erreur interne : l'incident a été enregistré, réessayez plus tard.")


def _error_page(request: web.Request, status: int, message: str) -> web.StreamResponse:
    try:
        return render(request, "error.html", {"status": status, "message": message}, status=status)
    except Exception:
        logger.exception("Review app could not render its error page")
        return web.Response(status=status, text=message, content_type="text/plain")


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Reads the session cookie, loads the account, enforces the handler's access level."""
    state = resources(request)
    request[USER] = None
    request[SESSION] = None
    token = request.cookies.get(SESSION_COOKIE)
    stale = False
    if token:
        session = state.codec.decode(token)
        user = await state.read(users.get_user, session.user_id) if session else None
        if session and user and user.active and user.epoch == session.epoch:
            request[USER] = user
            request[SESSION] = session
        else:
            stale = True
    access = access_of(handler)
    if access != PUBLIC and request[USER] is None:
        if request.method in SAFE_METHODS:
            response = redirect(url(request, "login", {"next": request.path_qs}))
            if stale:
                clear_cookie(request, response, SESSION_COOKIE)
            return response
        raise web.HTTPUnauthorized(text=DEFAULT_MESSAGES[401])
    if access == ADMIN and not request[USER].is_admin:
        raise web.HTTPForbidden(text="Accès réservé aux administrateurs.")
    loaded = request[SESSION]
    response = await handler(request)
    # Sliding expiry; a handler that ended the session (sign-out) sets request[SESSION] to None.
    if (
        loaded is not None
        and current_session(request) is loaded
        and not response.prepared
        and time.time() - loaded.issued_at > SESSION_REFRESH_SECONDS
    ):
        set_session_cookie(request, response, state.codec.encode(loaded))
    return response


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every state-changing request carries the session's token (the sign-in form, its own)."""
    if request.method in SAFE_METHODS:
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise web.HTTPForbidden(text="Requête d'une autre origine refusée.")
    values = await form(request)
    given = values.get("csrf_token") or request.headers.get("X-CSRF-Token")
    session = current_session(request)
    if session is not None:
        expected: str | None = session.csrf
    else:
        expected = resources(request).codec.read_login_token(request.cookies.get(LOGIN_COOKIE, ""))
    if not tokens_match(expected, given):
        raise web.HTTPForbidden(text=CSRF_MESSAGE)
    return await handler(request)
