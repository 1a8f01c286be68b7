"""French answers: counts, yes/no, practice, and team details in free sentences."""

from __future__ import annotations

import random
from typing import Any

import pytest

from eligibility.parsing import (
    COUNT_REASONS,
    CountError,
    extract_team,
    parse_count,
    parse_practice,
    parse_yes_no,
)
from eligibility.team import TEAM_FIELDS, Team

BIG = 15_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("0", 0),
        ("3 médecins", 3),
        ("  12 ", 12),
        ("12.", 12),
        ("nous sommes 4", 4),
        ("zéro", 0),
        ("zero", 0),
        ("aucun", 0),
        ("aucune", 0),
        ("Aucun !", 0),
        ("personne", 0),
        ("pas un seul", 0),
        ("non, aucun", 0),
        ("un", 1),
        ("une", 1),
        ("une personne", 1),
        ("deux", 2),
        ("trois", 3),
        ("Trois.", 3),
        ("dix-sept", 17),
        ("vingt", 20),
        ("vingt et un", 21),
        ("vingt-et-un", 21),
        ("trente-deux", 32),
        ("trente deux", 32),
        ("soixante et onze", 71),
        ("soixante-dix-neuf", 79),
        ("quatre-vingts", 80),
        ("quatre-vingt-dix-sept", 97),
        ("nonante", 90),
        ("cent", 100),
        ("deux cent cinquante", 250),
        ("mille", 1000),
        ("quarante mille", 40_000),
        ("deux mille trois cents", 2300),
        ("152 581", 152_581),
        ("152\u202f581", 152_581),
        ("20 000", 20_000),
        ("20.000", 20_000),
        ("20k", 20_000),
        ("20 K", 20_000),
        ("20 000 habitants", 20_000),
        ("environ 20 000 habitants", 20_000),
        ("à peu près 45 000", 45_000),
        ("1,2 million", 1_200_000),
        ("1,2 millions d'habitants", 1_200_000),
        ("2 millions", 2_000_000),
        ("deux millions trois cent mille", 2_300_000),
        ("2,5k", 2500),
        ("en 2019 nous étions 3", 3),
        ("3, oui 3", 3),
    ],
)
def test_parse_count(text: str, expected: int) -> None:
    assert parse_count(text, maximum=BIG) == expected


def reprompt(domain: dict, error: CountError) -> str:
    """The sentence the user reads: the response utter_invalid_count_<reason> of domain.yml."""
    template = domain["responses"][f"utter_invalid_count_{error.reason}"][0]["text"]
    if error.maximum is None:
        return template
    return template.format(maximum=f"{error.maximum:,}".replace(",", "\u202f"))


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        ("une douzaine", "not_a_number", "nombre précis"),
        ("une dizaine", "not_a_number", "nombre précis"),
        ("plusieurs", "not_a_number", "nombre précis"),
        ("beaucoup", "not_a_number", "nombre précis"),
        ("quelques-uns", "not_a_number", "nombre précis"),
        ("pas mal", "not_a_number", "nombre précis"),
        ("je sais pas", "not_a_number", "estimation"),
        ("je ne sais pas", "not_a_number", "estimation"),
        ("aucune idée", "not_a_number", "estimation"),
        ("?", "not_a_number", "estimation"),
        ("", "not_a_number", "chiffres ou en lettres"),
        ("   ", "not_a_number", "chiffres ou en lettres"),
        ("oui", "not_a_number", "chiffres ou en lettres"),
        ("des kinés", "not_a_number", "chiffres ou en lettres"),
        ("plus de 10", "not_a_number", "fourchette"),
        ("au moins 3", "not_a_number", "fourchette"),
        ("entre 3 et 5", "not_a_number", "fourchette"),
        ("3 ou 4", "not_a_number", "un seul nombre"),
        ("3-4", "not_a_number", "un seul nombre"),
        ("deux médecins et trois kinés", "not_a_number", "un seul nombre"),
        ("10 %", "not_a_number", "pourcentage"),
        ("10 pour cent", "not_a_number", "pourcentage"),
        ("-3", "negative", "négatif"),
        ("−2 médecins", "negative", "négatif"),
        ("2,5", "not_integer", "entier"),
        ("2.5", "not_integer", "entier"),
        ("0,5 médecin", "not_integer", "entier"),
        ("501", "too_large", "500"),
        ("mille", "too_large", "500"),
    ],
)
def test_parse_count_errors(domain_dict: dict, text: str, code: str, hint: str) -> None:
    with pytest.raises(CountError) as raised:
        parse_count(text, maximum=500)
    assert raised.value.code == code
    assert hint in reprompt(domain_dict, raised.value)


