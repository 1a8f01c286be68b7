"""Real parsing of the key phrases by the trained model: intent and entities.

Entities are compared as the set of (entity, value) pairs after synonym mapping, so a test
fails on a missing entity, a wrong label, an unnormalised value or a spurious extraction.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.rasa

S, R, L, F, T, P = "structure", "region", "legal_form", "funding_type", "term", "profession"

CASES: list[tuple[str, str, set[tuple[str, str]]]] = [
    # Phrasings from the issue.
    ("quelle différence MSP CPTS", "ask_difference", {(S, "msp"), (S, "cpts")}),
    ("combien de financement ESS", "ask_funding", {(S, "ess")}),
    ("c koi une cpts", "ask_definition", {(S, "cpts")}),
    ("comment on monte une maison de santé en Bretagne ?", "ask_creation", {(S, "msp"), (R, "Bretagne")}),
    ("que veut dire ACI", "ask_definition", {(F, "ACI")}),
    ("c'est quoi une MSP", "ask_definition", {(S, "msp")}),
    ("SISA ça veut dire quoi", "ask_definition", {(L, "sisa")}),
    ("qu'est-ce qu'un SSIAD", "ask_definition", {(T, "SSIAD")}),
    ("MSP ou centre de santé ?", "ask_difference", {(S, "msp"), (S, "cds")}),
    ("comparer ESP et ESS", "ask_difference", {(S, "esp"), (S, "ess")}),
    ("qu'est-ce qui distingue une CPTS d'une MSP", "ask_difference", {(S, "cpts"), (S, "msp")}),
    ("comment est financée une MSP", "ask_funding", {(S, "msp")}),
    ("quelles aides pour une CPTS", "ask_funding", {(S, "cpts")}),
    ("montant de l'ACI", "ask_funding", {(F, "ACI")}),
    ("et comment elle est financée ?", "ask_funding", set()),
    ("quelle forme juridique pour une MSP", "ask_legal_form", {(S, "msp")}),
    ("faut-il une SISA", "ask_legal_form", {(L, "sisa")}),
    ("statut juridique d'une CPTS", "ask_legal_form", {(S, "cpts")}),
    ("différence SCM SCP", "ask_legal_form", {(L, "scm"), (L, "scp")}),
    ("les pros d'un centre de santé sont salariés ?", "ask_status", {(S, "cds")}),
    ("on peut être libéral en MSP ?", "ask_status", {(S, "msp")}),
    ("combien de médecins faut-il pour une MSP", "ask_members", {(P, "médecins"), (S, "msp")}),
    ("qui peut faire partie d'une CPTS", "ask_members", {(S, "cpts")}),
    ("il faut combien de professionnels pour monter une ESP", "ask_members", {(S, "esp")}),
    ("quelle taille de territoire pour une CPTS", "ask_territory", {(S, "cpts")}),
    ("combien d'habitants pour une CPTS", "ask_territory", {(S, "cpts")}),
    ("quelles sont les missions d'une CPTS", "ask_missions", {(S, "cpts")}),
    ("missions socles ESS", "ask_missions", {(S, "ess")}),
    ("quels avantages à rejoindre une MSP", "ask_advantages", {(S, "msp")}),
    ("intérêt d'une ESP pour un kiné", "ask_advantages", {(S, "esp"), (P, "kiné")}),
    ("étapes pour créer une CPTS", "ask_creation", {(S, "cpts")}),
    ("démarches pour créer un centre de santé", "ask_creation", {(S, "cds")}),
    ("comment rejoindre une CPTS", "ask_join", {(S, "cpts")}),
    ("je veux intégrer une MSP", "ask_join", {(S, "msp")}),
    ("quels tarifs en centre de santé", "ask_fees", {(S, "cds")}),
    ("secteur 2 en MSP", "ask_fees", {(S, "msp")}),
    ("quel article du code de la santé publique pour les CPTS", "ask_legal_references", {(S, "cpts")}),
    ("cadre légal MSP", "ask_legal_references", {(S, "msp")}),
    ("qui contacter pour monter une ESS", "ask_contact", {(S, "ess")}),
    ("contact ARS Bretagne", "ask_contact", {(T, "ARS"), (R, "Bretagne")}),
    ("qui peut m'accompagner en Centre-Val de Loire", "ask_contact", {(R, "Centre-Val de Loire")}),
    ("c'est quoi la différence entre SSIAD et SAAD", "ask_medico_social", {(T, "SSIAD"), (T, "SAAD")}),
    ("les structures médico-sociales", "ask_medico_social", set()),
    ("liste des PTA en PACA", "ask_platforms", {(S, "pta"), (R, "PACA")}),
    ("numéro de la PTA des Hautes-Alpes", "ask_platforms", {(S, "pta"), (R, "Hautes-Alpes")}),
    ("exemples de CPTS en Occitanie", "ask_cpts_examples", {(S, "cpts"), (R, "Occitanie")}),
    ("montre moi des CPTS", "ask_cpts_examples", {(S, "cpts")}),
    ("sommes-nous éligibles à une MSP ?", "check_eligibility", {(S, "msp")}),
    (
        "on est 3 médecins et 2 kinés, on peut faire quoi ?",
        "check_eligibility",
        {(P, "médecins"), (P, "kinés")},
    ),
    ("test d'éligibilité", "check_eligibility", set()),
    # Dialogue turns: numbers are never entities, regions keep the user's spelling.
    ("en Bretagne", "inform", {(R, "Bretagne")}),
    ("je suis dans le Loiret", "inform", {(R, "Loiret")}),
    ("et pour une CPTS ?", "inform", {(S, "cpts")}),
    ("3", "inform", set()),
    ("trois médecins", "inform", {(P, "médecins")}),
    ("on est tous salariés", "inform", set()),
    ("environ 30 000 habitants", "inform", set()),
    ("la MSP", "inform", {(S, "msp")}),
    ("je suis infirmière", "inform", {(P, "infirmière")}),
    ("bonjour", "greet", set()),
    ("au revoir", "goodbye", set()),
    ("merci beaucoup", "thanks", set()),
    ("oui", "affirm", set()),
    ("pas du tout", "deny", set()),
    ("tu es un robot ?", "bot_challenge", set()),
    ("quel temps fait-il demain ?", "out_of_scope", set()),
    ("j'ai mal à la poitrine que faire", "ask_medical_advice", set()),
    ("posologie doliprane", "ask_medical_advice", set()),
    ("je veux parler à un conseiller", "human_handoff", set()),
    ("laisse tomber", "stop", set()),
    ("dis m'en plus", "ask_more", set()),
]

# Spellings users really type: each must still reach the normalised structure id.
STRUCTURE_SPELLINGS = [
    ("c'est quoi une maison de sante pluriprofessionnelle", "msp"),
    ("c quoi une communaute professionnelle territoriale de sante", "cpts"),
    ("définition equipe de soins specialises", "ess"),
    ("c'est quoi une équipe de soins primaires", "esp"),
    ("c'est quoi un CdS", "cds"),
    ("c'est quoi une plateforme territoriale d'appui", "pta"),
    ("c'est quoi un pôle de santé", "pole_sante"),
]


def entity_pairs(parsed: dict) -> set[tuple[str, str]]:
    return {(entity["entity"], str(entity["value"])) for entity in parsed.get("entities", [])}


@pytest.mark.parametrize(("text", "intent", "entities"), CASES, ids=[case[0] for case in CASES])
async def test_key_phrase(nlu_agent, text: str, intent: str, entities: set[tuple[str, str]]) -> None:
    parsed = await nlu_agent.parse_message(text)
    assert parsed["intent"]["name"] == intent, parsed["intent_ranking"][:3]
    assert entity_pairs(parsed) == entities


@pytest.mark.parametrize(("text", "structure_id"), STRUCTURE_SPELLINGS)
async def test_structure_spelling_is_normalised(nlu_agent, text: str, structure_id: str) -> None:
    parsed = await nlu_agent.parse_message(text)
    # An unsure NLU (nlu_fallback) still ranks the definition first, and action_answer_search
    # then answers with the structure's definition (tests/actions/test_answer_search.py).
    ranked = [item["name"] for item in parsed["intent_ranking"] if item["name"] != "nlu_fallback"]
    assert ranked[0] == "ask_definition", parsed["intent_ranking"][:3]
    assert (S, structure_id) in entity_pairs(parsed)
