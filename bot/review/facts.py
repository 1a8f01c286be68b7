"""What the review tool needs to know about a conversation, derived from Rasa events.

:func:`summarise` reads serialised events (already redacted) and :func:`record` merges them
into the summary tables in the caller's transaction. The merge is incremental and expressed
in SQL (turns are added, flags are OR-ed, the lowest confidence is kept), so two Rasa
instances saving at the same time cannot lose each other's update.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions import names
from bot.review import schema
from bot.review.db import insert_ignore, upsert

# Below this, a message is worth a reviewer's look even when no fallback fired.
LOW_CONFIDENCE = 0.7
GROUP_KEY_LENGTH = 200
TIMEZONE = "Europe/Paris"


@lru_cache(maxsize=1)
def local_zone() -> ZoneInfo:
    return ZoneInfo(TIMEZONE)


def day_of(timestamp: float) -> str:
    """The calendar day in France of a Unix timestamp, as YYYY-MM-DD."""
    return datetime.fromtimestamp(timestamp, local_zone()).date().isoformat()


def day_bounds(first: date, last: date) -> tuple[float, float]:
    """Unix timestamps of the start of `first` and the end of `last`, French time."""
    zone = local_zone()
    start = datetime.combine(first, time.min, zone).timestamp()
    end = datetime.combine(last + timedelta(days=1), time.min, zone).timestamp()
    return start, end


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces.

    "C'est QUOI une CPTS ?" becomes "c est quoi une cpts".
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+|_", " ", stripped).split())


def is_payload(text: str) -> bool:
    """Button payloads such as "/ask_funding{...}" are not text a person typed."""
    return text.startswith("/")


@dataclass
class TurnFacts:
    ts: float
    text: str
    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    channel: str | None = None
    fallback: bool = False

    @property
    def payload(self) -> bool:
        return is_payload(self.text)

    @property
    def doubtful(self) -> bool:
        if self.payload:
            return False
        return self.fallback or (self.confidence is not None and self.confidence < LOW_CONFIDENCE)


@dataclass
class ConversationDelta:
    """Facts carried by a batch of new events of one conversation."""

    sender_id: str
    started_at: float | None = None
    last_event_at: float | None = None
    channel: str | None = None
    turns: list[TurnFacts] = field(default_factory=list)
    fallback: bool = False
    handoff: bool = False
    eligibility_done: bool = False
    structures: set[str] = field(default_factory=set)
    eligibility: dict[str, str] | None = None
    # A fallback action arrived before any user message of this batch: it answers the last
    # message already stored.
    fallback_on_stored_turn: bool = False

    @property
    def min_confidence(self) -> float | None:
        values = [turn.confidence for turn in self.turns if turn.confidence is not None and not turn.payload]
        return min(values) if values else None


def classifier_confidence(parse_data: dict[str, Any]) -> tuple[str | None, float | None]:
    """The predicted intent and how sure the classifier was.

    When the FallbackClassifier replaced the prediction with `nlu_fallback`, its confidence
    is the threshold, not a measure; the best real intent of the ranking tells more.
    """
    intent = parse_data.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    if name == names.NLU_FALLBACK:
        ranked = [
            item for item in parse_data.get("intent_ranking") or [] if item.get("name") != names.NLU_FALLBACK
        ]
        if ranked:
            confidence = ranked[0].get("confidence")
    return name, float(confidence) if isinstance(confidence, int | float) else None


def _structure_ids(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [item.strip().lower()[:64] for item in values if isinstance(item, str) and item.strip()]


def parse_eligibility(value: Any) -> dict[str, str] | None:
    """`{"esp": "accessible", …}` from the eligibility_result slot, or None if unreadable."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    return {str(key)[:64]: str(outcome)[:32] for key, outcome in value.items() if isinstance(outcome, str)}


