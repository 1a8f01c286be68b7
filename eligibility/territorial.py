"""The structures judged on a territory: ESS (specialists) and CPTS.

Each condition quotes its sources (`eligibility.sources`); a rule only one region's document
states applies in that region. See eligibility/rules.py.
"""

from __future__ import annotations

from eligibility import sources as src
from eligibility.assessment import (
    CPTS_PACA_POPULATION,
    CPTS_SUGGESTED_POPULATION,
    ESS_MIN_SHARE_PERCENT,
    ESS_MIN_SPECIALTY_DOCTORS,
    PACA,
    Assessment,
    Check,
    Note,
    build,
    percent,
    specialists,
    to_specify,
)
from eligibility.messages import say
from eligibility.team import Team

__all__ = ["assess_cpts", "assess_ess"]

# --- ESS -------------------------------------------------------------------------------------


def _ess_specialists(team: Team) -> Check:
    count = team.specialists
    sources = (src.CVL_ESS_SPECIALISTS,)
    if count is None:
        return to_specify(say("ess.specialists.what"), sources)
    if count == 0:
        return Check(False, say("ess.specialists.none"), say("ess.specialists.missing"), sources)
    return Check(True, say("ess.specialists.met", specialists=specialists(count)), None, sources)


def _ess_territory(team: Team) -> Check:
    sources = (src.CVL_ESS_TERRITORY,)
    if team.territory_is_department_or_more is None:
        return to_specify(say("ess.territory.what"), sources)
    if team.territory_is_department_or_more:
        return Check(True, say("ess.territory.met"), None, sources)
    return Check(False, say("ess.territory.small"), say("ess.territory.missing"), sources)


def _ess_specialty_doctors(team: Team) -> Check:
    doctors = team.specialty_doctors_on_territory
    sources = (src.CVL_ESS_TERRITORY,)
    if doctors is None:
        return to_specify(say("ess.doctors.what"), sources)
    if doctors >= ESS_MIN_SPECIALTY_DOCTORS:
        return Check(True, say("ess.doctors.met", doctors=doctors), None, sources)
    return Check(False, say("ess.doctors.few", doctors=doctors), say("ess.doctors.missing"), sources)