def test_parse_count_maximum_is_inclusive(domain_dict: dict) -> None:
    assert parse_count("500", maximum=500) == 500
    with pytest.raises(CountError) as raised:
        parse_count("20 001", maximum=20_000)
    assert "au plus 20\u202f000" in reprompt(domain_dict, raised.value)


def test_count_error_messages_are_polite_french_sentences(domain_dict: dict) -> None:
    for text in ("plusieurs", "je sais pas", "-1", "2,5", "999", "3 ou 4", "plus de 3", "10 %", "bonjour"):
        with pytest.raises(CountError) as raised:
            parse_count(text, maximum=100)
        message = reprompt(domain_dict, raised.value)
        assert message[0].isupper() and message.endswith((".", "?")), message
        assert any(polite in message for polite in ("Merci", "merci", "Pourriez-vous")), message


@pytest.mark.parametrize("reason", COUNT_REASONS)
def test_every_count_reason_has_its_french_reprompt(domain_dict: dict, reason: str) -> None:
    """Parsing returns reason codes; the wording is domain.yml's, one response per reason."""
    message = reprompt(domain_dict, CountError(reason, 500 if reason == "too_large" else None))
    assert message and "{" not in message


def test_count_error_rejects_unknown_reasons() -> None:
    with pytest.raises(ValueError):
        CountError("bogus")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oui", True),
        ("Oui !", True),
        ("ouais", True),
        ("yes", True),
        ("ok", True),
        ("exact", True),
        ("c'est exact", True),
        ("tout à fait", True),
        ("absolument", True),
        ("bien sûr", True),
        ("oui, la mairie", True),
        ("pas de souci", True),
        ("non", False),
        ("Non.", False),
        ("nan", False),
        ("pas du tout", False),
        ("absolument pas", False),
        ("pas encore", False),
        ("aucun", False),
        ("nous n'avons pas de gestionnaire", False),
        ("je ne sais pas", None),
        ("peut-être", None),
        ("bof", None),
        ("", None),
        ("la commune", None),
    ],
)
def test_parse_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("libéraux", "liberal"),
        ("liberal", "liberal"),
        ("Libérale", "liberal"),
        ("en libéral", "liberal"),
        ("nous sommes tous installés en libéral", "liberal"),
        ("indépendants", "liberal"),
        ("nous ne sommes pas salariés", "liberal"),
        ("non-salariés", "liberal"),
        ("salariés", "salarie"),
        ("salarié d'un centre", "salarie"),
        ("SALARIÉES", "salarie"),
        ("nous ne sommes pas libéraux", "salarie"),
        ("les deux", "mixte"),
        ("un peu des deux", "mixte"),
        ("mixte", "mixte"),
        ("certains salariés d'autres libéraux", "mixte"),
        ("des libéraux et un pharmacien salarié", "mixte"),
        ("ni salariés ni libéraux", None),
        ("je ne sais pas", None),
        ("oui", None),
        ("", None),
    ],
)
def test_parse_practice(text: str, expected: str | None) -> None:
    assert parse_practice(text) == expected