def summarise(sender_id: str, events: Iterable[dict[str, Any]]) -> ConversationDelta:
    delta = ConversationDelta(sender_id)
    for event in events:
        kind = event.get("event")
        timestamp = event.get("timestamp")
        if isinstance(timestamp, int | float):
            delta.started_at = timestamp if delta.started_at is None else min(delta.started_at, timestamp)
            delta.last_event_at = (
                timestamp if delta.last_event_at is None else max(delta.last_event_at, timestamp)
            )
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent, confidence = classifier_confidence(parse_data)
            entities = [
                {key: entity.get(key) for key in ("entity", "value", "start", "end") if key in entity}
                for entity in parse_data.get("entities") or []
                if isinstance(entity, dict)
            ]
            turn = TurnFacts(
                ts=float(timestamp) if isinstance(timestamp, int | float) else 0.0,
                text=str(event.get("text") or ""),
                intent=intent,
                confidence=confidence,
                entities=entities,
                channel=event.get("input_channel"),
                fallback=intent == names.NLU_FALLBACK,
            )
            delta.turns.append(turn)
            delta.channel = delta.channel or turn.channel
            delta.fallback = delta.fallback or turn.fallback
            delta.handoff = delta.handoff or intent == names.HUMAN_HANDOFF
            for entity in entities:
                if entity.get("entity") == names.ENTITY_STRUCTURE:
                    delta.structures.update(_structure_ids(entity.get("value")))
        elif kind == "action":
            name = event.get("name")
            if name in names.FALLBACK_ACTIONS:
                delta.fallback = True
                if delta.turns:
                    delta.turns[-1].fallback = True
                else:
                    delta.fallback_on_stored_turn = True
            elif name == names.ACTION_ELIGIBILITY_VERDICT:
                delta.eligibility_done = True
        elif kind == "slot":
            if event.get("name") == names.STRUCTURE:
                delta.structures.update(_structure_ids(event.get("value")))
            elif event.get("name") == names.HANDOFF_REQUESTED and event.get("value") is True:
                delta.handoff = True
            elif event.get("name") == names.ELIGIBILITY_RESULT and event.get("value") is not None:
                outcomes = parse_eligibility(event.get("value"))
                if outcomes:
                    delta.eligibility = outcomes
    return delta


def conversation_row(delta: ConversationDelta, status: str = "new") -> dict[str, Any]:
    """The conversations-table row of a conversation seen for the first time."""
    return {
        "sender_id": delta.sender_id,
        "channel": delta.channel,
        "started_at": delta.started_at,
        "started_day": day_of(delta.started_at),
        "last_event_at": delta.last_event_at,
        "turns": len(delta.turns),
        "fallback": delta.fallback,
        "min_confidence": delta.min_confidence,
        "handoff": delta.handoff,
        "eligibility_done": delta.eligibility_done,
        "status": status,
    }


def turn_row(sender_id: str, turn: TurnFacts) -> dict[str, Any]:
    search = normalise(turn.text)
    return {
        "sender_id": sender_id,
        "ts": turn.ts,
        "day": day_of(turn.ts),
        "text": turn.text,
        "search": search,
        "group_key": search[:GROUP_KEY_LENGTH],
        "intent": turn.intent,
        "confidence": turn.confidence,
        "entities": json.dumps(turn.entities, ensure_ascii=False) if turn.entities else None,
        "fallback": turn.fallback,
        "doubtful": turn.doubtful,
        "payload": turn.payload,
    }


def record(connection: Connection, delta: ConversationDelta) -> None:
    """Merge `delta` into the summary tables, inside the caller's transaction."""
    if delta.started_at is None or delta.last_event_at is None:
        return
    table = schema.conversations

    def merge(excluded: Any) -> dict[str, Any]:
        current = table.c
        return {
            "channel": sa.func.coalesce(current.channel, excluded.channel),
            "started_at": sa.case(
                (excluded.started_at < current.started_at, excluded.started_at), else_=current.started_at
            ),
            "started_day": sa.case(
                (excluded.started_at < current.started_at, excluded.started_day), else_=current.started_day
            ),
            "last_event_at": sa.case(
                (excluded.last_event_at > current.last_event_at, excluded.last_event_at),
                else_=current.last_event_at,
            ),
            "turns": current.turns + excluded.turns,
            "fallback": sa.or_(current.fallback, excluded.fallback),
            "handoff": sa.or_(current.handoff, excluded.handoff),
            "eligibility_done": sa.or_(current.eligibility_done, excluded.eligibility_done),
            "min_confidence": sa.case(
                (current.min_confidence.is_(None), excluded.min_confidence),
                (excluded.min_confidence.is_(None), current.min_confidence),
                (excluded.min_confidence < current.min_confidence, excluded.min_confidence),
                else_=current.min_confidence,
            ),
        }

    upsert(connection, table, [conversation_row(delta)], ["sender_id"], merge)
    if delta.fallback_on_stored_turn:
        last_turn = (
            sa.select(sa.func.max(schema.turns.c.id))
            .where(schema.turns.c.sender_id == delta.sender_id)
            .scalar_subquery()
        )
        connection.execute(
            schema.turns.update()
            .where(schema.turns.c.id == last_turn)
            .values(fallback=True, doubtful=sa.not_(schema.turns.c.payload))
        )
    if delta.turns:
        connection.execute(schema.turns.insert(), [turn_row(delta.sender_id, turn) for turn in delta.turns])
    insert_ignore(
        connection,
        schema.structures,
        [{"structure": structure, "sender_id": delta.sender_id} for structure in sorted(delta.structures)],
    )
    if delta.eligibility:
        upsert(
            connection,
            schema.eligibility,
            [
                {"sender_id": delta.sender_id, "structure": structure, "outcome": outcome}
                for structure, outcome in sorted(delta.eligibility.items())
            ],
            ["sender_id", "structure"],
        )
