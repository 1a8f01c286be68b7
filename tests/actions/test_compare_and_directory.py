"""Comparisons, lists from the documents, human hand-off and the fallback's suggestions."""

from __future__ import annotations

import re

from actions import names
from actions.answer_topic import ActionAnswerTopic
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


async def test_comparison_lines_name_their_source(kb, run_action) -> None:
    run = await run_action(
        ActionCompareStructures(kb),
        make_tracker("MSP ou CPTS ?", "ask_difference", [("structure", "msp"), ("structure", "cpts")]),
    )
    lines = run.text.splitlines()
    values = [line for line in lines if line.startswith(("• MSP : ", "• CPTS : "))]
    answered = [line for line in values if "non précisé" not in line]
    assert answered and all(re.search(r"\[\d\]$", line) for line in answered)
    key = next(line for line in lines if line.startswith("Sources : "))
    marks = {int(number) for line in answered for number in re.findall(r"\[(\d)\]$", line)}
    for number in marks:
        assert f"[{number}] " in key
    # The CPTS envelope comes from the national article, the MSP ACI figure from a region.
    assert "France entière" in key
    # Criteria carry the labels of the rest of the conversation (domain.yml).
    assert "**Membres nécessaires**" in run.text
    # No region known and regional documents quoted: the answer says facts vary.
    assert "varient selon les régions" in run.text


async def test_comparison_remembers_the_region_it_names(kb, run_action) -> None:
    run = await run_action(
        ActionCompareStructures(kb),
        make_tracker(
            "différence MSP CPTS en Bretagne",
            "ask_difference",
            [("structure", "msp"), ("structure", "cpts"), ("region", "Bretagne")],
        ),
    )
    assert run.slot("region") == "bretagne"
    assert "varient selon les régions" not in run.text


async def test_after_a_comparison_another_structure_adds_a_column(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerTopic(kb),
        make_tracker(
            "et avec une ESS ?",
            "inform",
            [("structure", "ess")],
            slots={"last_topic": "difference", "compared_structures": ["msp", "cpts"]},
        ),
    )
    assert "MSP / CPTS / ESS" in run.text
    assert run.slot("compared_structures") == ["msp", "cpts", "ess"]


async def test_after_a_comparison_more_details_on_one_structure(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerTopic(kb),
        make_tracker(
            "plus de détails sur la MSP",
            "ask_more",
            [("structure", "msp")],
            slots={"last_topic": "difference", "compared_structures": ["msp", "cpts"]},
        ),
    )
    assert "Définition – Maison de santé pluriprofessionnelle (MSP)" in run.text
    assert run.slot("structure") == "msp" and run.slot("last_topic") == "definition"


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
    run = await run_action(
        ActionAnswerDirectory(kb), make_tracker("les structures médico-sociales ?", "ask_medico_social")
    )
    for acronym in ("SAAD", "SSIAD", "SPASAD", "SSR", "EHPAD"):
        assert acronym in run.text


async def test_a_list_shows_only_the_items_the_question_names(kb, run_action) -> None:
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("SSIAD, SAAD ?", "ask_medico_social"))
    assert "SSIAD (" in run.text and "SAAD (" in run.text
    assert "EHPAD" not in run.text
    run = await run_action(
        ActionAnswerDirectory(kb), make_tracker("numéro de la PTA Est Azur ?", "ask_platforms")
    )
    assert "PTA Est Azur" in run.text and "04 93 85 11 25" in run.text
    assert "Apport Santé" not in run.text


async def test_handoff_flags_the_conversation_and_gives_a_regional_contact(kb, run_action) -> None:
    run = await run_action(
        ActionHumanHandoff(kb),
        make_tracker("je veux parler à un conseiller", names.HUMAN_HANDOFF, slots={"region": "bretagne"}),
    )
    assert run.slot(names.HANDOFF_REQUESTED) is True
    assert "Bretagne" in run.text and "@" in run.text


