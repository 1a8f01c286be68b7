"""Scripted users through the running assistant reach the right eligibility verdict (reduced set).

The full set (41 personas x 3 styles) runs with `make bench-eligibility`; figures in
docs/eligibility.md.
"""

from __future__ import annotations

import pytest

from bench.eligibility_personas import REDUCED, personas
from bench.eligibility_users import markdown, run_all, select, summary
from bench.eligibility_wording import STYLES
from eligibility.rules import ASSESSED_STRUCTURES, Verdict, assess_all


def test_the_full_set_covers_every_boundary() -> None:
    people = personas()
    assert len(people) >= 40
    assert len(STYLES) >= 3
    teams = [person.team for person in people]
    assert {team.general_practitioners for team in teams} >= {0, 1, 2}
    assert {team.specialty_doctors_on_territory for team in teams} >= {9, 10}
    assert {team.liberal_specialty_doctors_on_territory for team in teams} >= {100, 101}
    assert {team.practice for team in teams} == {"liberal", "salarie", "mixte"}
    assert any(person.manager for person in people)
    assert any(person.opening for person in people)
    # Every structure is open to some persona and not to others (refused or to be checked).
    for structure in ASSESSED_STRUCTURES:
        verdicts = {
            item.verdict
            for person in people
            for item in assess_all(person.team, person.place["region"])
            if item.structure == structure
        }
        assert Verdict.ACCESSIBLE in verdicts and len(verdicts) >= 2, structure


@pytest.mark.rasa
async def test_reduced_set_reaches_the_right_verdicts(stack) -> None:
    outcomes = await run_all(stack.rasa_url, select(REDUCED))
    figures = summary(outcomes)
    assert figures["correct"] == figures["conversations"], markdown(outcomes)
    assert figures["reasks_per_conversation"] <= 0.2, markdown(outcomes)


# --- the same scripted users against the actions alone (no model needed) ---------------------
# Rasa's form loop reduced to what matters here: the validation action reads each reply, its
# `requested_slot` is the next question. Every reply is also sent under intents the NLU might
# wrongly give it, since the form must read answers whatever the intent.

HOSTILE_INTENTS = ("inform", "check_eligibility", "stop", "deny", "ask_territory", "nlu_fallback")


def _tracker(text: str, intent: str, slots: dict, active: bool):
    from rasa_sdk import Tracker

    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return Tracker(
        "scripted",
        dict(slots),
        message,
        [{"event": "user", "text": text, "parse_data": message}],
        False,
        None,
        {"name": "eligibility_form"} if active else {},
        "action_listen",
    )


async def _converse_in_process(kb, domain: dict, persona, style: str, intent: str) -> tuple[bool, int]:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.eligibility_form import ActionStartEligibility, ValidateEligibilityForm
    from actions.eligibility_team import team_from_slots
    from bench.eligibility_wording import OPENINGS, answer, plain_answer

    slots: dict = {}
    opening = persona.opening.get(style) or OPENINGS[style]
    events = await ActionStartEligibility(kb).run(
        CollectingDispatcher(), _tracker(opening, "check_eligibility", slots, False), domain
    )
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    form = ValidateEligibilityForm(kb)
    required = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(), _tracker("", intent, slots, True), domain
    )
    requested = next((name for name in required if slots.get(name) is None), None)
    last, reasks = None, 0
    for _ in range(25):
        if requested is None:
            expected = [item.verdict for item in assess_all(persona.team, persona.place["region"])]
            got = [item.verdict for item in assess_all(team_from_slots(slots), slots.get("region"))]
            return got == expected and slots.get("region") == persona.place["region"], reasks
        if requested == last:
            reasks += 1
            text = plain_answer(persona, requested)
        else:
            text = answer(persona, requested, style)
        last = requested
        slots["requested_slot"] = requested
        events = await form.run(CollectingDispatcher(), _tracker(text, intent, slots, True), domain)
        set_events = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        assert set_events, f"{persona.name} ({style}, {intent}): {text!r} rejected by the form"
        slots.update(set_events)
        requested = slots.get("requested_slot")
    return False, reasks


@pytest.mark.parametrize("intent", HOSTILE_INTENTS)
async def test_every_persona_in_process_whatever_the_intent(kb, domain_dict, intent: str) -> None:
    outcomes = [
        await _converse_in_process(kb, domain_dict, persona, style, intent)
        for persona in personas()
        for style in STYLES
    ]
    wrong = [index for index, (correct, _) in enumerate(outcomes) if not correct]
    assert not wrong
    assert sum(reasks for _, reasks in outcomes) / len(outcomes) <= 0.2
