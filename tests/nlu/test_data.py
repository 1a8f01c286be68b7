"""The NLU training data and the held-out set honour the contract with the dialogue.

Intent and entity names, normalised values, example counts, the region lookup, consistent
labels, and a held-out set that shares no sentence with the training data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions import names
from bot.settings import ROOT
from knowledge import names as knowledge_names

NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = Path(__file__).with_name("heldout.yml")

# The intents of the domain, minus the ones a user's message answers (a form's question, a
# yes/no) or that only steer the conversation: what the actions call a question topic.
DIALOGUE_INTENTS = {
    names.INFORM, names.AFFIRM, names.DENY, names.OUT_OF_SCOPE, names.HUMAN_HANDOFF,
    "greet", "goodbye", "thanks", "bot_challenge", "ask_medical_advice", "stop", "ask_more",
}
DOMAIN_INTENTS = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
QUESTION_INTENTS = DOMAIN_INTENTS - DIALOGUE_INTENTS
ENTITIES = {"structure", "region", "legal_form", "funding_type", "term", "profession"}
STRUCTURE_IDS = set(knowledge_names.STRUCTURE_IDS)
LEGAL_FORM_IDS = {"scm", "scp", "sel", "sisa", "association"}

REGIONS = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "La Réunion",
    "Mayotte",
]
DEPARTEMENTS = [
    "Ain",
    "Aisne",
    "Allier",
    "Alpes-de-Haute-Provence",
    "Hautes-Alpes",
    "Alpes-Maritimes",
    "Ardèche",
    "Ardennes",
    "Ariège",
    "Aube",
    "Aude",
    "Aveyron",
    "Bouches-du-Rhône",
    "Calvados",
    "Cantal",
    "Charente",
    "Charente-Maritime",
    "Cher",
    "Corrèze",
    "Corse-du-Sud",
    "Haute-Corse",
    "Côte-d'Or",
    "Côtes-d'Armor",
    "Creuse",
    "Dordogne",
    "Doubs",
    "Drôme",
    "Eure",
    "Eure-et-Loir",
    "Finistère",
    "Gard",
    "Haute-Garonne",
    "Gers",
    "Gironde",
    "Hérault",
    "Ille-et-Vilaine",
    "Indre",
    "Indre-et-Loire",
    "Isère",
    "Jura",
    "Landes",
    "Loir-et-Cher",
    "Loire",
    "Haute-Loire",
    "Loire-Atlantique",
    "Loiret",
    "Lot",
    "Lot-et-Garonne",
    "Lozère",
    "Maine-et-Loire",
    "Manche",
    "Marne",
    "Haute-Marne",
    "Mayenne",
    "Meurthe-et-Moselle",
    "Meuse",
    "Morbihan",
    "Moselle",
    "Nièvre",
    "Nord",
    "Oise",
    "Orne",
    "Pas-de-Calais",
    "Puy-de-Dôme",
    "Pyrénées-Atlantiques",
    "Hautes-Pyrénées",
    "Pyrénées-Orientales",
    "Bas-Rhin",
    "Haut-Rhin",
    "Rhône",
    "Haute-Saône",
    "Saône-et-Loire",
    "Sarthe",
    "Savoie",
    "Haute-Savoie",
    "Paris",
    "Seine-Maritime",
    "Seine-et-Marne",
    "Yvelines",
    "Deux-Sèvres",
    "Somme",
    "Tarn",
    "Tarn-et-Garonne",
    "Var",
    "Vaucluse",
    "Vendée",
    "Vienne",
    "Haute-Vienne",
    "Vosges",
    "Yonne",
    "Territoire de Belfort",
    "Essonne",
    "Hauts-de-Seine",
    "Seine-Saint-Denis",
    "Val-de-Marne",
    "Val-d'Oise",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "La Réunion",
    "Mayotte",
]


@pytest.fixture(scope="module")
def training() -> TrainingData:
    return load_data(str(NLU_DIR), language="fr")


@pytest.fixture(scope="module")
def heldout() -> TrainingData:
    return load_data(str(HELDOUT), language="fr")


def _normalise(text: str) -> str:
    """Case, accents and punctuation removed: two sentences equal here are the same sentence."""
    bare = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(ch for ch in bare if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def _entities(data: TrainingData):
    for example in data.intent_examples:
        for entity in example.get("entities") or []:
            yield example, entity


def test_intents_are_exactly_the_contract(training: TrainingData, heldout: TrainingData) -> None:
    assert DIALOGUE_INTENTS < DOMAIN_INTENTS
    assert training.intents == DOMAIN_INTENTS
    assert heldout.intents == DOMAIN_INTENTS


def test_question_intents_have_enough_varied_examples(training: TrainingData) -> None:
    counts = Counter(example.get("intent") for example in training.intent_examples)
    too_few = {intent: counts[intent] for intent in QUESTION_INTENTS if counts[intent] < 25}
    assert not too_few


def test_heldout_has_eight_to_ten_examples_per_question_intent(heldout: TrainingData) -> None:
    counts = Counter(example.get("intent") for example in heldout.intent_examples)
    assert all(8 <= counts[intent] <= 10 for intent in QUESTION_INTENTS), counts


def test_heldout_shares_no_sentence_with_training(training: TrainingData, heldout: TrainingData) -> None:
    seen = {_normalise(example.get("text")) for example in training.intent_examples}
    texts = [example.get("text") for example in heldout.intent_examples]
    copies = [text for text in texts if _normalise(text) in seen]
    assert not copies


@pytest.mark.parametrize("name", ["training", "heldout"])
def test_entities_and_values_follow_the_contract(
    name: str, training: TrainingData, request: pytest.FixtureRequest
) -> None:
    data: TrainingData = request.getfixturevalue(name)
    synonyms = {key.casefold(): value for key, value in training.entity_synonyms.items()}
    for example, entity in _entities(data):
        assert entity["entity"] in ENTITIES, example.get("text")
        value = synonyms.get(str(entity["value"]).casefold(), entity["value"])
        if entity["entity"] == "structure":
            assert value in STRUCTURE_IDS, example.get("text")
        if entity["entity"] == "legal_form":
            assert value in LEGAL_FORM_IDS, example.get("text")
        assert not str(entity["value"]).strip().isdigit(), f"nombre annoté : {example.get('text')}"


def test_synonyms_target_contract_values(training: TrainingData) -> None:
    # Lower-case identifiers are the ids the actions switch on; acronyms stay upper case.
    identifiers = {v for v in training.entity_synonyms.values() if re.fullmatch(r"[a-z_]+", v)}
    # EntitySynonymMapper looks spellings up case-insensitively.
    mapped = {key.casefold(): value for key, value in training.entity_synonyms.items()}
    assert identifiers <= STRUCTURE_IDS | LEGAL_FORM_IDS | {"dotation"}
    for spelling in (
        "maison de santé",
        "maisons de santé pluriprofessionnelles",
        "cpst",
        "cdS",
        "communauté professionnelle territoriale de santé",
        "equipe de soins specialises",
        "équipe de soins primaires",
        "plateforme territoriale d'appui",
        "pôle de santé",
    ):
        assert mapped.get(spelling.casefold()) in STRUCTURE_IDS, spelling
    assert mapped["association loi 1901"] == "association"
    assert mapped["société interprofessionnelle de soins ambulatoires"] == "sisa"


def test_every_region_and_departement_is_in_the_lookup(training: TrainingData) -> None:
    tables = {table["name"]: table["elements"] for table in training.lookup_tables}
    known = {_normalise(name) for name in tables["region"]}
    missing = [name for name in REGIONS + DEPARTEMENTS if _normalise(name) not in known]
    assert len(set(DEPARTEMENTS)) == 101 and len(REGIONS) == 18
    assert not missing


def test_same_words_always_get_the_same_label(training: TrainingData, heldout: TrainingData) -> None:
    labels: dict[str, set[str]] = defaultdict(set)
    for data in (training, heldout):
        for example, entity in _entities(data):
            labels[example.get("text")[entity["start"] : entity["end"]].casefold()].add(entity["entity"])
    assert {text: found for text, found in labels.items() if len(found) > 1} == {}


def test_annotated_structures_are_never_left_bare_elsewhere(training: TrainingData) -> None:
    # An acronym tagged in one sentence and left untagged in another teaches DIET both answers.
    acronyms = {"msp", "cpts", "esp", "ess", "cds", "pta", "sisa", "aci", "ars", "urps", "ssiad"}
    bare = []
    for example in training.intent_examples:
        text = example.get("text")
        spans = [(e["start"], e["end"]) for e in example.get("entities") or []]
        for match in re.finditer(r"\b(" + "|".join(acronyms) + r")\b", text, re.IGNORECASE):
            if not any(start <= match.start() and match.end() <= end for start, end in spans):
                bare.append(text)
    assert not bare
