"""action_eligibility_verdict: one line per structure, then funding, first steps and contact."""

from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.directory import contact_line
from actions.eligibility_team import describe_team, team_from_slots
from actions.formatting import BULLET, citations_line, join_blocks, render_sourced
from actions.knowledge_base import UsesKnowledgeBase
from actions.texts import response_text
from eligibility.rules import Assessment, Verdict, assess_all, render
from knowledge.names import REGION_NAMES

RESPONSE_BY_VERDICT = {
    Verdict.ACCESSIBLE: "utter_verdict_accessible",
    Verdict.NOT_ACCESSIBLE: "utter_verdict_not_accessible",
    Verdict.TO_CHECK: "utter_verdict_to_check",
}
# When several structures are open to the team, the next steps follow the most integrated one.
PREFERENCE = ("msp", "cds", "ess", "cpts", "esp")
MAX_STEPS = 4
MAX_FUNDING_ROWS = 3


def recommended(assessments: list[Assessment], wished: str | None) -> str | None:
    accessible = {item.structure for item in assessments if item.verdict is Verdict.ACCESSIBLE}
    if wished in accessible:
        return wished
    return next((structure for structure in PREFERENCE if structure in accessible), None)


class ActionEligibilityVerdict(UsesKnowledgeBase, Action):
    def name(self) -> str:
        return names.ACTION_ELIGIBILITY_VERDICT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        values = dict(tracker.slots)
        region = tracker.get_slot(names.REGION)
        # The region decides the rules only one region's document states (PACA, Bretagne).
        assessments = assess_all(team_from_slots(values), region)
        summary = describe_team(domain, values, (*names.TEAM_SLOTS, names.REGION))

        lines = [response_text(domain, "utter_verdict_header", summary=summary)]
        for item in assessments:
            structure = self.kb.structure(item.structure)
            name = structure.acronym if structure else item.structure.upper()
            lines.append("")
            lines.append(response_text(domain, RESPONSE_BY_VERDICT[item.verdict], structure_name=name))
            lines += [BULLET + render(reason) for reason in item.reasons]
            if item.missing:
                lines.append(
                    response_text(
                        domain, "utter_verdict_missing", missing=" ; ".join(map(render, item.missing))
                    )
                )
            lines += [BULLET + render(note) for note in item.notes]
        lines.append("")
        lines.append(citations_line(domain, [source for item in assessments for source in item.sources]))
        verdict_text = "\n".join(lines)

        chosen = recommended(assessments, tracker.get_slot(names.STRUCTURE))
        follow_up = (
            self._follow_up(domain, chosen, region) if chosen else response_text(domain, "utter_verdict_none")
        )
        dispatcher.utter_message(text=verdict_text)
        dispatcher.utter_message(text=follow_up)

        result = {item.structure: item.verdict.name.lower() for item in assessments}
        return [SlotSet(names.ELIGIBILITY_RESULT, json.dumps(result))]

    def _follow_up(self, domain: DomainDict, structure_id: str, region: str | None) -> str:
        """Funding for the user's region, the first steps and whom to contact."""
        structure = self.kb.structure(structure_id)
        name = structure.acronym if structure else structure_id.upper()
        blocks = []
        funding = self.kb.funding(structure_id, region)[:MAX_FUNDING_ROWS]
        if funding:
            suffix = f" ({name}, {REGION_NAMES.get(region, region)})" if region else f" ({name})"
            rendered = render_sourced(domain, funding, max_groups=None, max_items=None)
            blocks.append(
                response_text(domain, "utter_verdict_funding", region_suffix=suffix) + "\n" + rendered.text
            )
        procedures = self.kb.steps(structure_id, region)
        if procedures:
            procedure = procedures[0]
            steps = "\n".join(
                f"{number}. {step}" for number, step in enumerate(procedure.steps[:MAX_STEPS], start=1)
            )
            blocks.append(
                response_text(domain, "utter_verdict_next_steps", structure_name=name)
                + "\n"
                + steps
                + "\n"
                + response_text(domain, "utter_source", citation=procedure.source.reference)
            )
        if region:
            local = [
                contact
                for contact in self.kb.contacts(region=region, structure_id=structure_id)
                if contact.region == region
            ]
            if local:
                blocks.append(
                    response_text(
                        domain, "utter_verdict_contact", contact=contact_line(local[0])[len(BULLET) :]
                    )
                )
        return join_blocks(*blocks)
