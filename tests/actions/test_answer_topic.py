"""action_answer_topic against the real knowledge base (SQLite loaded from knowledge/data)."""

from __future__ import annotations

import json

import pytest

from actions.answer_topic import ActionAnswerTopic
from actions.formatting import MAX_BUTTONS
from knowledge.names import STRUCTURE_IDS
from tests.actions.conftest import make_tracker


@pytest.fixture
def action(kb) -> ActionAnswerTopic:
    return ActionAnswerTopic(kb)


async def test_definition_in_sms_spelling_names_the_structure_and_its_source(action, run_action) -> None:
    run = await run_action(action, make_tracker("c koi une cpts", "ask_definition", [("structure", "cpts")]))
    assert "Communauté professionnelle territoriale de santé".casefold() in run.text.casefold()
    assert "Source : " in run.text and "Source : Source" not in run.text
    assert run.slot("structure") == "cpts"
    assert run.slot("last_topic") == "definition"


async def test_ess_funding_gives_the_seed_credit_and_says_it_is_regional(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("combien de financement ESS", "ask_funding", [("structure", "ess")])
    )
    assert "80 000" in run.text
    assert "Centre-Val de Loire" in run.text
    # No region known and the amount comes from a regional document: the answer says so.
    assert "varient selon les régions" in run.text


async def test_region_facts_come_first_then_national(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "combien pour une ESP",
            "ask_funding",
            [("structure", "esp")],
            slots={"region": "centre-val-de-loire"},
        ),
    )
    assert "7 500" in run.text
    assert run.text.index("7 500") < run.text.index("Source")


async def test_context_carry_over_keeps_the_structure(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("et comment elle est financée ?", "ask_funding", slots={"structure": "msp"})
    )
    assert "15 000" in run.text
    assert run.slot("structure") == "msp"


async def test_follow_up_switches_structure_and_keeps_the_topic(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "et pour une CPTS ?",
            "inform",
            [("structure", "cpts")],
            slots={"structure": "ess", "last_topic": "funding"},
        ),
    )
    assert "50 000" in run.text and "90 000" in run.text
    assert run.slot("structure") == "cpts"


async def test_a_department_is_resolved_to_its_region(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "et dans le Loiret ?",
            "inform",
            [("region", "Loiret")],
            slots={"structure": "esp", "last_topic": "funding"},
        ),
    )
    assert run.slot("region") == "centre-val-de-loire"
    assert "7 500" in run.text


async def test_unknown_place_is_reported_not_guessed(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("en Atlantide", "inform", [("region", "Atlantide")], slots={"structure": "msp"})
    )
    assert [m.get("response") for m in run.messages] == ["utter_region_unknown"]


async def test_glossary_term(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("que veut dire ACI", "ask_definition", [("funding_type", "ACI")])
    )
    assert "ACI" in run.text
    assert "accord" in run.text.casefold()
    assert "Source" in run.text


async def test_unknown_term_is_admitted_with_whom_to_ask(action, run_action) -> None:
    run = await run_action(action, make_tracker("c'est quoi le XYZQ", "ask_definition", [("term", "XYZQ")]))
    assert "Je ne connais pas le terme « XYZQ »" in run.text
    assert "Agence régionale de santé (ARS)" in run.text


async def test_creation_steps_are_numbered_and_regional(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "comment on monte une maison de santé en Bretagne ?",
            "ask_creation",
            [("structure", "msp"), ("region", "Bretagne")],
        ),
    )
    assert "1. " in run.text and "2. " in run.text
    assert "Bretagne" in run.text
    assert run.slot("region") == "bretagne"


async def test_question_without_structure_asks_which_one(action, run_action) -> None:
    run = await run_action(action, make_tracker("comment on la finance ?", "ask_funding"))
    assert [m.get("response") for m in run.messages] == ["utter_which_structure"]
    assert run.slot("last_topic") == "funding"


