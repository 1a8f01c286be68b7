"""The eligibility dialogue's actions: opening message, answers, corrections, verdict."""

from __future__ import annotations

import json

import pytest

from actions import names
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
        names.CHECK_ELIGIBILITY,
        [("region", "Occitanie"), ("structure", "msp")],
        slots={names.GENERAL_PRACTITIONERS: 7, names.ELIGIBILITY_RESULT: "{}"},
    )
    run = await run_action(ActionStartEligibility(), tracker)
    slots = slot_events(run)
    assert slots[names.GENERAL_PRACTITIONERS] == 3
    assert slots[names.PARAMEDICALS] == 2
    assert slots[names.PRACTICE_SLOT] == "liberal"
    assert slots["region"] == "occitanie"
    assert slots["structure"] == "msp"
    assert slots[names.ELIGIBILITY_RESULT] is None
    assert "médecins généralistes : 3" in run.text or any(
        m.get("summary", "").startswith("médecins généralistes : 3") for m in run.messages
    )


def form_tracker(text: str, requested: str, intent: str = "inform", slots: dict | None = None, entities=None):
    return make_tracker(
        text,
        intent,
        entities,
        slots={names.REQUESTED_SLOT: requested, **(slots or {})},
        active_loop=names.ELIGIBILITY_FORM,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("trois", 3), ("Aucun", 0), ("2 médecins", 2)],
)
async def test_counts_in_digits_or_words(run_action, text: str, expected: int) -> None:
    run = await run_action(ValidateEligibilityForm(), form_tracker(text, names.GENERAL_PRACTITIONERS))
    assert slot_events(run)[names.GENERAL_PRACTITIONERS] == expected


@pytest.mark.parametrize("text", ["une douzaine", "-3", "100000", "beaucoup"])
async def test_impossible_counts_are_asked_again_with_a_hint(
    run_action, domain_dict: dict, text: str
) -> None:
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker(text, names.GENERAL_PRACTITIONERS, slots={names.PARAMEDICALS: 2}),
    )
    slots = slot_events(run)
    assert slots[names.GENERAL_PRACTITIONERS] is None
    assert slots[names.REQUESTED_SLOT] == names.GENERAL_PRACTITIONERS
    hint = [m for m in run.messages if m.get("response", "").startswith(INVALID_COUNT_PREFIX)]
    assert hint and hint[0]["response"] in domain_dict["responses"]
    # The answers already given are kept.
    assert names.PARAMEDICALS not in slots or slots[names.PARAMEDICALS] == 2


@pytest.mark.parametrize(
    ("text", "question", "sentence"),
    [
        (
            "une douzaine",
            names.GENERAL_PRACTITIONERS,
            "Merci d'indiquer un nombre précis plutôt qu'un ordre de grandeur (par exemple « 12 » plutôt "
            "que « une douzaine »).",
        ),
        ("-3", names.PARAMEDICALS, "Un nombre ne peut pas être négatif : merci d'indiquer 0 ou plus."),
        (
            "100000",
            names.GENERAL_PRACTITIONERS,
            "Ce nombre me paraît trop élevé (au plus 500). Pourriez-vous le vérifier ?",
        ),
        (
            "50000 cardiologues",
            names.SPECIALTY_DOCTORS_ON_TERRITORY,
            "Ce nombre me paraît trop élevé (au plus 20\u202f000). Pourriez-vous le vérifier ?",
        ),
        (
            "bof",
            names.SPECIALISTS,
            "Je n'ai pas reconnu de nombre. Merci d'indiquer un nombre précis, en chiffres ou en lettres "
            "(par exemple « 3 » ou « trois »).",
        ),
    ],
)
async def test_a_refused_count_reads_as_before(
    run_action, domain_dict: dict, text: str, question: str, sentence: str
) -> None:
    """The re-prompt is a domain.yml response; Rasa fills it with the values the action sends."""
    from rasa.core.nlg.interpolator import interpolate_text

    run = await run_action(
        ValidateEligibilityForm(), form_tracker(text, question, slots={names.PARAMEDICALS: 2})
    )
    (message,) = [m for m in run.messages if m.get("response", "").startswith(INVALID_COUNT_PREFIX)]
    template = domain_dict["responses"][message["response"]][0]["text"]
    values = {key: value for key, value in message.items() if key not in ("response", "buttons")}
    assert interpolate_text(template, values) == sentence


