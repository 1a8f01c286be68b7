"""Synthetic review data: 100,000 conversations as the tracker store would have saved them.

Events are built as Rasa serialises them, redacted and summarised by the same functions as
`RedactingTrackerStore`, then bulk-inserted (the store's one-by-one `save` would take hours).
The seed is fixed, so the same count gives the same database. Used by bench/review_inbox.py.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import sqlalchemy as sa

from bot.redaction import redact_event
from bot.review import schema
from bot.review.facts import conversation_row, summarise, turn_row

DAY = 86_400.0
CHANNELS = ["socketio"] * 6 + ["rest"] * 2 + ["facebook", "botframework"]
STRUCTURES = ["esp", "msp", "cds", "ess", "cpts"]
QUESTIONS = [
    ("combien de financement pour une {s} ?", "ask_funding"),
    ("c'est quoi une {s}", "ask_definition"),
    ("quelle différence entre une {s} et une cpts", "ask_difference"),
    ("comment créer une {s}", "ask_creation"),
    ("quel statut juridique pour une {s}", "ask_legal_form"),
    ("qui contacter pour une {s} en bretagne", "ask_contact"),
    ("quelles missions pour une {s}", "ask_missions"),
]
ODD = [
    "blablabla",
    "je comprends rien",
    "c koi ce truc",
    "allo",
    "test test",
    "???",
    "ma question est urgente",
]
VERDICTS = ["accessible", "to_check", "not_accessible"]


def _user(text: str, intent: str, confidence: float, at: float, channel: str, structure: str | None) -> dict:
    entities = []
    if structure and structure in text:
        start = text.index(structure)
        entities.append(
            {"entity": "structure", "value": structure, "start": start, "end": start + len(structure)}
        )
    ranking = [{"name": intent, "confidence": confidence}]
    if intent == "nlu_fallback":
        ranking.append({"name": "ask_definition", "confidence": round(confidence * 0.6, 3)})
    return {
        "event": "user",
        "timestamp": at,
        "metadata": {},
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities,
            "text": text,
            "message_id": None,
            "metadata": {},
            "intent_ranking": ranking,
        },
        "input_channel": channel,
        "message_id": None,
    }


def _action(name: str, at: float) -> dict:
    return {"event": "action", "timestamp": at, "name": name, "policy": None, "confidence": 1.0}


def _bot(text: str, at: float) -> dict:
    return {"event": "bot", "timestamp": at, "text": text, "data": {}, "metadata": {}}


def synthetic_conversation(rng: random.Random, now: float, span_days: int) -> list[dict]:
    start = now - rng.random() * span_days * DAY
    channel = rng.choice(CHANNELS)
    events = [
        _action("action_session_start", start),
        {"event": "session_started", "timestamp": start + 0.001},
    ]
    events.append(_action("action_listen", start + 0.002))
    at = start + 1
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6])):
        structure = rng.choice(STRUCTURES)
        roll = rng.random()
        if roll < 0.08:
            text, intent, confidence = rng.choice(ODD), "nlu_fallback", 0.5
        elif roll < 0.12:
            text, intent, confidence = (
                "je voudrais parler à quelqu'un",
                "human_handoff",
                round(rng.uniform(0.7, 1), 3),
            )
        elif roll < 0.15:
            text, intent, confidence = (
                "est-ce que mon équipe peut créer une structure",
                "check_eligibility",
                0.9,
            )
        else:
            template, intent = rng.choice(QUESTIONS)
            text, confidence = template.format(s=structure), round(rng.uniform(0.45, 1.0), 3)
        events.append(_user(text, intent, confidence, at, channel, structure))
        if intent == "nlu_fallback":
            events.append(_action("action_default_ask_affirmation", at + 0.1))
        elif intent == "check_eligibility":
            result = {name: rng.choice(VERDICTS) for name in STRUCTURES}
            events.append(_action("action_eligibility_verdict", at + 0.1))
            events.append(
                {
                    "event": "slot",
                    "timestamp": at + 0.11,
                    "name": "eligibility_result",
                    "value": json.dumps(result),
                }
            )
        else:
            events.append(_action("action_answer_topic", at + 0.1))
        events.append(_bot("Voici ce que disent les documents de référence.", at + 0.12))
        events.append(_action("action_listen", at + 0.13))
        at += rng.uniform(10, 120)
    return events


def fill(engine: sa.engine.Engine, count: int, now: float, span_days: int, batch: int = 2_000) -> float:
    """Bulk-insert `count` conversations; returns the seconds it took."""
    rng = random.Random(42)
    started = time.perf_counter()
    for offset in range(0, count, batch):
        event_rows: list[dict[str, Any]] = []
        conv_rows, turn_rows, structure_rows, outcome_rows = [], [], [], []
        for index in range(offset, min(count, offset + batch)):
            sender_id = f"bench-{index:06d}"
            events = [redact_event(event) for event in synthetic_conversation(rng, now, span_days)]
            for event in events:
                intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
                event_rows.append(
                    {
                        "sender_id": sender_id,
                        "type_name": event["event"],
                        "timestamp": event["timestamp"],
                        "intent_name": intent,
                        "action_name": event.get("name"),
                        "data": json.dumps(event),
                    }
                )
            delta = summarise(sender_id, events)
            conv_rows.append(conversation_row(delta, rng.choice(["new", "new", "new", "reviewed", "later"])))
            turn_rows += [turn_row(sender_id, turn) for turn in delta.turns]
            structure_rows += [{"structure": s, "sender_id": sender_id} for s in sorted(delta.structures)]
            outcome_rows += [
                {"sender_id": sender_id, "structure": s, "outcome": o}
                for s, o in (delta.eligibility or {}).items()
            ]
        with engine.begin() as connection:
            connection.execute(schema.events.insert(), event_rows)
            connection.execute(schema.conversations.insert(), conv_rows)
            connection.execute(schema.turns.insert(), turn_rows)
            if structure_rows:
                connection.execute(schema.structures.insert(), structure_rows)
            if outcome_rows:
                connection.execute(schema.eligibility.insert(), outcome_rows)
            if offset % 20_000 == 0:
                tags = [
                    {"tag": "formation", "sender_id": row["sender_id"], "author": "bench", "created_at": now}
                    for row in conv_rows[::50]
                ]
                connection.execute(schema.tags.insert(), tags)
        print(f"  {min(count, offset + batch):>7} conversations", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    return time.perf_counter() - started
