"""The eligibility dialogue's actions: opening message, answers, corrections, verdict."""

from __future__ import annotations

import json

import pytest

from actions.eligibility_form import (
    INVALID_COUNT_PREFIX,
    ActionCancelEligibility,
    ActionStartEligibility,
    ValidateEligibilityForm,
)
from actions.eligibility_verdict import ActionEligibilityVerdict
from tests.actions.conftest import make_tracker


def slot_events(run) -> dict:
    return {e["name"]: e["value"] for e in run.events if e.get("event") == "slot"}


async def test_opening_message_fills_what_it_says(run_action) -> None:
    tracker = make_tracker(
        "nous sommes 3 médecins généralistes et 2 kinés, libéraux, en Occitanie, "
        "sommes-nous éligibles à une MSP ?",
        "check_eligibility",
        [("region", "Occitanie"), ("structure", "msp")],
        slots={"general_practitioners": 7, "eligibility_result": "{}"},
    )
    run = await run_action(ActionStartEligibility(), tracker)
    slots = slot_events(run)
    assert slots["general_practitioners"] == 3
    assert slots["paramedicals"] == 2
    assert slots["practice"] == "liberal"
    assert slots["region"] == "occitanie"
    assert slots["structure"] == "msp"
    assert slots["eligibility_result"] is None
    assert "médecins généralistes : 3" in run.text or any(
        m.get("summary", "").startswith("médecins généralistes : 3") for m in run.messages
    )


def form_tracker(text: str, requested: str, intent: str = "inform", slots: dict | None = None, entities=None):
    return make_tracker(
        text,
        intent,
        entities,
        slots={"requested_slot": requested, **(slots or {})},
        active_loop="eligibility_form",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("trois", 3), ("Aucun", 0), ("2 médecins", 2)],
)
async def test_counts_in_digits_or_words(run_action, text: str, expected: int) -> None:
    run = await run_action(ValidateEligibilityForm(), form_tracker(text, "general_practitioners"))
    assert slot_events(run)["general_practitioners"] == expected


@pytest.mark.parametrize("text", ["une douzaine", "-3", "100000", "beaucoup"])
async def test_impossible_counts_are_asked_again_with_a_hint(
    run_action, domain_dict: dict, text: str
) -> None:
    run = await run_action(
        ValidateEligibilityForm(), form_tracker(text, "general_practitioners", slots={"paramedicals": 2})
    )
    slots = slot_events(run)
    assert slots["general_practitioners"] is None
    assert slots["requested_slot"] == "general_practitioners"
    hint = [m for m in run.messages if m.get("response", "").startswith(INVALID_COUNT_PREFIX)]
    assert hint and hint[0]["response"] in domain_dict["responses"]
    # The answers already given are kept.
    assert "paramedicals" not in slots or slots["paramedicals"] == 2


async def test_a_correction_changes_an_earlier_answer_and_keeps_the_question(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker("en fait on est 3 médecins", "paramedicals", slots={"general_practitioners": 1}),
    )
    slots = slot_events(run)
    assert slots["general_practitioners"] == 3
    assert slots["requested_slot"] == "paramedicals"
    assert any(m.get("response") == "utter_eligibility_noted" for m in run.messages)


async def test_a_question_mid_form_answers_nothing(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker(
            "combien pour une MSP ?", "paramedicals", intent="ask_funding", entities=[("structure", "msp")]
        ),
    )
    assert [e for e in run.events if e.get("name") != "requested_slot"] == []


async def test_practice_and_yes_no_answers(run_action) -> None:
    run = await run_action(ValidateEligibilityForm(), form_tracker("on est tous salariés", "practice"))
    assert slot_events(run)["practice"] == "salarie"
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker("Oui", "has_manager", intent="affirm", slots={"practice": "salarie"}),
    )
    assert slot_events(run)["has_manager"] is True


async def test_unknown_population_is_accepted(run_action) -> None:
    run = await run_action(ValidateEligibilityForm(), form_tracker("Je ne sais pas", "territory_population"))
    assert slot_events(run)["territory_population"] == -1.0


async def test_region_answer_is_resolved(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(), form_tracker("dans le Var", "region", entities=[("region", "Var")])
    )
    assert slot_events(run)["region"] == "paca"


async def test_specialist_questions_only_when_there_are_specialists(run_action, domain_dict) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    form = ValidateEligibilityForm()
    domain_slots = form.domain_slots(domain_dict)
    without = await form.required_slots(
        domain_slots,
        CollectingDispatcher(),
        form_tracker("0", "specialists", slots={"specialists": 0}),
        domain_dict,
    )
    assert "specialty_doctors_on_territory" not in without
    with_specialists = await form.required_slots(
        domain_slots,
        CollectingDispatcher(),
        form_tracker("12", "specialists", slots={"specialists": 12}),
        domain_dict,
    )
    assert "specialty_doctors_on_territory" in with_specialists


async def test_verdict_per_structure_with_what_is_missing(kb, run_action) -> None:
    tracker = make_tracker(
        "Bretagne",
        "inform",
        slots={
            "general_practitioners": 1,
            "paramedicals": 1,
            "other_professionals": 0,
            "specialists": 0,
            "practice": "liberal",
            "territory_population": -1.0,
            "region": "bretagne",
        },
    )
    run = await run_action(ActionEligibilityVerdict(kb), tracker)
    result = json.loads(slot_events(run)["eligibility_result"])
    assert result["esp"] == "accessible"
    assert result["msp"] == "not_accessible"
    assert "✅ ESP : accessible" in run.text
    assert "❌ MSP" in run.text
    assert "second médecin généraliste" in run.text
    assert "Source" in run.text and "Source : Source" not in run.text


async def test_cancel_forgets_the_answers(run_action) -> None:
    run = await run_action(
        ActionCancelEligibility(), form_tracker("laisse tomber", "paramedicals", intent="stop")
    )
    slots = slot_events(run)
    assert slots["general_practitioners"] is None and slots["requested_slot"] is None
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in run.events)
