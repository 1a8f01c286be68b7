"""Eligibility rules: boundary tables per structure, and invariants over a grid of teams."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from eligibility import sources
from eligibility.rules import (
    STRUCTURES,
    Assessment,
    Verdict,
    assess,
    assess_all,
    assess_cds,
    assess_cpts,
    assess_esp,
    assess_ess,
    assess_msp,
)
from eligibility.sources import ALL_SOURCES
from eligibility.team import Team

A, N, C = Verdict.ACCESSIBLE, Verdict.NOT_ACCESSIBLE, Verdict.TO_CHECK


def team(**fields: Any) -> Team:
    return Team(**fields)


def text_of(assessment: Assessment) -> str:
    return " ".join((*assessment.reasons, *assessment.missing, *assessment.notes))


# (team, verdict, words every missing item list must contain, words it must not contain)
ESP_CASES = [
    (team(general_practitioners=1, paramedicals=1), A, [], []),
    (team(general_practitioners=2, paramedicals=5), A, [], []),
    (team(general_practitioners=0, paramedicals=3), N, ["un médecin généraliste"], []),
    (team(general_practitioners=1, paramedicals=0, other_professionals=0), N, ["paramédical"], []),
    (team(general_practitioners=3, paramedicals=0, other_professionals=0), N, ["paramédical"], []),
    (team(general_practitioners=0, paramedicals=0, other_professionals=0), N, ["médecin", "paramédical"], []),
    (team(general_practitioners=0), N, ["un médecin généraliste"], ["à préciser"]),
    (team(general_practitioners=1, paramedicals=0, other_professionals=1), C, ["Doctolib"], []),
    (team(general_practitioners=1, paramedicals=0), C, ["à préciser"], []),
    (team(paramedicals=1), C, ["médecins généralistes de votre équipe (à préciser)"], []),
    (team(general_practitioners=2), C, ["paramédicaux de votre équipe (à préciser)"], []),
    (team(), C, ["à préciser"], []),
]


@pytest.mark.parametrize(("subject", "verdict", "in_missing", "not_in_missing"), ESP_CASES)
def test_esp(subject: Team, verdict: Verdict, in_missing: list[str], not_in_missing: list[str]) -> None:
    result = assess_esp(subject)
    assert result.verdict is verdict
    missing = " ; ".join(result.missing)
    for words in in_missing:
        assert words in missing
    for words in not_in_missing:
        assert words not in missing


def test_esp_divergent_sources_are_both_named() -> None:
    result = assess_esp(team(general_practitioners=1, paramedicals=0, other_professionals=2))
    reasons = " ".join(result.reasons)
    assert "2 autres professionnels de santé" in reasons
    assert "Doctolib (national, mai 2023)" in reasons
    assert "« Un médecin généraliste Un autre professionnel de santé »" in reasons
    assert {sources.DOCTOLIB_ESP_MEMBERS, sources.BRETAGNE_ESP_ANNEX} <= set(result.sources)


@pytest.mark.parametrize(
    ("practice", "status_note"),
    [("liberal", False), ("salarie", True), ("mixte", True), (None, False)],
)
def test_esp_practice_never_blocks_but_salaried_teams_get_the_sources(
    practice: str | None, status_note: bool
) -> None:
    result = assess_esp(team(general_practitioners=1, paramedicals=1, practice=practice))
    assert result.verdict is A
    notes = " ".join(result.notes)
    assert ("« Libéral ou salarié »" in notes) is status_note
    assert ("Centre-Val de Loire (2025)" in notes) is status_note
    assert (sources.CVL_ESP_LIBERAL in result.sources) is True  # the "no shared premises" note


MSP_CASES = [
    (team(general_practitioners=2, paramedicals=1, practice="liberal"), A, []),
    (team(general_practitioners=5, paramedicals=4, practice="liberal"), A, []),
    (team(general_practitioners=1, paramedicals=1, practice="liberal"), N, ["un second médecin généraliste"]),
    (team(general_practitioners=0, paramedicals=1, practice="liberal"), N, ["deux médecins généralistes"]),
    (team(general_practitioners=2, paramedicals=0, practice="liberal"), N, ["un paramédical"]),
    (team(general_practitioners=2, paramedicals=1, practice="salarie"), N, ["un exercice libéral"]),
    (
        team(general_practitioners=2, paramedicals=1, practice="mixte"),
        C,
        ["exerçant en libéral (à vérifier)"],
    ),
    (team(general_practitioners=2, paramedicals=1), C, ["votre mode d'exercice"]),
    (team(general_practitioners=2, practice="liberal"), C, ["paramédicaux de votre équipe (à préciser)"]),
    (team(general_practitioners=1), N, ["un second médecin généraliste"]),
    (team(), C, ["à préciser"]),
]


@pytest.mark.parametrize(("subject", "verdict", "in_missing"), MSP_CASES)
def test_msp(subject: Team, verdict: Verdict, in_missing: list[str]) -> None:
    result = assess_msp(subject)
    assert result.verdict is verdict
    for words in in_missing:
        assert words in " ; ".join(result.missing)


def test_msp_lists_only_what_fails_once_it_is_out_of_reach() -> None:
    result = assess_msp(team(general_practitioners=1))
    assert result.missing == ("un second médecin généraliste",)
    assert "« 2 médecins et 1 paramédical »" in " ".join(result.notes)  # SISA partners
    assert sources.CVL_MSP_SISA in result.sources


CDS_CASES = [
    (dict(practice="salarie", has_manager=True, general_practitioners=1, paramedicals=1), A, []),
    (dict(practice="salarie", has_manager=True, paramedicals=2), A, []),  # a nursing centre
    (dict(practice="salarie", has_manager=True, other_professionals=2), A, []),  # a dental centre
    (
        dict(
            practice="salarie",
            has_manager=True,
            general_practitioners=1,
            specialists=0,
            paramedicals=0,
            other_professionals=0,
        ),
        N,
        ["un second professionnel de santé"],
    ),
    (
        dict(
            practice="salarie",
            has_manager=True,
            general_practitioners=0,
            specialists=0,
            paramedicals=0,
            other_professionals=0,
        ),
        N,
        ["deux professionnels de santé"],
    ),
    (dict(practice="salarie", has_manager=True, general_practitioners=1), C, ["nombre total"]),
    (
        dict(practice="salarie", has_manager=False, general_practitioners=2, paramedicals=1),
        N,
        ["un gestionnaire"],
    ),
    (dict(practice="salarie", general_practitioners=2, paramedicals=1), C, ["un gestionnaire pour porter"]),
    (dict(practice="liberal", general_practitioners=2, paramedicals=1), N, ["un exercice salarié"]),
    (
        dict(practice="mixte", has_manager=True, general_practitioners=2, paramedicals=1),
        C,
        ["contrat de travail"],
    ),
    (dict(has_manager=True, general_practitioners=2, paramedicals=1), C, ["votre mode d'exercice"]),
]


@pytest.mark.parametrize(("fields", "verdict", "in_missing"), CDS_CASES)
def test_cds(fields: dict[str, Any], verdict: Verdict, in_missing: list[str]) -> None:
    result = assess_cds(Team(**fields))
    assert result.verdict is verdict
    for words in in_missing:
        assert words in " ; ".join(result.missing)


def test_cds_liberal_team_is_not_told_about_the_unknown_manager() -> None:
    result = assess_cds(team(practice="liberal", general_practitioners=2, paramedicals=1))
    assert result.missing == ("un exercice salarié, avec un contrat de travail signé avec le centre",)


@pytest.mark.parametrize(
    ("gps", "paramedicals", "expected"),
    [
        (2, 1, "votre équipe atteint les deux"),
        (3, 2, "votre équipe atteint les deux"),
        (1, 1, "il vous manquerait un second médecin généraliste."),
        (2, 0, "il vous manquerait un paramédical."),
        (0, 0, "il vous manquerait deux médecins généralistes et un paramédical."),
        (None, 1, "vérifiez votre composition"),
    ],
)
def test_cds_gives_both_bretagne_minimums(gps: int | None, paramedicals: int, expected: str) -> None:
    result = assess_cds(team(practice="salarie", general_practitioners=gps, paramedicals=paramedicals))
    note = result.notes[-1]
    assert "« au moins deux professionnels de santé »" in note
    assert "« Deux médecins généralistes Un paramédical »" in note
    assert expected in note
    assert {sources.BRETAGNE_CDS_DEFINITION, sources.BRETAGNE_CDS_ANNEX} <= set(result.sources)


def ess(**fields: Any) -> Team:
    base: dict[str, Any] = dict(
        specialists=10,
        territory_is_department_or_more=True,
        specialty_doctors_on_territory=120,
        liberal_specialty_doctors_on_territory=100,
    )
    base.update(fields)
    return Team(**base)


ESS_CASES = [
    (ess(), A, "représentent 10\u00a0% des 100"),  # exactly 10 %
    (ess(liberal_specialty_doctors_on_territory=101), N, "représentent 9,9\u00a0% des 101"),
    (ess(liberal_specialty_doctors_on_territory=99), A, "représentent 10,1\u00a0% des 99"),
    (ess(specialists=1, liberal_specialty_doctors_on_territory=10), A, "10\u00a0%"),
    (ess(specialists=1, liberal_specialty_doctors_on_territory=11), N, "représentent 9\u00a0% des 11"),
    (ess(specialists=1, liberal_specialty_doctors_on_territory=3), A, "33,3\u00a0%"),
    (
        ess(specialty_doctors_on_territory=10, liberal_specialty_doctors_on_territory=10),
        A,
        "compte 10 médecins de la spécialité",
    ),
    (ess(specialty_doctors_on_territory=9), N, "vous en indiquez 9"),
    (ess(territory_is_department_or_more=False), N, "« a minima départemental »"),
    (ess(specialists=0), N, "n'en compte aucun"),
    (ess(specialists=None), C, ""),
    (ess(territory_is_department_or_more=None), C, ""),
    (ess(specialty_doctors_on_territory=None), C, ""),
    (ess(liberal_specialty_doctors_on_territory=None), C, ""),
    (ess(liberal_specialty_doctors_on_territory=0), C, "aucun médecin libéral"),
    (ess(liberal_specialty_doctors_on_territory=130), C, "plus de médecins libéraux"),
]


@pytest.mark.parametrize(("subject", "verdict", "in_reasons"), ESS_CASES)
def test_ess(subject: Team, verdict: Verdict, in_reasons: str) -> None:
    result = assess_ess(subject)
    assert result.verdict is verdict
    assert in_reasons in " ".join(result.reasons)


def test_ess_missing_members_are_counted() -> None:
    result = assess_ess(ess(liberal_specialty_doctors_on_territory=101))
    assert result.missing == (
        "1 adhérent de plus, soit au moins 11 des 101 médecins libéraux de la spécialité",
    )
    result = assess_ess(ess(specialists=2, liberal_specialty_doctors_on_territory=45))
    assert result.missing[0].startswith("3 adhérents de plus, soit au moins 5 des 45")


def test_ess_mentions_the_older_doctolib_definition() -> None:
    for subject in (ess(), Team(), ess(specialists=0)):
        notes = " ".join(assess_ess(subject).notes)
        assert "12 décembre 2024" in notes
        assert "Doctolib (national, mai 2023) définissait l'ESS autrement" in notes
        assert sources.DOCTOLIB_ESS_MEMBERS in assess_ess(subject).sources


CPTS_CASES = [
    (team(general_practitioners=1), A),
    (team(general_practitioners=0, specialists=1), A),
    (team(specialists=2), A),
    (team(general_practitioners=0, specialists=0), N),
    (team(general_practitioners=0), C),
    (team(specialists=0), C),
    (team(), C),
]


@pytest.mark.parametrize(("subject", "verdict"), CPTS_CASES)
@pytest.mark.parametrize("population", [None, 0, 6_799, 19_999, 20_000, 39_999, 40_000, 175_001])
def test_cpts_population_is_indicative_only(subject: Team, verdict: Verdict, population: int | None) -> None:
    fields = subject.known()
    fields["territory_population"] = population
    assert assess_cpts(Team(**fields)).verdict is verdict


@pytest.mark.parametrize(
    ("population", "expected", "occitanie"),
    [
        (None, "« un seuil minimal suggéré de 20 000 habitants » selon Doctolib", False),
        (19_999, "19\u202f999 habitants", True),
        (19_999, "vous êtes en dessous du « seuil minimal suggéré de 20 000 habitants »", True),
        (20_000, "vous atteignez le « seuil minimal suggéré", False),
        (39_999, "vous êtes en dessous de la fourchette « de 40 000 à plus de 175 000", False),
        (40_000, "vous entrez dans la fourchette", False),
        (200_000, "vous entrez dans la fourchette", False),
    ],
)
def test_cpts_population_thresholds_with_their_sources(
    population: int | None, expected: str, occitanie: bool
) -> None:
    result = assess_cpts(team(general_practitioners=1, territory_population=population))
    notes = " ".join(result.notes)
    assert expected in notes
    assert "juin 2019" in notes and "mai 2023" in notes
    assert ("6 799 habitants" in notes) is occitanie
    assert (sources.OCCITANIE_SMALL_CPTS in result.sources) is occitanie
    assert "association loi 1901" in notes


def test_cpts_without_doctor_says_so_with_the_paca_quote() -> None:
    result = assess_cpts(team(general_practitioners=0, specialists=0, paramedicals=5))
    assert result.missing == ("au moins un médecin, généraliste ou spécialiste",)
    assert "« Au moins un médecin généraliste ou spécialiste »" in result.reasons[0]
    assert result.sources[0] is sources.PACA_CPTS_DOCTOR


def test_assess_all_order_and_ids() -> None:
    results = assess_all(Team(general_practitioners=2, paramedicals=1))
    assert [result.structure for result in results] == ["esp", "msp", "cds", "ess", "cpts"]
    assert STRUCTURES == ("esp", "msp", "cds", "ess", "cpts")
    for result in results:
        assert assess(result.structure, Team(general_practitioners=2, paramedicals=1)) == result


def test_assess_rejects_an_unknown_structure() -> None:
    with pytest.raises(ValueError, match="pta"):
        assess("pta", Team())


def test_a_typical_primary_care_team() -> None:
    """3 libéral GPs, 2 kinés, no specialist: ESP, MSP and CPTS open, the others closed."""
    subject = Team(
        general_practitioners=3,
        paramedicals=2,
        other_professionals=0,
        specialists=0,
        practice="liberal",
        territory_population=25_000,
    )
    verdicts = {result.structure: result.verdict for result in assess_all(subject)}
    assert verdicts == {"esp": A, "msp": A, "cds": N, "ess": N, "cpts": A}


# --- invariants over every combination of small values -----------------------------------------

# The ESS territory answers vary together with the team rather than in a full product, which
# keeps the grid at about 1 300 teams (a fraction of a second) while every value still occurs.
TERRITORIES = [
    dict(),
    dict(territory_is_department_or_more=True, specialty_doctors_on_territory=9),
    dict(
        territory_is_department_or_more=True,
        specialty_doctors_on_territory=10,
        liberal_specialty_doctors_on_territory=10,
    ),
    dict(territory_is_department_or_more=False, liberal_specialty_doctors_on_territory=0),
    dict(
        specialty_doctors_on_territory=5, liberal_specialty_doctors_on_territory=8, territory_population=9_000
    ),
]
GRID = [
    Team(
        general_practitioners=gps,
        paramedicals=paramedicals,
        other_professionals=others,
        specialists=specialists,
        practice=practice,
        has_manager=manager,
        **TERRITORIES[index % len(TERRITORIES)],
    )
    for index, (gps, paramedicals, others, specialists, practice, manager) in enumerate(
        itertools.product(
            (None, 0, 1, 2),
            (None, 0, 1),
            (None, 0, 1),
            (None, 0, 1),
            (None, "liberal", "salarie", "mixte"),
            (None, True, False),
        )
    )
]
_INFORMAL = re.compile(r"\b(?:tu|toi|ton|ta|tes|t'as)\b", re.IGNORECASE)


def test_grid_invariants() -> None:
    known_sources = set(ALL_SOURCES)
    for subject in GRID:
        for result in assess_all(subject):
            context = (subject, result.structure)
            if result.verdict is A:
                assert result.missing == (), context
            else:
                assert result.missing, context
            if result.verdict is N:
                assert not any("(à préciser)" in item for item in result.missing), context
            assert result.sources and set(result.sources) <= known_sources, context
            assert len(set(result.sources)) == len(result.sources), context
            for sentence in (*result.reasons, *result.notes):
                assert sentence[0].isupper() and sentence.endswith("."), (context, sentence)
            for item in result.missing:
                assert item[0].islower() and not item.endswith("."), (context, item)
            assert not _INFORMAL.search(text_of(result)), context


RANK = {N: 0, C: 1, A: 2}


@pytest.mark.parametrize(
    "field", ["general_practitioners", "paramedicals", "other_professionals", "specialists"]
)
def test_one_more_professional_never_hurts(field: str) -> None:
    """Adding a member to a known count never worsens a verdict."""
    for subject in GRID:
        current = getattr(subject, field)
        if current is None:
            continue
        fields = subject.known()
        fields[field] = current + 1
        bigger = Team(**fields)
        for before, after in zip(assess_all(subject), assess_all(bigger), strict=True):
            assert RANK[after.verdict] >= RANK[before.verdict], (subject, field, before.structure)