async def test_handoff_without_region_still_flags_and_asks_for_it(kb, run_action) -> None:
    run = await run_action(ActionHumanHandoff(kb), make_tracker("un humain svp", names.HUMAN_HANDOFF))
    assert run.slot(names.HANDOFF_REQUESTED) is True
    assert [m.get("response") for m in run.messages] == ["utter_handoff_no_region"]
    assert [b["payload"] for b in run.messages[0]["buttons"]] == [
        '/inform{"region": "Bretagne"}',
        '/inform{"region": "Centre-Val de Loire"}',
        '/inform{"region": "PACA"}',
    ]
    # The region given next is answered with its contacts.
    assert run.slot("last_topic") == "contact"


async def test_region_given_after_the_handoff_gets_its_contacts(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerTopic(kb),
        make_tracker("PACA", "inform", [("region", "PACA")], slots={"last_topic": "contact"}),
    )
    assert "URPS infirmière PACA" in run.text and "Source" in run.text
    assert run.slot("region") == "paca"


async def test_handoff_about_an_msp_in_paca_gives_the_region_contacts(kb, run_action) -> None:
    # PACA's documents name contacts for CPTS only: they are still the people to ask.
    run = await run_action(
        ActionHumanHandoff(kb),
        make_tracker("un conseiller", names.HUMAN_HANDOFF, slots={"region": "paca", "structure": "msp"}),
    )
    assert "(Provence-Alpes-Côte d'Azur)" in run.text and "PACA" in run.text
    assert "Source" in run.text


async def test_handoff_in_a_region_without_contacts_says_so(kb, run_action) -> None:
    run = await run_action(
        ActionHumanHandoff(kb), make_tracker("un humain", names.HUMAN_HANDOFF, slots={"region": "occitanie"})
    )
    assert run.slot(names.HANDOFF_REQUESTED) is True
    assert [m.get("response") for m in run.messages] == ["utter_handoff_no_contacts"]
    assert run.messages[0]["region_name"] == "Occitanie"


async def test_contacts_about_an_msp_in_paca(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerDirectory(kb),
        make_tracker(
            "qui contacter pour une MSP en PACA", "ask_contact", [("structure", "msp"), ("region", "PACA")]
        ),
    )
    assert "Je n'ai pas de contact" not in run.text
    assert "ARS PACA" in run.text


async def test_fallback_suggests_likely_questions_as_buttons(run_action) -> None:
    tracker = make_tracker(
        "sous combien msp",
        names.NLU_FALLBACK,
        [("structure", "msp")],
        intent_ranking=[
            {"name": names.NLU_FALLBACK, "confidence": 0.5},
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
    # Rasa's two-stage fallback asks for a rephrasing only after out_of_scope.
    assert buttons[-1]["payload"] == "/out_of_scope"


async def test_fallback_never_offers_medical_advice_or_more_details(run_action) -> None:
    # An emoji-only message ranked ask_medical_advice first: that once failed the whole turn.
    tracker = make_tracker(
        "🙂🙂🙂",
        names.NLU_FALLBACK,
        intent_ranking=[
            {"name": names.NLU_FALLBACK, "confidence": 0.5},
            {"name": "ask_medical_advice", "confidence": 0.3},
            {"name": "ask_more", "confidence": 0.2},
            {"name": "ask_definition", "confidence": 0.1},
        ],
    )
    run = await run_action(ActionDefaultAskAffirmation(), tracker)
    titles = [b["title"] for b in run.messages[0]["buttons"]]
    assert titles == ["Une définition", "Autre chose"]


async def test_fallback_with_nothing_to_suggest_asks_to_rephrase(run_action) -> None:
    tracker = make_tracker(
        "ouais",
        names.NLU_FALLBACK,
        intent_ranking=[
            {"name": names.NLU_FALLBACK, "confidence": 0.5},
            {"name": "inform", "confidence": 0.3},
            {"name": "ask_more", "confidence": 0.2},
        ],
    )
    run = await run_action(ActionDefaultAskAffirmation(), tracker)
    assert [m.get("response") for m in run.messages] == ["utter_ask_rephrase"]


async def test_a_named_contact_needs_no_region(kb, run_action) -> None:
    run = await run_action(
        ActionAnswerDirectory(kb), make_tracker("Comment contacter Be LC ?", "ask_contact")
    )
    assert "02 45 50 55 34" in run.text and "sante@attractivite41.fr" in run.text
    run = await run_action(ActionAnswerDirectory(kb), make_tracker("qui contacter ?", "ask_contact"))
    assert "dans quelle région" in run.text