EXTRACT_CASES = [
    (
        "nous sommes 3 médecins généralistes et 2 kinés, libéraux",
        {"general_practitioners": 3, "paramedicals": 2, "practice": "liberal"},
    ),
    (
        "deux MG, une infirmière, un pharmacien et une sage-femme",
        {"general_practitioners": 2, "paramedicals": 1, "other_professionals": 2},
    ),
    ("en fait on est 3 médecins", {"general_practitioners": 3}),
    ("4 cardiologues", {"specialists": 4}),
    ("2 médecins spécialistes en dermatologie", {"specialists": 2}),
    ("un pédiatre", {"specialists": 1}),
    # typos, missing accents, abbreviations
    ("Nous sommes 3 generalistes, 2 infirmieres et 1 kines", {"general_practitioners": 3, "paramedicals": 3}),
    ("2 kinésithérapeutes et 1 kinesitherapeute", {"paramedicals": 3}),
    ("2 kinésithérapeuthes", {"paramedicals": 2}),
    ("3 IDE, 2 orthophonistes et 2 podologues", {"paramedicals": 7}),
    ("2 IDEL et un masseur-kinésithérapeute", {"paramedicals": 3}),
    ("3 infirmier(e)s", {"paramedicals": 3}),
    ("2 infirmier·e·s", {"paramedicals": 2}),
    ("1 généralist et 2 infirmiéres", {"general_practitioners": 1, "paramedicals": 2}),
    (
        "trois médecins, deux sages-femmes et un chirurgien-dentiste",
        {"general_practitioners": 3, "other_professionals": 3},
    ),
    ("2 chirurgiens et 1 chirurgien-dentiste", {"specialists": 2, "other_professionals": 1}),
    ("kinésithérapeutes : 3", {"paramedicals": 3}),
    ("MG: 2, IDE: 1", {"general_practitioners": 2, "paramedicals": 1}),
    ("un MG et un kiné", {"general_practitioners": 1, "paramedicals": 1}),
    ("deux autres médecins", {"general_practitioners": 2}),
    # zero
    (
        "pas de kiné, aucun pharmacien mais 2 infirmières",
        {"paramedicals": 2, "other_professionals": 0},
    ),
    ("nous n'avons pas de médecin spécialiste", {"specialists": 0}),
    ("sans spécialiste, ni pharmacien ni sage-femme", {"specialists": 0, "other_professionals": 0}),
    # years and populations are not professionals
    (
        "en 2019 nous étions 2 médecins, sur un territoire de 20 000 habitants",
        {"general_practitioners": 2, "territory_population": 20_000},
    ),
    ("depuis 2015, 2 médecins", {"general_practitioners": 2}),
    ("nous couvrons 20 000 habitants", {"territory_population": 20_000}),
    ("20 000 habitants", {"territory_population": 20_000}),
    ("20k habitants", {"territory_population": 20_000}),
    ("1,2 million d'habitants", {"territory_population": 1_200_000}),
    ("une population d'environ 45 000", {"territory_population": 45_000}),
    ("un bassin de vie de 30 000 personnes", {"territory_population": 30_000}),
    (
        "2 MG pour 20 000 habitants, nous sommes 3 en tout",
        {"general_practitioners": 2, "territory_population": 20_000},
    ),
    ("le 12 décembre 2024, 3 médecins", {"general_practitioners": 3}),
    ("10 % de kinés", {}),
    # breakdowns after "dont"
    ("3 médecins dont 1 cardiologue", {"general_practitioners": 2, "specialists": 1}),
    ("3 médecins dont 2 généralistes", {"general_practitioners": 2}),
    ("4 paramédicaux dont 2 kinés et 2 infirmières", {"paramedicals": 4}),
    (
        "5 professionnels dont 2 médecins généralistes et 3 infirmiers",
        {"general_practitioners": 2, "paramedicals": 3},
    ),
    (
        "les 2 médecins sont libéraux, nous avons 2 médecins généralistes",
        {"general_practitioners": 2, "practice": "liberal"},
    ),
    # practice
    ("3 infirmières libérales", {"paramedicals": 3, "practice": "liberal"}),
    (
        "2 médecins généralistes salariés d'un centre de santé",
        {"general_practitioners": 2, "practice": "salarie"},
    ),
    ("certains salariés, d'autres libéraux", {"practice": "mixte"}),
    ("exercice mixte", {"practice": "mixte"}),
    ("les deux médecins", {"general_practitioners": 2}),
    # gestionnaire and territory
    ("la mairie serait gestionnaire", {"has_manager": True}),
    ("le centre serait porté par la commune", {"has_manager": True}),
    ("nous n'avons pas de gestionnaire", {"has_manager": False}),
    ("notre territoire couvre tout le département", {"territory_is_department_or_more": True}),
    ("à l'échelle départementale", {"territory_is_department_or_more": True}),
    ("un territoire infra-départemental", {"territory_is_department_or_more": False}),
    ("la délégation départementale de l'ARS", {}),
    # the territory's doctors (ESS)
    ("il y a 12 pédiatres dans le département", {"specialty_doctors_on_territory": 12}),
    (
        "nous sommes 4 cardiologues libéraux ; le département compte 40 cardiologues dont 30 libéraux",
        {
            "specialists": 4,
            "practice": "liberal",
            "specialty_doctors_on_territory": 40,
            "liberal_specialty_doctors_on_territory": 30,
        },
    ),
    (
        "Le département en compte 40 dont 30 en libéral",
        {"specialty_doctors_on_territory": 40, "liberal_specialty_doctors_on_territory": 30},
    ),
    ("10 médecins de la spécialité sur le territoire", {"specialty_doctors_on_territory": 10}),
    ("nous sommes 12 dermatologues sur le département", {"specialists": 12}),
    # nothing to take
    ("2 psychologues et 1 ostéopathe", {}),
    ("Nous voulons créer une MSP", {}),
    ("sommes-nous éligibles à une MSP ?", {}),
    ("quelle structure pour notre équipe ?", {}),
    ("", {}),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACT_CASES, ids=[case[0][:50] for case in EXTRACT_CASES])
