"""Redaction of a conversation's serialised Rasa events, with what its user messages hid."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from bot.redaction.finding import Spans, apply_redactions, capped, find_redactions
from bot.redaction.kinds import EMAIL, NAME, PHONE, Redaction
from bot.redaction.person_names import NAME_WORD, NOT_NAME, PARTICLES, fold_word


class Redactor:
    """Redaction with what is known of one conversation.

    `public`: identifiers quoted in the knowledge base, left readable. `known`: the raw values
    already hidden elsewhere in the conversation (user messages), hidden again wherever they
    reappear (the assistant echoing an unknown term, a slot filled from the message, a button
    payload), whatever the pattern would say of them out of context.
    """

    def __init__(self, public: frozenset[str] = frozenset()) -> None:
        self.public = public
        self.known: dict[str, str] = {}
        self._known_re: re.Pattern[str] | None = None

    def learn(self, text: str, redactions: list[Redaction]) -> None:
        for item in redactions:
            value = text[item.start : item.end]
            values = [value]
            if item.placeholder == NAME:
                # An answer may echo a part of the name ("cdlt, L. Gauthier" -> "Gauthier").
                values += [
                    word
                    for word in re.findall(NAME_WORD, value)
                    if len(word) >= 3 and fold_word(word) not in PARTICLES | NOT_NAME
                ]
            for known in values:
                if len(known.strip()) >= 3 and known not in self.known:
                    self.known[known] = item.placeholder
                    self._known_re = None

    def find(self, text: str) -> list[Redaction]:
        redactions = find_redactions(text, self.public)
        if not self.known:
            return redactions
        if self._known_re is None:
            values = sorted(self.known, key=len, reverse=True)
            alternatives = "|".join(re.escape(value) for value in values)
            # Whole words only: a hidden "Roux" does not hide "Rouxel".
            self._known_re = re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE)
        # Known values first: their kind comes from the context they had in the user message.
        spans = Spans()
        lowered = {value.lower(): placeholder for value, placeholder in self.known.items()}
        for match in self._known_re.finditer(text):
            spans.claim(match.start(), match.end(), lowered.get(match.group(0).lower(), NAME))
        for item in redactions:
            spans.claim(item.start, item.end, item.placeholder)
        return spans.taken

    def text(self, text: str, *, learn: bool = False) -> tuple[str, list[Redaction]]:
        text = capped(text)
        redactions = self.find(text)
        if learn:
            self.learn(text, redactions)
        return apply_redactions(text, redactions), redactions

    def value(self, value: Any) -> Any:
        """Strings inside any JSON-like value (slot values, metadata, bot data)."""
        if isinstance(value, str):
            return self.text(value)[0]
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self._keyed(key, item) for key, item in value.items()}
        return value

    def _keyed(self, key: Any, item: Any) -> Any:
        # Fields that name a person or a contact whatever they hold (channel metadata).
        if isinstance(key, str) and isinstance(item, str) and item.strip():
            kind = _PERSONAL_KEYS.get(key.lower())
            if kind is not None:
                return kind
        return self.value(item)


_PERSONAL_KEYS: Mapping[str, str] = {
    "name": NAME,
    "first_name": NAME,
    "last_name": NAME,
    "firstname": NAME,
    "lastname": NAME,
    "given_name": NAME,
    "givenname": NAME,
    "family_name": NAME,
    "surname": NAME,
    "username": NAME,
    "user_name": NAME,
    "display_name": NAME,
    "displayname": NAME,
    "email": EMAIL,
    "mail": EMAIL,
    "userprincipalname": EMAIL,
    "phone": PHONE,
    "phone_number": PHONE,
    "telephone": PHONE,
}
# Event fields that are names of the assistant's own things, never personal data.
_STRUCTURAL = frozenset(
    {"event", "timestamp", "name", "policy", "confidence", "action_text", "input_channel", "message_id",
     "intent", "intent_ranking", "entity", "extractor", "processors", "role", "group",
     "response_selector", "action_name", "hide_rule_turn", "is_interrupted", "timestamp_str"}
)


def map_offset(position: int, redactions: list[Redaction], *, is_end: bool = False) -> int:
    """Where a character offset of the original text lands in the redacted text.

    An offset inside a hidden span snaps to the placeholder's start (or end for an entity's
    end), so an entity that overlapped an identifier covers the placeholder instead.
    """
    shift = 0
    for item in redactions:
        if position <= item.start or (not is_end and position == item.start):
            break
        if position < item.end or (is_end and position == item.end):
            start = item.start + shift
            return start + len(item.placeholder) if is_end else start
        shift += len(item.placeholder) - (item.end - item.start)
    return position + shift


def _overlapping(start: int, end: int, redactions: list[Redaction]) -> Redaction | None:
    for item in redactions:
        if item.start < end and start < item.end:
            return item
    return None


def _redact_entities(entities: Any, redactions: list[Redaction], redactor: Redactor) -> Any:
    if not isinstance(entities, list):
        return entities
    cleaned = []
    for entity in entities:
        if not isinstance(entity, dict):
            cleaned.append(redactor.value(entity))
            continue
        entity = dict(entity)
        start, end = entity.get("start"), entity.get("end")
        positioned = isinstance(start, int) and isinstance(end, int)
        hit = _overlapping(start, end, redactions) if positioned else None
        if hit is not None:
            # Part of the entity was personal: the whole value goes (a partial value such as
            # the first name alone would still identify).
            entity["value"] = hit.placeholder
        elif "value" in entity:
            entity["value"] = redactor.value(entity["value"])
        if "text" in entity:
            entity["text"] = redactor.value(entity["text"])
        if positioned:
            entity["start"] = map_offset(start, redactions)
            entity["end"] = map_offset(end, redactions, is_end=True)
        if "additional_info" in entity:
            entity["additional_info"] = redactor.value(entity["additional_info"])
        cleaned.append(entity)
    return cleaned


def redact_event(event: dict[str, Any], redactor: Redactor | None = None) -> dict[str, Any]:
    """A copy of a serialised Rasa event with personal identifiers removed.

    User messages lose them in `text`, `parse_data.text`, entity values (an entity that
    overlaps a hidden span takes its placeholder, offsets are moved to the redacted text) and
    metadata; what a user message hid is taught to `redactor`, so bot answers, button payloads
    and slots that echo it are cleaned too. Every other string of every event goes through the
    same patterns, apart from the names of the assistant's own intents, actions and slots.
    Pass one `redactor` for all the events of a conversation, user messages first.
    """
    redactor = redactor or Redactor()
    cleaned = copy.deepcopy(event)
    kind = cleaned.get("event")
    if kind == "user":
        text = cleaned.get("text")
        redactions: list[Redaction] = []
        if isinstance(text, str):
            cleaned["text"], redactions = redactor.text(text, learn=True)
            text = capped(text)
        parse_data = cleaned.get("parse_data")
        if isinstance(parse_data, dict):
            parsed_text = parse_data.get("text")
            parse_redactions = redactions
            if isinstance(parsed_text, str):
                if parsed_text != text:
                    parse_data["text"], parse_redactions = redactor.text(parsed_text, learn=True)
                else:
                    parse_data["text"] = cleaned["text"]
            parse_data["entities"] = _redact_entities(parse_data.get("entities"), parse_redactions, redactor)
            for key in list(parse_data):
                if key not in ("text", "entities", "intent", "intent_ranking"):
                    parse_data[key] = redactor.value(parse_data[key])
        for key in list(cleaned):
            if key not in ("text", "parse_data") and key not in _STRUCTURAL:
                cleaned[key] = redactor.value(cleaned[key])
        return cleaned
    if kind == "entities":
        cleaned["entities"] = _redact_entities(cleaned.get("entities"), [], redactor)
    for key in list(cleaned):
        if key not in _STRUCTURAL and key != "entities":
            cleaned[key] = redactor.value(cleaned[key])
    return cleaned