def _ess_share(team: Team) -> Check | None:
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
        return to_specify(say("ess.liberal.what"), sources)
    if total is not None and liberal > total:
        reason = say("ess.liberal.inconsistent", liberal=liberal, total=total)
        return Check(None, reason, say("ess.liberal.inconsistent.missing"), sources)
    if liberal == 0:
        return Check(None, say("ess.liberal.none"), say("ess.liberal.none.missing"), sources)
    share = say(
        "ess.share", specialists=specialists(members), percent=percent(members, liberal), liberal=liberal
    )
    needed = -(-liberal * ESS_MIN_SHARE_PERCENT // 100)
    # Integer comparison: 10 members out of 100 is exactly 10 % and passes, 10 out of 101 does not.
    if members * 100 >= liberal * ESS_MIN_SHARE_PERCENT:
        # The share counts every specialist of the team; the threshold is about liberal ones.
        if team.practice in ("salarie", "mixte"):
            return Check(
                None,
                say("ess.share.not_only_liberal", share=share),
                say("ess.share.not_only_liberal.missing", needed=needed, liberal=liberal),
                sources,
            )
        if team.practice is None:
            return Check(True, say("ess.share.practice_unknown", share=share), None, sources)
        return Check(True, share, None, sources)
    more = say("count.members", n=needed - members)
    return Check(False, share, say("ess.share.missing", more=more, needed=needed, liberal=liberal), sources)


def assess_ess(team: Team, region: str | None = None) -> Assessment:
    """Équipe de soins spécialisés, per the cahier des charges of 12 December 2024 (CVL 2025)."""
    checks = [_ess_specialists(team), _ess_territory(team), _ess_specialty_doctors(team)]
    share = _ess_share(team)
    if share is not None:
        checks.append(share)
    notes = []
    if team.specialists != 0:
        notes.append(Note(say("ess.note.existing"), (src.CVL_ESS_TERRITORY,)))
    specifications = say(
        "ess.note.specifications",
        cvl=src.CVL_ESS_SPECIFICATIONS.short,
        doctolib=src.DOCTOLIB_ESS_MEMBERS.where_when,
    )
    notes.append(Note(specifications, (src.CVL_ESS_SPECIFICATIONS, src.DOCTOLIB_ESS_MEMBERS)))
    return build("ess", checks, notes)


# --- CPTS ------------------------------------------------------------------------------------


def _cpts_doctor(team: Team, region: str | None) -> Check:
    """« Au moins un médecin généraliste ou spécialiste » is the PACA guide's rule (2019); the other
    documents set no minimum. It blocks in PACA, is "à vérifier" while the region is unknown."""
    gps, specialist_count = team.general_practitioners, team.specialists
    paca = src.PACA_CPTS_DOCTOR
    sources = (paca, src.OCCITANIE_CPTS_MEMBERS)
    if (gps or 0) + (specialist_count or 0) > 0:
        return Check(True, say("cpts.doctor.met", paca_label=paca.label, paca_date=paca.date), None, sources)
    if gps is None or specialist_count is None:
        return to_specify(say("cpts.doctor.what"), sources)
    if region == PACA:
        reason = say(
            "cpts.doctor.paca", paca_region=paca.region_name, paca_label=paca.label, paca_date=paca.date
        )
        return Check(False, reason, say("cpts.doctor.missing"), sources)
    reason = say(
        "cpts.doctor.elsewhere",
        paca_region=paca.region_name,
        paca_label=paca.label,
        paca_date=paca.date,
        occitanie_date=src.OCCITANIE_CPTS_MEMBERS.date,
    )
    if region is not None:
        return Check(True, reason, None, sources)
    return Check(
        None, reason, say("cpts.doctor.region_unknown.missing", paca_region=paca.region_name), sources
    )


def _cpts_population_notes(team: Team) -> list[Note]:
    doctolib, paca = src.DOCTOLIB_CPTS_POPULATION, src.PACA_CPTS_POPULATION
    population = team.territory_population
    cited = {"doctolib": doctolib.where_when, "paca_label": paca.label, "paca_date": paca.date}
    if population is None:
        return [Note(say("cpts.population.unknown", **cited), (doctolib, paca))]
    suggested = (
        "cpts.population.reaches" if population >= CPTS_SUGGESTED_POPULATION else "cpts.population.below"
    )
    paca_range = (
        "cpts.population.in_range" if population >= CPTS_PACA_POPULATION else "cpts.population.below_range"
    )
    text = say(
        "cpts.population",
        population=population,
        suggested=say(suggested),
        paca_range=say(paca_range),
        **cited,
    )
    notes = [Note(text, (doctolib, paca))]
    if population < CPTS_SUGGESTED_POPULATION:
        occitanie = src.OCCITANIE_SMALL_CPTS
        notes.append(Note(say("cpts.population.small_example", occitanie_date=occitanie.date), (occitanie,)))
    return notes


def assess_cpts(team: Team, region: str | None = None) -> Assessment:
    """Communauté professionnelle territoriale de santé: at least one doctor in PACA; population
    indicative; one CPTS per territory."""
    notes = _cpts_population_notes(team)
    doctolib, paca = src.DOCTOLIB_CPTS_POPULATION, src.PACA_CPTS_ONE_PER_TERRITORY
    one_per_territory = say(
        "cpts.note.one_per_territory",
        doctolib=doctolib.where_when,
        paca_label=paca.label,
        paca_date=paca.date,
    )
    notes.append(Note(one_per_territory, (doctolib, paca)))
    form = say("cpts.note.form", cvl=src.CVL_CPTS_FORM.short, paca_date=src.PACA_CPTS_FORM.date)
    notes.append(Note(form, (src.CVL_CPTS_FORM, src.PACA_CPTS_FORM)))
    return build("cpts", [_cpts_doctor(team, region)], notes)
