"""The inbox query: one page of conversations, newest first, with keyset pagination.

Pages are addressed by the (started_at, sender_id) of their edge rows rather than by an
offset, so page 2,000 costs the same index range scan as page 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema
from bot.review.filters import Cursor, InboxFilters

PAGE_SIZE = 50
# Counting stops here: "more than 10,000" is all a reviewer needs and it keeps counts fast.
COUNT_CAP = 10_000


@dataclass
class ConversationRow:
    sender_id: str
    channel: str | None
    started_at: float
    last_event_at: float
    turns: int
    fallback: bool
    min_confidence: float | None
    handoff: bool
    eligibility_done: bool
    status: str
    tags: list[str] = field(default_factory=list)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.started_at, self.sender_id)


@dataclass
class Page:
    rows: list[ConversationRow]
    newer: Cursor | None
    older: Cursor | None
    total: int
    total_capped: bool


def conversation_row(row: sa.engine.Row) -> ConversationRow:
    return ConversationRow(
        sender_id=row.sender_id,
        channel=row.channel,
        started_at=row.started_at,
        last_event_at=row.last_event_at,
        turns=row.turns,
        fallback=bool(row.fallback),
        min_confidence=row.min_confidence,
        handoff=bool(row.handoff),
        eligibility_done=bool(row.eligibility_done),
        status=row.status,
    )


def count(connection: Connection, filters: InboxFilters, cap: int = COUNT_CAP) -> tuple[int, bool]:
    conv = schema.conversations
    capped = sa.select(conv.c.sender_id).where(*filters.conditions()).limit(cap + 1).subquery()
    total = int(connection.execute(sa.select(sa.func.count()).select_from(capped)).scalar() or 0)
    return min(total, cap), total > cap


def page(
    connection: Connection,
    filters: InboxFilters,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
    with_total: bool = True,
) -> Page:
    """Conversations older than `after` (next page) or newer than `before` (previous page)."""
    conv = schema.conversations.c
    key = sa.tuple_(conv.started_at, conv.sender_id)
    query = sa.select(schema.conversations).where(*filters.conditions())
    if before is not None:
        query = query.where(key > sa.tuple_(before.started_at, before.sender_id))
        query = query.order_by(conv.started_at.asc(), conv.sender_id.asc())
    else:
        if after is not None:
            query = query.where(key < sa.tuple_(after.started_at, after.sender_id))
        query = query.order_by(conv.started_at.desc(), conv.sender_id.desc())
    rows = [conversation_row(row) for row in connection.execute(query.limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    if before is not None:
        rows.reverse()
        newer = rows[0].cursor if more and rows else None
        older = rows[-1].cursor if rows else None
    else:
        newer = rows[0].cursor if after is not None and rows else None
        older = rows[-1].cursor if more and rows else None
    attach_tags(connection, rows)
    total, capped = count(connection, filters) if with_total else (len(rows), False)
    return Page(rows, newer, older, total, capped)


def attach_tags(connection: Connection, rows: list[ConversationRow]) -> None:
    if not rows:
        return
    by_sender = {row.sender_id: row for row in rows}
    tags = schema.tags.c
    query = sa.select(tags.sender_id, tags.tag).where(tags.sender_id.in_(list(by_sender))).order_by(tags.tag)
    for sender_id, tag in connection.execute(query):
        by_sender[sender_id].tags.append(tag)


def choices(connection: Connection) -> dict[str, list[str]]:
    """Values offered in the filter drop-downs."""
    conv = schema.conversations.c
    channels = connection.execute(
        sa.select(conv.channel).where(conv.channel.is_not(None)).distinct().order_by(conv.channel)
    ).scalars()
    structures = connection.execute(
        sa.select(schema.structures.c.structure).distinct().order_by(schema.structures.c.structure)
    ).scalars()
    tags = connection.execute(sa.select(schema.tags.c.tag).distinct().order_by(schema.tags.c.tag)).scalars()
    return {"channels": list(channels), "structures": list(structures), "tags": list(tags)}
