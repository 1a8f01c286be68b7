"""The "misunderstood" queue: fallbacks and low-confidence messages, grouped by similar text.

Messages are grouped by their normalised text (case, accents and punctuation removed), so
"C'est quoi une CPTS ?" and "c est quoi une cpts" are one item. A reviewer gives a group the
intent it should have had, or marks it as not worth learning; labelled groups feed the NLU
export.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema
from bot.review.db import upsert

IGNORE = "__ignore__"
PENDING = "pending"
LABELLED = "labelled"
SAMPLES_PER_GROUP = 3


class LabelError(ValueError):
    """A refused label (unknown intent, unknown group)."""


@dataclass
class Sample:
    sender_id: str
    text: str
    intent: str | None
    confidence: float | None


@dataclass
class Group:
    key: str
    count: int
    last_at: float
    label: str | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def example(self) -> str:
        return self.samples[0].text if self.samples else self.key

    @property
    def predicted(self) -> list[str]:
        """Intents the assistant predicted for the latest messages of the group."""
        return list(dict.fromkeys(sample.intent or "?" for sample in self.samples))


@dataclass(frozen=True)
class Example:
    text: str
    entities: list[dict[str, Any]]


def _queue_conditions() -> list[Any]:
    turns = schema.turns.c
    return [turns.doubtful.is_(True), turns.payload.is_(False), turns.group_key != ""]


def groups(
    connection: Connection, *, state: str = PENDING, limit: int = 50, offset: int = 0
) -> tuple[list[Group], int]:
    """One page of groups, largest first, and how many groups there are in this state."""
    turns = schema.turns.c
    # Aggregated from the covering index alone; labels are checked once per group afterwards.
    grouped = (
        sa.select(
            turns.group_key.label("key"),
            sa.func.count().label("n"),
            sa.func.max(turns.ts).label("last_at"),
        )
        .where(*_queue_conditions())
        .group_by(turns.group_key)
        .subquery()
    )
    is_labelled = sa.exists().where(schema.labels.c.group_key == grouped.c.key)
    condition = is_labelled if state == LABELLED else sa.not_(is_labelled)
    total = int(
        connection.execute(sa.select(sa.func.count()).select_from(grouped).where(condition)).scalar() or 0
    )
    rows = connection.execute(
        sa.select(grouped)
        .where(condition)
        .order_by(grouped.c.n.desc(), grouped.c.last_at.desc(), grouped.c.key)
        .limit(limit)
        .offset(offset)
    ).all()
    result = [Group(row.key, int(row.n), float(row.last_at)) for row in rows]
    _complete(connection, result)
    return result, total


def _complete(connection: Connection, page: list[Group]) -> None:
    """Labels and the latest messages of each group of one page."""
    if not page:
        return
    by_key = {group.key: group for group in page}
    labels = schema.labels.c
    for key, intent in connection.execute(
        sa.select(labels.group_key, labels.intent).where(labels.group_key.in_(list(by_key)))
    ):
        by_key[key].label = intent
    turns = schema.turns.c
    for group in page:
        # One short index walk per group (group_key, id) instead of ranking every row of the page.
        samples = connection.execute(
            sa.select(turns.sender_id, turns.text, turns.intent, turns.confidence)
            .where(turns.group_key == group.key, *_queue_conditions())
            .order_by(turns.id.desc())
            .limit(SAMPLES_PER_GROUP)
        )
        group.samples = [Sample(*row) for row in samples]


def assign(connection: Connection, key: str, intent: str, author: str, known_intents: Iterable[str]) -> None:
    if intent != IGNORE and intent not in set(known_intents):
        raise LabelError(f"Intention inconnue : {intent!r}.")
    exists = connection.execute(
        sa.select(schema.turns.c.id).where(schema.turns.c.group_key == key).limit(1)
    ).first()
    if exists is None:
        raise LabelError("Ce groupe de messages n'existe plus.")
    upsert(
        connection,
        schema.labels,
        [{"group_key": key, "intent": intent, "author": author, "created_at": time.time()}],
        ["group_key"],
    )


def unassign(connection: Connection, key: str) -> None:
    connection.execute(schema.labels.delete().where(schema.labels.c.group_key == key))


def labelled_examples(connection: Connection) -> dict[str, list[Example]]:
    """Distinct texts of every labelled group, by assigned intent (ignored groups left out)."""
    turns = schema.turns.c
    labels = schema.labels.c
    query = (
        sa.select(labels.intent, turns.text, turns.entities)
        .select_from(schema.turns.join(schema.labels, labels.group_key == turns.group_key))
        .where(labels.intent != IGNORE, turns.payload.is_(False))
        .order_by(labels.intent, turns.id)
    )
    examples: dict[str, list[Example]] = {}
    seen: set[tuple[str, str]] = set()
    for intent, text, entities in connection.execute(query):
        text = str(text)
        compact = " ".join(text.split())
        if not compact or (intent, compact) in seen:
            continue
        seen.add((intent, compact))
        try:
            parsed = json.loads(entities) if entities else []
        except ValueError:
            parsed = []
        examples.setdefault(intent, []).append(Example(text, parsed if isinstance(parsed, list) else []))
    return examples
