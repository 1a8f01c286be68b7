"""action_answer_directory: lists from the documents (contacts, PTA, CPTS examples, medico-social
structures, legal forms)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.context import current_structure, latest_intent, latest_text, region_in_use
from actions.formatting import BULLET, citations_line, group_by_source, join_blocks
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_buttons, response_text
from knowledge.names import REGION_NAMES
from knowledge.query import KnowledgeBase
from knowledge.search import SearchIndex
from knowledge.types import Contact, Platform

CONTACT = "contact"
PLATFORMS = "platforms"
CPTS_EXAMPLES = "cpts_examples"
MEDICO_SOCIAL = "medico_social"
LEGAL_FORMS = "legal_forms"
DIRECTORY_TOPICS = frozenset({CONTACT, PLATFORMS, CPTS_EXAMPLES, MEDICO_SOCIAL, LEGAL_FORMS})
# Question intent -> directory list of action_answer_directory (context.TOPIC_BY_INTENT maps the
# intents of action_answer_topic to knowledge topics).
DIRECTORY_TOPIC_BY_INTENT = {
    "ask_contact": CONTACT,
    "ask_platforms": PLATFORMS,
    "ask_cpts_examples": CPTS_EXAMPLES,
    "ask_medico_social": MEDICO_SOCIAL,
}
PACA = "paca"
MAX_NAMED_CONTACTS = 3
T = TypeVar("T")


def regional_contacts(kb: KnowledgeBase, region: str | None, structure_id: str | None) -> list[Contact]:
    """Contacts of the user's own region, those named for the structure first.

    When none is named for the structure, every contact of the region: PACA's documents only
    name CPTS contacts, and they are still the right people to ask about an MSP. Contacts of
    other regions never help, so they are left out.
    """
    if region is None:
        return []
    local = [item for item in kb.contacts(region=region, structure_id=structure_id) if item.region == region]
    if not local and structure_id is not None:
        local = [item for item in kb.contacts(region=region) if item.region == region]
    return local


def contact_line(contact: Contact) -> str:
    details = [part for part in (contact.phone, contact.email, contact.url, contact.address) if part]
    return BULLET + contact.name + (" : " + ", ".join(details) if details else "")


def platform_line(platform: Platform) -> str:
    # Some PTA have no number in the document, only a note saying how to reach them.
    reach = platform.phone or platform.note
    return f"{BULLET}{platform.name} ({platform.territory})" + (f" : {reach}" if reach else "")


def format_contacts(domain: DomainDict, contacts: Sequence[Contact], region: str | None) -> str:
    suffix = f" – {REGION_NAMES.get(region, region)}" if region else ""
    blocks = [response_text(domain, "utter_contacts_header", region_suffix=suffix)]
    for source, items in group_by_source(contacts):
        lines = [contact_line(contact) for contact in items]
        lines.append(response_text(domain, "utter_source", citation=source.reference))
        blocks.append("\n".join(lines))
    return join_blocks(*blocks)


def answer_directory(
    kb: KnowledgeBase,
    domain: DomainDict,
    topic: str,
    region: str | None,
    structure_id: str | None,
    *,
    index: SearchIndex | None = None,
    question: str = "",
) -> tuple[str, list[dict[str, str]]]:
    """(text, buttons) for one of the DIRECTORY_TOPICS.

    With a question that names one of the list's items ("numéro de la PTA Est Azur ?"), only
    the items it names are shown, best first; otherwise the whole list.
    """

    def named(items: list[T]) -> list[T]:
        return index.relevant(question, items) if index is not None and question else items

    if topic == CONTACT:
        if region is None:
            # "Comment contacter Be LC ?" needs no region: the contact is named.
            every = kb.contacts()
            named_contacts = named(every)
            if len(named_contacts) < len(every):
                return format_contacts(domain, named_contacts[:MAX_NAMED_CONTACTS], None), []
            return (
                response_text(domain, "utter_contacts_ask_region"),
                response_buttons(domain, "utter_contacts_ask_region"),
            )
        local = named(regional_contacts(kb, region, structure_id))
        if not local:
            return (
                response_text(domain, "utter_no_contacts", region_name=REGION_NAMES.get(region, region)),
                [],
            )
        return format_contacts(domain, local[:8], region), []

    if topic == PLATFORMS:
        platforms = named(kb.platforms())
        if region not in (None, PACA) or not platforms:
            return response_text(domain, "utter_platforms_none"), []
        lines = [response_text(domain, "utter_platforms_header", territory_suffix="")]
        lines += [platform_line(p) for p in platforms]
        lines.append(citations_line(domain, [p.source for p in platforms]))
        return "\n".join(lines), []

    if topic == CPTS_EXAMPLES:
        examples = named(kb.cpts_examples())
        lines = [response_text(domain, "utter_cpts_examples_header")]
        for example in examples:
            departments = ", ".join(example.departments)
            population = f", {example.population_text}" if example.population_text else ""
            lines.append(f"{BULLET}{example.name} ({departments}{population})")
        lines.append(citations_line(domain, [example.source for example in examples]))
        return "\n".join(lines), []

    if topic == MEDICO_SOCIAL:
        structures = named(kb.medico_social())
        lines = [response_text(domain, "utter_medico_social_header")]
        lines += [f"{BULLET}{item.summary}" for item in structures]
        lines.append(citations_line(domain, [item.source for item in structures]))
        return "\n".join(lines), []

    forms = named(kb.legal_forms())
    lines = [response_text(domain, "utter_legal_forms_header")]
    lines += [f"{BULLET}{form.summary}" for form in forms]
    lines.append(citations_line(domain, [form.source for form in forms]))
    return "\n".join(lines), []


class ActionAnswerDirectory(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_answer_directory"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = DIRECTORY_TOPIC_BY_INTENT.get(latest_intent(tracker) or "", CONTACT)
        events: list[EventType] = [SlotSet(names.LAST_TOPIC, topic)]
        place = region_in_use(tracker)
        text, buttons = answer_directory(
            self.kb,
            domain,
            topic,
            place.region,
            current_structure(tracker),
            index=self.index,
            question=latest_text(tracker),
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        if place.unknown:
            # "quelle PTA pour Marseille ?": the list answers; the place is asked for after.
            dispatcher.utter_message(response="utter_region_unknown")
        return events + place.events()
