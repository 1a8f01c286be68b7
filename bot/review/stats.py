"""Dashboard figures, aggregated by the database over the summary tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema

MAX_DAYS = 366
TOP_INTENTS = 12
OUTCOMES = ("accessible", "to_check", "not_accessible")
OUTCOME_LABELS = {"accessible": "accessible", "to_check": "à vérifier", "not_accessible": "non accessible"}


@dataclass
class Dashboard:
    first: date
    last: date
    messages_per_day: list[tuple[str, int]] = field(default_factory=list)
    conversations_per_day: list[tuple[str, int]] = field(default_factory=list)
    fallback_per_day: list[tuple[str, float]] = field(default_factory=list)
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)
    eligibility: dict[str, dict[str, int]] = field(default_factory=dict)
    messages: int = 0
    conversations: int = 0
    fallback_messages: int = 0

    @property
    def fallback_rate(self) -> float | None:
        return self.fallback_messages / self.messages if self.messages else None


def _days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]


def dashboard(connection: Connection, first: date, last: date) -> Dashboard:
    if last < first:
        raise ValueError("La date de début est postérieure à la date de fin.")
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"La période est limitée à {MAX_DAYS} jours.")
    result = Dashboard(first, last)
    days = _days(first, last)
    start, end = days[0], days[-1]
    turns = schema.turns.c
    conv = schema.conversations.c
    fallback_count = sa.func.sum(sa.case((turns.fallback.is_(True), 1), else_=0))

    per_day = {
        day: (int(total), int(fallbacks or 0))
        for day, total, fallbacks in connection.execute(
            sa.select(turns.day, sa.func.count(), fallback_count)
            .where(turns.day.between(start, end), turns.payload.is_(False))
            .group_by(turns.day)
        )
    }
    result.messages_per_day = [(day, per_day.get(day, (0, 0))[0]) for day in days]
    result.fallback_per_day = [
        (day, per_day[day][1] / per_day[day][0] if per_day.get(day, (0, 0))[0] else 0.0) for day in days
    ]
    result.messages = sum(total for total, _ in per_day.values())
    result.fallback_messages = sum(fallbacks for _, fallbacks in per_day.values())

    conversations = dict(
        connection.execute(
            sa.select(conv.started_day, sa.func.count())
            .where(conv.started_day.between(start, end))
            .group_by(conv.started_day)
        ).all()
    )
    result.conversations_per_day = [(day, int(conversations.get(day, 0))) for day in days]
    result.conversations = sum(int(value) for value in conversations.values())

    result.top_intents = [
        (intent or "(aucune)", int(number))
        for intent, number in connection.execute(
            sa.select(turns.intent, sa.func.count().label("n"))
            .where(turns.day.between(start, end), turns.payload.is_(False))
            .group_by(turns.intent)
            .order_by(sa.desc("n"), turns.intent)
            .limit(TOP_INTENTS)
        )
    ]
    result.channels = [
        (channel or "(inconnu)", int(number))
        for channel, number in connection.execute(
            sa.select(conv.channel, sa.func.count().label("n"))
            .where(conv.started_day.between(start, end))
            .group_by(conv.channel)
            .order_by(sa.desc("n"), conv.channel)
        )
    ]
    outcomes = schema.eligibility.c
    for structure, outcome, number in connection.execute(
        sa.select(outcomes.structure, outcomes.outcome, sa.func.count())
        .select_from(schema.eligibility.join(schema.conversations, conv.sender_id == outcomes.sender_id))
        .where(conv.started_day.between(start, end))
        .group_by(outcomes.structure, outcomes.outcome)
    ):
        result.eligibility.setdefault(structure, {})[outcome] = int(number)
    return result
