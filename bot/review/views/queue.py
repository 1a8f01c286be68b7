"""The misunderstood queue: assign the right intent to groups of messages; NLU download."""

from __future__ import annotations

from aiohttp import web

from bot.review import audit, nlu_export
from bot.review import queue as queries
from bot.review.pages import admin_only, bad_request, current_user, form, redirect, render, resources, url
from bot.review.queue import LABELLED, PENDING, LabelError

GROUPS_PER_PAGE = 30


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError as error:
        raise bad_request("Numéro de page invalide.") from error
    if number < 1:
        raise bad_request("Numéro de page invalide.")
    return number


async def view(request: web.Request) -> web.Response:
    state_name = request.query.get("state", PENDING)
    if state_name not in (PENDING, LABELLED):
        raise bad_request("Vue inconnue : « pending » ou « labelled » attendu.")
    number = _page_number(request.query.get("page"))
    state = resources(request)
    groups, total = await state.read(
        queries.groups, state=state_name, limit=GROUPS_PER_PAGE, offset=(number - 1) * GROUPS_PER_PAGE
    )
    return render(
        request,
        "queue.html",
        {
            "groups": groups,
            "total": total,
            "state": state_name,
            "page_number": number,
            "has_next": number * GROUPS_PER_PAGE < total,
            "intents": state.intents,
            "ignore": queries.IGNORE,
        },
    )


def _back(request: web.Request, values: dict[str, str]) -> web.Response:
    state_name = values.get("state") if values.get("state") in (PENDING, LABELLED) else PENDING
    return redirect(url(request, "queue", {"state": state_name, "page": values.get("page") or "1"}))


async def label(request: web.Request) -> web.Response:
    values = await form(request)
    key = values.get("group_key", "")
    intent = values.get("intent", "")
    if not key or not intent:
        raise bad_request("Choisissez une intention pour ce groupe de messages.")
    state = resources(request)
    try:
        actor = current_user(request).name
        logged = audit.audited(queries.assign, actor, audit.LABEL_SET, key, intent=intent)
        await state.write(logged, key, intent, actor, state.intents)
    except LabelError as error:
        raise bad_request(str(error)) from error
    return _back(request, values)


async def unlabel(request: web.Request) -> web.Response:
    values = await form(request)
    key = values.get("group_key", "")
    logged = audit.audited(queries.unassign, current_user(request).name, audit.LABEL_REMOVED, key)
    await resources(request).write(logged, key)
    return _back(request, values)


@admin_only
async def export_nlu(request: web.Request) -> web.Response:
    state = resources(request)
    examples = await state.read(queries.labelled_examples)
    existing = await state.blocking(nlu_export.existing_examples, state.nlu_dir)
    text, stats = nlu_export.render(examples, existing)
    await state.write(
        audit.log,
        current_user(request).name,
        audit.EXPORT,
        "nlu.yml",
        intents=stats.intents,
        examples=stats.examples,
    )
    return web.Response(
        text=text,
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="review_nlu.yml"'},
    )
