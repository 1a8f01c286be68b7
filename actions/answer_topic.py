"""action_answer_topic: one question about one structure (definition, funding, steps…).

Also answers follow-ups that carry over context: "et comment elle est financée ?" (same
structure, new topic), "et pour une CPTS ?" (same topic, new structure), "plus de détails".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.answer_parts import nothing_found, region_notes, structure_label, topic_label
from actions.answer_search import not_in_documents, search_answer
from actions.compare import COMPARE_TOPIC, answer_comparison
from actions.context import (
    INTENT_BY_TOPIC,
    TOPIC_BY_INTENT,
    entity_values,
    latest_intent,
    latest_text,
    mentioned_structures,
    mentioned_term,
    region_in_use,
)
from actions.directory import DIRECTORY_TOPICS, LEGAL_FORMS, answer_directory
from actions.eligibility_offer import offer_eligibility_check
from actions.formatting import (
    button,
    citations_line,
    join_blocks,
    limit_buttons,
    render_sourced,
)
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from knowledge import search, topics
from knowledge.names import REGION_NAMES
from knowledge.types import Source, Structure

# A fact from outside the asked topic leads the answer only when it scores this much higher
# than the topic's best row, and at least LEAD_MIN_SCORE (calibrated on bench/qa, docs/qa.md).
LEAD_MARGIN = 1.25
LEAD_MIN_SCORE = 6.0
LEADING_KINDS = (search.FACT, search.FUNDING, search.CPTS_EXAMPLE, search.PLATFORM, search.CONTACT)
# A question with this many content words is about something; with fewer ("et le
# financement ?") it is a follow-up that needs its structure.
MIN_WORDS_FOR_A_QUESTION = 2
# Below this share of the question's words (rarity-weighted) in the first rows shown, the
# answer warns that the documents do not answer exactly (calibrated on bench/qa, docs/qa.md).
MIN_TOPIC_COVERAGE = 0.4
SHOWN_FOR_COVERAGE = 2

# Follow-up topics offered as buttons, most useful first.
FOLLOW_UP_ORDER = (
    topics.DEFINITION,
    topics.FUNDING,
    topics.CREATION,
    topics.MEMBERS,
    topics.MISSIONS,
    topics.LEGAL_FORM,
)


def follow_up_buttons(
    domain: DomainDict, structure_id: str, topic: str, truncated: bool, available: Collection[str]
) -> list[dict[str, str]]:
    """ "Plus de détails" when something was held back, then other topics the sources cover.

    A button must never lead to "je n'ai pas cette information": `available` are the topics
    the knowledge base has facts on for this structure.
    """
    buttons = []
    if truncated:
        buttons.append(
            button(response_text(domain, "utter_more_details_title"), "ask_more", structure=structure_id)
        )
    for other in FOLLOW_UP_ORDER:
        if other != topic and other in available:
            buttons.append(button(topic_label(domain, other), INTENT_BY_TOPIC[other], structure=structure_id))
    return limit_buttons(buttons)


@dataclass(frozen=True)
class SourcedLine:
    """One line of an answer with its source, for rows that are not facts."""

    text: str
    source: Source


class ActionAnswerTopic(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        place = region_in_use(tracker)
        if place.unknown and intent == "inform":
            dispatcher.utter_message(response="utter_region_unknown")
            return []
        if place.unknown:
            # A question that names a place the resolver does not know ("la CPTS La Salamandre
            # à Blois") is answered without it (never with a guessed region); then the place
            # is asked for.
            events = self._answer(dispatcher, tracker, domain, intent, None, place.region)
            dispatcher.utter_message(response="utter_region_unknown")
            return events
        return self._answer(dispatcher, tracker, domain, intent, place.named, place.region, place.events())

    def _answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        intent: str | None,
        region_id: str | None,
        region: str | None,
        events: list[EventType] | None = None,
    ) -> list[EventType]:
        events = list(events or [])

        last_topic = tracker.get_slot(names.LAST_TOPIC)
        topic = TOPIC_BY_INTENT.get(intent or "") or last_topic
        structures = mentioned_structures(tracker)
        structure_id = structures[0] if structures else tracker.get_slot(names.STRUCTURE)
        term = mentioned_term(tracker)
        full = intent == "ask_more"

        if topic in DIRECTORY_TOPICS:
            text, buttons = answer_directory(
                self.kb, domain, topic, region, structure_id, index=self.index, question=latest_text(tracker)
            )
            dispatcher.utter_message(text=text, buttons=buttons)
            return events
        if topic == COMPARE_TOPIC and intent in ("ask_more", "inform"):
            if intent == "ask_more" and len(structures) == 1:
                # "plus de détails sur la MSP": everything about that one structure.
                topic = topics.DEFINITION
            else:
                # "plus de détails" shows the whole comparison; "et avec une ESS ?" adds a column.
                compared = list(tracker.get_slot(names.COMPARED_STRUCTURES) or [])
                compared += [item for item in structures if item not in compared]
                text, buttons, compare_events = answer_comparison(
                    self.kb, domain, compared, region, full=full
                )
                dispatcher.utter_message(text=text, buttons=buttons)
                return events + compare_events
        refines_previous_answer = bool(region_id and topic and structure_id)
        if intent == "inform" and not structures and not term and not refines_previous_answer:
            # A bare region ("je suis en Bretagne") with nothing to refine is just remembered.
            if region_id:
                dispatcher.utter_message(
                    response="utter_region_noted", region_name=REGION_NAMES.get(region_id, region_id)
                )
            else:
                dispatcher.utter_message(response="utter_default")
            return events
        if topic is None:
            topic = topics.DEFINITION

        if topic == topics.DEFINITION and term and not structures:
            dispatcher.utter_message(text=self._glossary_answer(domain, term))
            return events

        names_legal_form = bool(entity_values(tracker, names.ENTITY_LEGAL_FORM))
        if topic == topics.LEGAL_FORM and not structures and (names_legal_form or not structure_id):
            # "quelles formes juridiques existent", "différence SCM SCP": the legal forms table.
            text, buttons = answer_directory(
                self.kb, domain, LEGAL_FORMS, region, None, index=self.index, question=latest_text(tracker)
            )
            dispatcher.utter_message(text=text, buttons=buttons)
            return [*events, SlotSet(names.LAST_TOPIC, topic)]

        structure = self.kb.structure(structure_id) if structure_id else None
        if structure is None:
            if term:
                dispatcher.utter_message(text=self._glossary_answer(domain, term))
                return events
            return events + self._answer_without_structure(dispatcher, tracker, domain, topic, region)

        question = "" if full else latest_text(tracker)
        text, truncated = self._topic_answer(domain, structure, topic, region, term, question)
        available = self.kb.available_topics(structure.id)
        dispatcher.utter_message(
            text=text, buttons=follow_up_buttons(domain, structure.id, topic, truncated, available)
        )
        # An answer about a structure's conditions offers to check them for the user's team.
        offer_eligibility_check(dispatcher, tracker, domain, structure.id, topic)
        return [
            *events,
            SlotSet(names.STRUCTURE, structure.id),
            SlotSet(names.LAST_TOPIC, topic),
        ]

    def _answer_without_structure(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        topic: str,
        region: str | None,
    ) -> list[EventType]:
        """A question about no structure: coordinated practice in general, a resource, a
        table… The search answers when a row covers it; a question with words the documents
        do not cover gets the honest reply; a bare "et le financement ?" asks which structure."""
        question = latest_text(tracker)
        events: list[EventType] = [SlotSet(names.LAST_TOPIC, topic)]
        if len(self.index.analyzer.query(question).tokens) < MIN_WORDS_FOR_A_QUESTION:
            dispatcher.utter_message(response="utter_which_structure")
            return events
        found = search_answer(domain, self.index, question, topic=topic, region=region)
        if found.text is not None:
            dispatcher.utter_message(text=found.text)
            return events + ([SlotSet(names.STRUCTURE, found.structure)] if found.structure else [])
        dispatcher.utter_message(text=not_in_documents(domain, self.kb, region, []))
        return events

    def _glossary_answer(self, domain: DomainDict, term: str) -> str:
        entry = self.kb.glossary(term)
        if entry is None:
            return response_text(domain, "utter_term_unknown", term=term)
        lines = [response_text(domain, "utter_glossary_entry", term=entry.term, expansion=entry.expansion)]
        if entry.note:
            lines.append(entry.note)
        lines.append(citations_line(domain, entry.sources))
        return "\n".join(lines)

    def _topic_answer(
        self,
        domain: DomainDict,
        structure: Structure,
        topic: str,
        region: str | None,
        term: str | None,
        question: str,
    ) -> tuple[str, bool]:
        """The facts of `topic` most relevant to `question` first; every fact when it is empty
        ("plus de détails")."""
        full = not question
        header = response_text(
            domain,
            "utter_topic_header",
            topic_label=topic_label(domain, topic),
            structure_name=structure_label(structure),
        )
        limits: dict[str, Any] = {"max_groups": None, "max_items": None} if full else {}

        if topic == topics.CREATION:
            procedures = self.kb.steps(structure.id, region)
            if procedures:
                blocks = []
                if question:
                    # Procedures keep the region order (the user's region's steps first); a
                    # fact that answers better than any step ("quel soir pour la réunion ?")
                    # comes before them.
                    boosts = {"structures": [structure.id], "topic": topic, "region": region}
                    led = self._lead_with_best(question, procedures, boosts)
                    if led[0] is not procedures[0]:
                        blocks.append(render_sourced(domain, led[:1], region=region).text)
                shown = procedures if full else procedures[:1]
                for procedure in shown:
                    steps = "\n".join(
                        f"{number}. {step}" for number, step in enumerate(procedure.steps, start=1)
                    )
                    blocks.append(
                        f"{procedure.title}\n{steps}\n"
                        + response_text(domain, "utter_source", citation=procedure.source.reference)
                    )
                prefix, suffix = region_notes(
                    domain, self.kb, region, {procedure.source.region for procedure in procedures}
                )
                return join_blocks(prefix, header, *blocks, suffix), len(shown) < len(procedures)

        rows: list[Any]
        if topic == topics.FUNDING:
            rows = list(self.kb.funding(structure.id, region))
            if term:
                wanted = term.casefold()
                matching = [row for row in rows if wanted in f"{row.label} {row.text}".casefold()]
                rows = matching or rows
            if not rows:
                rows = list(self.kb.facts(structure.id, topic, region))
        else:
            rows = list(self.kb.facts(structure.id, topic, region))

        if not rows:
            subject = f"« {topic_label(domain, topic).lower()} » ({structure.acronym})"
            return nothing_found(domain, self.kb, subject, region, structure.id), False

        boosts: dict[str, Any] = {"structures": [structure.id], "topic": topic, "region": region}
        rows = self.index.rank(question, rows) if question else rows
        if question:
            rows = self._lead_with_best(question, rows, boosts)
        rendered = render_sourced(domain, rows, region=region, **limits)
        prefix, suffix = region_notes(domain, self.kb, region, {row.source.region for row in rows})
        if question and self._misses_the_point(question, rows[:SHOWN_FOR_COVERAGE]):
            prefix = join_blocks(prefix, response_text(domain, "utter_not_exactly"))
        return join_blocks(prefix, header, rendered.text, suffix), rendered.truncated

    def _misses_the_point(self, question: str, rows: list[Any]) -> bool:
        """Whether the rows shown first leave most of the question's words unanswered.

        "quel est le tarif d'une consultation en MSP ?" reads as a fees question, and the
        MSP's fee rows say nothing of a consultation's price: the answer says so before
        showing them, rather than passing them off as the answer.
        """
        entries = [entry for row in rows for entry in self.index.row_entries(row)]
        return bool(entries) and self.index.coverage(question, entries) < MIN_TOPIC_COVERAGE

    def _lead_with_best(self, question: str, rows: list[Any], boosts: dict[str, Any]) -> list[Any]:
        """The best row of the structure for the question, even outside the topic, comes first.

        "combien de MSP ont signé l'ACI en Occitanie ?" reads as a funding question, but the
        answer is a statistics fact: when the search finds a fact or funding row of the same
        structure that scores clearly above every row of the topic, it leads the answer.
        """
        # Both sides without the topic's boost: the question is whether the topic was right.
        boosts = {key: value for key, value in boosts.items() if key != "topic"}
        hits = self.index.search(question, kinds=LEADING_KINDS, limit=1, **boosts)
        if not hits or hits[0].entry.structure != boosts["structures"][0]:
            return rows
        best = hits[0]
        if best.entry.item in rows:
            return rows
        topic_best = max(self.index.rank_scores(question, rows[:1], **boosts), default=0.0)
        if best.score < LEAD_MARGIN * topic_best or best.score < LEAD_MIN_SCORE:
            return rows
        if best.entry.kind in (search.FACT, search.FUNDING):
            return [best.entry.item, *rows]
        # A named row of a table or directory ("la CPTS Sud-Tarn", "la PTA Est Azur").
        return [SourcedLine(best.entry.text, best.entry.source), *rows]
