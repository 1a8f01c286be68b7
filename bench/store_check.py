"""Check, in the tracker database, that conversations were stored whole and in order.

For every conversation the stored user messages must be exactly those the server accepted
(HTTP 200), in the order they were sent, each once; the bot messages stored after each user
message and before the next must be exactly those returned for it. A turn the server refused
or abandoned (4xx, 503) must have left nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.client import TurnResult
from bot.channels.wording import UNAVAILABLE_TEXT
from bot.redaction import redact


@dataclass
class StoredTurn:
    user_text: str
    message_id: str | None
    bot_texts: list[str] = field(default_factory=list)


@dataclass
class StoredConversation:
    sender: str
    turns: list[StoredTurn]
    event_ids: list[int]
    slots: dict[str, object]


def load_conversation(engine: Engine, sender: str) -> StoredConversation:
    """The user and bot messages and the latest slot values of `sender`, in storage order."""
    events = sa.table(
        "events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("data")
    )
    query = (
        sa.select(events.c.id, events.c.type_name, events.c.data)
        # The REST channel stores a client's sender under its namespace (bot/channels/identity.py).
        .where(events.c.sender_id.in_([sender, f"rest:{sender}"]))
        .order_by(events.c.id)
    )
    turns: list[StoredTurn] = []
    ids: list[int] = []
    slots: dict[str, object] = {}
    rewound = False
    with engine.connect() as connection:
        for row in connection.execute(query):
            ids.append(row.id)
            data = json.loads(row.data)
            if row.type_name == "rewind":
                rewound = True
            elif row.type_name == "user":
                replay = rewound and turns and data.get("message_id") == turns[-1].message_id
                rewound = False
                # Rasa's two-stage fallback, when the user rephrases, reverts the turn and
                # stores the same message again (same id) to answer it: one turn, not two.
                if not replay:
                    turns.append(StoredTurn(data.get("text") or "", data.get("message_id")))
            elif row.type_name == "bot" and turns and data.get("text") is not None:
                turns[-1].bot_texts.append(data["text"])
            elif row.type_name == "slot":
                slots[data["name"]] = data.get("value")
            elif row.type_name == "restart":
                slots.clear()
    return StoredConversation(sender, turns, ids, slots)


def conversation_problems(
    sent: Sequence[TurnResult],
    stored: StoredConversation,
    *,
    uncertain_statuses: frozenset[int] = frozenset(),
) -> list[str]:
    """Every way `stored` differs from what the client sent and received (empty when whole).

    A turn answered with a status in `uncertain_statuses` may or may not have been stored (a
    database that dies during COMMIT cannot tell); every other non-200 turn must not be.
    """
    problems: list[str] = []
    if stored.event_ids != sorted(set(stored.event_ids)):
        problems.append(f"{stored.sender}: identifiants d'événements non croissants ou dupliqués")
    message_ids = [turn.message_id for turn in stored.turns if turn.message_id]
    if len(message_ids) != len(set(message_ids)):
        problems.append(f"{stored.sender}: message utilisateur enregistré deux fois")
    position = 0
    for index, expected in enumerate(sent, start=1):
        found = stored.turns[position] if position < len(stored.turns) else None
        if expected.ok:
            if found is None:
                problems.append(f"{stored.sender} tour {index}: {expected.text!r} accepté mais absent")
                continue
            position += 1
            if found.user_text != redact(expected.text):
                problems.append(
                    f"{stored.sender} tour {index}: stocké {found.user_text!r}, envoyé {expected.text!r}"
                )
            # Rasa's REST output splits a text answer at blank lines into several messages.
            received = "\n\n".join(text for text in expected.texts if text != UNAVAILABLE_TEXT)
            if "\n\n".join(text.strip() for text in found.bot_texts) != received:
                problems.append(
                    f"{stored.sender} tour {index}: réponses stockées {_short(found.bot_texts)} "
                    f"≠ reçues {_short(received.split(chr(10) * 2))}"
                )
        elif found is not None and found.user_text == redact(expected.text):
            # Same text as a later accepted turn (a retry): the stored message is that turn's
            # unless more messages are stored than turns remain to be accepted.
            still_accepted = sum(1 for later in sent[index:] if later.ok)
            if len(stored.turns) - position > still_accepted:
                position += 1
                if expected.status not in uncertain_statuses:
                    problems.append(
                        f"{stored.sender} tour {index}: refusé ({expected.status}) mais stocké "
                        f"{found.user_text!r}"
                    )
    if position < len(stored.turns):
        extra = [turn.user_text for turn in stored.turns[position:]]
        problems.append(f"{stored.sender}: message(s) stocké(s) en trop : {extra}")
    return problems


def all_problems(engine: Engine, conversations: Iterable[Sequence[TurnResult]]) -> list[str]:
    problems: list[str] = []
    for sent in conversations:
        if sent:
            problems += conversation_problems(sent, load_conversation(engine, sent[0].sender))
    return problems


def _short(texts: list[str]) -> str:
    return "[" + ", ".join(repr(text[:40]) for text in texts) + "]"
