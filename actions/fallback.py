"""action_default_ask_affirmation: first stage of the two-stage fallback, as buttons.

Rasa's default asks "did you mean intent X?"; here the likely questions are offered as buttons
that carry the entities already understood, so one tap answers the user.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.formatting import MAX_BUTTONS, intent_payload
from actions.texts import response_text

# Intents worth suggesting: the ones a button label can describe.
SUGGESTIBLE_PREFIXES = ("ask_", "check_eligibility", "human_handoff")


def suggested_intents(intent_ranking: list[dict], limit: int, domain: DomainDict) -> list[str]:
    """The likeliest intents that a button can offer: those with a label in the domain.

    Unlabelled ones (ask_more, ask_medical_advice) are never worth a button.
    """
    responses = domain.get("responses") or {}
    names = []
    for item in intent_ranking:
        name = item.get("name") or ""
        if (
            name.startswith(SUGGESTIBLE_PREFIXES)
            and f"utter_intent_label_{name}" in responses
            and name not in names
        ):
            names.append(name)
    return names[:limit]


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message
        entities: dict[str, list[str]] = {}
        for entity in message.get("entities") or []:
            entities.setdefault(entity["entity"], []).append(str(entity["value"]))
        buttons = [
            {
                "title": response_text(domain, f"utter_intent_label_{intent}"),
                "payload": intent_payload(intent, **entities),
            }
            for intent in suggested_intents(message.get("intent_ranking") or [], MAX_BUTTONS - 1, domain)
        ]
        if not buttons:
            # Nothing worth suggesting: a lone "Autre chose" would only cost the user a tap.
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        # Rasa's two-stage fallback reads out_of_scope as "none of these" and asks the user
        # to rephrase; any other intent (deny included) would end the fallback unanswered.
        buttons.append(
            {
                "title": response_text(domain, "utter_ask_affirmation_other"),
                "payload": f"/{names.OUT_OF_SCOPE}",
            }
        )
        dispatcher.utter_message(response="utter_ask_affirmation", buttons=buttons)
        return []
