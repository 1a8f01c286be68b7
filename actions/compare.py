"""action_compare_structures: a short side-by-side of two or more structures."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.answer_parts import region_notes, topic_label
from actions.context import mentioned_structures, region_in_use
from actions.formatting import BULLET, button, conflict_units, join_blocks, limit_buttons, region_id
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from knowledge import topics
from knowledge.query import KnowledgeBase
from knowledge.types import Fact, Source

COMPARE_TOPIC = "difference"
# Criteria shown before "plus de détails": enough to tell the structures apart.
SHORT_ROWS = 6


def numbered_sources(domain: DomainDict, sources: list[Source]) -> str:
    """ "Sources : [1] guide…, [2] article…": the key to the [n] marks of the lines above."""
    citations = " ; ".join(f"[{number}] {source.reference}" for number, source in enumerate(sources, 1))
    return response_text(domain, "utter_sources", citations=citations)


def cell_facts(
    facts: tuple[Fact, ...], region: str | None, full: bool
) -> tuple[list[tuple[Fact, list[Source]]], bool]:
    """(facts shown in one cell, each with the documents it stands for; whether they disagree).

    Short: the first fact, then, for every disagreement among the cell's facts, the facts of one
    document per differing value (the user's region, then the most recent first), each standing
    for every document that states that value: a regional figure never hides behind the
    national one. Full: every fact.
    """
    if full:
        return [(fact, [fact.source]) for fact in facts], bool(conflict_units(facts, facts, None))
    units = conflict_units(facts, facts, region_id(region))
    if not units:
        return [(fact, [fact.source]) for fact in facts[:1]], False
    # The disagreement about the first fact, if any, takes its place at the top of the cell.
    units.sort(key=lambda unit: all(item is not facts[0] for item in unit.rows))
    entries: list[tuple[Fact, list[Source]]] = []
    if all(item is not facts[0] for item in units[0].rows):
        entries.append((facts[0], [facts[0].source]))
    for unit in units:
        for sides in unit.by_value():
            for fact in sides[0].rows:
                if all(fact is not known for known, _ in entries):
                    entries.append((fact, [side.source for side in sides]))  # type: ignore[arg-type]
    return entries, True


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
    acronyms = " / ".join(structure.acronym for structure in comparison.structures)
    rows = comparison.rows if full else comparison.rows[:SHORT_ROWS]
    lines = [response_text(domain, "utter_compare_header", names=acronyms)]
    sources: dict[str, tuple[int, Source]] = {}
    missing = response_text(domain, "utter_comparison_missing")
    for row in rows:
        lines.append("")
        lines.append(f"**{topic_label(domain, row.topic)}**")
        for structure in comparison.structures:
            entries, differ = cell_facts(row.values.get(structure.id, ()), region, full)
            if not entries:
                lines.append(f"{BULLET}{structure.acronym} : {missing}")
                continue
            values = []
            marks = []
            for fact, cited_by in entries:
                numbers = []
                for source in cited_by:
                    number, _ = sources.setdefault(source.file, (len(sources) + 1, source))
                    numbers.append(number)
                marks.extend(numbers)
                values.append((fact.text, "".join(f"[{number}]" for number in dict.fromkeys(numbers))))
            if differ:
                # Each value with its own source numbers: the documents do not say the same.
                label = f"{structure.acronym} ({response_text(domain, 'utter_compare_values_differ')})"
                lines.append(f"{BULLET}{label} : " + " / ".join(f"{text} {tags}" for text, tags in values))
                continue
            tags = "".join(f"[{number}]" for number in dict.fromkeys(marks))
            lines.append(f"{BULLET}{structure.acronym} : {' '.join(text for text, _ in values)} {tags}")
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
        SlotSet(names.COMPARED_STRUCTURES, [structure.id for structure in comparison.structures]),
        SlotSet(names.LAST_TOPIC, COMPARE_TOPIC),
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
        remembered = tracker.get_slot(names.STRUCTURE)
        # "quelle différence avec une CPTS ?" compares with the structure discussed before.
        if len(structure_ids) == 1 and remembered and remembered != structure_ids[0]:
            structure_ids = [remembered, *structure_ids]
        text, buttons, events = answer_comparison(self.kb, domain, structure_ids, place.region)
        dispatcher.utter_message(text=text, buttons=buttons)
        return place.events() + events
