"""Turn knowledge rows into short plain-text answers that read well on every channel.

Web chat renders `**bold**` and "• " lists; Messenger and Teams show the same text, so the
layout relies on line breaks, not on tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rasa_sdk.types import DomainDict

from actions.texts import response_text
from knowledge.conflicts import disagreements
from knowledge.names import resolve_region
from knowledge.types import Source

# Messenger drops buttons beyond three in a generic template.
MAX_BUTTONS = 3
BULLET = "• "


class Sourced(Protocol):
    """Any knowledge row that carries its display text and its source."""

    text: str
    source: Source


@dataclass(frozen=True)
class Rendered:
    text: str
    truncated: bool


def group_by_source(rows: Iterable[Sourced]) -> list[tuple[Source, list[Sourced]]]:
    """Rows grouped by source document, in the order the query returned them."""
    groups: dict[str, tuple[Source, list[Sourced]]] = {}
    for row in rows:
        groups.setdefault(row.source.file, (row.source, []))[1].append(row)
    return list(groups.values())


def render_sourced(
    domain: DomainDict,
    rows: Sequence[Sourced],
    *,
    region: str | None = None,
    max_groups: int | None = 2,
    max_items: int | None = 2,
) -> Rendered:
    """Bullets grouped by source, each group closed by its citation; disagreements side by side.

    `rows` come ranked, most relevant first, and keep that order. Short first: at most
    `max_groups` sources and `max_items` rows each unless asked for more, and `truncated` says
    whether something was held back. When a shown row disagrees with a row of another document
    (`knowledge.conflicts`), every version is shown together under a line saying the documents
    differ, each with its source, region and date: the user's `region` first, then the most
    recent. A disagreement is never cut by the limits, since showing one side alone would
    silently pick it.
    """
    # The same row may come twice (a funding row and its fact): it is shown once.
    unique: dict[tuple[str, str], Sourced] = {}
    for item in rows:
        unique.setdefault((item.source.file, item.text), item)
    rows = list(unique.values())
    groups = group_by_source(rows)
    if max_groups is not None:
        groups = groups[:max_groups]
    shown = [item for _, items in groups for item in (items if max_items is None else items[:max_items])]

    units = conflict_units(rows, shown, region_id(region))
    unit_of_row = {id(item): index for index, unit in enumerate(units) for item in unit.rows}
    # Each block is placed where its first shown row ranks: a conflict block where its most
    # relevant side would have been, a source group where its first row is.
    blocks: dict[tuple[str, object], list[Sourced]] = {}
    for item in shown:
        if id(item) in unit_of_row:
            blocks.setdefault(("conflict", unit_of_row[id(item)]), [])
        else:
            blocks.setdefault(("source", item.source.file), []).append(item)

    texts = []
    displayed: set[int] = set()
    for (kind, key), items in blocks.items():
        if kind == "conflict":
            unit = units[key]  # type: ignore[index]
            texts.append(_render_conflict(domain, unit, max_items))
            displayed.update(id(item) for item in _displayed(unit, max_items))
            continue
        lines = [BULLET + item.text for item in items]
        lines.append(response_text(domain, "utter_source", citation=items[0].source.reference))
        texts.append("\n".join(lines))
        displayed.update(id(item) for item in items)
    return Rendered("\n\n".join(texts), len(displayed) < len(rows))


@dataclass
class Side:
    """What one document says in a disagreement: its rows and the values they state."""

    source: Source
    rows: list[Sourced]
    values: set[tuple[str, str]]  # (dimension, value)


@dataclass
class ConflictUnit:
    """Disagreements that share a row, shown as one block, one side per document."""

    sides: list[Side]

    @property
    def rows(self) -> list[Sourced]:
        return [item for side in self.sides for item in side.rows]

    def by_value(self) -> list[list[Side]]:
        """Sides grouped by what they state, in side order: one group per differing value."""
        groups: dict[frozenset[tuple[str, str]], list[Side]] = {}
        for side in self.sides:
            groups.setdefault(frozenset(side.values), []).append(side)
        return list(groups.values())


def region_id(region: str | None) -> str | None:
    """A region id from an id or a place name ("PACA", "Var"); unknown text is kept as is."""
    if not region:
        return None
    return resolve_region(region) or region


def conflict_units(
    rows: Sequence[Sourced], shown: Sequence[Sourced], region: str | None
) -> list[ConflictUnit]:
    """The disagreements among `rows` that involve a shown row, merged when they share a row.

    Sides come with the user's `region` (an id) first, then the most recent document; the rows
    of a side keep the order of `rows`.
    """
    shown_ids = {id(item) for item in shown}
    units: list[ConflictUnit] = []
    for conflict in disagreements(rows):  # type: ignore[arg-type]
        conflict_ids = {id(item) for version in conflict.versions for item in version.rows}
        if not conflict_ids & shown_ids:
            continue
        target = next((unit for unit in units if conflict_ids & {id(item) for item in unit.rows}), None)
        if target is None:
            target = ConflictUnit([])
            units.append(target)
        for version in conflict.versions:
            side = next((side for side in target.sides if side.source == version.source), None)
            if side is None:
                side = Side(version.source, [], set())
                target.sides.append(side)
            known = {id(item) for item in side.rows}
            side.rows.extend(item for item in version.rows if id(item) not in known)  # type: ignore[misc]
            side.values.update((conflict.dimension, value) for value in version.values)
    rank: dict[int, int] = {}
    for index, item in enumerate(rows):
        rank.setdefault(id(item), index)
    for unit in units:
        # Most recent first, then the user's region before every other (both sorts are stable).
        unit.sides.sort(key=lambda side: side.source.date, reverse=True)
        unit.sides.sort(key=lambda side: side.source.region != region)
        for side in unit.sides:
            side.rows.sort(key=lambda item: rank[id(item)])
    return units


def _displayed(unit: ConflictUnit, max_items: int | None) -> list[Sourced]:
    if max_items is None:
        return unit.rows
    return [item for sides in unit.by_value() for item in sides[0].rows[:max_items]]


def _render_conflict(domain: DomainDict, unit: ConflictUnit, max_items: int | None) -> str:
    """Every differing value with its sources.

    Short: the rows of the first document stating each value, cited with every document that
    states it too. Full: every row of every document.
    """
    lines = [response_text(domain, "utter_documents_differ")]
    if max_items is None:
        for side in unit.sides:
            lines.extend(BULLET + item.text for item in side.rows)
            lines.append(response_text(domain, "utter_source", citation=side.source.reference))
        return "\n".join(lines)
    for sides in unit.by_value():
        lines.extend(BULLET + item.text for item in sides[0].rows[:max_items])
        lines.append(citations_line(domain, [side.source for side in sides]))
    return "\n".join(lines)


def citations_line(domain: DomainDict, sources: Iterable[Source]) -> str:
    unique = list({source.file: source for source in sources}.values())
    if len(unique) == 1:
        return response_text(domain, "utter_source", citation=unique[0].reference)
    return response_text(domain, "utter_sources", citations=" ; ".join(source.reference for source in unique))


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that triggers `intent` with entities, bypassing the NLU."""
    present = {key: value for key, value in entities.items() if value}
    if not present:
        return f"/{intent}"
    return f"/{intent}{json.dumps(present, ensure_ascii=False)}"


def button(title: str, intent: str, **entities: Any) -> dict[str, str]:
    return {"title": title, "payload": intent_payload(intent, **entities)}


def limit_buttons(buttons: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    unique: dict[str, dict[str, str]] = {}
    for item in buttons:
        unique.setdefault(item["payload"], item)
    return list(unique.values())[:MAX_BUTTONS]


def join_blocks(*blocks: str | None) -> str:
    return "\n\n".join(block for block in blocks if block)
