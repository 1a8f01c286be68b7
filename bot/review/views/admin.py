"""Administrators: staff accounts and the audit log."""

from __future__ import annotations

from aiohttp import web

from bot.review import audit, users
from bot.review.pages import admin_only, bad_request, current_user, form, redirect, render, resources, url
from bot.review.users import AccountError

AUDIT_PAGE = 100


@admin_only
async def users_page(request: web.Request) -> web.Response:
    accounts = await resources(request).read(users.list_users)
    return render(
        request,
        "users.html",
        {"accounts": accounts, "roles": users.ROLE_LABELS, "done": request.query.get("done")},
    )


@admin_only
async def create_user(request: web.Request) -> web.Response:
    values = await form(request)
    state = resources(request)
    name = values.get("name", "").strip()
    role = values.get("role", "")
    password = values.get("password", "")
    if password != values.get("password_again", ""):
        raise bad_request("Les deux mots de passe diffèrent.")
    try:
        # Hashing is slow on purpose: done in a worker thread with the insert.
        await state.write(users.create_user, state.passwords, name, password, role)
    except AccountError as error:
        raise bad_request(str(error)) from error
    await state.write(audit.log, current_user(request).name, audit.USER_CREATED, name, role=role)
    return redirect(url(request, "users", {"done": "created"}))


@admin_only
async def update_user(request: web.Request) -> web.Response:
    values = await form(request)
    state = resources(request)
    me = current_user(request)
    try:
        user_id = int(values.get("user_id", ""))
    except ValueError as error:
        raise bad_request("Compte non précisé.") from error
    role = values.get("role") or None
    active = {"yes": True, "no": False}.get(values.get("active", ""))
    if user_id == me.id and (active is False or (role is not None and role != users.ADMIN)):
        raise bad_request(
            "Vous ne pouvez ni désactiver votre propre compte ni retirer votre rôle d'administrateur."
        )
    try:
        updated = await state.write(users.update_user, user_id, role=role, active=active)
    except AccountError as error:
        raise bad_request(str(error)) from error
    await state.write(
        audit.log,
        me.name,
        audit.USER_UPDATED,
        updated.name,
        role=updated.role,
        active=updated.active,
    )
    return redirect(url(request, "users", {"done": "updated"}))


@admin_only
async def audit_page(request: web.Request) -> web.Response:
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError as error:
        raise bad_request("Numéro de page invalide.") from error
    entries = await resources(request).read(
        audit.entries, limit=AUDIT_PAGE + 1, offset=(number - 1) * AUDIT_PAGE
    )
    return render(
        request,
        "audit.html",
        {"entries": entries[:AUDIT_PAGE], "page_number": number, "has_next": len(entries) > AUDIT_PAGE},
    )
