"""Name resolution: structures, regions, départements (pure functions, no database)."""

from __future__ import annotations

import unicodedata

import pytest

from knowledge.geography import DEPARTMENTS
from knowledge.names import (
    REGION_NAMES,
    department_name,
    department_region,
    find_region_name,
    find_structures,
    resolve_department,
    resolve_region,
    resolve_structure,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("maison de sante", "msp"),
        ("Maisons de Santé Pluriprofessionnelles", "msp"),
        ("maison de santé pluri-professionnelle", "msp"),
        ("msp", "msp"),
        ("MSP", "msp"),
        ("cpts", "cpts"),
        ("cpst", "cpts"),
        ("CPTS", "cpts"),
        ("communauté professionnelle territoriale de santé", "cpts"),
        ("communaute profesionnelle territorial de sante", "cpts"),
        ("équipe soins spé", "ess"),
        ("Équipes de soins spécialisées", "ess"),
        ("équipe de soins primaires", "esp"),
        ("ESP-CVL", "esp"),
        ("centre de sante", "cds"),
        ("cds", "cds"),
        ("CdS", "cds"),
        ("pôle de santé", "pole_sante"),
        ("pole sante", "pole_sante"),
        ("plateforme territoriale d'appui", "pta"),
        ("PTA", "pta"),
        ("association d'infirmières", "asso_infirmiers"),
        ("c koi une cpts", "cpts"),
        ("esp", "esp"),
        ("pole_sante", "pole_sante"),
    ],
)
def test_resolve_structure(text: str, expected: str) -> None:
    assert resolve_structure(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ses patients",
        "pour raison de santé",
        "ESSORT",
        "équipe de soins",
        "bonjour",
        "",
        "centre hospitalier",
    ],
)
def test_resolve_structure_rejects_lookalikes(text: str) -> None:
    assert resolve_structure(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quelle différence entre une MSP et une CPTS ?", ["msp", "cpts"]),
        ("CPTS, MSP ou cpts ?", ["cpts", "msp"]),
        ("maison médicale, centre de santé et MSP", ["msp", "cds"]),
        ("esp ess cds", ["esp", "ess", "cds"]),
        ("rien à voir", []),
    ],
)
def test_find_structures_in_order_without_duplicates(text: str, expected: list[str]) -> None:
    assert find_structures(text) == expected


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@pytest.mark.parametrize(("code", "name", "region"), DEPARTMENTS)
def test_every_departement_resolves_by_name_and_code(code: str, name: str, region: str) -> None:
    assert resolve_region(name) == region
    assert resolve_region(_plain(name).replace("-", " ").lower()) == region
    assert resolve_region(code) == region
    assert resolve_region(f"dans le {code}") == region
    assert department_name(code) == name
    assert department_region(code) == region


def test_there_are_101_departements_in_18_regions() -> None:
    assert len(DEPARTMENTS) == 101
    assert {region for _, _, region in DEPARTMENTS} == set(REGION_NAMES) - {"national"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bretagne", "bretagne"),
        ("PACA", "paca"),
        ("Provence-Alpes-Côte d'Azur", "paca"),
        ("région Sud", "paca"),
        ("Centre-Val de Loire", "centre-val-de-loire"),
        ("centre val de loire", "centre-val-de-loire"),
        ("Occitanie", "occitanie"),
        ("Languedoc-Roussillon", "occitanie"),
        ("Rhône", "auvergne-rhone-alpes"),
        ("Bouches du Rhone", "paca"),
        ("29", "bretagne"),
        ("13", "paca"),
        ("29200", "bretagne"),
        ("2A", "corse"),
        ("974", "la-reunion"),
        ("La Réunion", "la-reunion"),
        ("je suis en Ille-et-Vilaine", "bretagne"),
        ("dans le Cher", "centre-val-de-loire"),
        ("Cher", "centre-val-de-loire"),
        ("département du Nord", "hauts-de-france"),
        ("France", "national"),
        ("national", "national"),
        ("paca", "paca"),
        ("auvergne-rhone-alpes", "auvergne-rhone-alpes"),
    ],
)
def test_resolve_region(text: str, expected: str) -> None:
    assert resolve_region(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "la réunion d'équipe",
        "pas cher",
        "un lot de patients",
        "2 médecins",
        "centre de santé",
        "Atlantide",
        "",
    ],
)
def test_everyday_words_are_not_places(text: str) -> None:
    assert resolve_region(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bretagen", "bretagne"),
        ("je suis dans le loirret", "centre-val-de-loire"),
        ("occitane", "occitanie"),
        ("Finistaire", "bretagne"),
        ("seine-st-denis", "ile-de-france"),
        ("Seine St Denis", "ile-de-france"),
        ("Provance-Alpes-Côte d'Azur", "paca"),
    ],
)
def test_resolve_region_forgives_a_small_typo(text: str, expected: str) -> None:
    assert resolve_region(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Loire and Loiret are both one letter away: neither is guessed.
        "loirer",
        # A name of the ambiguous list is never guessed from a typo ("cher", "lot"…).
        "chers",
        # A word inside a sentence is never read as a misspelt place.
        "j'en ai marre de la paperasse",
        # The first letter must be right, and short names must be exact.
        "fretagne",
        "vars",
        "dom tom",
    ],
)
def test_resolve_region_does_not_guess(text: str) -> None:
    assert resolve_region(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("comment démarrer un projet de CPTS dans les Alpes-Maritimes", "paca"),
        ("le Gard a-t-il des CPTS ?", "occitanie"),
        ("une MSP en Bretagne, combien ?", "bretagne"),
        ("les CPTS du département de la Vienne", "nouvelle-aquitaine"),
        ("on est 4 à Paris", "ile-de-france"),
        # A name that is also an everyday word counts when it is the whole message.
        ("dans la Vienne", "nouvelle-aquitaine"),
    ],
)
def test_find_region_name_in_a_sentence(text: str, expected: str) -> None:
    assert find_region_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Everyday words that are also département names, even after "dans le".
        "on travaille dans le centre de santé du quartier",
        "quelle somme pour une MSP ?",
        # Numbers are dates, counts or phone numbers in a sentence.
        "le cahier des charges du 12 décembre 2024",
        "appelez le 15",
        "29",
        # No typo guessing in a sentence.
        "bretagen",
        "c'est quoi une CPTS ?",
    ],
)
def test_find_region_name_never_guesses(text: str) -> None:
    assert find_region_name(text) is None


def test_region_names_display() -> None:
    assert REGION_NAMES["paca"] == "Provence-Alpes-Côte d'Azur"
    assert REGION_NAMES["national"] == "France entière"
    assert REGION_NAMES["centre-val-de-loire"] == "Centre-Val de Loire"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Finistère", "29"), ("2a", "2A"), ("7", "07"), ("Var", "83"), ("Bretagne", None), ("99", None)],
)
def test_resolve_department(text: str, expected: str | None) -> None:
    assert resolve_department(text) == expected


def test_department_name_unknown() -> None:
    assert department_name("99") is None
    assert department_name("") is None
