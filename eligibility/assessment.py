"""What every eligibility rule shares: thresholds, the three-state check, the verdict.

A rule is a list of conditions that hold (True), fail (False) or cannot be judged yet (None, a
value is unknown or the sources disagree). A structure is NOT_ACCESSIBLE as soon as one condition
fails, TO_CHECK while one is undecided, ACCESSIBLE otherwise. Facts that do not decide are notes.
Reasons, missing items and notes are `Message`s (codes with values); their French wording is in
`eligibility.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from eligibility.messages import Message, say
from eligibility.sources import RuleSource
from textnorm import format_number

# Thresholds, each with the quote that states it.
ESP_MIN_GPS = 1  # src.DOCTOLIB_ESP_MEMBERS, src.BRETAGNE_ESP_ANNEX
MSP_MIN_GPS = 2  # src.DOCTOLIB_MSP_MEMBERS, src.BRETAGNE_MSP_DEFINITION
CDS_MIN_PROFESSIONALS = 2  # src.BRETAGNE_CDS_DEFINITION
ESS_MIN_SPECIALTY_DOCTORS = 10  # src.CVL_ESS_TERRITORY
ESS_MIN_SHARE_PERCENT = 10  # src.CVL_ESS_MEMBERS
CPTS_SUGGESTED_POPULATION = 20_000  # src.DOCTOLIB_CPTS_POPULATION
CPTS_PACA_POPULATION = 40_000  # src.PACA_CPTS_POPULATION

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
    """One structure's verdict; `str(message)` or `messages.render` gives each text in French."""

    structure: str
    verdict: Verdict
    reasons: tuple[Message, ...]
    missing: tuple[Message, ...]
    notes: tuple[Message, ...]
    sources: tuple[RuleSource, ...]


@dataclass(frozen=True)
class Check:
    """One condition: met is True, False or None (undecided)."""

    met: bool | None
    reason: Message | None = None
    missing: Message | None = None
    sources: tuple[RuleSource, ...] = ()


@dataclass(frozen=True)
class Note:
    text: Message
    sources: tuple[RuleSource, ...] = ()


def verdict_of(checks: Iterable[Check]) -> Verdict:
    states = [check.met for check in checks]
    if False in states:
        return Verdict.NOT_ACCESSIBLE
    if None in states:
        return Verdict.TO_CHECK
    return Verdict.ACCESSIBLE


def build(structure: str, checks: list[Check], notes: list[Note]) -> Assessment:
    verdict = verdict_of(checks)
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


def to_specify(what: Message, sources: tuple[RuleSource, ...]) -> Check:
    """An undecided condition whose value is still unknown: "<what> (à préciser)"."""
    return Check(None, missing=say("to_specify", what=what), sources=sources)


def both(first: Message, second: Message | None) -> Message:
    """ "<first> et <second>", or `first` alone."""
    return first if second is None else say("and", first=first, second=second)


def gps(value: int) -> Message:
    return say("count.gps", n=value)


def paramedicals(value: int) -> Message:
    return say("count.paramedicals", n=value)


def others(value: int) -> Message:
    return say("count.others", n=value)


def specialists(value: int) -> Message:
    return say("count.specialists", n=value)


def percent(part: int, whole: int) -> str:
    """Share rounded DOWN to one decimal, so that 9.97 % never reads as the 10 % it misses."""
    tenths = part * 1000 // whole
    units, decimal = divmod(tenths, 10)
    return f"{format_number(units)}\u00a0%" if decimal == 0 else f"{format_number(units)},{decimal}\u00a0%"
