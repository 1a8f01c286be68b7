"""The eligibility dialogue: start, slot extraction and validation, cancellation.

The rules themselves live in `eligibility/` (pure functions); this module only turns what the
user typed into a `Team`, one question at a time.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.context import entity_values, latest_intent, latest_text, mentioned_structures
from actions.eligibility_team import describe_team, team_from_slots
from actions.knowledge_base import UsesKnowledgeBase
from actions.places import Place, find_place, resolve_place
from eligibility.counts import NO_NUMBER, TOO_LARGE
from eligibility.french import normalize
from eligibility.parsing import (
    COUNT_MAXIMUMS,
    Answer,
    CountError,
    extract_team,
    parse_answer,
    parse_count,
    parse_yes_no,
)
from eligibility.rules import needed_fields
from eligibility.team import PRACTICES
from knowledge.names import REGION_NAMES
from textnorm import format_number

# Prefix of the responses that say why a count was refused, one per CountError reason.
INVALID_COUNT_PREFIX = "utter_invalid_count_"
UNKNOWN_ANSWERS = ("je ne sais pas", "je sais pas", "sais pas", "aucune idée", "inconnu", "inconnue", "nsp")

# Only these words restart the dialogue, and only once confirmed: a reply to a pending question
# is an answer first, whatever the NLU thinks it is ("330000" once read as a new request).
_RESTART_RE = re.compile(
    r"\b(?:recommenc\w*|reprendre (?:a zero|depuis le debut|du debut|tout)|tout reprendre|"
    r"repartir (?:de|a) zero|on reprend tout|remettre a zero|tout effacer|efface tout)\b"
)
_CANCEL_RE = re.compile(
    r"\b(?:laisse[zr]? tomber|on laisse tomber|annule[rz]?|abandonne[rz]?|on arrete|arrete[rz]?|stop)\b"
)
_QUESTION_START_RE = re.compile(
    r"^(?:c'?est quoi|c koi|qu'?est[ -]ce|quel|quelle|quels|quelles|comment|pourquoi|combien de temps|"
    r"ou |qui |peut[ -]on|puis[ -]je|dois[ -]je|faut[ -]il|y a[ -]t[ -]il|est[ -]ce qu|expliquez|"
    r"explique|dites[ -]moi|que veut dire|que signifie|ca veut dire)"
)
# Intents after which an unanswering reply is a digression (answered, then the form resumes) or a
# request to stop; check_eligibility is not one of them: mid-form it asks whether to restart.
_DIGRESSION_INTENTS = names.QUESTION_INTENTS - {names.CHECK_ELIGIBILITY}


def looks_like_question(text: str) -> bool:
    """A question rather than an answer: an interrogative opening, or "?" after a few words."""
    normalized = normalize(text)
    return bool(_QUESTION_START_RE.match(normalized)) or (
        normalized.endswith("?") and len(normalized.split()) >= 3
    )


def opening_slots(text: str, asked: str | None = None) -> dict[str, Any]:
    """Team fields stated in a free sentence ("nous sommes 3 MG et 2 kinés, libéraux").

    `asked` is the pending question: "4 médecins" answers the specialists question with
    specialists, not with general practitioners.
    """
    found = extract_team(text, asked=asked)
    return {name: value for name, value in found.items() if name in names.TEAM_SLOTS}


def place_events(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {}
    return {names.REGION: place.region, names.DEPARTMENT: place.department}


class ActionStartEligibility(UsesKnowledgeBase, Action):
    """Resets a previous check and keeps what the opening message already says."""

    def name(self) -> str:
        return names.ACTION_START_ELIGIBILITY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(name, None) for name in names.ELIGIBILITY_SLOTS]
        text = latest_text(tracker)
        found = opening_slots(text) if not text.startswith("/") else {}
        found.update(self._place(tracker))
        structures = mentioned_structures(tracker)
        if structures:
            events.append(SlotSet(names.STRUCTURE, structures[0]))
        events += [SlotSet(name, value) for name, value in found.items()]
        dispatcher.utter_message(response="utter_eligibility_intro")
        summary = describe_team(domain, found, (*names.TEAM_SLOTS, names.REGION))
        if summary:
            dispatcher.utter_message(response="utter_eligibility_noted", summary=summary)
        return events

    def _place(self, tracker: Tracker) -> dict[str, Any]:
        for value in entity_values(tracker, names.ENTITY_REGION):
            place = resolve_place(self.kb, value)
            if place:
                return place_events(place)
        text = latest_text(tracker)
        return {} if text.startswith("/") else place_events(find_place(self.kb, text))


class ValidateEligibilityForm(UsesKnowledgeBase, FormValidationAction):
    """Reads each reply as an answer to the pending question before anything else.

    Order: a pending "recommencer" confirmation; an explicit restart or cancel request; a
    question (digression: the form is rejected so the rules answer it, then it resumes at the
    same question with every answer kept); otherwise the answer to the pending question plus
    any other detail the reply gives. Only a reply that answers nothing is asked again.
    """

    def name(self) -> str:
        return names.ACTION_VALIDATE_ELIGIBILITY_FORM

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa_sdk's run, keeping the extracted slots that have no validation step.

        rasa_sdk returns only the slots of `required_slots`: the département, the pending
        restart and the answers a restart clears (no longer required) would be dropped.
        """
        extraction_events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction_events)
        validation_events = await self._extract_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in validation_events if event.get("event") == "slot"}
        kept = [
            event
            for event in extraction_events
            if event.get("event") == "slot" and event["name"] not in validated
        ]
        return [*kept, *validation_events]

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
            if name == names.REGION or tracker.get_slot(name) is not None or name in needed
        ]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker).strip()
        intent = latest_intent(tracker)
        requested = tracker.get_slot(names.REQUESTED_SLOT)
        if not text or requested is None:
            # Form activation: the opening message was read by action_start_eligibility already.
            return []
        if text.startswith("/"):
            return self._payload(dispatcher, tracker, intent)
        normalized = normalize(text)
        events: list[EventType] = []
        if tracker.get_slot(names.RESTART_PENDING):
            if _RESTART_RE.search(normalized) or (
                requested not in names.YES_NO_SLOTS and parse_yes_no(text) is True
            ):
                dispatcher.utter_message(response="utter_eligibility_restarted")
                cleared = (*names.TEAM_SLOTS, names.REGION, names.DEPARTMENT, names.RESTART_PENDING)
                return [SlotSet(name, None) for name in cleared]
            events.append(SlotSet(names.RESTART_PENDING, None))
            if parse_yes_no(text) is False and requested not in names.YES_NO_SLOTS:
                return events  # "non, on continue": the form asks its question again
        if _RESTART_RE.search(normalized):
            return self._ask_restart(dispatcher)
        if _CANCEL_RE.search(normalized):
            return []  # rejected: the cancel rule runs ("non, pas encore" read as stop is an answer)
        answer = parse_answer(requested, text) if requested in names.TEAM_SLOTS else Answer()
        if looks_like_question(text) and intent in _DIGRESSION_INTENTS:
            return []  # rejected: the digression rule answers, then the form asks again
        found: dict[str, Any] = opening_slots(text, asked=requested)
        if requested in found and answer.value is None:
            del found[requested]
        if answer.value is not None:
            found[requested] = answer.value
        elif answer.unknown and requested == names.POPULATION_SLOT:
            found[requested] = names.UNKNOWN_POPULATION
        place = self._place(tracker, text, requested)
        found.update(place_events(place))
        # A number, or a count the parser refused ("une douzaine"), was meant as an answer.
        attempted = answer.attempted or any(char.isdigit() for char in text)
        if not found and not attempted:
            if intent == names.CHECK_ELIGIBILITY:
                return self._ask_restart(dispatcher)
            if intent in _DIGRESSION_INTENTS:
                return []
        if not found:
            # Meant as an answer but unusable: say why; the form asks the same question again.
            self._reject(dispatcher, requested, answer)
            return [*events, SlotSet(requested, None)] if requested else events
        extra = {name: value for name, value in found.items() if name != requested}
        shown = describe_team(domain, extra, (*names.TEAM_SLOTS, names.REGION))
        if shown:
            # A correction or an extra detail ("en fait on est 3 médecins"): say it was heard,
            # since the form may then repeat its pending question.
            dispatcher.utter_message(response="utter_eligibility_noted", summary=shown)
        return [*events, *(SlotSet(name, value) for name, value in found.items())]

    def _payload(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None
    ) -> list[EventType]:
        """A button's payload ("/inform{"region": "Bretagne"}")."""
        for value in entity_values(tracker, names.ENTITY_REGION):
            place = resolve_place(self.kb, value)
            if place:
                return [SlotSet(name, value) for name, value in place_events(place).items()]
        if intent == names.CHECK_ELIGIBILITY:
            return self._ask_restart(dispatcher)
        return []

    def _place(self, tracker: Tracker, text: str, requested: str | None) -> Place | None:
        """A place in the reply; the whole reply when the region was asked ("Vannes", "29")."""
        if requested == names.REGION:
            place = resolve_place(self.kb, text)
            if place:
                return place
        for value in entity_values(tracker, names.ENTITY_REGION):
            place = resolve_place(self.kb, value)
            if place:
                return place
        return find_place(self.kb, text)

    @staticmethod
    def _ask_restart(dispatcher: CollectingDispatcher) -> list[EventType]:
        dispatcher.utter_message(response="utter_eligibility_restart_confirm")
        return [SlotSet(names.RESTART_PENDING, True)]

    @staticmethod
    def _reject(dispatcher: CollectingDispatcher, requested: str | None, answer: Answer) -> None:
        if requested == names.REGION:
            dispatcher.utter_message(response="utter_region_unknown")
        elif answer.refused:
            refuse_count(dispatcher, answer.refused)
        elif requested in names.COUNT_SLOTS or requested == names.POPULATION_SLOT:
            refuse_count(dispatcher, CountError(NO_NUMBER))
        else:
            dispatcher.utter_message(response="utter_invalid_choice")

    # Validation: values extracted above are already parsed; text comes from older trackers.

    def _count(self, value: Any, dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
        if value is None:
            return {slot: None}
        maximum = COUNT_MAXIMUMS[slot]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value < 0 or value > maximum or value != int(value):
                refuse_count(dispatcher, CountError(TOO_LARGE, maximum))
                return {slot: None}
            return {slot: int(value)}
        try:
            count = parse_count(str(value), maximum=maximum)
        except CountError as error:
            refuse_count(dispatcher, error)
            return {slot: None}
        return {slot: count}

    def validate_general_practitioners(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, names.GENERAL_PRACTITIONERS)

    def validate_paramedicals(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, names.PARAMEDICALS)

    def validate_other_professionals(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, names.OTHER_PROFESSIONALS)

    def validate_specialists(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, names.SPECIALISTS)

    def validate_specialty_doctors_on_territory(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._count(value, dispatcher, names.SPECIALTY_DOCTORS_ON_TERRITORY)

    def validate_liberal_specialty_doctors_on_territory(
        self, value: Any, dispatcher, tracker, domain
    ) -> dict:
        return self._count(value, dispatcher, names.LIBERAL_SPECIALTY_DOCTORS_ON_TERRITORY)

    def validate_territory_population(self, value: Any, dispatcher, tracker, domain) -> dict:
        if value == names.UNKNOWN_POPULATION or (
            isinstance(value, str) and value.strip().casefold().rstrip(" .!") in UNKNOWN_ANSWERS
        ):
            return {names.POPULATION_SLOT: names.UNKNOWN_POPULATION}
        return self._count(value, dispatcher, names.POPULATION_SLOT)

    def validate_practice(self, value: Any, dispatcher, tracker, domain) -> dict:
        if value is None or value in PRACTICES:
            return {names.PRACTICE_SLOT: value}
        practice = parse_answer(names.PRACTICE_SLOT, str(value)).value
        if practice is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {names.PRACTICE_SLOT: practice}

    def _yes_no(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict:
        if value is None or isinstance(value, bool):
            return {slot: value}
        answer = parse_answer(slot, str(value)).value
        if answer is None:
            answer = {names.AFFIRM: True, names.DENY: False}.get(latest_intent(tracker) or "")
        if answer is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {slot: answer}

    def validate_has_manager(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._yes_no(value, dispatcher, tracker, names.HAS_MANAGER)

    def validate_territory_is_department_or_more(self, value: Any, dispatcher, tracker, domain) -> dict:
        return self._yes_no(value, dispatcher, tracker, names.TERRITORY_IS_DEPARTMENT_OR_MORE)

    def validate_region(self, value: Any, dispatcher, tracker, domain) -> dict:
        if value is None or value in REGION_NAMES:
            return {names.REGION: value}
        place = resolve_place(self.kb, str(value))
        if place is None:
            dispatcher.utter_message(response="utter_region_unknown")
            return {names.REGION: None}
        return {names.REGION: place.region}


def refuse_count(dispatcher: CollectingDispatcher, error: CountError) -> None:
    """Say why a count was refused: the response utter_invalid_count_<reason> of domain.yml."""
    if error.maximum is None:
        dispatcher.utter_message(response=f"{INVALID_COUNT_PREFIX}{error.reason}")
    else:
        dispatcher.utter_message(
            response=f"{INVALID_COUNT_PREFIX}{error.reason}", maximum=format_number(error.maximum)
        )


class ActionCancelEligibility(Action):
    def name(self) -> str:
        return names.ACTION_CANCEL_ELIGIBILITY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_eligibility_cancelled")
        return [
            ActiveLoop(None),
            SlotSet(names.REQUESTED_SLOT, None),
            *(SlotSet(name, None) for name in names.ELIGIBILITY_SLOTS),
        ]
