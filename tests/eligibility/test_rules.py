"""Eligibility rules: boundary tables per structure, and invariants over a grid of teams."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from eligibility import sources
from eligibility.messages import Message
from eligibility.rules import (
    ASSESSED_STRUCTURES,
    Assessment,
    Verdict,
    assess,
    assess_all,
    assess_cds,
    assess_cpts,
    assess_esp,
    assess_ess,
    assess_msp,
    render,
)
from eligibility.sources import ALL_SOURCES
from eligibility.team import Team

A, N, C = Verdict.ACCESSIBLE, Verdict.NOT_ACCESSIBLE, Verdict.TO_CHECK


def team(**fields: Any) -> Team:
    return Team(**fields)


def texts(messages: tuple[Message, ...]) -> tuple[str, ...]:
    """The French texts of an assessment's messages, as the verdict action shows them."""
    return tuple(map(render, messages))


def text_of(assessment: Assessment) -> str:
    return " ".join((*texts(assessment.reasons), *texts(assessment.missing), *texts(assessment.notes)))


# (team, verdict, words every missing item list must contain, words it must not contain)
ESP_CASES = [
    (team(general_practitioners=1, paramedicals=1), A, [], []),
    (team(general_practitioners=2, paramedicals=5), A, [], []),
    (team(general_practitioners=0, paramedicals=3), N, ["un médecin généraliste"], []),
    (
        team(general_practitioners=1, paramedicals=0, other_professionals=0, specialists=0),
        N,
        ["paramédical"],
        [],
    ),
    (
        team(general_practitioners=3, paramedicals=0, other_professionals=0, specialists=0),
        N,
        ["paramédical"],
        [],
    ),
    (
        team(general_practitioners=0, paramedicals=0, other_professionals=0, specialists=0),
        N,
        ["médecin", "paramédical"],
        [],
    ),
    # a specialist may be the "autre professionnel de santé" of the Bretagne annex and PACA's table
    (
        team(general_practitioners=1, paramedicals=0, other_professionals=0, specialists=1),
        C,
        ["à vérifier"],
        [],
    ),
    (team(general_practitioners=1, paramedicals=0, other_professionals=0), C, ["à préciser"], []),
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
    missing = " ; ".join(texts(result.missing))
    for words in in_missing:
        assert words in missing
    for words in not_in_missing:
        assert words not in missing


def test_esp_divergent_sources_are_both_named() -> None:
    result = assess_esp(team(general_practitioners=1, paramedicals=0, other_professionals=2))
    reasons = " ".join(texts(result.reasons))
    assert "2 autres professionnels de santé" in reasons
    assert "Doctolib (France entière, mai 2023)" in reasons
    assert "« Un médecin généraliste Un autre professionnel de santé »" in reasons
    assert {sources.DOCTOLIB_ESP_MEMBERS, sources.BRETAGNE_ESP_ANNEX} <= set(result.sources)


def test_esp_with_a_gp_and_a_specialist_is_to_check_with_every_reading() -> None:
    """Issue 16: one GP, one specialist, no paramédical was ❌ "aucun autre professionnel de santé"."""
    result = assess_esp(team(general_practitioners=1, specialists=1, paramedicals=0, other_professionals=0))
    assert result.verdict is C
    reasons = " ".join(texts(result.reasons))
    assert "aucun autre professionnel de santé" not in reasons
    assert "1 médecin spécialiste" in reasons
    assert "« un médecin généraliste et un paramédical »" in reasons  # Doctolib, PACA's text
    assert "« Un médecin généraliste Un autre professionnel de santé »" in reasons  # Bretagne annex
    assert "« 1 médecin + 1 professionnel de santé »" in reasons  # PACA's table
    assert texts(result.missing) == (
        "un paramédical, pour répondre aussi à la définition de Doctolib (à vérifier)",
    )
    assert {
        sources.DOCTOLIB_ESP_MEMBERS,
        sources.BRETAGNE_ESP_ANNEX,
        sources.PACA_ESP_TABLE,
        sources.PACA_ESP_MINIMUM,
    } <= set(result.sources)


@pytest.mark.parametrize(
    ("practice", "status_note"),
    [("liberal", False), ("salarie", True), ("mixte", True), (None, False)],
)
def test_esp_practice_never_blocks_but_salaried_teams_get_the_sources(
    practice: str | None, status_note: bool
) -> None:
    result = assess_esp(team(general_practitioners=1, paramedicals=1, practice=practice))
    assert result.verdict is A
    notes = " ".join(texts(result.notes))
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
        assert words in " ; ".join(texts(result.missing))


def test_msp_lists_only_what_fails_once_it_is_out_of_reach() -> None:
    result = assess_msp(team(general_practitioners=1))
    assert texts(result.missing) == ("un second médecin généraliste",)
    assert "« 2 médecins et 1 paramédical »" in " ".join(texts(result.notes))  # SISA partners
    assert sources.CVL_MSP_SISA in result.sources


# Outside Bretagne (here Occitanie), the Bretagne guide's second reading does not apply.
ELSEWHERE = "occitanie"

CDS_CASES = [
    (dict(practice="salarie", has_manager=True, general_practitioners=1, paramedicals=1), ELSEWHERE, A, []),
    (dict(practice="salarie", has_manager=True, general_practitioners=2, paramedicals=1), None, A, []),
    (dict(practice="salarie", has_manager=True, general_practitioners=2, paramedicals=1), "bretagne", A, []),
    # a nursing centre: Doctolib's « mono-professionnels », below the Bretagne annex
    (dict(practice="salarie", has_manager=True, general_practitioners=0, paramedicals=2), ELSEWHERE, A, []),
    (
        dict(practice="salarie", has_manager=True, general_practitioners=0, paramedicals=2),
        "bretagne",
        C,
        ["deux médecins généralistes selon l'annexe du guide de l'ARS Bretagne, en Bretagne (à vérifier)"],
    ),
    (
        dict(practice="salarie", has_manager=True, general_practitioners=0, paramedicals=2),
        None,
        C,
        ["si votre centre est en Bretagne (à vérifier)"],
    ),
    # a dental centre
    (dict(practice="salarie", has_manager=True, other_professionals=2), ELSEWHERE, A, []),
    (dict(practice="salarie", has_manager=True, other_professionals=2), "bretagne", C, ["(à préciser)"]),
    (
        dict(
            practice="salarie",
            has_manager=True,
            general_practitioners=1,
            specialists=0,
            paramedicals=0,
            other_professionals=0,
        ),
        None,
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
        None,
        N,
        ["deux professionnels de santé"],
    ),
    (dict(practice="salarie", has_manager=True, general_practitioners=1), ELSEWHERE, C, ["nombre total"]),
    (
        dict(practice="salarie", has_manager=False, general_practitioners=2, paramedicals=1),
        None,
        N,
        ["un gestionnaire"],
    ),
    (
        dict(practice="salarie", general_practitioners=2, paramedicals=1),
        None,
        C,
        ["un gestionnaire pour porter"],
    ),
    (dict(practice="liberal", general_practitioners=2, paramedicals=1), None, N, ["un exercice salarié"]),
    (
        dict(practice="mixte", has_manager=True, general_practitioners=2, paramedicals=1),
        None,
        C,
        ["contrat de travail"],
    ),
    (dict(has_manager=True, general_practitioners=2, paramedicals=1), None, C, ["votre mode d'exercice"]),
]


@pytest.mark.parametrize(("fields", "region", "verdict", "in_missing"), CDS_CASES)
def test_cds(fields: dict[str, Any], region: str | None, verdict: Verdict, in_missing: list[str]) -> None:
    result = assess_cds(Team(**fields), region)
    assert result.verdict is verdict
    for words in in_missing:
        assert words in " ; ".join(texts(result.missing))


def test_cds_liberal_team_is_not_told_about_the_unknown_manager() -> None:
    result = assess_cds(team(practice="liberal", general_practitioners=2, paramedicals=1))
    assert texts(result.missing) == ("un exercice salarié, avec un contrat de travail signé avec le centre",)


@pytest.mark.parametrize(
    ("gps", "paramedicals", "lacking"),
    [
        (1, 1, "un second médecin généraliste"),
        (2, 0, "un paramédical"),
        (0, 2, "deux médecins généralistes"),
        (0, 0, "deux médecins généralistes et un paramédical"),
    ],
)
def test_cds_in_bretagne_cites_both_readings(gps: int, paramedicals: int, lacking: str) -> None:
    """Issue 16: the definition (« au moins deux professionnels de santé »), the annex (« Deux médecins
    généralistes Un paramédical ») and the regional funding (2 doctors) disagree: "à vérifier"."""
    subject = team(practice="salarie", has_manager=True, general_practitioners=gps, paramedicals=paramedicals)
    subject = Team(**{**subject.known(), "other_professionals": 2})  # meets the definition
    result = assess_cds(subject, "bretagne")
    assert result.verdict is C
    reasons = " ".join(texts(result.reasons))
    assert "« au moins deux professionnels de santé »" in reasons
    assert "« Deux médecins généralistes Un paramédical »" in reasons
    assert "« permettre l'activité d'au moins 2 médecins »" in reasons
    assert "« mono-professionnels : exclusivement médicaux ou infirmiers ou dentaires »" in reasons
    assert texts(result.missing) == (
        f"{lacking} selon l'annexe du guide de l'ARS Bretagne, en Bretagne (à vérifier)",
    )
    assert {
        sources.BRETAGNE_CDS_DEFINITION,
        sources.BRETAGNE_CDS_ANNEX,
        sources.BRETAGNE_CDS_REGION_DOCTORS,
        sources.DOCTOLIB_CDS_PROFESSIONALS,
    } <= set(result.sources)


def test_cds_meeting_both_bretagne_readings_says_so() -> None:
    subject = team(practice="salarie", has_manager=True, general_practitioners=2, paramedicals=1)
    result = assess_cds(subject, "bretagne")
    assert result.verdict is A
    assert "« Deux médecins généralistes Un paramédical »" in " ".join(texts(result.reasons))
    assert sources.BRETAGNE_CDS_ANNEX in result.sources
    assert sources.BRETAGNE_CDS_ANNEX not in assess_cds(subject, ELSEWHERE).sources


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
    assert in_reasons in " ".join(texts(result.reasons))


def test_ess_missing_members_are_counted() -> None:
    result = assess_ess(ess(liberal_specialty_doctors_on_territory=101))
    assert texts(result.missing) == (
        "1 adhérent de plus, soit au moins 11 des 101 médecins libéraux de la spécialité",
    )
    result = assess_ess(ess(specialists=2, liberal_specialty_doctors_on_territory=45))
    assert texts(result.missing)[0].startswith("3 adhérents de plus, soit au moins 5 des 45")


def test_ess_mentions_the_older_doctolib_definition() -> None:
    for subject in (ess(), Team(), ess(specialists=0)):
        notes = " ".join(texts(assess_ess(subject).notes))
        assert "12 décembre 2024" in notes
        assert "Doctolib (France entière, mai 2023) définissait l'ESS autrement" in notes
        assert sources.DOCTOLIB_ESS_MEMBERS in assess_ess(subject).sources


CPTS_CASES = [
    (team(general_practitioners=1), A),
    (team(general_practitioners=0, specialists=1), A),
    (team(specialists=2), A),
    (team(general_practitioners=0, specialists=0), C),  # PACA's rule, region unknown
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
    notes = " ".join(texts(result.notes))
    assert expected in notes
    assert "juin 2019" in notes and "mai 2023" in notes
    assert ("6 799 habitants" in notes) is occitanie
    assert (sources.OCCITANIE_SMALL_CPTS in result.sources) is occitanie
    assert "association loi 1901" in notes


def test_cpts_without_doctor_says_so_with_the_paca_quote() -> None:
    result = assess_cpts(team(general_practitioners=0, specialists=0, paramedicals=5), "paca")
    assert result.verdict is N
    assert texts(result.missing) == ("au moins un médecin, généraliste ou spécialiste",)
    assert "« Au moins un médecin généraliste ou spécialiste »" in texts(result.reasons)[0]
    assert texts(result.reasons)[0].startswith("En Provence-Alpes-Côte d'Azur")
    assert result.sources[0] is sources.PACA_CPTS_DOCTOR


@pytest.mark.parametrize(
    ("region", "verdict", "missing"),
    [
        ("paca", N, ("au moins un médecin, généraliste ou spécialiste",)),
        (
            None,
            C,
            (
                "au moins un médecin, généraliste ou spécialiste, si votre CPTS est en "
                "Provence-Alpes-Côte d'Azur (à vérifier)",
            ),
        ),
        ("occitanie", A, ()),
        ("bretagne", A, ()),
    ],
)
def test_cpts_doctor_is_pacas_rule(region: str | None, verdict: Verdict, missing: tuple[str, ...]) -> None:
    """Issue 16: only the PACA guide (2019) asks for a doctor; the other documents set no minimum."""
    result = assess_cpts(team(general_practitioners=0, specialists=0, paramedicals=5), region)
    assert result.verdict is verdict
    assert texts(result.missing) == missing
    reasons = " ".join(texts(result.reasons))
    assert "URPS infirmière PACA (juin 2019)" in reasons or "URPS infirmière PACA, juin 2019" in reasons
    if region != "paca":
        assert "les autres documents ne fixent pas ce minimum" in reasons
        assert sources.OCCITANIE_CPTS_MEMBERS in result.sources


def test_cpts_one_per_territory_from_doctolib_and_paca() -> None:
    for subject in (Team(), team(general_practitioners=1, territory_population=30_000)):
        result = assess_cpts(subject)
        notes = " ".join(texts(result.notes))
        assert "ne peut pas abriter plusieurs CPTS" in notes
        assert "« la règle d'une seule CPTS pluri thématique par territoire »" in notes
        assert {sources.DOCTOLIB_CPTS_POPULATION, sources.PACA_CPTS_ONE_PER_TERRITORY} <= set(result.sources)


@pytest.mark.parametrize("population", [None, 30_000])
def test_cpts_paca_range_stays_indicative_and_adaptable(population: int | None) -> None:
    notes = " ".join(texts(assess_cpts(team(general_practitioners=1, territory_population=population)).notes))
    assert "(seuil indicatif), adaptable selon le territoire" in notes


@pytest.mark.parametrize(
    ("practice", "verdict", "warning"),
    [
        ("liberal", A, None),
        (None, A, "Ne comptez que vos spécialistes libéraux"),
        ("salarie", C, "seuls vos spécialistes libéraux comptent"),
        ("mixte", C, "seuls vos spécialistes libéraux comptent"),
    ],
)
def test_ess_share_is_about_liberal_specialists(
    practice: str | None, verdict: Verdict, warning: str | None
) -> None:
    """Issue 16: « au moins 10% des professionnels libéraux de la spécialité concernée »: the team's
    share counted every specialist whatever their status."""
    result = assess_ess(ess(practice=practice))
    assert result.verdict is verdict
    reasons = " ".join(texts(result.reasons))
    if warning is None:
        assert "libéraux comptent" not in reasons and "Ne comptez" not in reasons
    else:
        assert warning in reasons
        assert "« professionnels libéraux de la spécialité concernée »" in reasons
    if verdict is C:
        assert texts(result.missing) == (
            "au moins 10 adhérents libéraux parmi les 100 médecins libéraux de la spécialité (à vérifier)",
        )


def test_ess_share_already_failing_stays_failing_whatever_the_status() -> None:
    result = assess_ess(ess(practice="salarie", liberal_specialty_doctors_on_territory=101))
    assert result.verdict is N


def test_a_known_region_never_makes_a_verdict_less_certain_than_the_rules_of_that_region() -> None:
    """Knowing the region only settles the regional rules: an unknown region is never more
    favourable than the worst known one, nor less than the best."""
    for subject in GRID:
        unknown = assess_all(subject)
        known = [assess_all(subject, region) for region in REGIONS[1:]]
        for index, result in enumerate(unknown):
            ranks = [RANK[by_region[index].verdict] for by_region in known]
            assert min(ranks) <= RANK[result.verdict] <= max(ranks), (subject, result.structure)


def test_assess_all_order_and_ids() -> None:
    results = assess_all(Team(general_practitioners=2, paramedicals=1))
    assert [result.structure for result in results] == ["esp", "msp", "cds", "ess", "cpts"]
    assert ASSESSED_STRUCTURES == ("esp", "msp", "cds", "ess", "cpts")
    for result in results:
        assert assess(result.structure, Team(general_practitioners=2, paramedicals=1)) == result


def test_the_assessed_structures_are_knowledge_structure_ids() -> None:
    """eligibility/ may not import knowledge/: the subset is checked here instead."""
    from knowledge.names import STRUCTURE_IDS

    assert set(ASSESSED_STRUCTURES) <= set(STRUCTURE_IDS)


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


REGIONS = [None, "paca", "bretagne", "occitanie"]


@pytest.mark.parametrize("region", REGIONS)
def test_grid_invariants(region: str | None) -> None:
    known_sources = set(ALL_SOURCES)
    for subject in GRID:
        for result in assess_all(subject, region):
            context = (subject, result.structure)
            if result.verdict is A:
                assert texts(result.missing) == (), context
            else:
                assert texts(result.missing), context
            if result.verdict is N:
                assert not any("(à préciser)" in item for item in texts(result.missing)), context
            assert result.sources and set(result.sources) <= known_sources, context
            assert len(set(result.sources)) == len(result.sources), context
            for sentence in (*texts(result.reasons), *texts(result.notes)):
                assert sentence[0].isupper() and sentence.endswith("."), (context, sentence)
            for item in texts(result.missing):
                assert item[0].islower() and not item.endswith("."), (context, item)
            assert not _INFORMAL.search(text_of(result)), context


RANK = {N: 0, C: 1, A: 2}


@pytest.mark.parametrize(
    "field", ["general_practitioners", "paramedicals", "other_professionals", "specialists"]
)
@pytest.mark.parametrize("region", REGIONS)
def test_one_more_professional_never_hurts(field: str, region: str | None) -> None:
    """Adding a member to a known count never worsens a verdict."""
    for subject in GRID:
        current = getattr(subject, field)
        if current is None:
            continue
        fields = subject.known()
        fields[field] = current + 1
        bigger = Team(**fields)
        for before, after in zip(assess_all(subject, region), assess_all(bigger, region), strict=True):
            assert RANK[after.verdict] >= RANK[before.verdict], (subject, field, before.structure)
