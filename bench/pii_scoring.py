"""The personal-data corpus and how storage is searched for it: recall and false redactions.

`load_corpus` reads the messages with the values they hide (bench/pii_corpus.yml),
`load_questions` the tuning questions that hide none (bench/qa/questions.yml). Once they are
stored, by the running assistant or by the redacting tracker store alone (bench/pii_eval.py),
`score` searches every string stored for each conversation: a value found anywhere is a leak, a
placeholder in a question that held no personal data a false redaction.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.redaction import PLACEHOLDERS, fold_separators, stored_sender_id
from textnorm import fold

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "pii_corpus.yml"
QUESTIONS = ROOT / "bench" / "qa" / "questions.yml"
DIGIT_WINDOW = 6


@dataclass
class Message:
    id: str
    kind: str
    sender: str
    turns: list[str]
    find: list[str] = field(default_factory=list)


def load_corpus(path: Path = CORPUS) -> list[Message]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [
        Message(
            item["id"], item["kind"], item.get("sender") or f"pii-{item['id']}", [item["text"]], item["find"]
        )
        for item in data
    ]


def load_questions(path: Path = QUESTIONS) -> list[Message]:
    """Every question of the tuning set, follow-ups as several turns of one conversation."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        Message(item["id"], "question", f"qa-{item['id']}", list(item.get("turns") or [item["question"]]))
        for item in data
    ]


# --------------------------------------------------------------------------- searching
def _norm(text: str) -> str:
    return " ".join(fold(fold_separators(text)).split())


def leak(value: str, texts: list[str]) -> str | None:
    """How `value` shows in `texts`: "raw", "digits 123456", or None when it is nowhere."""
    folded = _norm(value)
    raw = re.compile(r"(?<!\w)" + re.escape(folded) + r"(?!\w)")
    digits = "".join(char for char in value if char.isdigit())
    windows = {digits[i : i + DIGIT_WINDOW] for i in range(len(digits) - DIGIT_WINDOW + 1)}
    window_res = [(w, re.compile(r"[^\w]{0,3}".join(w))) for w in sorted(windows)]
    for text in texts:
        if raw.search(_norm(text)):
            return "raw"
        for window, pattern in window_res:
            if pattern.search(text):
                return f"digits {window}"
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def stored_texts(engine: Any, sender_id: str) -> dict[str, list[str]]:
    """Every string stored for one conversation: {"user": [...], "bot": [...], "all": [...]}."""
    import sqlalchemy as sa

    from bot.review import schema

    found: dict[str, list[str]] = {"user": [], "bot": [], "all": [sender_id]}
    with engine.connect() as connection:
        for data in connection.execute(
            sa.select(schema.events.c.data)
            .where(schema.events.c.sender_id == sender_id)
            .order_by(schema.events.c.id)
        ).scalars():
            event = json.loads(data)
            found["all"].extend(_strings(event))
            if event.get("event") in ("user", "bot") and isinstance(event.get("text"), str):
                found[event["event"]].append(event["text"])
        turns = schema.turns.c
        for row in connection.execute(
            sa.select(turns.text, turns.search, turns.group_key, turns.entities).where(
                turns.sender_id == sender_id
            )
        ):
            found["all"].extend(str(cell) for cell in row if cell)
        for table in (schema.conversations, schema.structures, schema.eligibility):
            for row in connection.execute(sa.select(table).where(table.c.sender_id == sender_id)):
                found["all"].extend(str(cell) for cell in row if isinstance(cell, str))
    return found


def all_sender_ids(engine: Any) -> list[str]:
    import sqlalchemy as sa

    from bot.review import schema

    with engine.connect() as connection:
        ids = set(connection.execute(sa.select(schema.events.c.sender_id).distinct()).scalars())
        ids |= set(connection.execute(sa.select(schema.conversations.c.sender_id)).scalars())
    return sorted(ids)


def stored_id(sender: str, key: bytes) -> str:
    """The id the conversation of a REST `sender` is stored under (namespace, then pseudonym)."""
    from bot.channels.identity import REST, namespaced

    return stored_sender_id(namespaced(REST, sender), key)


def has_placeholder(text: str) -> bool:
    return any(placeholder in text for placeholder in PLACEHOLDERS)


def score(engine: Any, corpus: list[Message], questions: list[Message], key: bytes) -> dict[str, Any]:
    """Recall over the corpus values, false redactions over the questions."""
    senders = all_sender_ids(engine)
    values = leaked = 0
    by_kind: Counter[str] = Counter()
    leaked_by_kind: Counter[str] = Counter()
    leaks = []
    missing = []
    for message in corpus:
        texts = stored_texts(engine, stored_id(message.sender, key))
        if len(texts["user"]) < len(message.turns):
            missing.append(message.id)
        for value in message.find:
            values += 1
            by_kind[message.kind] += 1
            # A personal sender id must appear in no sender id column at all.
            where = leak(value, texts["all"] + (senders if message.kind == "sender" else []))
            if where:
                leaked += 1
                leaked_by_kind[message.kind] += 1
                stored = texts["user"][0] if texts["user"] else ""
                leaks.append({"id": message.id, "value": value, "how": where, "stored": stored})
    false_user = []
    false_bot = []
    user_messages = bot_messages = 0
    for question in questions:
        texts = stored_texts(engine, stored_id(question.sender, key))
        if len(texts["user"]) < len(question.turns):
            missing.append(question.id)
        user_messages += len(question.turns)
        for sent, stored in zip(question.turns, texts["user"], strict=False):
            if has_placeholder(stored) and not has_placeholder(sent):
                false_user.append({"id": question.id, "sent": sent, "stored": stored})
        bot_messages += len(texts["bot"])
        false_bot += [{"id": question.id, "stored": text} for text in texts["bot"] if has_placeholder(text)]
    return {
        "values": values,
        "leaked": leaked,
        "recall": round(1 - leaked / values, 4) if values else None,
        "messages": len(corpus),
        "values_by_kind": dict(by_kind),
        "leaked_by_kind": dict(leaked_by_kind),
        "leaks": leaks,
        "question_messages": user_messages,
        "false_redactions": len(false_user),
        "false_redaction_rate": round(len(false_user) / user_messages, 4) if user_messages else None,
        "false_redaction_examples": false_user,
        "bot_answers": bot_messages,
        "bot_answers_with_placeholder": len(false_bot),
        "bot_answer_examples": false_bot[:20],
        "conversations_missing_turns": missing,
    }
