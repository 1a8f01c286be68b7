"""The eligibility dialogue never loses an answer, and reads replies as people write them."""

from __future__ import annotations

import pytest

from actions import names
from actions.eligibility_form import ActionStartEligibility, ValidateEligibilityForm
from tests.actions.conftest import make_tracker

EVERY_QUESTION = (
    *names.COUNT_SLOTS,
    names.PRACTICE_SLOT,
    *names.YES_NO_SLOTS,
    names.POPULATION_SLOT,
    names.REGION,
)
# What was answered before the pending question: a bare number must never clear it.
EARLIER = {
    names.GENERAL_PRACTITIONERS: 2,
    names.PARAMEDICALS: 3,
    names.OTHER_PROFESSIONALS: 1,
    names.SPECIALISTS: 12,
    names.PRACTICE_SLOT: "liberal",
    names.HAS_MANAGER: True,
    names.TERRITORY_IS_DEPARTMENT_OR_MORE: True,
    names.SPECIALTY_DOCTORS_ON_TERRITORY: 40,
}


def slot_events(run) -> dict:
    return {e["name"]: e["value"] for e in run.events if e.get("event") == "slot"}


def form_tracker(
    text: str, requested: str, intent: str = "inform", slots_: dict | None = None, entities=None
):
    return make_tracker(
        text,
        intent,
        entities,
        slots={names.REQUESTED_SLOT: requested, **(slots_ or {})},
        active_loop=names.ELIGIBILITY_FORM,
    )


@pytest.fixture
def form(kb) -> ValidateEligibilityForm:
    return ValidateEligibilityForm(kb)


@pytest.mark.parametrize("question", EVERY_QUESTION)
@pytest.mark.parametrize("intent", [names.CHECK_ELIGIBILITY, "inform", names.NLU_FALLBACK, "ask_territory"])
async def test_a_bare_number_at_any_question_keeps_every_answer(run_action, form, question, intent) -> None:
    """ "330000" once read as a new request restarted the form and lost every answer."""
    earlier = {name: value for name, value in EARLIER.items() if name != question}
    run = await run_action(form, form_tracker("330000", question, intent, earlier))
    events = slot_events(run)
    assert events, "the reply must not be rejected (a rejection lets a rule restart the form)"
    assert names.RESTART_PENDING not in events
    for name, value in earlier.items():
        assert events.get(name, value) == value, f"{name} lost while answering {question}"
    if question == names.POPULATION_SLOT:
        assert events[question] == 330000
    else:
        # Too large for a team, a yes/no or a place: refused with a hint, the question stays open.
        assert events.get(question) is None
        assert {m.get("response") for m in run.messages} & {
            "utter_invalid_count_too_large",
            "utter_invalid_choice",
            "utter_region_unknown",
        }


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (names.HAS_MANAGER, "la mairie", True),
        (names.HAS_MANAGER, "l'hôpital", True),
        (names.HAS_MANAGER, "une mutuelle", True),
        (names.HAS_MANAGER, "notre association", True),
        (names.HAS_MANAGER, "non, pas encore", False),
        (names.TERRITORY_IS_DEPARTMENT_OR_MORE, "oui, tout le Cher", True),
        (names.TERRITORY_IS_DEPARTMENT_OR_MORE, "juste notre canton", False),
        (names.PRACTICE_SLOT, "on est tous libéraux sauf une", "mixte"),
        (names.PRACTICE_SLOT, "que des salariés", "salarie"),
        (names.SPECIALISTS, "12 pneumologues", 12),
        (names.PARAMEDICALS, "deux infirmières", 2),
        (names.GENERAL_PRACTITIONERS, "un seul", 1),
        (names.POPULATION_SLOT, "je ne sais pas", names.UNKNOWN_POPULATION),
        (names.POPULATION_SLOT, "330 000 habitants", 330000),
    ],
)
async def test_natural_answers(run_action, form, question: str, text: str, expected) -> None:
    for intent in ("inform", "affirm", names.CHECK_ELIGIBILITY, "ask_definition"):
        run = await run_action(form, form_tracker(text, question, intent, {names.GENERAL_PRACTITIONERS: 1}))
        assert slot_events(run)[question] == expected, intent


async def test_a_dozen_is_not_a_number(run_action, form) -> None:
    run = await run_action(form, form_tracker("une douzaine", names.SPECIALISTS))
    assert slot_events(run)[names.SPECIALISTS] is None
    assert [m for m in run.messages if m.get("response") == "utter_invalid_count_vague"]