async def test_a_correction_changes_an_earlier_answer_and_keeps_the_question(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker("en fait on est 3 médecins", names.PARAMEDICALS, slots={names.GENERAL_PRACTITIONERS: 1}),
    )
    slots = slot_events(run)
    assert slots[names.GENERAL_PRACTITIONERS] == 3
    assert slots[names.REQUESTED_SLOT] == names.PARAMEDICALS
    assert any(m.get("response") == "utter_eligibility_noted" for m in run.messages)


async def test_a_question_mid_form_answers_nothing(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker(
            "combien pour une MSP ?",
            names.PARAMEDICALS,
            intent="ask_funding",
            entities=[("structure", "msp")],
        ),
    )
    assert [e for e in run.events if e.get("name") != names.REQUESTED_SLOT] == []


async def test_practice_and_yes_no_answers(run_action) -> None:
    run = await run_action(
        ValidateEligibilityForm(), form_tracker("on est tous salariés", names.PRACTICE_SLOT)
    )
    assert slot_events(run)[names.PRACTICE_SLOT] == "salarie"
    run = await run_action(
        ValidateEligibilityForm(),
        form_tracker("Oui", names.HAS_MANAGER, intent="affirm", slots={names.PRACTICE_SLOT: "salarie"}),
    )
    assert slot_events(run)[names.HAS_MANAGER] is True


async def test_unknown_population_is_accepted(run_action) -> None:
    run = await run_action(ValidateEligibilityForm(), form_tracker("Je ne sais pas", names.POPULATION_SLOT))
    assert slot_events(run)[names.POPULATION_SLOT] == -1.0


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
        form_tracker("0", names.SPECIALISTS, slots={names.SPECIALISTS: 0}),
        domain_dict,
    )
    assert names.SPECIALTY_DOCTORS_ON_TERRITORY not in without
    with_specialists = await form.required_slots(
        domain_slots,
        CollectingDispatcher(),
        form_tracker("12", names.SPECIALISTS, slots={names.SPECIALISTS: 12}),
        domain_dict,
    )
    assert names.SPECIALTY_DOCTORS_ON_TERRITORY in with_specialists


async def test_verdict_per_structure_with_what_is_missing(kb, run_action) -> None:
    tracker = make_tracker(
        "Bretagne",
        "inform",
        slots={
            names.GENERAL_PRACTITIONERS: 1,
            names.PARAMEDICALS: 1,
            names.OTHER_PROFESSIONALS: 0,
            names.SPECIALISTS: 0,
            names.PRACTICE_SLOT: "liberal",
            names.POPULATION_SLOT: -1.0,
            "region": "bretagne",
        },
    )
    run = await run_action(ActionEligibilityVerdict(kb), tracker)
    result = json.loads(slot_events(run)[names.ELIGIBILITY_RESULT])
    assert result["esp"] == "accessible"
    assert result["msp"] == "not_accessible"
    assert "✅ ESP : accessible" in run.text
    assert "❌ MSP" in run.text
    assert "second médecin généraliste" in run.text
    assert "Source" in run.text and "Source : Source" not in run.text


async def test_cancel_forgets_the_answers(run_action) -> None:
    run = await run_action(
        ActionCancelEligibility(), form_tracker("laisse tomber", names.PARAMEDICALS, intent="stop")
    )
    slots = slot_events(run)
    assert slots[names.GENERAL_PRACTITIONERS] is None and slots[names.REQUESTED_SLOT] is None
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in run.events)
