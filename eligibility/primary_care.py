"""The primary-care structures a team can create: ESP, MSP, centre de santé.

Each condition quotes its sources (`eligibility.sources`); when the documents disagree the
condition is undecided ("à vérifier") and every reading is named. See eligibility/rules.py.
"""

from __future__ import annotations

from eligibility import sources as src
from eligibility.assessment import (
    BRETAGNE,
    CDS_MIN_PROFESSIONALS,
    ESP_MIN_GPS,
    MSP_MIN_GPS,
    Assessment,
    Check,
    Note,
    both,
    build,
    gps,
    others,
    paramedicals,
    specialists,
    to_specify,
)
from eligibility.messages import say
from eligibility.team import Team

__all__ = ["assess_cds", "assess_esp", "assess_msp", "health_professionals"]

# --- ESP -------------------------------------------------------------------------------------

_ESP_MEMBERS = (src.DOCTOLIB_ESP_MEMBERS, src.BRETAGNE_ESP_ANNEX)
# Without a paramédical: a paramédical (Doctolib, PACA's text) or any other health professional
# (Bretagne annex, PACA's table).
_ESP_DISAGREEMENT = (*_ESP_MEMBERS, src.PACA_ESP_MINIMUM, src.PACA_ESP_TABLE)


def _esp_gp(team: Team) -> Check:
    count = team.general_practitioners
    if count is None:
        return to_specify(say("what.gps"), _ESP_MEMBERS)
    if count < ESP_MIN_GPS:
        return Check(False, say("esp.gp.none"), say("missing.gp"), _ESP_MEMBERS)
    return Check(True, say("esp.gp.met", gps=gps(count)), None, _ESP_MEMBERS)


def _esp_partner(team: Team) -> Check:
    """The second profession: a paramédical (Doctolib, PACA's text) or any health professional
    (Bretagne annex, PACA's table). Without a paramédical the sources disagree: "à vérifier"."""
    paramedical_count, other_count, specialist_count = (
        team.paramedicals,
        team.other_professionals,
        team.specialists,
    )
    if paramedical_count is None:
        return to_specify(say("what.paramedicals"), _ESP_MEMBERS)
    if paramedical_count > 0:
        reason = say("esp.partner.met", paramedicals=paramedicals(paramedical_count))
        return Check(True, reason, None, _ESP_MEMBERS)
    partners = (other_count or 0) + (specialist_count or 0)
    if partners == 0 and (other_count is None or specialist_count is None):
        return Check(None, say("esp.partner.none"), say("esp.partner.none.missing"), _ESP_DISAGREEMENT)
    if partners == 0:
        return Check(
            False,
            say("esp.partner.nobody"),
            say("missing.paramedical_examples"),
            (*_ESP_DISAGREEMENT, src.BRETAGNE_COORDINATED_PRACTICE),
        )
    counted = [others(other_count)] if other_count else []
    counted += [specialists(specialist_count)] if specialist_count else []
    reason = say(
        "esp.partner.disagree",
        counted=both(counted[0], counted[1] if len(counted) > 1 else None),
        doctolib=src.DOCTOLIB_ESP_MEMBERS.where_when,
        paca_date=src.PACA_ESP_MINIMUM.date,
        bretagne_date=src.BRETAGNE_ESP_ANNEX.date,
    )
    return Check(None, reason, say("esp.partner.disagree.missing"), _ESP_DISAGREEMENT)


def assess_esp(team: Team, region: str | None = None) -> Assessment:
    """Équipe de soins primaires: a médecin généraliste and another health professional."""
    notes = []
    if team.practice in ("salarie", "mixte"):
        status = say(
            "esp.note.status",
            doctolib=src.DOCTOLIB_ESP_STATUS.where_when,
            cvl_date=src.CVL_ESP_LIBERAL.date,
            bretagne_date=src.BRETAGNE_ESP_ANNEX.date,
        )
        notes.append(Note(status, (src.DOCTOLIB_ESP_STATUS, src.CVL_ESP_LIBERAL, src.BRETAGNE_ESP_ANNEX)))
    notes.append(Note(say("esp.note.premises"), (src.CVL_ESP_LIBERAL, src.BRETAGNE_ESP_RECOGNITION)))
    return build("esp", [_esp_gp(team), _esp_partner(team)], notes)


# --- MSP -------------------------------------------------------------------------------------

_MSP_MEMBERS = (src.DOCTOLIB_MSP_MEMBERS, src.BRETAGNE_MSP_DEFINITION, src.BRETAGNE_MSP_ANNEX)
_MSP_STATUS = (src.DOCTOLIB_STATUS_ROW, src.CVL_MSP_LIBERAL)


def _msp_gps(team: Team) -> Check:
    count = team.general_practitioners
    if count is None:
        return to_specify(say("what.gps"), _MSP_MEMBERS)
    if count >= MSP_MIN_GPS:
        return Check(True, say("msp.gps.met", gps=gps(count)), None, _MSP_MEMBERS)
    if count == 1:
        return Check(False, say("msp.gps.one"), say("missing.second_gp"), _MSP_MEMBERS)
    return Check(False, say("msp.gps.none"), say("missing.two_gps"), _MSP_MEMBERS)


def _msp_paramedicals(team: Team) -> Check:
    count = team.paramedicals
    if count is None:
        return to_specify(say("what.paramedicals"), _MSP_MEMBERS)
    if count > 0:
        return Check(True, say("msp.paramedicals.met", paramedicals=paramedicals(count)), None, _MSP_MEMBERS)
    return Check(False, say("msp.paramedicals.none"), say("missing.paramedical_examples"), _MSP_MEMBERS)


