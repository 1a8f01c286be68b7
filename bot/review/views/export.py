"""CSV and JSON export of the conversations matching the inbox filters (administrators)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.review import audit, inbox
from bot.review import export as exporting
from bot.review.facts import local_zone
from bot.review.filters import Cursor, FilterError, InboxFilters
from bot.review.pages import admin_only, bad_request, current_user, resources

EXPORT_COUNT_CAP = 10_000_000


async def _stream(
    request: web.Request,
    *,
    extension: str,
    content_type: str,
    opening: str,
    render_one: Callable[[int, exporting.ConversationRow, list[exporting.TurnView]], str],
    closing: str,
) -> web.StreamResponse:
    try:
        filters = InboxFilters.parse(request.query)
    except FilterError as error:
        raise bad_request(str(error)) from error
    state = resources(request)
    # Logged before the first byte: an interrupted download is still an export.
    total, _ = await state.read(inbox.count, filters, EXPORT_COUNT_CAP)
    await state.write(
        audit.log,
        current_user(request).name,
        audit.EXPORT,
        extension,
        conversations=total,
        **filters.as_query(),
    )
    stamp = datetime.now(local_zone()).strftime("%Y%m%d-%H%M")
    response = web.StreamResponse(
        headers={
            "Content-Type": f"{content_type}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="conversations-{stamp}.{extension}"',
        }
    )
    await response.prepare(request)
    await response.write(opening.encode())
    after: Cursor | None = None
    written = 0
    while True:
        # One batch per worker-thread call keeps memory flat and the event loop free.
        batch, after = await state.read(exporting.export_batch, filters, after)
        for row, turns in batch:
            await response.write(render_one(written, row, turns).encode())
            written += 1
        if after is None or not batch:
            break
    await response.write(closing.encode())
    await response.write_eof()
    return response


@admin_only
async def csv_export(request: web.Request) -> web.StreamResponse:
    return await _stream(
        request,
        extension="csv",
        content_type="text/csv",
        # The BOM lets spreadsheet software read the accents as UTF-8.
        opening="\ufeff" + exporting.csv_header(),
        render_one=lambda index, row, turns: exporting.csv_rows(row, turns),
        closing="",
    )


@admin_only
async def json_export(request: web.Request) -> web.StreamResponse:
    def one(index: int, row: exporting.ConversationRow, turns: list[exporting.TurnView]) -> str:
        prefix = "\n" if index == 0 else ",\n"
        return prefix + json.dumps(exporting.as_json(row, turns), ensure_ascii=False)

    return await _stream(
        request,
        extension="json",
        content_type="application/json",
        opening="[",
        render_one=one,
        closing="\n]\n",
    )
