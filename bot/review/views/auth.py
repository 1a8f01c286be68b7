"""Sign-in, sign-out and the stylesheet (the only pages reachable without a session)."""

from __future__ import annotations

import time

from aiohttp import web

from bot.review import audit, users
from bot.review.keys import SESSION, USER
from bot.review.pages import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_ip,
    current_session,
    form,
    public,
    redirect,
    render,
    resources,
    set_cookie,
    set_session_cookie,
    url,
)
from bot.review.security import LOGIN_FORM_SECONDS, Session, new_token

WRONG_CREDENTIALS = "Nom d'utilisateur ou mot de passe incorrect."
TOO_MANY = "Trop de tentatives de connexion : réessayez dans quelques minutes."


def _safe_next(request: web.Request, target: str | None) -> str:
    """Only paths inside the review app: no open redirect to another site."""
    home = url(request, "inbox")
    base = home.rstrip("/")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return home
    if not target.startswith(base + "/"):
        return home
    return target


def _login_page(
    request: web.Request, *, status: int = 200, error: str | None = None, name: str = ""
) -> web.Response:
    token = new_token()
    response = render(
        request,
        "login.html",
        {
            "login_csrf": token,
            "error": error,
            "name": name,
            "next": _safe_next(request, request.query.get("next")),
        },
        status=status,
    )
    set_cookie(
        request, response, LOGIN_COOKIE, resources(request).codec.login_token(token), LOGIN_FORM_SECONDS
    )
    return response


@public
async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        body=resources(request).stylesheet,
        content_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@public
async def login_form(request: web.Request) -> web.StreamResponse:
    if current_session(request) is not None:
        return redirect(url(request, "inbox"))
    return _login_page(request)


@public
async def login(request: web.Request) -> web.StreamResponse:
    state = resources(request)
    values = await form(request)
    name = values.get("name", "").strip()[:64]
    password = values.get("password", "")
    address = client_ip(request)
    keys = (f"name:{name.lower()}", f"ip:{address}")
    # Recorded before the password check, so parallel attempts cannot all slip through.
    if not state.throttle.attempt(*keys):
        return _login_page(request, status=429, error=TOO_MANY, name=name)
    stored = await state.read(users.password_hash, name) if name else None
    valid = await state.blocking(state.passwords.verify, stored, password)
    user = await state.read(users.find_by_name, name) if valid else None
    if user is None or not user.active:
        # An account's name is kept (which account is being guessed is worth knowing); any
        # other name only as a keyed digest, since it may be a password typed in the wrong field.
        if stored is not None:
            actor, detail = name, {}
        else:
            actor, detail = audit.UNKNOWN_ACTOR, {"name_digest": state.codec.name_digest(name)}
        await state.write(audit.log, actor, audit.LOGIN_FAILED, address, **detail)
        return _login_page(request, status=401, error=WRONG_CREDENTIALS, name=name)
    state.throttle.clear(*keys)
    now = time.time()
    session = Session(user_id=user.id, epoch=user.epoch, csrf=new_token(), login_at=now, issued_at=now)
    await state.write(audit.log, user.name, audit.LOGIN, address)
    response = redirect(_safe_next(request, values.get("next")))
    set_session_cookie(request, response, state.codec.encode(session))
    clear_cookie(request, response, LOGIN_COOKIE)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """Ends the session; bumping the account's epoch also voids copies of the cookie."""
    user = request.get(USER)
    if user is not None:
        logged = audit.audited(users.bump_epoch, user.name, audit.LOGOUT, client_ip(request))
        await resources(request).write(logged, user.id)
    request[SESSION] = None
    response = redirect(url(request, "login"))
    clear_cookie(request, response, SESSION_COOKIE)
    return response