def _msp_practice(team: Team) -> Check:
    practice = team.practice
    if practice is None:
        return to_specify(say("what.practice"), _MSP_STATUS)
    if practice == "liberal":
        return Check(True, say("msp.practice.liberal"), None, _MSP_STATUS)
    if practice == "salarie":
        return Check(False, say("msp.practice.salaried"), say("msp.practice.salaried.missing"), _MSP_STATUS)
    return Check(None, say("msp.practice.mixed"), say("msp.practice.mixed.missing"), _MSP_STATUS)


def assess_msp(team: Team, region: str | None = None) -> Assessment:
    """Maison de santé pluri-professionnelle: two GPs and a paramédical, all libéraux."""
    notes = [
        Note(
            say("msp.note.sisa", paca=src.PACA_SISA_PARTNERS.short),
            (src.CVL_MSP_SISA, src.PACA_SISA_PARTNERS),
        ),
        Note(say("msp.note.project"), (src.BRETAGNE_MSP_PROJECT,)),
    ]
    return build("msp", [_msp_gps(team), _msp_paramedicals(team), _msp_practice(team)], notes)


# --- Centre de santé -------------------------------------------------------------------------

_CDS_STATUS = (src.BRETAGNE_CDS_DEFINITION, src.CVL_CDS_SALARIED, src.DOCTOLIB_CDS_JOIN)
_CDS_MANAGER = (src.BRETAGNE_CDS_MANAGER, src.DOCTOLIB_CDS_MANAGER)


def health_professionals(team: Team) -> tuple[int, bool]:
    """(professionals counted so far, whether some counts are still unknown)."""
    counts = (team.general_practitioners, team.specialists, team.paramedicals, team.other_professionals)
    return sum(count for count in counts if count is not None), None in counts


def _cds_practice(team: Team) -> Check:
    practice = team.practice
    if practice is None:
        return to_specify(say("what.practice"), _CDS_STATUS)
    if practice == "salarie":
        return Check(True, say("cds.practice.salaried"), None, _CDS_STATUS)
    if practice == "liberal":
        return Check(False, say("cds.practice.liberal"), say("cds.practice.liberal.missing"), _CDS_STATUS)
    return Check(None, say("cds.practice.mixed"), say("cds.practice.mixed.missing"), _CDS_STATUS)


def _cds_manager(team: Team) -> Check:
    if team.has_manager is None:
        return to_specify(say("cds.manager.what"), _CDS_MANAGER)
    if team.has_manager:
        return Check(True, say("cds.manager.met"), None, _CDS_MANAGER)
    return Check(False, say("cds.manager.none"), say("cds.manager.missing"), _CDS_MANAGER)


def _cds_size(team: Team) -> Check:
    total, unknown = health_professionals(team)
    sources = (src.BRETAGNE_CDS_DEFINITION,)
    if total >= CDS_MIN_PROFESSIONALS:
        return Check(True, say("cds.size.met", total=total), None, sources)
    if unknown:
        return to_specify(say("cds.size.what"), sources)
    if total == 1:
        return Check(False, say("cds.size.one"), say("cds.size.one.missing"), sources)
    return Check(False, say("cds.size.none"), say("cds.size.none.missing"), sources)


_CDS_BRETAGNE = (
    src.BRETAGNE_CDS_DEFINITION,
    src.BRETAGNE_CDS_ANNEX,
    src.BRETAGNE_CDS_REGION_DOCTORS,
    src.DOCTOLIB_CDS_PROFESSIONALS,
)


def _cds_bretagne(team: Team, region: str | None) -> Check | None:
    """The Bretagne guide reads two ways: its definition asks « au moins deux professionnels de
    santé », its annex « Deux médecins généralistes Un paramédical », and the Région's support two
    doctors; Doctolib admits centres of nurses only. Where the guide applies (Bretagne, or a region
    not known yet), a team that meets the definition but not the annex is "à vérifier"."""
    if region not in (None, BRETAGNE):
        return None
    gp_count, paramedical_count = team.general_practitioners, team.paramedicals
    where, where_start = (
        ("cds.bretagne.in", "cds.bretagne.in.start")
        if region == BRETAGNE
        else ("cds.bretagne.if", "cds.bretagne.if.start")
    )
    if gp_count is None or paramedical_count is None:
        return to_specify(say("cds.bretagne.what", where=say(where)), _CDS_BRETAGNE)
    lacking = []
    if gp_count < MSP_MIN_GPS:
        lacking.append(say("missing.second_gp" if gp_count == 1 else "missing.two_gps"))
    if paramedical_count == 0:
        lacking.append(say("missing.paramedical"))
    bretagne, doctolib = src.BRETAGNE_CDS_ANNEX, src.DOCTOLIB_CDS_PROFESSIONALS
    if not lacking:
        return Check(True, say("cds.bretagne.met", bretagne_date=bretagne.date), None, _CDS_BRETAGNE)
    reason = say(
        "cds.bretagne.disagree",
        where=say(where_start),
        bretagne_date=bretagne.date,
        doctolib=doctolib.where_when,
    )
    missing = say(
        "cds.bretagne.disagree.missing",
        lacking=both(lacking[0], lacking[1] if len(lacking) > 1 else None),
        where=say(where),
    )
    return Check(None, reason, missing, _CDS_BRETAGNE)


def assess_cds(team: Team, region: str | None = None) -> Assessment:
    """Centre de santé: salaried professionals, a gestionnaire, at least two health professionals;
    in Bretagne (or while the region is unknown), the Bretagne guide's second reading too."""
    size = _cds_size(team)
    checks = [_cds_practice(team), _cds_manager(team), size]
    if size.met is not False:
        bretagne = _cds_bretagne(team, region)
        if bretagne is not None:
            checks.append(bretagne)
    return build("cds", checks, [])
