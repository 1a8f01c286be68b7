"""action_compare_structures: a short side-by-side of two or more structures."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.answer_parts import region_notes, topic_label
from actions.context import mentioned_structures, region_in_use
from actions.formatting import BULLET, button, join_blocks, limit_buttons
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from knowledge import topics
from knowledge.query import KnowledgeBase
from knowledge.types import Source

COMPARE_TOPIC = "difference"
COMPARED_STRUCTURES = "compared_structures"
# Criteria shown before "plus de détails": enough to tell the structures apart.
SHORT_ROWS = 6


def numbered_sources(domain: DomainDict, sources: list[Source]) -> str:
    """ "Sources : [1] guide…, [2] article…": the key to the [n] marks of the lines above."""
    citations = " ; ".join(f"[{number}] {source.reference}" for number, source in enumerate(sources, 1))
    return response_text(domain, "utter_sources", citations=citations)


def answer_comparison(
    kb: KnowledgeBase,
    domain: DomainDict,
    structure_ids: list[str],
    region: str | None,
    *,
    full: bool = False,
) -> tuple[str, list[dict[str, str]], list[EventType]]:
    """(text, buttons, events) comparing the structures, one line per criterion and structure.

    Lines mix documents of several regions and dates, so each one ends with the number of its
    source: a regional figure is never read as a national one.
    """
    if len(structure_ids) < 2:
        return response_text(domain, "utter_which_structures_to_compare"), [], []
    comparison = kb.compare(structure_ids, region)
    names = " / ".join(structure.acronym for structure in comparison.structures)
    rows = comparison.rows if full else comparison.rows[:SHORT_ROWS]
    lines = [response_text(domain, "utter_compare_header", names=names)]
    sources: dict[str, tuple[int, Source]] = {}
    missing = response_text(domain, "utter_comparison_missing")
    for row in rows:
        lines.append("")
        lines.append(f"**{topic_label(domain, row.topic)}**")
        for structure in comparison.structures:
            facts = row.values.get(structure.id, ())
            shown = facts if full else facts[:1]
            if not shown:
                lines.append(f"{BULLET}{structure.acronym} : {missing}")
                continue
            marks = []
            for fact in shown:
                number, _ = sources.setdefault(fact.source.file, (len(sources) + 1, fact.source))
                marks.append(number)
            value = " ".join(fact.text for fact in shown)
            tags = "".join(f"[{number}]" for number in dict.fromkeys(marks))
            lines.append(f"{BULLET}{structure.acronym} : {value} {tags}")
    cited = [source for _, source in sources.values()]
    prefix, suffix = region_notes(domain, kb, region, {source.region for source in cited})
    text = join_blocks(prefix, "\n".join(lines), numbered_sources(domain, cited) if cited else "", suffix)

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
    return text, limit_buttons(buttons), events


class ActionCompareStructures(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_compare_structures"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        place = region_in_use(tracker)
        if place.unknown:
            dispatcher.utter_message(response="utter_region_unknown")
            return []
        structure_ids = mentioned_structures(tracker)
        remembered = tracker.get_slot(slots.STRUCTURE)
        # "quelle différence avec une CPTS ?" compares with the structure discussed before.
        if len(structure_ids) == 1 and remembered and remembered != structure_ids[0]:
            structure_ids = [remembered, *structure_ids]
        text, buttons, events = answer_comparison(self.kb, domain, structure_ids, place.region)
        dispatcher.utter_message(text=text, buttons=buttons)
        return place.events() + events
