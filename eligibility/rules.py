"""Which coordinated-practice structures a team can create, why, and what it lacks.

Pure functions over a `Team`: no Rasa, no database. Each rule is a list of conditions that hold
(True), fail (False) or cannot be judged yet (None, a value is unknown or the sources disagree).
A structure is NOT_ACCESSIBLE as soon as one condition fails, TO_CHECK while one is undecided,
ACCESSIBLE otherwise. Facts that do not decide (population thresholds, legal form, SISA…) are notes.

Wording, so that actions can assemble the answer:
- `reasons` and `notes` are full French sentences (capital letter, final period), addressed to the
  team with "vous";
- `missing` items are noun phrases without final period, read after "Ce qui manque :" and joined
  with " ; ". A NOT_ACCESSIBLE assessment lists only what fails, not what is merely unknown.

Sources that disagree ("à vérifier"): when the documents state different requirements for the
same case (an ESP without a paramédical, a centre de santé below the Bretagne annex, a CPTS
without a doctor outside a known region…), the condition is undecided (None), its reason quotes
every reading with its document, region and date, and its missing item ends with "(à vérifier)".
Never pick one reading silently. A rule only one region's document states applies in that region
(`region` argument): it blocks there, is "à vérifier" while the region is unknown, and gives way
elsewhere. See knowledge/data/README.md.

Every condition and note carries the `RuleSource` quotes it relies on (see `eligibility.sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from eligibility import sources as src
from eligibility.sources import RuleSource
from eligibility.team import Team

__all__ = [
    "STRUCTURES",
    "Assessment",
    "RuleSource",
    "Verdict",
    "assess",
    "assess_all",
    "assess_cds",
    "assess_cpts",
    "assess_esp",
    "assess_ess",
    "assess_msp",
    "needed_fields",
]

STRUCTURES = ("esp", "msp", "cds", "ess", "cpts")

# Thresholds, each with the quote that states it.
ESP_MIN_GPS = 1  # src.DOCTOLIB_ESP_MEMBERS, src.BRETAGNE_ESP_ANNEX
MSP_MIN_GPS = 2  # src.DOCTOLIB_MSP_MEMBERS, src.BRETAGNE_MSP_DEFINITION
CDS_MIN_PROFESSIONALS = 2  # src.BRETAGNE_CDS_DEFINITION
ESS_MIN_SPECIALTY_DOCTORS = 10  # src.CVL_ESS_TERRITORY
ESS_MIN_SHARE_PERCENT = 10  # src.CVL_ESS_MEMBERS
CPTS_SUGGESTED_POPULATION = 20_000  # src.DOCTOLIB_CPTS_POPULATION
CPTS_PACA_POPULATION = 40_000  # src.PACA_CPTS_POPULATION

PARAMEDICAL_EXAMPLES = "infirmier, kinésithérapeute, orthophoniste…"

# Region ids (as knowledge.names and the region slot spell them) of the rules that only one
# region's document states.
BRETAGNE = "bretagne"
PACA = "paca"


class Verdict(Enum):
    ACCESSIBLE = "accessible"
    NOT_ACCESSIBLE = "not_accessible"
    TO_CHECK = "to_check"


@dataclass(frozen=True)
class Assessment:
    structure: str
    verdict: Verdict
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[RuleSource, ...]


@dataclass(frozen=True)
class _Check:
    """One condition: met is True, False or None (undecided)."""

    met: bool | None
    reason: str | None = None
    missing: str | None = None
    sources: tuple[RuleSource, ...] = ()


@dataclass(frozen=True)
class _Note:
    text: str
    sources: tuple[RuleSource, ...] = ()


def _verdict(checks: Iterable[_Check]) -> Verdict:
    states = [check.met for check in checks]
    if False in states:
        return Verdict.NOT_ACCESSIBLE
    if None in states:
        return Verdict.TO_CHECK
    return Verdict.ACCESSIBLE


def _build(structure: str, checks: list[_Check], notes: list[_Note]) -> Assessment:
    verdict = _verdict(checks)
    reasons = tuple(check.reason for check in checks if check.reason)
    if verdict is Verdict.NOT_ACCESSIBLE:
        # What is merely unknown cannot change the verdict any more: listing it would only distract.
        missing = tuple(check.missing for check in checks if check.met is False and check.missing)
    else:
        missing = tuple(check.missing for check in checks if check.met is not True and check.missing)
    cited = [source for check in checks for source in check.sources]
    cited += [source for note in notes for source in note.sources]
    return Assessment(
        structure=structure,
        verdict=verdict,
        reasons=reasons,
        missing=missing,
        notes=tuple(note.text for note in notes),
        sources=tuple(dict.fromkeys(cited)),
    )


# --- wording helpers -------------------------------------------------------------------------


def _number(value: int) -> str:
    """20000 -> "20 000" with the narrow no-break space of French typography."""
    return f"{value:,}".replace(",", "\u202f")


def _count(value: int, singular: str, plural: str) -> str:
    return f"{_number(value)} {singular if value == 1 else plural}"


def _gps(value: int) -> str:
    return _count(value, "médecin généraliste", "médecins généralistes")


def _paramedicals(value: int) -> str:
    return _count(value, "paramédical", "paramédicaux")


def _others(value: int) -> str:
    return _count(value, "autre professionnel de santé", "autres professionnels de santé")


def _specialists(value: int) -> str:
    return _count(value, "médecin spécialiste", "médecins spécialistes")


def _percent(part: int, whole: int) -> str:
    """Share rounded DOWN to one decimal, so that 9.97 % never reads as the 10 % it misses."""
    tenths = part * 1000 // whole
    units, decimal = divmod(tenths, 10)
    return f"{_number(units)}\u00a0%" if decimal == 0 else f"{_number(units)},{decimal}\u00a0%"


def _to_specify(what: str, sources: tuple[RuleSource, ...]) -> _Check:
    return _Check(None, missing=f"{what} (à préciser)", sources=sources)


# --- ESP -------------------------------------------------------------------------------------

_ESP_MEMBERS = (src.DOCTOLIB_ESP_MEMBERS, src.BRETAGNE_ESP_ANNEX)
# Without a paramédical: a paramédical (Doctolib, PACA's text) or any other health professional
# (Bretagne annex, PACA's table).
_ESP_DISAGREEMENT = (*_ESP_MEMBERS, src.PACA_ESP_MINIMUM, src.PACA_ESP_TABLE)


def _esp_gp(team: Team) -> _Check:
    gps = team.general_practitioners
    if gps is None:
        return _to_specify("le nombre de médecins généralistes de votre équipe", _ESP_MEMBERS)
    if gps < ESP_MIN_GPS:
        return _Check(
            False,
            "Une ESP se constitue autour d'au moins un médecin généraliste ; votre équipe n'en compte aucun.",
            "un médecin généraliste",
            _ESP_MEMBERS,
        )
    return _Check(True, f"Vous comptez {_gps(gps)} ; une ESP en demande au moins un.", None, _ESP_MEMBERS)


def _esp_partner(team: Team) -> _Check:
    """The second profession: a paramédical (Doctolib, PACA's text) or any health professional
    (Bretagne annex, PACA's table). Without a paramédical the sources disagree: "à vérifier"."""
    paramedicals, others, specialists = team.paramedicals, team.other_professionals, team.specialists
    if paramedicals is None:
        return _to_specify("le nombre de paramédicaux de votre équipe", _ESP_MEMBERS)
    if paramedicals > 0:
        return _Check(
            True,
            f"Vous comptez {_paramedicals(paramedicals)} ; une ESP associe au médecin généraliste au moins "
            "un paramédical.",
            None,
            _ESP_MEMBERS,
        )
    partners = (others or 0) + (specialists or 0)
    if partners == 0 and (others is None or specialists is None):
        return _Check(
            None,
            "Votre équipe ne compte aucun paramédical.",
            "un paramédical, ou à défaut le nombre d'autres professionnels de santé de votre équipe "
            "(à préciser)",
            _ESP_DISAGREEMENT,
        )
    if partners == 0:
        return _Check(
            False,
            "Une ESP réunit au moins deux professions, un médecin généraliste et un paramédical ou un autre "
            "professionnel de santé ; votre équipe ne compte ni paramédical ni autre professionnel de santé.",
            f"un paramédical ({PARAMEDICAL_EXAMPLES})",
            (*_ESP_DISAGREEMENT, src.BRETAGNE_COORDINATED_PRACTICE),
        )
    counted = [_others(others)] if others else []
    counted += [_specialists(specialists)] if specialists else []
    return _Check(
        None,
        f"Vous ne comptez aucun paramédical mais {' et '.join(counted)}. Les sources divergent : "
        f"Doctolib ({src.DOCTOLIB_ESP_MEMBERS.where_when}) demande « un médecin généraliste et un "
        f"paramédical », comme le texte du guide de l'URPS infirmière PACA ({src.PACA_ESP_MINIMUM.date}) ; "
        f"l'annexe du guide de l'ARS Bretagne ({src.BRETAGNE_ESP_ANNEX.date}) demande « Un médecin "
        "généraliste Un autre professionnel de santé », et le tableau du guide PACA « 1 médecin + "
        "1 professionnel de santé ».",
        "un paramédical, pour répondre aussi à la définition de Doctolib (à vérifier)",
        _ESP_DISAGREEMENT,
    )


def assess_esp(team: Team, region: str | None = None) -> Assessment:
    """Équipe de soins primaires: a médecin généraliste and another health professional."""
    notes = []
    if team.practice in ("salarie", "mixte"):
        notes.append(
            _Note(
                f"Doctolib ({src.DOCTOLIB_ESP_STATUS.where_when}) admet des membres « Libéral ou salarié » ; "
                f"en Centre-Val de Loire ({src.CVL_ESP_LIBERAL.date}) et en Bretagne "
                f"({src.BRETAGNE_ESP_ANNEX.date}), les ESP décrites réunissent des professionnels libéraux "
                "de premier recours.",
                (src.DOCTOLIB_ESP_STATUS, src.CVL_ESP_LIBERAL, src.BRETAGNE_ESP_ANNEX),
            )
        )
    notes.append(
        _Note(
            "Vous n'avez pas besoin de partager les mêmes locaux ; l'équipe est reconnue ESP une fois son "
            "projet de santé validé.",
            (src.CVL_ESP_LIBERAL, src.BRETAGNE_ESP_RECOGNITION),
        )
    )
    return _build("esp", [_esp_gp(team), _esp_partner(team)], notes)


# --- MSP -------------------------------------------------------------------------------------

_MSP_MEMBERS = (src.DOCTOLIB_MSP_MEMBERS, src.BRETAGNE_MSP_DEFINITION, src.BRETAGNE_MSP_ANNEX)
_MSP_STATUS = (src.DOCTOLIB_STATUS_ROW, src.CVL_MSP_LIBERAL)


def _msp_gps(team: Team) -> _Check:
    gps = team.general_practitioners
    if gps is None:
        return _to_specify("le nombre de médecins généralistes de votre équipe", _MSP_MEMBERS)
    if gps >= MSP_MIN_GPS:
        reason = f"Vous comptez {_gps(gps)} ; une MSP en demande au moins deux."
        return _Check(True, reason, None, _MSP_MEMBERS)
    if gps == 1:
        return _Check(
            False,
            "Une MSP nécessite au moins deux médecins généralistes ; vous n'en comptez qu'un.",
            "un second médecin généraliste",
            _MSP_MEMBERS,
        )
    return _Check(
        False,
        "Une MSP nécessite au moins deux médecins généralistes ; votre équipe n'en compte aucun.",
        "deux médecins généralistes",
        _MSP_MEMBERS,
    )


def _msp_paramedicals(team: Team) -> _Check:
    paramedicals = team.paramedicals
    if paramedicals is None:
        return _to_specify("le nombre de paramédicaux de votre équipe", _MSP_MEMBERS)
    if paramedicals > 0:
        return _Check(
            True,
            f"Vous comptez {_paramedicals(paramedicals)} ; une MSP en demande au moins un.",
            None,
            _MSP_MEMBERS,
        )
    return _Check(
        False,
        "Une MSP nécessite au moins un paramédical ; votre équipe n'en compte aucun.",
        f"un paramédical ({PARAMEDICAL_EXAMPLES})",
        _MSP_MEMBERS,
    )


def _msp_practice(team: Team) -> _Check:
    practice = team.practice
    if practice is None:
        return _to_specify("votre mode d'exercice, libéral ou salarié", _MSP_STATUS)
    if practice == "liberal":
        return _Check(True, "Vous exercez en libéral, comme les professionnels d'une MSP.", None, _MSP_STATUS)
    if practice == "salarie":
        return _Check(
            False,
            "Les professionnels d'une MSP exercent en libéral ; votre équipe est salariée.",
            "un exercice libéral (une équipe salariée relève plutôt du centre de santé)",
            _MSP_STATUS,
        )
    return _Check(
        None,
        "Votre équipe mêle libéraux et salariés : seuls les membres libéraux peuvent constituer la MSP.",
        "deux médecins généralistes et un paramédical exerçant en libéral (à vérifier)",
        _MSP_STATUS,
    )


def assess_msp(team: Team, region: str | None = None) -> Assessment:
    """Maison de santé pluri-professionnelle: two GPs and a paramédical, all libéraux."""
    notes = [
        _Note(
            "Pour percevoir les financements de l'ACI, il vous faudra constituer une SISA, qui compte au "
            f"minimum « 2 médecins et 1 paramédical » associés ({src.PACA_SISA_PARTNERS.short}).",
            (src.CVL_MSP_SISA, src.PACA_SISA_PARTNERS),
        ),
        _Note(
            "C'est votre projet de santé partagé, et non des locaux communs, qui fait reconnaître la MSP.",
            (src.BRETAGNE_MSP_PROJECT,),
        ),
    ]
    return _build("msp", [_msp_gps(team), _msp_paramedicals(team), _msp_practice(team)], notes)


# --- Centre de santé -------------------------------------------------------------------------

_CDS_STATUS = (src.BRETAGNE_CDS_DEFINITION, src.CVL_CDS_SALARIED, src.DOCTOLIB_CDS_JOIN)
_CDS_MANAGER = (src.BRETAGNE_CDS_MANAGER, src.DOCTOLIB_CDS_MANAGER)
MANAGER_EXAMPLES = (
    "commune ou autre collectivité, association, mutuelle, établissement de santé, société coopérative "
    "d'intérêt collectif…"
)


def _health_professionals(team: Team) -> tuple[int, bool]:
    """(professionals counted so far, whether some counts are still unknown)."""
    counts = (team.general_practitioners, team.specialists, team.paramedicals, team.other_professionals)
    return sum(count for count in counts if count is not None), None in counts


def _cds_practice(team: Team) -> _Check:
    practice = team.practice
    if practice is None:
        return _to_specify("votre mode d'exercice, libéral ou salarié", _CDS_STATUS)
    if practice == "salarie":
        reason = "Votre équipe est salariée, comme les professionnels d'un centre de santé."
        return _Check(True, reason, None, _CDS_STATUS)
    if practice == "liberal":
        return _Check(
            False,
            "Les professionnels d'un centre de santé y sont salariés ; votre équipe exerce en libéral.",
            "un exercice salarié, avec un contrat de travail signé avec le centre",
            _CDS_STATUS,
        )
    return _Check(
        None,
        "Votre équipe mêle libéraux et salariés : dans un centre de santé, les professionnels sont salariés "
        "du centre.",
        "un contrat de travail avec le centre pour vos membres libéraux (à vérifier)",
        _CDS_STATUS,
    )


def _cds_manager(team: Team) -> _Check:
    if team.has_manager is None:
        return _to_specify("un gestionnaire pour porter le centre", _CDS_MANAGER)
    if team.has_manager:
        return _Check(True, "Vous disposez d'un gestionnaire pour porter le centre.", None, _CDS_MANAGER)
    return _Check(
        False,
        "Un centre de santé est porté par un gestionnaire ; vous n'en avez pas encore.",
        f"un gestionnaire ({MANAGER_EXAMPLES})",
        _CDS_MANAGER,
    )


def _cds_size(team: Team) -> _Check:
    total, unknown = _health_professionals(team)
    sources = (src.BRETAGNE_CDS_DEFINITION,)
    if total >= CDS_MIN_PROFESSIONALS:
        return _Check(
            True,
            f"Votre équipe compte {_number(total)} professionnels de santé ; un centre de santé en réunit "
            "au moins deux.",
            None,
            sources,
        )
    if unknown:
        return _to_specify("le nombre total de professionnels de santé de votre équipe", sources)
    counted = "un seul" if total == 1 else "aucun"
    return _Check(
        False,
        "Un centre de santé réunit au moins deux professionnels de santé ; votre équipe en compte "
        f"{counted}.",
        "un second professionnel de santé" if total == 1 else "deux professionnels de santé",
        sources,
    )


_CDS_BRETAGNE = (
    src.BRETAGNE_CDS_DEFINITION,
    src.BRETAGNE_CDS_ANNEX,
    src.BRETAGNE_CDS_REGION_DOCTORS,
    src.DOCTOLIB_CDS_PROFESSIONALS,
)


def _cds_bretagne(team: Team, region: str | None) -> _Check | None:
    """The Bretagne guide reads two ways: its definition asks « au moins deux professionnels de
    santé », its annex « Deux médecins généralistes Un paramédical », and the Région's support two
    doctors; Doctolib admits centres of nurses only. Where the guide applies (Bretagne, or a region
    not known yet), a team that meets the definition but not the annex is "à vérifier"."""
    if region not in (None, BRETAGNE):
        return None
    gps, paramedicals = team.general_practitioners, team.paramedicals
    where = "en Bretagne" if region == BRETAGNE else "si votre centre est en Bretagne"
    if gps is None or paramedicals is None:
        return _to_specify(
            f"le nombre de médecins généralistes et de paramédicaux de votre équipe, {where}", _CDS_BRETAGNE
        )
    lacking = []
    if gps < MSP_MIN_GPS:
        lacking.append("un second médecin généraliste" if gps == 1 else "deux médecins généralistes")
    if paramedicals == 0:
        lacking.append("un paramédical")
    bretagne, doctolib = src.BRETAGNE_CDS_ANNEX, src.DOCTOLIB_CDS_PROFESSIONALS
    if not lacking:
        return _Check(
            True,
            f"Votre équipe compte aussi les « Deux médecins généralistes Un paramédical » de l'annexe du "
            f"guide de l'ARS Bretagne ({bretagne.date}).",
            None,
            _CDS_BRETAGNE,
        )
    return _Check(
        None,
        f"{where[0].upper()}{where[1:]}, le guide de l'ARS Bretagne ({bretagne.date}) se lit de deux "
        "façons : sa définition demande « au moins deux professionnels de santé », son annexe « Deux "
        "médecins généralistes Un paramédical », et le soutien de la Région demande de « permettre "
        f"l'activité d'au moins 2 médecins » ; Doctolib ({doctolib.where_when}) admet des centres "
        "« mono-professionnels : exclusivement médicaux ou infirmiers ou dentaires ».",
        f"{' et '.join(lacking)} selon l'annexe du guide de l'ARS Bretagne, {where} (à vérifier)",
        _CDS_BRETAGNE,
    )


def assess_cds(team: Team, region: str | None = None) -> Assessment:
    """Centre de santé: salaried professionals, a gestionnaire, at least two health professionals;
    in Bretagne (or while the region is unknown), the Bretagne guide's second reading too."""
    size = _cds_size(team)
    checks = [_cds_practice(team), _cds_manager(team), size]
    if size.met is not False:
        bretagne = _cds_bretagne(team, region)
        if bretagne is not None:
            checks.append(bretagne)
    return _build("cds", checks, [])


# --- ESS -------------------------------------------------------------------------------------


def _ess_specialists(team: Team) -> _Check:
    specialists = team.specialists
    sources = (src.CVL_ESS_SPECIALISTS,)
    if specialists is None:
        return _to_specify("le nombre de médecins spécialistes de votre équipe", sources)
    if specialists == 0:
        return _Check(
            False,
            "Une ESS regroupe des médecins spécialistes (hors médecine générale) d'une même spécialité ; "
            "votre équipe n'en compte aucun.",
            "des médecins spécialistes d'une même spécialité, hors médecine générale",
            sources,
        )
    return _Check(True, f"Vous comptez {_specialists(specialists)} d'une même spécialité.", None, sources)


def _ess_territory(team: Team) -> _Check:
    sources = (src.CVL_ESS_TERRITORY,)
    if team.territory_is_department_or_more is None:
        return _to_specify("l'étendue de votre territoire, qui doit couvrir au moins un département", sources)
    if team.territory_is_department_or_more:
        return _Check(True, "Votre territoire couvre au moins un département.", None, sources)
    return _Check(
        False,
        "Le territoire d'une ESS est « a minima départemental » ; le vôtre est plus petit.",
        "un territoire couvrant au moins un département",
        sources,
    )


def _ess_specialty_doctors(team: Team) -> _Check:
    doctors = team.specialty_doctors_on_territory
    sources = (src.CVL_ESS_TERRITORY,)
    if doctors is None:
        return _to_specify("le nombre de médecins de la spécialité sur votre territoire", sources)
    if doctors >= ESS_MIN_SPECIALTY_DOCTORS:
        return _Check(
            True,
            f"Votre territoire compte {_number(doctors)} médecins de la spécialité ; il en faut au moins 10.",
            None,
            sources,
        )
    return _Check(
        False,
        f"Le territoire d'une ESS doit compter au moins 10 médecins de la spécialité ; vous en indiquez "
        f"{_number(doctors)}.",
        "un territoire comptant au moins 10 médecins de la spécialité",
        sources,
    )


def _ess_share(team: Team) -> _Check | None:
    """At least 10 % of the specialty's liberal doctors on the territory must be members."""
    members, liberal, total = (
        team.specialists,
        team.liberal_specialty_doctors_on_territory,
        team.specialty_doctors_on_territory,
    )
    sources = (src.CVL_ESS_MEMBERS,)
    if not members:
        return None  # no member, or unknown: the specialists condition already says so
    if liberal is None:
        return _to_specify("le nombre de médecins libéraux de la spécialité sur votre territoire", sources)
    if total is not None and liberal > total:
        return _Check(
            None,
            f"Vous indiquez plus de médecins libéraux de la spécialité ({_number(liberal)}) que de médecins "
            f"de la spécialité au total ({_number(total)}) sur le territoire.",
            "des chiffres cohérents pour votre territoire (à vérifier)",
            sources,
        )
    if liberal == 0:
        return _Check(
            None,
            "Vous n'indiquez aucun médecin libéral de la spécialité sur le territoire, alors que le seuil "
            "d'adhérents se calcule sur eux.",
            "le nombre de médecins libéraux de la spécialité sur votre territoire (à vérifier)",
            sources,
        )
    share = (
        f"Vos {_specialists(members)} représentent {_percent(members, liberal)} des {_number(liberal)} "
        "médecins libéraux de la spécialité sur le territoire ; il en faut au moins 10\u00a0%."
    )
    needed = -(-liberal * ESS_MIN_SHARE_PERCENT // 100)
    # Integer comparison: 10 members out of 100 is exactly 10 % and passes, 10 out of 101 does not.
    if members * 100 >= liberal * ESS_MIN_SHARE_PERCENT:
        # The share counts every specialist of the team; the threshold is about liberal ones.
        liberal_only = "le seuil porte sur les « professionnels libéraux de la spécialité concernée »"
        if team.practice in ("salarie", "mixte"):
            return _Check(
                None,
                f"{share} Mais {liberal_only} : seuls vos spécialistes libéraux comptent, et votre équipe "
                "n'exerce pas qu'en libéral.",
                f"au moins {_number(needed)} adhérents libéraux parmi les {_number(liberal)} médecins "
                "libéraux de la spécialité (à vérifier)",
                sources,
            )
        if team.practice is None:
            return _Check(
                True, f"{share} Ne comptez que vos spécialistes libéraux : {liberal_only}.", None, sources
            )
        return _Check(True, share, None, sources)
    return _Check(
        False,
        share,
        f"{_count(needed - members, 'adhérent', 'adhérents')} de plus, soit au moins {_number(needed)} "
        f"des {_number(liberal)} médecins libéraux de la spécialité",
        sources,
    )


def assess_ess(team: Team, region: str | None = None) -> Assessment:
    """Équipe de soins spécialisés, per the cahier des charges of 12 December 2024 (CVL 2025)."""
    checks = [_ess_specialists(team), _ess_territory(team), _ess_specialty_doctors(team)]
    share = _ess_share(team)
    if share is not None:
        checks.append(share)
    notes = []
    if team.specialists != 0:
        notes.append(
            _Note(
                "Vérifiez aussi qu'aucune ESS de la même spécialité ne couvre déjà votre territoire.",
                (src.CVL_ESS_TERRITORY,),
            )
        )
    notes.append(
        _Note(
            f"Ces critères viennent du cahier des charges validé le 12 décembre 2024 "
            f"({src.CVL_ESS_SPECIFICATIONS.short}) ; Doctolib ({src.DOCTOLIB_ESS_MEMBERS.where_when}) "
            "définissait l'ESS autrement : « Au moins deux professionnels de santé, dont un médecin "
            "spécialiste (hors médecine générale) et un paramédical ».",
            (src.CVL_ESS_SPECIFICATIONS, src.DOCTOLIB_ESS_MEMBERS),
        )
    )
    return _build("ess", checks, notes)


# --- CPTS ------------------------------------------------------------------------------------


def _cpts_doctor(team: Team, region: str | None) -> _Check:
    """« Au moins un médecin généraliste ou spécialiste » is the PACA guide's rule (2019); the other
    documents set no minimum. It blocks in PACA, is "à vérifier" while the region is unknown."""
    gps, specialists = team.general_practitioners, team.specialists
    paca = src.PACA_CPTS_DOCTOR
    sources = (paca, src.OCCITANIE_CPTS_MEMBERS)
    if (gps or 0) + (specialists or 0) > 0:
        return _Check(
            True,
            f"Votre équipe compte au moins un médecin, comme le demande pour une CPTS le guide de "
            f"l'{paca.label} ({paca.date}).",
            None,
            sources,
        )
    if gps is None or specialists is None:
        return _to_specify("la présence d'au moins un médecin dans votre équipe", sources)
    if region == PACA:
        return _Check(
            False,
            f"En {paca.region_name}, une CPTS compte « Au moins un médecin généraliste ou spécialiste » "
            f"({paca.label}, {paca.date}) ; votre équipe n'en compte aucun.",
            "au moins un médecin, généraliste ou spécialiste",
            sources,
        )
    others = (
        f"le guide de l'{paca.label} ({paca.date}) demande « Au moins un médecin généraliste ou "
        "spécialiste » ; les autres documents ne fixent pas ce minimum (« Le nombre et le type de "
        f"professionnels est variable selon les projets », ARS Occitanie, {src.OCCITANIE_CPTS_MEMBERS.date})."
    )
    reason = f"Votre équipe ne compte aucun médecin : pour la région {paca.region_name}, {others}"
    if region is not None:
        return _Check(True, reason, None, sources)
    return _Check(
        None,
        reason,
        f"au moins un médecin, généraliste ou spécialiste, si votre CPTS est en {paca.region_name} "
        "(à vérifier)",
        sources,
    )


def _cpts_population_notes(team: Team) -> list[_Note]:
    doctolib, paca = src.DOCTOLIB_CPTS_POPULATION, src.PACA_CPTS_POPULATION
    population = team.territory_population
    if population is None:
        return [
            _Note(
                "Les seuils de population sont indicatifs : « un seuil minimal suggéré de 20 000 habitants » "
                f"selon Doctolib ({doctolib.where_when}), de 40 000 à plus de 175 000 habitants « (seuil "
                f"indicatif), adaptable selon le territoire » selon l'{paca.label} ({paca.date}).",
                (doctolib, paca),
            )
        ]
    suggested = "vous atteignez le" if population >= CPTS_SUGGESTED_POPULATION else "vous êtes en dessous du"
    paca_range = (
        "vous entrez dans la fourchette"
        if population >= CPTS_PACA_POPULATION
        else "vous êtes en dessous de la fourchette"
    )
    notes = [
        _Note(
            f"Votre territoire compte {_number(population)} habitants. Les seuils de population sont "
            f"indicatifs et ne bloquent pas : {suggested} « seuil minimal suggéré de 20 000 habitants » "
            f"(Doctolib, {doctolib.where_when}) ; {paca_range} « de 40 000 à plus de "
            f"175 000 habitants (seuil indicatif), adaptable selon le territoire » ({paca.label}, "
            f"{paca.date}).",
            (doctolib, paca),
        )
    ]
    if population < CPTS_SUGGESTED_POPULATION:
        occitanie = src.OCCITANIE_SMALL_CPTS
        notes.append(
            _Note(
                f"À titre d'exemple, l'ARS Occitanie ({occitanie.date}) présente la CPTS Agly Fenouillèdes "
                "Pyrénées, qui couvre 6 799 habitants.",
                (occitanie,),
            )
        )
    return notes


def assess_cpts(team: Team, region: str | None = None) -> Assessment:
    """Communauté professionnelle territoriale de santé: at least one doctor in PACA; population
    indicative; one CPTS per territory."""
    notes = _cpts_population_notes(team)
    doctolib, paca = src.DOCTOLIB_CPTS_POPULATION, src.PACA_CPTS_ONE_PER_TERRITORY
    notes.append(
        _Note(
            "Vérifiez qu'aucune CPTS n'existe déjà sur votre territoire : « un même territoire […] ne "
            f"peut pas abriter plusieurs CPTS » (Doctolib, {doctolib.where_when}), « la règle d'une seule "
            f"CPTS pluri thématique par territoire » ({paca.label}, {paca.date}).",
            (doctolib, paca),
        )
    )
    notes.append(
        _Note(
            f"Forme juridique : association loi 1901 ({src.CVL_CPTS_FORM.short}), « conseillée » mais "
            f"« non imposée » selon l'URPS infirmière PACA ({src.PACA_CPTS_FORM.date}).",
            (src.CVL_CPTS_FORM, src.PACA_CPTS_FORM),
        )
    )
    return _build("cpts", [_cpts_doctor(team, region)], notes)


# --- all structures, and what to ask next ---------------------------------------------------

# Every assessor takes the team and, when known, its region id: the rules that only one region's
# document states (PACA's doctor in a CPTS, Bretagne's second reading for a centre de santé) block
# there, are "à vérifier" while the region is unknown, and give way elsewhere.
_ASSESSORS: dict[str, Callable[[Team, str | None], Assessment]] = {
    "esp": assess_esp,
    "msp": assess_msp,
    "cds": assess_cds,
    "ess": assess_ess,
    "cpts": assess_cpts,
}


def assess(structure: str, team: Team, region: str | None = None) -> Assessment:
    """The assessment of one structure by id ("esp", "msp", "cds", "ess", "cpts"); `region` is a
    region id ("paca", "bretagne"…), None when unknown."""
    try:
        assessor = _ASSESSORS[structure]
    except KeyError:
        raise ValueError(f"unknown structure {structure!r}; expected one of {STRUCTURES}") from None
    return assessor(team, region)


def assess_all(team: Team, region: str | None = None) -> list[Assessment]:
    """Every structure, in the order esp, msp, cds, ess, cpts (`region` as for `assess`)."""
    return [_ASSESSORS[structure](team, region) for structure in STRUCTURES]


def _msp_fails_on_counts(team: Team) -> bool:
    gps = team.general_practitioners
    return (gps is not None and gps < MSP_MIN_GPS) or team.paramedicals == 0


def _cds_fails_on_counts(team: Team) -> bool:
    total, unknown = _health_professionals(team)
    return not unknown and total < CDS_MIN_PROFESSIONALS


def _other_professionals_matter(team: Team) -> bool:
    # They decide the ESP only when there is no paramédical (the sources disagree on that case),
    # and the centre de santé only while the team might still be below two professionals.
    esp = team.paramedicals == 0 and team.general_practitioners != 0
    known = sum(
        count
        for count in (team.general_practitioners, team.specialists, team.paramedicals)
        if count is not None
    )
    cds = team.practice != "liberal" and known < CDS_MIN_PROFESSIONALS
    return esp or cds


def needed_fields(team: Team) -> list[str]:
    """The Team fields still worth asking, in the order a person would ask them.

    A field is skipped once known, or when no answer could change a verdict: the ESS territory
    questions only for a team with specialists, the gestionnaire only for salaried or mixed teams,
    the liberal specialists only if the territory can still qualify, and so on.
    """
    specialists = team.specialists
    has_specialists = specialists is not None and specialists > 0
    territory_ok = has_specialists and team.territory_is_department_or_more is not False
    doctors = team.specialty_doctors_on_territory
    wanted = {
        "general_practitioners": True,
        "paramedicals": True,
        "other_professionals": _other_professionals_matter(team),
        "specialists": True,
        "practice": not (_msp_fails_on_counts(team) and _cds_fails_on_counts(team)),
        "has_manager": team.practice in ("salarie", "mixte") and not _cds_fails_on_counts(team),
        "territory_is_department_or_more": has_specialists,
        "specialty_doctors_on_territory": territory_ok,
        "liberal_specialty_doctors_on_territory": territory_ok
        and (doctors is None or doctors >= ESS_MIN_SPECIALTY_DOCTORS),
        "territory_population": not (team.general_practitioners == 0 and specialists == 0),
    }
    return [name for name, worth in wanted.items() if worth and getattr(team, name) is None]
