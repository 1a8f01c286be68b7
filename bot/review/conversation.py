"""One conversation for the conversation view, and the reviewer's work on it (tags, notes, status)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions import names
from bot.review import schema
from bot.review.facts import LOW_CONFIDENCE, classifier_confidence
from bot.review.filters import STATUSES
from bot.review.inbox import ConversationRow, conversation_row

TAG_PATTERN = re.compile(r"[\w][\w \-]{0,39}")
MAX_NOTE = 2000
# Actions that carry no information for a reader of the conversation.
HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})


class WorkError(ValueError):
    """A refused change (bad tag, empty note…); the message is shown as is."""


@dataclass
class TurnView:
    """One user message and everything the assistant did until the next one."""

    at: float | None = None
    text: str | None = None
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)
    slots: list[tuple[str, str]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    new_session: bool = False
    fallback: bool = False

    @property
    def weak(self) -> bool:
        """The classifier's confidence is below the review threshold."""
        return self.text is not None and self.confidence is not None and self.confidence < LOW_CONFIDENCE

    @property
    def low_confidence(self) -> bool:
        """Highlighted in the view: a weak prediction or a fallback."""
        return self.text is not None and (self.fallback or self.weak)


@dataclass
class Note:
    author: str
    text: str
    created_at: float


@dataclass
class Conversation:
    summary: ConversationRow
    turns: list[TurnView]
    notes: list[Note]
    structures: list[str]
    eligibility: dict[str, str]


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:299] + "…"


def build_turns(events: list[dict[str, Any]]) -> list[TurnView]:
    """Group serialised events into turns; events before the first message form a turn of their own."""
    turns: list[TurnView] = []
    current = TurnView()
    pending_session = False
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            # The first session is the conversation's start, not worth a separator.
            pending_session = bool(turns) or current.text is not None
            continue
        if kind == "user":
            if current.text is not None or current.actions or current.answers or current.slots:
                turns.append(current)
            parse_data = event.get("parse_data") or {}
            intent, confidence = classifier_confidence(parse_data)
            current = TurnView(
                at=event.get("timestamp"),
                text=str(event.get("text") or ""),
                intent=intent,
                confidence=confidence,
                ranking=[
                    (str(item.get("name")), float(item.get("confidence") or 0.0))
                    for item in (parse_data.get("intent_ranking") or [])[:3]
                ],
                entities=[
                    (str(entity.get("entity")), _short(entity.get("value")))
                    for entity in parse_data.get("entities") or []
                    if isinstance(entity, dict)
                ],
                new_session=pending_session,
                fallback=intent == names.NLU_FALLBACK,
            )
            pending_session = False
        elif kind == "action":
            name = str(event.get("name") or "")
            if name in names.FALLBACK_ACTIONS:
                current.fallback = True
            if name not in HIDDEN_ACTIONS:
                current.actions.append(name)
        elif kind == "bot":
            text = event.get("text") or ""
            buttons = (event.get("data") or {}).get("buttons") or []
            titles = [str(button.get("title")) for button in buttons if isinstance(button, dict)]
            if titles:
                text = f"{text}\n[boutons : {' | '.join(titles)}]".strip()
            if text:
                current.answers.append(text)
        elif kind == "slot":
            current.slots.append((str(event.get("name")), _short(event.get("value"))))
    if current.text is not None or current.actions or current.answers or current.slots:
        turns.append(current)
    return turns


def summary(connection: Connection, sender_id: str) -> ConversationRow | None:
    row = connection.execute(
        sa.select(schema.conversations).where(schema.conversations.c.sender_id == sender_id)
    ).first()
    return conversation_row(row) if row else None


def load(connection: Connection, sender_id: str) -> Conversation | None:
    head = summary(connection, sender_id)
    if head is None:
        return None
    events = schema.events.c
    rows = connection.execute(
        sa.select(events.data).where(events.sender_id == sender_id).order_by(events.id)
    ).scalars()
    parsed = []
    for data in rows:
        try:
            parsed.append(json.loads(data))
        except (TypeError, ValueError):
            continue
    head.tags = list(
        connection.execute(
            sa.select(schema.tags.c.tag)
            .where(schema.tags.c.sender_id == sender_id)
            .order_by(schema.tags.c.tag)
        ).scalars()
    )
    notes = [
        Note(row.author, row.text, row.created_at)
        for row in connection.execute(
            sa.select(schema.notes)
            .where(schema.notes.c.sender_id == sender_id)
            .order_by(schema.notes.c.created_at, schema.notes.c.id)
        )
    ]
    structures = list(
        connection.execute(
            sa.select(schema.structures.c.structure)
            .where(schema.structures.c.sender_id == sender_id)
            .order_by(schema.structures.c.structure)
        ).scalars()
    )
    outcomes = {
        row.structure: row.outcome
        for row in connection.execute(
            sa.select(schema.eligibility).where(schema.eligibility.c.sender_id == sender_id)
        )
    }
    return Conversation(head, build_turns(parsed), notes, structures, outcomes)


def _require(connection: Connection, sender_id: str) -> None:
    if summary(connection, sender_id) is None:
        raise WorkError("Conversation introuvable.")


def clean_tag(tag: str) -> str:
    tag = " ".join(tag.split())
    if not TAG_PATTERN.fullmatch(tag):
        raise WorkError(
            "Étiquette invalide : 1 à 40 caractères (lettres, chiffres, espaces, « - » ou « _ »)."
        )
    return tag.lower()


def add_tag(connection: Connection, sender_id: str, tag: str, author: str) -> str:
    tag = clean_tag(tag)
    _require(connection, sender_id)
    exists = connection.execute(
        sa.select(schema.tags.c.tag).where(schema.tags.c.sender_id == sender_id, schema.tags.c.tag == tag)
    ).first()
    if exists is None:
        connection.execute(
            schema.tags.insert().values(tag=tag, sender_id=sender_id, author=author, created_at=time.time())
        )
    return tag


def remove_tag(connection: Connection, sender_id: str, tag: str) -> None:
    connection.execute(
        schema.tags.delete().where(schema.tags.c.sender_id == sender_id, schema.tags.c.tag == tag)
    )


def add_note(connection: Connection, sender_id: str, text: str, author: str) -> None:
    text = text.strip()
    if not text:
        raise WorkError("La note est vide.")
    if len(text) > MAX_NOTE:
        raise WorkError(f"La note dépasse {MAX_NOTE} caractères.")
    _require(connection, sender_id)
    connection.execute(
        schema.notes.insert().values(sender_id=sender_id, author=author, text=text, created_at=time.time())
    )


def set_status(connection: Connection, sender_id: str, status: str) -> None:
    if status not in STATUSES:
        raise WorkError(f"Statut inconnu : {status!r}.")
    result = connection.execute(
        schema.conversations.update()
        .where(schema.conversations.c.sender_id == sender_id)
        .values(status=status)
    )
    if result.rowcount == 0:
        raise WorkError("Conversation introuvable.")
