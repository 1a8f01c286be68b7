"""The offer to check the user's team, after an answer about a structure's conditions."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.texts import response_text
from eligibility.rules import ASSESSED_STRUCTURES
from knowledge import topics

# Answers about a structure's conditions (who must be in it, its territory, its practice
# mode, how to create or join it) end with the offer to check the user's own team.
OFFER_TOPICS = frozenset({topics.MEMBERS, topics.TERRITORY, topics.STATUS, topics.CREATION, topics.JOIN})


def offer_eligibility_check(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    structure: str | None,
    topic: str | None,
) -> bool:
    """Offer the eligibility check after an answer about `structure`'s conditions; True if offered.

    Not while the check itself is running (the answer was a digression: the form resumes). The
    button starts the check with the structure in mind (`/check_eligibility{"structure": "ess"}`).
    """
    if structure not in ASSESSED_STRUCTURES or topic not in OFFER_TOPICS:
        return False
    if (tracker.active_loop or {}).get("name"):
        return False
    dispatcher.utter_message(**eligibility_offer(domain, structure))
    return True


def eligibility_offer(domain: DomainDict, structure: str | None = None) -> dict[str, Any]:
    """The message that offers the check, as `utter_message` keyword arguments."""
    payload = f"/{names.CHECK_ELIGIBILITY}"
    if structure:
        payload += json.dumps({names.ENTITY_STRUCTURE: structure})
    return {
        "text": response_text(domain, "utter_offer_eligibility"),
        "buttons": [{"title": response_text(domain, "utter_offer_eligibility_button"), "payload": payload}],
    }
