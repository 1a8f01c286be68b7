"""action_answer_search: the long tail. A question no intent fits (nlu_fallback) or that looks
out of scope is searched in every row of the knowledge base before giving up.

Three outcomes, most useful first:
- the search finds rows above a calibrated score: answer from them, each with its source;
- the question's words are known to the documents but nothing answers it well enough: say
  plainly that the documents do not cover it and give the right contact (a wrong confident
  answer is worse than "je ne sais pas");
- none of its words is in the documents (gibberish, small talk): the usual fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.answer_parts import contact_hint
from actions.context import (
    TOPIC_BY_INTENT,
    latest_intent,
    latest_text,
    mentioned_structures,
    region_in_use,
)
from actions.eligibility_offer import eligibility_offer
from actions.formatting import BULLET, join_blocks
from actions.knowledge_base import UsesKnowledgeBase, warm_search_index
from actions.texts import response_text
from knowledge import search
from knowledge.query import KnowledgeBase
from knowledge.search import Entry, Hit, SearchIndex

# Calibrated on the tuning part of bench/qa (answerable and not-in-the-documents questions,
# see docs/qa.md): the best row must contain MIN_COVERAGE of the question's words, weighted
# by rarity, to be given as the answer; from HEDGE_COVERAGE it is shown as the closest the
# documents come; below, it is more often beside the point than right.
MIN_COVERAGE = 0.5
HEDGE_COVERAGE = 0.3
MIN_SCORE = 1.0
# The NLU's best guess counts as the topic when it is at least this sure (an nlu_fallback
# still ranks the intents: "Comment le livret définit-il une MSP ?" ranks ask_definition).
TOPIC_GUESS_CONFIDENCE = 0.2
# Rows shown after the best one must score at least this share of it (and there are at most
# MAX_SHOWN of them): short answers stay short.
KEEP_RATIO = 0.75
MAX_SHOWN = 3


def entry_line(domain: DomainDict, entry: Entry) -> str:
    """The line an answer prints for one search entry (without its source)."""
    if entry.kind in (search.LEGAL_FORM, search.MEDICO_SOCIAL) and entry.field != search.SUMMARY:
        label = response_text(domain, f"utter_field_label_{entry.field}")
        return response_text(domain, "utter_table_cell", item=entry.name, label=label, value=entry.text)
    if entry.kind == search.STEP:
        return response_text(domain, "utter_step_line", title=entry.name, number=entry.field, step=entry.text)
    return entry.text


def shown_hits(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit, then the few close to it."""
    if not hits:
        return []
    best = hits[0].score
    return [hit for hit in hits[:MAX_SHOWN] if hit.score >= best * KEEP_RATIO]


def render_hits(domain: DomainDict, hits: Sequence[Hit]) -> str:
    """Bullets in rank order, each run of one source closed by its citation."""
    blocks: list[str] = []
    lines: list[str] = []
    current = None
    for hit in hits:
        source = hit.entry.source
        if current is not None and source.file != current.file:
            lines.append(response_text(domain, "utter_source", citation=current.reference))
            blocks.append("\n".join(lines))
            lines = []
        current = source
        line = BULLET + entry_line(domain, hit.entry)
        if line not in lines:
            lines.append(line)
    if current is not None:
        lines.append(response_text(domain, "utter_source", citation=current.reference))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class SearchAnswer:
    """What the search makes of a question: the answer's text (None when no row covers it)
    and the structure it is about."""

    text: str | None
    structure: str | None = None


def search_answer(
    domain: DomainDict,
    index: SearchIndex,
    question: str,
    *,
    structures: Sequence[str] = (),
    topic: str | None = None,
    region: str | None = None,
    hedge: bool = True,
) -> SearchAnswer:
    """The rows that answer `question`, with their sources, when the best one covers it;
    with `hedge`, rows that come near it, announced as the closest, not as the answer."""
    hits = index.search(question, structures=structures, topic=topic, region=region, limit=MAX_SHOWN)
    if not hits or hits[0].score < MIN_SCORE:
        return SearchAnswer(None)
    coverage = index.coverage(question, [hits[0].entry])
    confident = coverage >= MIN_COVERAGE
    # A word no row uses ("ROSP", "TVA") is what the question is about: nothing is near.
    if not confident and (not hedge or coverage < HEDGE_COVERAGE or index.unknown_words(question)):
        return SearchAnswer(None)
    # Between the two thresholds the rows are near the question, not surely its answer:
    # they are shown as the closest the documents come, never as the answer.
    header = response_text(domain, "utter_search_header" if confident else "utter_not_exactly")
    shown = shown_hits(hits)
    return SearchAnswer(join_blocks(header, render_hits(domain, shown)), shown[0].entry.structure)


def not_in_documents(
    domain: DomainDict, kb: KnowledgeBase, region: str | None, structures: Sequence[str]
) -> str:
    """The honest reply when the documents do not cover a question, with someone to ask."""
    hint = contact_hint(domain, kb, region, structures[0] if structures else None)
    return response_text(domain, "utter_not_in_documents", contact_hint=hint)


def guessed_intent(tracker: Tracker) -> str | None:
    """The NLU's best real intent behind an nlu_fallback, when it is reasonably sure of it."""
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        name = ranked.get("name")
        if name and name != names.NLU_FALLBACK:
            return name if (ranked.get("confidence") or 0) >= TOPIC_GUESS_CONFIDENCE else None
    return None


def guessed_topic(tracker: Tracker) -> str | None:
    """The topic of the NLU's best real intent, when it is reasonably sure of it."""
    return TOPIC_BY_INTENT.get(guessed_intent(tracker) or "")


class ActionAnswerSearch(UsesKnowledgeBase, Action):
    def __init__(self, kb: KnowledgeBase | None = None, index: SearchIndex | None = None) -> None:
        super().__init__(kb, index)
        if kb is None and index is None:
            # The action server instantiates its actions when it starts: build the shared
            # index then, in the background, so that neither start-up nor the first
            # question waits for it (about 1 s).
            threading.Thread(target=warm_search_index, name="search-index", daemon=True).start()

    def name(self) -> str:
        return "action_answer_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        place = region_in_use(tracker)
        region = None if place.unknown else place.region
        events = [] if place.unknown else place.events()
        structures = mentioned_structures(tracker)
        if guessed_intent(tracker) == names.CHECK_ELIGIBILITY:
            # "mairie + 3 medecins salariés quelle structure": the NLU leans to the check
            # without being sure of it; offering it costs one tap, answering beside it more.
            dispatcher.utter_message(**eligibility_offer(domain, structures[0] if structures else None))
            return events
        out_of_scope = latest_intent(tracker) == names.OUT_OF_SCOPE
        found = search_answer(
            domain,
            self.index,
            text,
            structures=structures,
            topic=guessed_topic(tracker),
            region=region,
            hedge=not out_of_scope,
        )
        if found.text is not None:
            dispatcher.utter_message(text=found.text)
            if found.structure:
                events.append(SlotSet(names.STRUCTURE, found.structure))
            return events
        if out_of_scope:
            dispatcher.utter_message(response="utter_out_of_scope")
            return events
        if self.index.query_coverage(text) > 0:
            # Words of the documents, but nothing that answers: honest, with someone to ask.
            dispatcher.utter_message(text=not_in_documents(domain, self.kb, region, structures))
            return events
        return [*events, FollowupAction("action_two_stage_fallback")]
