"""Inbox filters: parsed from a query string, turned into SQL conditions on the summary."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlalchemy as sa

from bot.review import schema
from bot.review.facts import day_bounds, normalise

STATUSES = {"new": "Non relue", "later": "À revoir plus tard", "reviewed": "Relue"}
MAX_TEXT = 200


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which and why, in French."""


def _yes_no(value: str, label: str) -> bool | None:
    if value in ("", "all"):
        return None
    if value in ("yes", "1", "true", "oui"):
        return True
    if value in ("no", "0", "false", "non"):
        return False
    raise FilterError(f"Filtre « {label} » : valeur {value!r} inconnue (oui ou non).")


def _date(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FilterError(f"Filtre « {label} » : date {value!r} invalide (AAAA-MM-JJ).") from error


def _text(value: str, label: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise FilterError(f"Filtre « {label} » : {MAX_TEXT} caractères au plus.")
    return value


@dataclass(frozen=True)
class InboxFilters:
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    fallback: bool | None = None
    max_confidence: float | None = None
    handoff: bool | None = None
    eligibility: bool | None = None
    status: str | None = None
    intent: str | None = None
    structure: str | None = None
    tag: str | None = None
    q: str | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> InboxFilters:
        status = _text(query.get("status", ""), "statut")
        if status is not None and status not in STATUSES:
            raise FilterError(f"Filtre « statut » : valeur {status!r} inconnue.")
        confidence_raw = query.get("max_confidence", "").strip().replace(",", ".")
        max_confidence = None
        if confidence_raw:
            try:
                max_confidence = float(confidence_raw)
            except ValueError as error:
                raise FilterError("Filtre « confiance » : nombre entre 0 et 1 attendu.") from error
            if not 0.0 <= max_confidence <= 1.0:
                raise FilterError("Filtre « confiance » : nombre entre 0 et 1 attendu.")
        filters = cls(
            channel=_text(query.get("channel", ""), "canal"),
            date_from=_date(query.get("from", ""), "du"),
            date_to=_date(query.get("to", ""), "au"),
            fallback=_yes_no(query.get("fallback", ""), "repli"),
            max_confidence=max_confidence,
            handoff=_yes_no(query.get("handoff", ""), "humain demandé"),
            eligibility=_yes_no(query.get("eligibility", ""), "éligibilité"),
            status=status,
            intent=_text(query.get("intent", ""), "intention"),
            structure=_text(query.get("structure", ""), "structure"),
            tag=_text(query.get("tag", ""), "étiquette"),
            q=_text(query.get("q", ""), "recherche"),
        )
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise FilterError("La date de début est postérieure à la date de fin.")
        return filters

    def as_query(self) -> dict[str, str]:
        """The query-string form, for links that keep the filters (pages, exports)."""
        names = {"date_from": "from", "date_to": "to"}
        query: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            query[names.get(item.name, item.name)] = str(value)
        return query

    @property
    def active(self) -> bool:
        return bool(self.as_query())

    def conditions(self) -> list[Any]:
        conv = schema.conversations.c
        where: list[Any] = []
        if self.channel:
            where.append(conv.channel == self.channel)
        if self.date_from or self.date_to:
            start, end = day_bounds(self.date_from or date(1970, 1, 2), self.date_to or date(9999, 12, 30))
            if self.date_from:
                where.append(conv.started_at >= start)
            if self.date_to:
                where.append(conv.started_at < end)
        for value, column in (
            (self.fallback, conv.fallback),
            (self.handoff, conv.handoff),
            (self.eligibility, conv.eligibility_done),
        ):
            if value is not None:
                where.append(column.is_(True) if value else column.is_(False))
        if self.max_confidence is not None:
            where.append(conv.min_confidence < self.max_confidence)
        if self.status:
            where.append(conv.status == self.status)
        # Semi-joins (IN) rather than correlated EXISTS: with EXISTS a rare value makes the
        # database probe every conversation; IN builds the small set once.
        turns = schema.turns.c
        if self.intent:
            where.append(conv.sender_id.in_(sa.select(turns.sender_id).where(turns.intent == self.intent)))
        if self.structure:
            structures = schema.structures.c
            where.append(
                conv.sender_id.in_(
                    sa.select(structures.sender_id).where(structures.structure == self.structure.lower())
                )
            )
        if self.tag:
            tags = schema.tags.c
            where.append(conv.sender_id.in_(sa.select(tags.sender_id).where(tags.tag == self.tag)))
        if self.q:
            needle = normalise(self.q)
            if needle:
                pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                where.append(
                    conv.sender_id.in_(
                        sa.select(turns.sender_id).where(turns.search.like(pattern, escape="\\"))
                    )
                )
        return where


@dataclass(frozen=True)
class Cursor:
    """Position in the newest-first order: (started_at, sender_id) of a row."""

    started_at: float
    sender_id: str

    def encode(self) -> str:
        raw = json.dumps([self.started_at, self.sender_id]).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            started_at, sender_id = json.loads(raw)
            return cls(float(started_at), str(sender_id))
        except (ValueError, TypeError, binascii.Error) as error:
            raise FilterError("Position de page invalide : revenez à la première page.") from error
