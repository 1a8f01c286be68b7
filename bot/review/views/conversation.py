"""One conversation: every turn, and the reviewer's work on it (tags, notes, status, deletion)."""

from __future__ import annotations

from aiohttp import web

from bot.review import audit, maintenance
from bot.review import conversation as queries
from bot.review.conversation import WorkError
from bot.review.pages import (
    admin_only,
    bad_request,
    current_user,
    form,
    not_found,
    redirect,
    render,
    resources,
    url,
)
from bot.review.stats import OUTCOME_LABELS


def _back(request: web.Request, sender_id: str) -> web.Response:
    return redirect(url(request, "conversation", {"id": sender_id}))


def _sender(values: dict[str, str]) -> str:
    sender_id = values.get("sender_id", "")
    if not sender_id:
        raise bad_request("Conversation non précisée.")
    return sender_id


async def view(request: web.Request) -> web.Response:
    sender_id = request.query.get("id", "")
    if not sender_id:
        raise bad_request("Conversation non précisée (paramètre id).")
    state = resources(request)
    found = await state.read(queries.load, sender_id)
    if found is None:
        raise not_found("Conversation introuvable : elle a peut-être été supprimée.")
    await state.write(audit.log, current_user(request).name, audit.VIEW, sender_id)
    return render(
        request,
        "conversation.html",
        {"conversation": found, "outcome_labels": OUTCOME_LABELS},
    )


async def _work(request: web.Request, action: str) -> web.Response:
    values = await form(request)
    sender_id = _sender(values)
    state = resources(request)
    author = current_user(request).name
    tag = values.get("tag", "").strip()
    try:
        # Each change and its audit entry in one transaction. A note's text stays out of the
        # audit log (it may quote the user); its length says enough.
        if action == "tag":
            logged = audit.audited(queries.add_tag, author, audit.TAG_ADDED, sender_id, tag=tag)
            await state.write(logged, sender_id, tag, author)
            state.forget_choices()
        elif action == "untag":
            logged = audit.audited(queries.remove_tag, author, audit.TAG_REMOVED, sender_id, tag=tag)
            await state.write(logged, sender_id, tag)
        elif action == "note":
            text = values.get("text", "")
            logged = audit.audited(
                queries.add_note, author, audit.NOTE_ADDED, sender_id, chars=len(text.strip())
            )
            await state.write(logged, sender_id, text, author)
        elif action == "status":
            status = values.get("status", "")
            logged = audit.audited(queries.set_status, author, audit.STATUS_CHANGED, sender_id, status=status)
            await state.write(logged, sender_id, status)
    except WorkError as error:
        raise bad_request(str(error)) from error
    return _back(request, sender_id)


async def add_tag(request: web.Request) -> web.Response:
    return await _work(request, "tag")


async def remove_tag(request: web.Request) -> web.Response:
    return await _work(request, "untag")


async def add_note(request: web.Request) -> web.Response:
    return await _work(request, "note")


async def set_status(request: web.Request) -> web.Response:
    return await _work(request, "status")


@admin_only
async def delete(request: web.Request) -> web.Response:
    values = await form(request)
    sender_id = _sender(values)
    if values.get("confirm") != "yes":
        raise bad_request("Cochez la case de confirmation pour supprimer la conversation.")
    state = resources(request)
    await state.blocking(maintenance.delete_sender, state.engine, sender_id, current_user(request).name)
    state.forget_choices()
    return redirect(url(request, "inbox", {"deleted": "1"}))
