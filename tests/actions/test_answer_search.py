"""action_answer_search, the long tail, against the real knowledge base."""

from __future__ import annotations

import pytest

from actions.answer_search import ActionAnswerSearch
from tests.actions.conftest import make_tracker


@pytest.fixture
def action(kb) -> ActionAnswerSearch:
    return ActionAnswerSearch(kb)


async def test_a_question_no_intent_fits_is_answered_from_the_documents_with_its_source(
    action, run_action
) -> None:
    run = await run_action(action, make_tracker("qui finance un SSIAD ?", "nlu_fallback"))
    assert "SSIAD" in run.text and "CPAM" in run.text
    assert "URPS infirmière PACA" in run.text  # the citation of the medico-social table
    assert not any(event.get("event") == "followup" for event in run.events)


async def test_a_chatty_question_finds_the_fact_and_remembers_its_structure(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "Bonjour, on voudrait lancer notre CPTS. On hésite sur le jour : quel soir organiser la "
            "réunion de lancement ?",
            "nlu_fallback",
        ),
    )
    assert "jeudi soir" in run.text
    assert run.slot("structure") == "cpts"


async def test_words_of_the_documents_without_an_answer_get_an_honest_reply_and_a_contact(
    action, run_action
) -> None:
    run = await run_action(
        action,
        make_tracker("quel est le tarif d'une consultation de kiné à domicile en MSP ?", "nlu_fallback"),
    )
    # Either plainly, or showing the closest rows as such: never as the answer.
    assert "ne répondent pas" in run.text


async def test_gibberish_goes_to_the_two_stage_fallback(action, run_action) -> None:
    run = await run_action(action, make_tracker("zzkq vbrlw ptx", "nlu_fallback"))
    assert run.messages == []
    assert run.events[-1] == {"event": "followup", "timestamp": None, "name": "action_two_stage_fallback"}


async def test_out_of_scope_stays_out_of_scope_unless_the_documents_answer(action, run_action) -> None:
    run = await run_action(action, make_tracker("quel temps fera-t-il demain ?", "out_of_scope"))
    assert [message.get("response") for message in run.messages] == ["utter_out_of_scope"]
    run = await run_action(action, make_tracker("Be LC", "out_of_scope"))
    assert "Loir-et-Cher" in run.text


async def test_an_unsure_definition_question_is_answered_with_the_definition(action, run_action) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_definition", "confidence": 0.31},
        {"name": "ask_difference", "confidence": 0.22},
    ]
    run = await run_action(
        action,
        make_tracker(
            "c'est quoi une maison de sante pluriprofessionnelle",
            "nlu_fallback",
            [("structure", "msp")],
            intent_ranking=ranking,
        ),
    )
    assert "Voici ce que disent les documents" in run.text
    assert "MSP" in run.text and "Source" in run.text


async def test_an_unsure_request_for_the_check_offers_it(action, run_action) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "check_eligibility", "confidence": 0.47}]
    run = await run_action(
        action,
        make_tracker("mairie + 3 medecins salariés quelle structure", "nlu_fallback", intent_ranking=ranking),
    )
    assert run.messages[-1]["buttons"][0]["payload"] == "/check_eligibility"
