"""The inbox: conversations newest first, filters, keyset pagination."""

from __future__ import annotations

from aiohttp import web

from bot.review import inbox as queries
from bot.review.filters import Cursor, FilterError, InboxFilters
from bot.review.pages import bad_request, render, resources


async def inbox(request: web.Request) -> web.Response:
    state = resources(request)
    try:
        filters = InboxFilters.parse(request.query)
        after = Cursor.decode(request.query["after"]) if request.query.get("after") else None
        before = Cursor.decode(request.query["before"]) if request.query.get("before") else None
    except FilterError as error:
        raise bad_request(str(error)) from error
    page = await state.read(queries.page, filters, after=after, before=before)
    choices = state.cached_choices()
    if choices is None:
        choices = await state.read(queries.choices)
        state.remember_choices(choices)
    return render(
        request,
        "inbox.html",
        {
            "page": page,
            "filters": filters,
            "query": filters.as_query(),
            "choices": choices,
            "intents": state.intents,
        },
    )