@pytest.mark.parametrize(
    ("text", "region", "department"),
    [("je suis kiné à Vannes", "bretagne", "56"), ("on exerce près de Blois", "centre-val-de-loire", "41")],
)
async def test_a_town_fills_departement_and_region(run_action, form, text, region, department) -> None:
    for question in (names.GENERAL_PRACTITIONERS, "region"):
        run = await run_action(form, form_tracker(text, question))
        events = slot_events(run)
        assert (events["region"], events["department"]) == (region, department)


async def test_a_town_as_the_answer_to_the_region_question(run_action, form) -> None:
    run = await run_action(form, form_tracker("Vannes", "region"))
    assert slot_events(run)["region"] == "bretagne"


async def test_a_misspelt_answer_is_not_an_unknown_place(run_action, form) -> None:
    run = await run_action(
        form, form_tracker("la mairei", names.HAS_MANAGER, entities=[("region", "mairei")])
    )
    assert not [m for m in run.messages if m.get("response") == "utter_region_unknown"]


async def test_restart_needs_a_confirmation(run_action, form) -> None:
    answered = {names.GENERAL_PRACTITIONERS: 3, names.PARAMEDICALS: 2}
    tracker = form_tracker("on recommence", names.OTHER_PROFESSIONALS, names.CHECK_ELIGIBILITY, answered)
    run = await run_action(form, tracker)
    events = slot_events(run)
    assert events[names.RESTART_PENDING] is True
    assert events.get(names.GENERAL_PRACTITIONERS, 3) == 3
    assert any(m.get("response") == "utter_eligibility_restart_confirm" for m in run.messages)

    pending = {**answered, names.RESTART_PENDING: True}
    run = await run_action(form, form_tracker("non, on continue", names.OTHER_PROFESSIONALS, "deny", pending))
    events = slot_events(run)
    assert events[names.RESTART_PENDING] is None
    assert events.get(names.GENERAL_PRACTITIONERS, 3) == 3
    assert events[names.REQUESTED_SLOT] != names.GENERAL_PRACTITIONERS

    run = await run_action(
        form, form_tracker("oui, recommencer", names.OTHER_PROFESSIONALS, "affirm", pending)
    )
    events = slot_events(run)
    assert events[names.GENERAL_PRACTITIONERS] is None and events[names.PARAMEDICALS] is None
    assert events[names.REQUESTED_SLOT] == names.GENERAL_PRACTITIONERS


async def test_a_new_request_mid_form_asks_before_restarting(run_action, form) -> None:
    tracker = form_tracker(
        "je veux vérifier notre éligibilité",
        names.PARAMEDICALS,
        names.CHECK_ELIGIBILITY,
        {names.GENERAL_PRACTITIONERS: 2},
    )
    run = await run_action(form, tracker)
    events = slot_events(run)
    assert events[names.RESTART_PENDING] is True
    assert events.get(names.GENERAL_PRACTITIONERS, 2) == 2


@pytest.mark.parametrize(
    ("text", "intent"),
    [("c'est quoi une ESP ?", "ask_definition"), ("laisse tomber", "stop"), ("laisse tomber", "deny")],
)
async def test_questions_and_cancel_are_left_to_the_rules(run_action, form, text, intent) -> None:
    run = await run_action(
        form, form_tracker(text, names.PARAMEDICALS, intent, {names.GENERAL_PRACTITIONERS: 2})
    )
    assert [e for e in run.events if e.get("name") != names.REQUESTED_SLOT] == []


async def test_opening_with_a_town(run_action, kb) -> None:
    tracker = make_tracker(
        "je suis kiné à Vannes, on peut créer une MSP avec deux médecins ?", names.CHECK_ELIGIBILITY
    )
    run = await run_action(ActionStartEligibility(kb), tracker)
    events = slot_events(run)
    assert events["region"] == "bretagne"
    assert events["department"] == "56"
    assert events[names.GENERAL_PRACTITIONERS] == 2


@pytest.mark.parametrize(
    ("structure", "topic", "active_loop", "offered"),
    [
        ("ess", "members", None, True),
        ("msp", "creation", None, True),
        ("cds", "status", None, True),
        ("msp", "funding", None, False),
        ("pta", "members", None, False),
        ("ess", "members", names.ELIGIBILITY_FORM, False),
    ],
)
def test_an_answer_about_conditions_offers_the_check(domain_dict, structure, topic, active_loop, offered):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.eligibility_offer import offer_eligibility_check

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("qui peut faire partie ?", "ask_members", active_loop=active_loop)
    assert offer_eligibility_check(dispatcher, tracker, domain_dict, structure, topic) is offered
    if offered:
        (message,) = dispatcher.messages
        assert message["text"].startswith("Voulez-vous vérifier")
        (button,) = message["buttons"]
        assert button["payload"] == f'/check_eligibility{{"structure": "{structure}"}}'