async def test_more_details_shows_more_than_the_short_answer(action, run_action) -> None:
    short = await run_action(action, make_tracker("financement MSP", "ask_funding", [("structure", "msp")]))
    more = await run_action(
        action,
        make_tracker("plus de détails", "ask_more", slots={"structure": "msp", "last_topic": "funding"}),
    )
    assert len(more.text) >= len(short.text)


@pytest.mark.parametrize(
    ("intent", "structure"),
    [
        ("ask_definition", "msp"),
        ("ask_funding", "cpts"),
        ("ask_members", "msp"),
        ("ask_legal_form", "msp"),
        ("ask_status", "cds"),
        ("ask_territory", "cpts"),
        ("ask_missions", "cpts"),
        ("ask_advantages", "msp"),
        ("ask_creation", "cpts"),
        ("ask_join", "cpts"),
        ("ask_fees", "cds"),
        ("ask_legal_references", "ess"),
    ],
)
async def test_every_topic_answers_from_a_cited_source_with_few_buttons(
    action, run_action, intent: str, structure: str
) -> None:
    run = await run_action(action, make_tracker("question", intent, [("structure", structure)]))
    # The answer, then at most the offer to check the team's eligibility.
    assert len(run.messages) in (1, 2)
    assert all("check_eligibility" in str(extra["buttons"]) for extra in run.messages[1:])
    message = run.messages[0]
    assert "Source" in message["text"], message["text"]
    assert "Je n'ai pas cette information" not in message["text"]
    assert len(message["buttons"]) <= MAX_BUTTONS


async def test_nothing_in_the_sources_is_said_honestly(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker("tarifs d'une PTA", "ask_fees", [("structure", "pta")], slots={"region": "bretagne"}),
    )
    assert "Je n'ai pas cette information dans mes sources" in run.text


@pytest.mark.parametrize("structure", STRUCTURE_IDS)
async def test_follow_up_buttons_never_lead_to_an_empty_answer(action, run_action, structure: str) -> None:
    first = await run_action(action, make_tracker("c'est quoi", "ask_definition", [("structure", structure)]))
    buttons = first.messages[0]["buttons"]
    assert buttons, first.text
    for offered in buttons:
        intent, _, entities = offered["payload"].removeprefix("/").partition("{")
        assert json.loads("{" + entities) == {"structure": structure}
        follow = await run_action(
            action,
            make_tracker(
                offered["title"],
                intent,
                [("structure", structure)],
                slots={"structure": structure, "last_topic": "definition"},
            ),
        )
        assert "Je n'ai pas cette information" not in follow.text, (offered, follow.text)
        assert "Source" in follow.text


async def test_short_answer_first_then_everything_on_request(action, run_action) -> None:
    short = await run_action(
        action, make_tracker("c'est quoi une MSP", "ask_definition", [("structure", "msp")])
    )
    blocks = short.text.split("\n\n")
    assert all(block.count("• ") <= 2 for block in blocks)
    assert short.messages[0]["buttons"][0]["title"] == "Plus de détails"
    more = await run_action(
        action,
        make_tracker("plus de détails", "ask_more", slots={"structure": "msp", "last_topic": "definition"}),
    )
    assert more.text.count("• ") > short.text.count("• ")
    assert more.text.count("Source : ") >= short.text.count("Source : ")


async def test_a_documented_region_is_not_said_to_lack_documents(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "c'est quoi une CPTS", "ask_definition", [("structure", "cpts")], slots={"region": "bretagne"}
        ),
    )
    assert "ARS Bretagne" in run.text
    assert "pas de document" not in run.text and "ne traitent pas" not in run.text


async def test_a_point_the_regional_documents_miss_is_said_before_other_sources(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker("financement ESS", "ask_funding", [("structure", "ess")], slots={"region": "bretagne"}),
    )
    assert run.text.startswith("Mes documents sur la région Bretagne ne traitent pas ce point")
    assert "80 000" in run.text and "Centre-Val de Loire" in run.text


async def test_a_region_without_documents_is_said_before_other_sources(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker("financement ESS", "ask_funding", [("structure", "ess")], slots={"region": "normandie"}),
    )
    assert run.text.startswith("Je n'ai pas de document spécifique à la région Normandie")


