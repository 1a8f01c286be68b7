"""The eligibility dialogue: start, slot extraction and validation, cancellation.

The rules themselves live in `eligibility/` (pure functions); this module only turns what the
user typed into a `Team`, one question at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.context import latest_intent, latest_text, mentioned_region, mentioned_structures
from actions.texts import response_text
from eligibility.parsing import (
    CountError,
    extract_team,
    parse_count,
    parse_practice,
    parse_yes_no,
)
from eligibility.rules import needed_fields
from eligibility.team import PRACTICES, Team
from knowledge.names import REGION_NAMES, resolve_region

# Largest believable answers: a team of professionals, and a territory's population.
MAX_MEMBERS = 500
MAX_DOCTORS_ON_TERRITORY = 20_000
MAX_POPULATION = 15_000_000
UNKNOWN_ANSWERS = ("je ne sais pas", "je sais pas", "sais pas", "aucune idée", "inconnu", "inconnue", "nsp")


def _count(value: Any) -> int | None:
    # required_slots() sees answers before validation ("trois"): those count as not given yet.
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number == int(number) else None


def team_from_slots(values: dict[str, Any]) -> Team:
    """The Team described by the slots (missing, unknown or not yet validated answers stay None)."""
    fields: dict[str, Any] = {}
    for name in slots.COUNT_SLOTS:
        fields[name] = _count(values.get(name))
    population = values.get(slots.POPULATION_SLOT)
    if population != slots.UNKNOWN_POPULATION:
        fields[slots.POPULATION_SLOT] = _count(population)
    if values.get(slots.PRACTICE_SLOT) in PRACTICES:
        fields[slots.PRACTICE_SLOT] = values[slots.PRACTICE_SLOT]
    for name in slots.YES_NO_SLOTS:
        if isinstance(values.get(name), bool):
            fields[name] = values[name]
    return Team(**fields)


def describe_value(domain: DomainDict, slot: str, value: Any) -> str:
    if slot == slots.PRACTICE_SLOT:
        return response_text(domain, f"utter_value_{value}")
    if slot in slots.YES_NO_SLOTS:
        return response_text(domain, "utter_value_yes" if value else "utter_value_no")
    if slot == slots.POPULATION_SLOT and value == slots.UNKNOWN_POPULATION:
        return response_text(domain, "utter_value_unknown")
    if slot == slots.REGION:
        return REGION_NAMES.get(value, value)
    return f"{int(value):,}".replace(",", "\u202f")


def describe_team(domain: DomainDict, values: dict[str, Any], names: Iterable[str]) -> str:
    """ "médecins généralistes : 3, exercice : libéral" for the given slots that have a value."""
    parts = []
    for name in names:
        value = values.get(name)
        if value is not None:
            label = response_text(domain, f"utter_team_label_{name}")
            parts.append(f"{label} : {describe_value(domain, name, value)}")
    return ", ".join(parts)


def opening_slots(text: str, asked: str | None = None) -> dict[str, Any]:
    """Team fields stated in a free sentence ("nous sommes 3 MG et 2 kinés, libéraux").

    `asked` is the pending question: "4 médecins" answers the specialists question with
    specialists, not with general practitioners.
    """
    found = extract_team(text, asked=asked)
    return {name: value for name, value in found.items() if name in slots.TEAM_SLOTS}


class ActionStartEligibility(Action):
    """Resets a previous check and keeps what the opening message already says."""

    def name(self) -> str:
        return "action_start_eligibility"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(name, None) for name in slots.ELIGIBILITY_SLOTS]
        found = opening_slots(latest_text(tracker))
        region_id, _ = mentioned_region(tracker)
        if region_id:
            found[slots.REGION] = region_id
        structures = mentioned_structures(tracker)
        if structures:
            events.append(SlotSet(slots.STRUCTURE, structures[0]))
        events += [SlotSet(name, value) for name, value in found.items()]
        dispatcher.utter_message(response="utter_eligibility_intro")
        if found:
            summary = describe_team(domain, found, (*slots.TEAM_SLOTS, slots.REGION))
            dispatcher.utter_message(response="utter_eligibility_noted", summary=summary)
        return events


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_eligibility_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # Answered slots stay in the list so that corrections to them are validated too.
        needed = set(needed_fields(team_from_slots(tracker.slots)))
        return [
            name
            for name in domain_slots
            if name == slots.REGION or tracker.get_slot(name) is not None or name in needed
        ]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """What this message answers: any team detail it states, else the question asked.

        A question or a request to stop answers nothing, so the form is rejected and the
        rules answer the digression before coming back.
        """
        if latest_intent(tracker) in slots.QUESTION_INTENTS:
            return []
        text = latest_text(tracker).strip()
        requested = tracker.get_slot(slots.REQUESTED_SLOT)
        found: dict[str, Any] = {}
        if not text.startswith("/"):
            found.update(opening_slots(text, asked=requested))
        region_id, region_text = mentioned_region(tracker)
        if region_id or region_text:
            found[slots.REGION] = region_id or region_text
        if found and requested not in found:
            # A correction or an extra detail ("en fait on est 3 médecins"): say it was heard,
            # since the form will then repeat its pending question.
            summary = describe_team(domain, found, (*slots.TEAM_SLOTS, slots.REGION))
            if summary:
                dispatcher.utter_message(response="utter_eligibility_noted", summary=summary)
        if requested and not found and text:
            found[requested] = text
        return [SlotSet(name, value) for name, value in found.items()]

    def _count(self, value: Any, dispatcher: CollectingDispatcher, slot: str, maximum: int) -> dict[str, Any]:
        try:
            count = parse_count(str(value), maximum=maximum)
        except CountError as error:
            dispatcher.utter_message(response="utter_invalid_count", hint=error.message)
            return {slot: None}
        return {slot: count}

    def validate_general_practitioners(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, "general_practitioners", MAX_MEMBERS)

    def validate_paramedicals(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, "paramedicals", MAX_MEMBERS)

    def validate_other_professionals(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, "other_professionals", MAX_MEMBERS)

    def validate_specialists(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, "specialists", MAX_MEMBERS)

    def validate_specialty_doctors_on_territory(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, "specialty_doctors_on_territory", MAX_DOCTORS_ON_TERRITORY)

    def validate_liberal_specialty_doctors_on_territory(
        self, value: Any, dispatcher, tracker, domain
    ) -> dict:
        return self._count(
            value, dispatcher, "liberal_specialty_doctors_on_territory", MAX_DOCTORS_ON_TERRITORY
        )

    def validate_territory_population(self, value: Any, dispatcher, tracker, domain) -> dict:
        if str(value).strip().casefold().rstrip(" .!") in UNKNOWN_ANSWERS:
            return {slots.POPULATION_SLOT: slots.UNKNOWN_POPULATION}
        return self._count(value, dispatcher, slots.POPULATION_SLOT, MAX_POPULATION)

    def validate_practice(self, value: Any, dispatcher, tracker, domain) -> dict:
        practice = value if value in ("liberal", "salarie", "mixte") else parse_practice(str(value))
        if practice is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {slots.PRACTICE_SLOT: practice}

    def _yes_no(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict:
        if isinstance(value, bool):
            return {slot: value}
        answer = {"affirm": True, "deny": False}.get(latest_intent(tracker) or "")
        if answer is None:
            answer = parse_yes_no(str(value))
        if answer is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {slot: answer}

    def validate_has_manager(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._yes_no(value, dispatcher, tracker, "has_manager")

    def validate_territory_is_department_or_more(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._yes_no(value, dispatcher, tracker, "territory_is_department_or_more")

    def validate_region(self, value: Any, dispatcher, tracker, domain) -> dict:
        region = value if value in REGION_NAMES else resolve_region(str(value))
        if region is None:
            dispatcher.utter_message(response="utter_region_unknown")
        return {slots.REGION: region}


class ActionCancelEligibility(Action):
    def name(self) -> str:
        return "action_cancel_eligibility"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_eligibility_cancelled")
        return [
            ActiveLoop(None),
            SlotSet(slots.REQUESTED_SLOT, None),
            *(SlotSet(name, None) for name in slots.ELIGIBILITY_SLOTS),
        ]
