"""Reviewer labels as Rasa NLU training data (YAML, format 3.1) to add to `data/nlu/`.

Entities the assistant recognised are kept as annotations (their offsets were moved with the
redaction, so they still point at the right words). Messages that contain a redaction
placeholder are left out: nobody types "[e-mail]", and the model should not learn it.
Messages already present in `data/nlu/` are left out too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.redaction import PLACEHOLDERS
from bot.review.facts import normalise
from bot.review.queue import Example

# Rasa's annotation syntax: [text](entity), [text]{"entity": …}, [text][{…}].
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


@dataclass
class ExportStats:
    intents: int = 0
    examples: int = 0
    already_in_data: int = 0
    with_personal_data: int = 0


def _plain(text: str) -> str:
    """Text that Rasa's reader cannot mistake for an annotation and YAML accepts in a block."""
    text = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) and char != " " else char for char in text
    )
    return text.replace("[", "(").replace("]", ")")


def annotate(example: Example) -> str:
    """One example line: the text with its entities in Rasa's annotation syntax."""
    text = example.text
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for entity in example.entities:
        start, end, name = entity.get("start"), entity.get("end"), entity.get("entity")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(name, str)):
            continue
        if not 0 <= start < end <= len(text):
            continue
        literal = text[start:end]
        if any(char in literal for char in "[](){}\n") or literal.strip() != literal:
            continue
        if any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            continue
        spans.append((start, end, entity))
    parts: list[str] = []
    cursor = 0
    for start, end, entity in sorted(spans, key=lambda item: item[0]):
        parts.append(_plain(text[cursor:start]))
        literal = text[start:end]
        value = entity.get("value")
        if value is None or value == literal:
            parts.append(f"[{literal}]({entity['entity']})")
        else:
            details = json.dumps({"entity": entity["entity"], "value": value}, ensure_ascii=False)
            parts.append(f"[{literal}]{details}")
        cursor = end
    parts.append(_plain(text[cursor:]))
    return " ".join("".join(parts).split())


def existing_examples(nlu_dir: Path) -> set[str]:
    """Normalised texts of the examples already in the training data."""
    found: set[str] = set()
    if not nlu_dir.is_dir():
        return found
    for path in sorted(nlu_dir.rglob("*.yml")):
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        items = content.get("nlu") if isinstance(content, dict) else None
        for item in items or []:
            examples = item.get("examples") if isinstance(item, dict) else None
            if not isinstance(examples, str):
                continue
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.add(normalise(_ANNOTATION.sub(lambda match: match.group("text"), line[2:])))
    return found


def render(
    examples: dict[str, list[Example]], existing: set[str] | None = None, *, today: date | None = None
) -> tuple[str, ExportStats]:
    """The YAML document and what went into it."""
    existing = existing or set()
    stats = ExportStats()
    blocks: list[str] = []
    for intent in sorted(examples):
        lines: list[str] = []
        seen: set[str] = set()
        for example in examples[intent]:
            if any(placeholder in example.text for placeholder in PLACEHOLDERS):
                stats.with_personal_data += 1
                continue
            key = normalise(example.text)
            if key in existing:
                stats.already_in_data += 1
                continue
            line = annotate(example)
            if not line or key in seen:
                continue
            seen.add(key)
            lines.append(f"    - {line}")
        if lines:
            stats.intents += 1
            stats.examples += len(lines)
            blocks.append(f"- intent: {intent}\n  examples: |\n" + "\n".join(lines))
    stamp = (today or date.today()).isoformat()
    header = (
        f"# Exemples relus dans l'outil de relecture le {stamp} : à vérifier, puis à ajouter à data/nlu/.\n"
        'version: "3.1"\n'
    )
    body = "nlu:\n" + "\n".join(blocks) + "\n" if blocks else "nlu: []\n"
    return header + body, stats