async def test_a_place_the_nlu_missed_is_read_from_the_text(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("combien pour une ESP dans le Loiret ?", "ask_funding", [("structure", "esp")])
    )
    assert run.slot("region") == "centre-val-de-loire"
    assert "7 500" in run.text


async def test_a_stray_word_tagged_as_a_region_is_not_an_unknown_place(action, run_action) -> None:
    # The model once tagged "de" as a region next to the real "Alpes-Maritimes".
    run = await run_action(
        action,
        make_tracker(
            "comment démarrer un projet de CPTS dans les Alpes-Maritimes",
            "ask_creation",
            [("region", "de"), ("structure", "cpts"), ("region", "Alpes-Maritimes")],
        ),
    )
    assert run.slot("region") == "paca"
    assert "utter_region_unknown" not in [m.get("response") for m in run.messages]


async def test_rows_that_miss_the_point_are_announced_as_the_closest_not_as_the_answer(
    action, run_action
) -> None:
    run = await run_action(
        action,
        make_tracker("Quel est le tarif d'une consultation en MSP ?", "ask_fees", [("structure", "msp")]),
    )
    assert "ne répondent pas précisément" in run.text
    run = await run_action(
        action, make_tracker("comment est financée une MSP ?", "ask_funding", [("structure", "msp")])
    )
    assert "ne répondent pas précisément" not in run.text


async def test_the_row_that_answers_comes_first_even_outside_the_topic(action, run_action) -> None:
    run = await run_action(
        action,
        make_tracker(
            "combien de MSP ont signé l'ACI en Occitanie ?",
            "ask_funding",
            [("structure", "msp"), ("region", "Occitanie")],
        ),
    )
    first_bullet = next(line for line in run.text.splitlines() if line.startswith("• "))
    assert "88 MSP" in first_bullet
    run = await run_action(
        action,
        make_tracker(
            "quel soir organiser la réunion de lancement d'une CPTS ?",
            "ask_creation",
            [("structure", "cpts")],
        ),
    )
    assert "jeudi soir" in run.text


async def test_a_question_about_no_structure_is_answered_by_the_search_or_honestly(
    action, run_action
) -> None:
    run = await run_action(
        action, make_tracker("quels sont les objectifs de l'exercice coordonne ?", "ask_missions")
    )
    assert "Objectifs de l'exercice coordonné" in run.text
    assert "Source" in run.text
    run = await run_action(action, make_tracker("ROSP montant", "ask_funding"))
    assert "ne répondent pas à cette question" in run.text


async def test_a_named_cpts_of_the_table_leads_a_territory_answer(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("cpts sud tarn cb d'habitants", "ask_territory", [("structure", "cpts")])
    )
    first_bullet = next(line for line in run.text.splitlines() if line.startswith("• "))
    assert "Sud-Tarn" in first_bullet and "121 392" in first_bullet


async def test_a_question_naming_an_unknown_place_is_answered_then_the_place_is_asked(
    action, run_action
) -> None:
    run = await run_action(
        action,
        make_tracker(
            "c'est quoi une MSP à Trifouillis ?",
            "ask_definition",
            [("structure", "msp"), ("region", "Trifouillis")],
        ),
    )
    assert "Maison de santé pluriprofessionnelle" in run.text
    assert run.messages[-1].get("response") == "utter_region_unknown"


async def test_an_answer_about_a_structures_conditions_offers_the_check(action, run_action) -> None:
    run = await run_action(
        action, make_tracker("qui peut faire partie d'une ESP ?", "ask_members", [("structure", "esp")])
    )
    offer = run.messages[-1]
    assert offer["buttons"][0]["payload"] == '/check_eligibility{"structure": "esp"}'
    run = await run_action(
        action, make_tracker("c'est quoi une ESP ?", "ask_definition", [("structure", "esp")])
    )
    assert not any("check_eligibility" in str(message.get("buttons")) for message in run.messages)
