"""action_human_handoff: flag the conversation for staff and give the right human contact."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.context import current_structure, region_in_use
from actions.directory import CONTACT, contact_line, regional_contacts
from actions.formatting import citations_line
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_buttons, response_text
from knowledge.names import REGION_NAMES

# Two contacts are enough to reach a person; the full list is one question away.
MAX_CONTACTS = 2


class ActionHumanHandoff(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # The slot is the flag the review inbox reads ("a human was asked for").
        place = region_in_use(tracker)
        events: list[EventType] = [SlotSet(names.HANDOFF_REQUESTED, True), *place.events()]
        region = place.region
        if region is None:
            # The region the user gives next is answered with its contacts.
            dispatcher.utter_message(
                response="utter_handoff_no_region",
                buttons=response_buttons(domain, "utter_contacts_ask_region"),
            )
            return [*events, SlotSet(names.LAST_TOPIC, CONTACT)]
        region_name = REGION_NAMES.get(region, region)
        contacts = regional_contacts(self.kb, region, current_structure(tracker))[:MAX_CONTACTS]
        if not contacts:
            dispatcher.utter_message(response="utter_handoff_no_contacts", region_name=region_name)
            return events
        lines = [response_text(domain, "utter_handoff", region_name=region_name)]
        lines += [contact_line(contact) for contact in contacts]
        lines.append(citations_line(domain, [contact.source for contact in contacts]))
        dispatcher.utter_message(text="\n".join(lines))
        return events
