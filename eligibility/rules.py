"""Which coordinated-practice structures a team can create, why, and what it lacks.

Pure functions over a `Team`: no Rasa, no database. Each rule is a list of conditions that hold
(True), fail (False) or cannot be judged yet (None, a value is unknown or the sources disagree).
A structure is NOT_ACCESSIBLE as soon as one condition fails, TO_CHECK while one is undecided,
ACCESSIBLE otherwise. Facts that do not decide (population thresholds, legal form, SISA…) are notes.

Wording, so that actions can assemble the answer: `reasons`, `missing` and `notes` are
`Message`s (a code and its values); `str(message)` gives the French text, whose templates are all
in `eligibility.wording`:
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

Modules: `eligibility.assessment` (thresholds, checks, verdict), `eligibility.primary_care` (ESP,
MSP, centre de santé), `eligibility.territorial` (ESS, CPTS); this one assesses them all and says
which Team fields are still worth asking.
"""

from __future__ import annotations

from collections.abc import Callable

from eligibility.assessment import (
    CDS_MIN_PROFESSIONALS,
    ESS_MIN_SPECIALTY_DOCTORS,
    MSP_MIN_GPS,
    Assessment,
    Verdict,
)
from eligibility.messages import Message, render
from eligibility.primary_care import assess_cds, assess_esp, assess_msp, health_professionals
from eligibility.sources import RuleSource
from eligibility.team import Team
from eligibility.territorial import assess_cpts, assess_ess

__all__ = [
    "ASSESSED_STRUCTURES",
    "Assessment",
    "Message",
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
    "render",
]

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
# The structures the rules judge, in the order of an answer: a subset of the structure ids of
# knowledge.names.STRUCTURE_IDS (which also names PTA, pôles de santé… that nobody "creates" here;
# tests/eligibility/test_rules.py checks the subset).
ASSESSED_STRUCTURES: tuple[str, ...] = tuple(_ASSESSORS)


def assess(structure: str, team: Team, region: str | None = None) -> Assessment:
    """The assessment of one structure by id ("esp", "msp", "cds", "ess", "cpts"); `region` is a
    region id ("paca", "bretagne"…), None when unknown."""
    try:
        assessor = _ASSESSORS[structure]
    except KeyError:
        raise ValueError(f"unknown structure {structure!r}; expected one of {ASSESSED_STRUCTURES}") from None
    return assessor(team, region)


def assess_all(team: Team, region: str | None = None) -> list[Assessment]:
    """Every structure, in the order esp, msp, cds, ess, cpts (`region` as for `assess`)."""
    return [assessor(team, region) for assessor in _ASSESSORS.values()]


def _msp_fails_on_counts(team: Team) -> bool:
    gps = team.general_practitioners
    return (gps is not None and gps < MSP_MIN_GPS) or team.paramedicals == 0


def _cds_fails_on_counts(team: Team) -> bool:
    total, unknown = health_professionals(team)
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
