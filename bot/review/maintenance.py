"""Deleting conversations: one sender's on request, or all those past the retention period."""

from __future__ import annotations

import time
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.redaction import redaction_key, stored_sender_id
from bot.review import audit, schema

BATCH = 500
DAY_SECONDS = 86_400


def delete_senders(engine: Engine, sender_ids: Iterable[str]) -> int:
    """Remove every stored row of these conversations; returns how many events went."""
    removed = 0
    batch: list[str] = []

    def flush() -> int:
        with engine.begin() as connection:
            count = 0
            # The tombstone first, in the same transaction: a turn in flight cannot write the
            # conversation back once the deletion is committed (see bot.tracker_store).
            erased_at = time.time()
            connection.execute(schema.erasures.delete().where(schema.erasures.c.sender_id.in_(batch)))
            connection.execute(
                schema.erasures.insert(),
                [{"sender_id": sender, "erased_at": erased_at} for sender in dict.fromkeys(batch)],
            )
            for table in schema.PER_CONVERSATION:
                result = connection.execute(table.delete().where(table.c.sender_id.in_(batch)))
                if table is schema.events:
                    count = result.rowcount
            return count

    for sender_id in sender_ids:
        batch.append(sender_id)
        if len(batch) >= BATCH:
            removed += flush()
            batch = []
    if batch:
        removed += flush()
    return removed


def delete_sender(engine: Engine, sender_id: str, actor: str) -> int:
    """Delete one person's conversation (right to erasure) and record who did it.

    A sender id that is an e-mail or a phone number is stored under a pseudonym (see
    bot.redaction.stored_sender_id): both are deleted, so the raw id a person gives works.
    """
    removed = delete_senders(engine, dict.fromkeys([sender_id, stored_sender_id(sender_id, redaction_key())]))
    with engine.begin() as connection:
        audit.log(connection, actor, audit.DELETE, sender_id, events=removed)
    return removed


def expired_senders(engine: Engine, days: int) -> list[str]:
    """Conversations whose last event is older than `days` days.

    Read from the events themselves rather than the summary, so conversations stored before
    the summary existed are not kept forever.
    """
    cutoff = time.time() - days * DAY_SECONDS
    events = schema.events.c
    query = (
        sa.select(events.sender_id).group_by(events.sender_id).having(sa.func.max(events.timestamp) < cutoff)
    )
    conv = schema.conversations.c
    summary_only = sa.select(conv.sender_id).where(
        conv.last_event_at < cutoff, ~sa.exists().where(events.sender_id == conv.sender_id)
    )
    with engine.connect() as connection:
        found = list(connection.execute(query).scalars())
        found += list(connection.execute(summary_only).scalars())
    return found


def apply_retention(engine: Engine, days: int, actor: str) -> tuple[int, int]:
    """Delete conversations inactive for more than `days` days: (conversations, events) removed."""
    if days < 1:
        raise ValueError("La durée de conservation doit être d'au moins 1 jour.")
    senders = expired_senders(engine, days)
    removed = delete_senders(engine, senders)
    with engine.begin() as connection:
        # A tombstone only matters while a turn loaded before the deletion may still be
        # running (seconds): a day-old one guards nothing.
        connection.execute(
            schema.erasures.delete().where(schema.erasures.c.erased_at < time.time() - DAY_SECONDS)
        )
        audit.log(
            connection, actor, audit.RETENTION, f"{days} jours", conversations=len(senders), events=removed
        )
    return len(senders), removed
