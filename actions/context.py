"""Pure helpers that read what the conversation says: structures, region, topic.

They take a rasa_sdk Tracker and return plain values, so every action resolves names the
same way (and the tests can exercise them on trackers built from fixtures).
"""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions import names
from knowledge import topics
from knowledge.names import (
    find_region_name,
    find_structures,
    names_no_place,
    resolve_region,
    resolve_structure,
)

# Question intent -> knowledge topic answered by action_answer_topic.
TOPIC_BY_INTENT: dict[str, str] = {
    "ask_definition": topics.DEFINITION,
    "ask_funding": topics.FUNDING,
    "ask_legal_form": topics.LEGAL_FORM,
    "ask_status": topics.STATUS,
    "ask_members": topics.MEMBERS,
    "ask_territory": topics.TERRITORY,
    "ask_missions": topics.MISSIONS,
    "ask_advantages": topics.ADVANTAGES,
    "ask_creation": topics.CREATION,
    "ask_join": topics.JOIN,
    "ask_fees": topics.FEES,
    "ask_legal_references": topics.LEGAL_REFERENCES,
}
INTENT_BY_TOPIC: dict[str, str] = {topic: intent for intent, topic in TOPIC_BY_INTENT.items()}


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of `entity` in the latest message, in order, as strings."""
    values = []
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity and item.get("value") is not None:
            values.append(str(item["value"]))
    return values


def mentioned_structures(tracker: Tracker) -> list[str]:
    """Structure ids the latest message names: entities first, then the raw text.

    The NLU may miss a structure written with a typo; the name resolver is more tolerant,
    so it fills the gaps.
    """
    found: list[str] = []
    for value in entity_values(tracker, names.ENTITY_STRUCTURE):
        structure_id = resolve_structure(value)
        if structure_id and structure_id not in found:
            found.append(structure_id)
    text = latest_text(tracker)
    if not text.startswith("/"):
        for structure_id in find_structures(text):
            if structure_id not in found:
                found.append(structure_id)
    return found


def current_structure(tracker: Tracker) -> str | None:
    """The structure the user is asking about: named now, or remembered from before."""
    mentioned = mentioned_structures(tracker)
    if mentioned:
        return mentioned[0]
    return tracker.get_slot(names.STRUCTURE)


def mentioned_region(tracker: Tracker) -> tuple[str | None, str | None]:
    """(region id, raw text) for a region or département named in the latest message.

    The id is None when the user named a place the resolver does not know. Like structures,
    a place the NLU missed or cut ("le Gard a-t-il des CPTS ?") is looked for in the raw text;
    a lone "de" the NLU tagged as a region is no place at all.
    """
    values = [value for value in entity_values(tracker, names.ENTITY_REGION) if not names_no_place(value)]
    for value in values:
        region_id = resolve_region(value)
        if region_id:
            return region_id, value
    text = latest_text(tracker)
    region_id = None if text.startswith("/") else find_region_name(text)
    if region_id:
        return region_id, text
    return (None, values[0]) if values else (None, None)


@dataclass(frozen=True)
class RegionInUse:
    """The region an answer is for: named in the latest message, or remembered."""

    region: str | None
    named: str | None  # named now, to remember in the slot
    unknown: bool  # the message names a place the resolver does not know: say so, never guess

    def events(self) -> list[EventType]:
        return [SlotSet(names.REGION, self.named)] if self.named else []


def region_in_use(tracker: Tracker) -> RegionInUse:
    region_id, region_text = mentioned_region(tracker)
    return RegionInUse(
        region=region_id or tracker.get_slot(names.REGION),
        named=region_id,
        unknown=bool(region_text) and region_id is None,
    )


def mentioned_term(tracker: Tracker) -> str | None:
    """A glossary term named in the latest message (legal form, funding type, acronym)."""
    for entity in names.TERM_ENTITIES:
        values = entity_values(tracker, entity)
        if values:
            return values[0]
    return None
