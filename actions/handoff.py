"""action_human_handoff: flag the conversation for staff and give the right human contact."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.context import current_region, current_structure
from actions.directory import contact_line
from actions.formatting import citations_line
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from knowledge.names import REGION_NAMES

# Two contacts are enough to reach a person; the full list is one question away.
MAX_CONTACTS = 2


class ActionHumanHandoff(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # The slot is what the review inbox filters on ("a human was asked for").
        events: list[EventType] = [SlotSet(slots.HANDOFF_REQUESTED, True)]
        region = current_region(tracker)
        contacts = []
        if region:
            contacts = [
                contact
                for contact in self.kb.contacts(region=region, structure_id=current_structure(tracker))
                if contact.region == region
            ][:MAX_CONTACTS]
        if not contacts:
            dispatcher.utter_message(response="utter_handoff_no_region")
            return events
        suffix = f" en {REGION_NAMES.get(region, region)}"
        lines = [response_text(domain, "utter_handoff", region_suffix=suffix)]
        lines += [contact_line(contact) for contact in contacts]
        lines.append(citations_line(domain, [contact.source for contact in contacts]))
        dispatcher.utter_message(text="\n".join(lines))
        return events
