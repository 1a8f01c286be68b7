"""Comparisons, lists from the documents, human hand-off and the fallback's suggestions."""

from __future__ import annotations

from actions.compare import ActionCompareStructures
from actions.directory import ActionAnswerDirectory
from actions.fallback import ActionDefaultAskAffirmation
from actions.formatting import MAX_BUTTONS
from actions.handoff import ActionHumanHandoff
from tests.actions.conftest import make_tracker


async def test_comparison_has_one_line_per_structure_and_criterion(kb, run_action) -> None:
    run = await run_action(
        ActionCompareStructures(kb),
        make_tracker(
            "quelle différence MSP CPTS", "ask_difference", [("structure", "msp"), ("structure", "cpts")]
        ),
    )
    text = run.text
    assert "MSP / CPTS" in text
    assert text.count("• MSP : ") >= 3 and text.count("• CPTS : ") >= 3
    assert "Source" in text
    assert run.slot("compared_structures") == ["msp", "cpts"]
    assert len(run.messages[0]["buttons"]) <= MAX_BUTTONS


async def test_comparison_with_the_structure_discussed_before(kb, run_action) -> None:
    run = await run_action(
        ActionCompareStructures(kb),
        make_tracker(
            "et la différence avec une CPTS ?",
            "ask_difference",
            [("structure", "cpts")],
            slots={"structure": "esp"},
        ),
    )
    assert "ESP / CPTS" in run.text


async def test_comparison_needs_two_structures(kb, run_action) -> None:
    run = await run_action(ActionCompareStructures(kb), make_tracker("quelle différence ?", "ask_difference"))
    assert "Quelles structures voulez-vous comparer" in run.text


async def test_contacts_for_bretagne_give_the_ars_phone(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerDirectory(kb),
        make_tracker("contact ARS Bretagne", "ask_contact", [("region", "Bretagne")]),
    )
    assert "02 22 06 73 37" in run.text
    assert run.slot("region") == "bretagne"


async def test_contacts_without_region_ask_for_it_with_buttons(kb, run_action) -> None:
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("qui contacter ?", "ask_contact"))
    assert "dans quelle région" in run.text
    assert 0 < len(run.messages[0]["buttons"]) <= MAX_BUTTONS


async def test_pta_list_gives_territories_and_phones(kb, run_action) -> None:
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("liste des PTA", "ask_platforms"))
    assert "Apport Santé" in run.text and "04 42 642 642" in run.text
    assert "Pratic santé" in run.text and "04 91 52 23 21" in run.text
    # No number in the guide for this one: its note, never "None".
    assert "Cap Azur Santé (Ouest des Alpes-Maritimes) : Opérationnelle en décembre 2019" in run.text
    assert "None" not in run.text


async def test_pta_outside_paca_says_the_list_is_paca_only(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerDirectory(kb), make_tracker("PTA en Bretagne", "ask_platforms", [("region", "Bretagne")])
    )
    assert "Provence-Alpes-Côte d'Azur" in run.text
    assert "04 42 642 642" not in run.text


async def test_cpts_examples_with_populations(kb, run_action) -> None:
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("exemples de CPTS", "ask_cpts_examples"))
    assert "La Providence" in run.text and "152 581" in run.text


async def test_medico_social_structures(kb, run_action) -> None:
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("SSIAD, SAAD ?", "ask_medico_social"))
    for acronym in ("SAAD", "SSIAD", "SPASAD", "SSR", "EHPAD"):
        assert acronym in run.text


async def test_handoff_flags_the_conversation_and_gives_a_regional_contact(kb, run_action) -> None:
    run = await run_action(
        ActionHumanHandoff(kb),
        make_tracker("je veux parler à un conseiller", "human_handoff", slots={"region": "bretagne"}),
    )
    assert run.slot("handoff_requested") is True
    assert "Bretagne" in run.text and "@" in run.text


async def test_handoff_without_region_still_flags(kb, run_action) -> None:
    run = await run_action(ActionHumanHandoff(kb), make_tracker("un humain svp", "human_handoff"))
    assert run.slot("handoff_requested") is True
    assert [m.get("response") for m in run.messages] == ["utter_handoff_no_region"]


async def test_fallback_suggests_likely_questions_as_buttons(run_action) -> None:
    tracker = make_tracker(
        "sous combien msp",
        "nlu_fallback",
        [("structure", "msp")],
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "ask_funding", "confidence": 0.4},
            {"name": "inform", "confidence": 0.3},
            {"name": "ask_members", "confidence": 0.2},
            {"name": "ask_creation", "confidence": 0.1},
        ],
    )
    run = await run_action(ActionDefaultAskAffirmation(), tracker)
    buttons = run.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["Le financement", "Les membres nécessaires", "Autre chose"]
    assert buttons[0]["payload"] == '/ask_funding{"structure": ["msp"]}'
    assert buttons[-1]["payload"] == "/deny"


async def test_fallback_never_offers_medical_advice_or_more_details(run_action) -> None:
    # An emoji-only message ranked ask_medical_advice first: that once failed the whole turn.
    tracker = make_tracker(
        "🙂🙂🙂",
        "nlu_fallback",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "ask_medical_advice", "confidence": 0.3},
            {"name": "ask_more", "confidence": 0.2},
            {"name": "ask_definition", "confidence": 0.1},
        ],
    )
    run = await run_action(ActionDefaultAskAffirmation(), tracker)
    titles = [b["title"] for b in run.messages[0]["buttons"]]
    assert titles == ["Une définition", "Autre chose"]
