"""Quote normalisation and the number check (pure functions)."""

from __future__ import annotations

import pytest

from knowledge.provenance import missing_numbers, normalise, numbers, quote_problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("- **Forme juridique :** aucun statut", "Forme juridique : aucun statut"),
        ("<b>Professionnels</b>\tPluriprofessionnel", "Professionnels Pluriprofessionnel"),
        ("<p>Tout public.</p> <p>Tout public.</p>", "Tout public. Tout public."),
        (
            "• mono-professionnels ;\n• ou pluri-professionnels.",
            "monoprofessionnels ; ou pluriprofessionnels.",
        ),
        ("l'Assu-\n• rance Maladie", "l'Assurance Maladie"),
        ("Maisons de Santé Pluri-\n\nprofessionnelles", "Maisons de Santé Pluriprofessionnelles"),
        (" - + Accès aux soins.", "Accès aux soins."),
        ("✓ Définir le territoire", "Définir le territoire"),
        ("c’est bien", "c'est bien"),
        ("# GLOSSAIRE\n## A Les formes", "GLOSSAIRE A Les formes"),
        ("[ars@ars.sante.fr](mailto:ars@ars.sante.fr)", "ars@ars.sante.fr"),
        ("Site : <https://exemple.org/a/>", "Site : https://exemple.org/a/"),
        ("territoire\\*", "territoire"),
        ("2014-2020", "2014-2020"),
        ("11 - 66", "11 - 66"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


DOCUMENT = normalise(
    "- **Financement de la structure :** enveloppe de 7500 euros par an et par équipe\n\n"
    "<b>Nombre d'associés minimum</b>\t2\t2 médecins et 1 paramédical\n"
    "• Une enveloppe pour le fonctionnement, entre 50 000 et 90 000 €"
)


def test_a_verbatim_quote_is_found_through_the_artefacts() -> None:
    assert quote_problems("Financement de la structure : enveloppe de 7500 euros", DOCUMENT) == []
    assert quote_problems("minimum 2 2 médecins et 1 paramédical", DOCUMENT) == []


def test_pieces_joined_by_ellipsis_are_each_checked() -> None:
    assert quote_problems("enveloppe de 7500 euros […] entre 50 000 et 90 000 €", DOCUMENT) == []
    problems = quote_problems("enveloppe de 7500 euros […] entre 50 000 et 95 000 €", DOCUMENT)
    assert problems == ["citation introuvable dans le document : « entre 50 000 et 95 000 € »"]


def test_a_paraphrase_is_not_a_quote() -> None:
    assert quote_problems("une enveloppe annuelle de 7 500 €", DOCUMENT) != []
    assert quote_problems("Ab", DOCUMENT) == ["morceau de citation trop court : « Ab »"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 500 €", {"7500"}),
        ("7500 euros", {"7500"}),
        ("7\u202f500\u00a0€", {"7500"}),
        ("7 500€ par an", {"7500"}),
        ("de 50 000 à 100 000 €", {"50000", "100000"}),
        ("152 581 habitants (cantons 1, 4 et 5)", {"152581", "1", "4", "5"}),
        ("0811 709 029", {"0811", "709029"}),
        ("art. L 6323.3", {"6323", "3"}),
        ("deux médecins", set()),
    ],
)
def test_numbers_join_digit_groups(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_missing_numbers_is_strict_but_not_silly() -> None:
    quote = "enveloppe de 7500 euros par an et par équipe"
    assert missing_numbers(["Enveloppe de 7 500 € par an.", 7500], quote) == []
    assert missing_numbers(["Enveloppe de 75 000 € par an."], quote) == ["75000"]
    assert missing_numbers(["Enveloppe de 7 500 € depuis 2025."], quote) == ["2025"]
    assert missing_numbers([8000, None], quote) == ["8000"]