def test_extract_team(text: str, expected: dict[str, Any]) -> None:
    assert extract_team(text) == expected


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("40 cardiologues", "specialty_doctors_on_territory", {"specialty_doctors_on_territory": 40}),
        ("40 cardiologues", None, {"specialists": 40}),
        (
            "40 dont 30 libéraux",
            "specialty_doctors_on_territory",
            {"specialty_doctors_on_territory": 40, "liberal_specialty_doctors_on_territory": 30},
        ),
        (
            "30 libéraux",
            "liberal_specialty_doctors_on_territory",
            {"liberal_specialty_doctors_on_territory": 30},
        ),
        (
            "30 cardiologues libéraux",
            "liberal_specialty_doctors_on_territory",
            {"liberal_specialty_doctors_on_territory": 30},
        ),
        ("30 libéraux", None, {"practice": "liberal"}),
        ("4 médecins", "specialists", {"specialists": 4}),
        ("4 médecins", "general_practitioners", {"general_practitioners": 4}),
        ("3", "paramedicals", {}),
    ],
)
def test_extract_team_reads_an_answer_in_the_light_of_the_question(
    text: str, asked: str | None, expected: dict[str, Any]
) -> None:
    assert extract_team(text, asked=asked) == expected


def test_extract_team_always_builds_a_valid_team() -> None:
    """Random sentences made of the words above never yield a value a Team refuses."""
    pieces = [
        "nous sommes",
        "3",
        "deux",
        "un",
        "aucun",
        "médecins",
        "généralistes",
        "kinés",
        "pharmacien",
        "dont",
        "et",
        ",",
        "libéraux",
        "salariés",
        "20 000",
        "habitants",
        "en 2019",
        "cardiologues",
        "département",
        "compte",
        "pas de",
        "gestionnaire",
        "-",
        "2,5",
        "%",
        "sur le territoire",
    ]
    generator = random.Random(20240612)
    for _ in range(800):
        sentence = " ".join(generator.choice(pieces) for _ in range(generator.randint(1, 12)))
        found = extract_team(sentence)
        assert set(found) <= set(TEAM_FIELDS), sentence
        Team(**found)  # raises on a negative count, a wrong type or an unknown practice
