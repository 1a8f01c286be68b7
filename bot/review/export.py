"""Export of a filtered set of conversations: CSV (one row per message) and JSON (one object each)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import inbox, schema
from bot.review.conversation import TurnView, build_turns
from bot.review.facts import local_zone
from bot.review.filters import Cursor, InboxFilters
from bot.review.inbox import ConversationRow

BATCH = 200

CSV_COLUMNS = (
    "conversation",
    "canal",
    "debut",
    "statut",
    "etiquettes",
    "repli",
    "humain_demande",
    "eligibilite_terminee",
    "heure_message",
    "message",
    "intention",
    "confiance",
    "entites",
    "actions",
    "reponses",
)
# A cell starting with one of these is run as a formula by spreadsheet software.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, local_zone()).isoformat(timespec="seconds")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _events_by_sender(connection: Connection, sender_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    events = schema.events.c
    grouped: dict[str, list[dict[str, Any]]] = {sender_id: [] for sender_id in sender_ids}
    query = (
        sa.select(events.sender_id, events.data)
        .where(events.sender_id.in_(sender_ids))
        .order_by(events.sender_id, events.id)
    )
    for sender_id, data in connection.execute(query):
        try:
            grouped[sender_id].append(json.loads(data))
        except (TypeError, ValueError):
            continue
    return grouped


def export_batch(
    connection: Connection, filters: InboxFilters, after: Cursor | None, size: int = BATCH
) -> tuple[list[tuple[ConversationRow, list[TurnView]]], Cursor | None]:
    """The next `size` matching conversations after `after`, and where the following batch starts."""
    result = inbox.page(connection, filters, after=after, limit=size, with_total=False)
    events = _events_by_sender(connection, [row.sender_id for row in result.rows])
    return [(row, build_turns(events.get(row.sender_id, []))) for row in result.rows], result.older


def as_json(row: ConversationRow, turns: list[TurnView]) -> dict[str, Any]:
    return {
        "conversation": row.sender_id,
        "channel": row.channel,
        "started_at": iso(row.started_at),
        "last_event_at": iso(row.last_event_at),
        "turns": row.turns,
        "fallback": row.fallback,
        "min_confidence": row.min_confidence,
        "handoff": row.handoff,
        "eligibility_done": row.eligibility_done,
        "status": row.status,
        "tags": row.tags,
        "messages": [
            {
                "at": iso(turn.at),
                "text": turn.text,
                "intent": turn.intent,
                "confidence": turn.confidence,
                "entities": [{"entity": name, "value": value} for name, value in turn.entities],
                "slots": dict(turn.slots),
                "actions": turn.actions,
                "answers": turn.answers,
            }
            for turn in turns
        ],
    }


def csv_header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CSV_COLUMNS)
    return buffer.getvalue()


def csv_rows(row: ConversationRow, turns: list[TurnView]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    head = [
        row.sender_id,
        row.channel,
        iso(row.started_at),
        row.status,
        ";".join(row.tags),
        "oui" if row.fallback else "non",
        "oui" if row.handoff else "non",
        "oui" if row.eligibility_done else "non",
    ]
    for turn in turns or [TurnView()]:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    *head,
                    iso(turn.at),
                    turn.text,
                    turn.intent,
                    "" if turn.confidence is None else f"{turn.confidence:.3f}",
                    ";".join(f"{name}={value}" for name, value in turn.entities),
                    ";".join(turn.actions),
                    "\n".join(turn.answers),
                )
            ]
        )
    return buffer.getvalue()
