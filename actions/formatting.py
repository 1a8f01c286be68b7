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
    max_groups: int | None = 2,
    max_items: int | None = 2,
) -> Rendered:
    """Bullets grouped by source, each group closed by its citation.

    Short first: at most `max_groups` sources and `max_items` rows each unless asked for
    more, and `truncated` says whether something was held back.
    """
    groups = group_by_source(rows)
    truncated = False
    if max_groups is not None and len(groups) > max_groups:
        groups, truncated = groups[:max_groups], True
    blocks = []
    for source, items in groups:
        if max_items is not None and len(items) > max_items:
            items, truncated = items[:max_items], True
        lines = [BULLET + item.text for item in items]
        lines.append(response_text(domain, "utter_source", citation=source.reference))
        blocks.append("\n".join(lines))
    return Rendered("\n\n".join(blocks), truncated)


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
