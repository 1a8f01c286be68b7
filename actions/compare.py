"""action_compare_structures: a short side-by-side of two or more structures."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.answer_parts import topic_label
from actions.context import current_region, mentioned_structures
from actions.formatting import BULLET, button, citations_line, limit_buttons
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from knowledge import topics
from knowledge.query import KnowledgeBase
from knowledge.types import Source

COMPARE_TOPIC = "difference"
COMPARED_STRUCTURES = "compared_structures"
# Criteria shown before "plus de détails": enough to tell the structures apart.
SHORT_ROWS = 6


def answer_comparison(
    kb: KnowledgeBase,
    domain: DomainDict,
    structure_ids: list[str],
    region: str | None,
    *,
    full: bool = False,
) -> tuple[str, list[dict[str, str]], list[EventType]]:
    """(text, buttons, events) comparing the structures, one line per criterion and structure."""
    if len(structure_ids) < 2:
        return response_text(domain, "utter_which_structures_to_compare"), [], []
    comparison = kb.compare(structure_ids, region)
    names = " / ".join(structure.acronym for structure in comparison.structures)
    rows = comparison.rows if full else comparison.rows[:SHORT_ROWS]
    lines = [response_text(domain, "utter_compare_header", names=names)]
    sources: list[Source] = []
    missing = response_text(domain, "utter_comparison_missing")
    for row in rows:
        lines.append("")
        lines.append(f"**{row.criterion}**")
        for structure in comparison.structures:
            facts = row.values.get(structure.id, ())
            shown = facts if full else facts[:1]
            value = " ".join(fact.text for fact in shown) if shown else missing
            sources.extend(fact.source for fact in shown)
            lines.append(f"{BULLET}{structure.acronym} : {value}")
    if sources:
        lines.append("")
        lines.append(citations_line(domain, sources))

    buttons = []
    if len(rows) < len(comparison.rows):
        buttons.append(button(response_text(domain, "utter_more_details_title"), "ask_more"))
    funding = topic_label(domain, topics.FUNDING)
    for structure in comparison.structures:
        buttons.append(button(f"{funding} {structure.acronym}", "ask_funding", structure=structure.id))
    events: list[EventType] = [
        SlotSet(COMPARED_STRUCTURES, [structure.id for structure in comparison.structures]),
        SlotSet(slots.LAST_TOPIC, COMPARE_TOPIC),
    ]
    return "\n".join(lines), limit_buttons(buttons), events


class ActionCompareStructures(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_compare_structures"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        structure_ids = mentioned_structures(tracker)
        remembered = tracker.get_slot(slots.STRUCTURE)
        # "quelle différence avec une CPTS ?" compares with the structure discussed before.
        if len(structure_ids) == 1 and remembered and remembered != structure_ids[0]:
            structure_ids = [remembered, *structure_ids]
        text, buttons, events = answer_comparison(self.kb, domain, structure_ids, current_region(tracker))
        dispatcher.utter_message(text=text, buttons=buttons)
        return events
