"""Postal addresses: a house number before a street type, a lieu-dit, a post-office box."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.redaction.person_names import CAP, PARTICLES, fold_word

_STREET_TYPES = (
    r"rue|r\.|avenue|av\.?|bd|boulevard|blvd|impasse|imp\.|all[ée]e|place|pl\.|route|rte|chemin"
    r"|ch\.|quai|cours|square|passage|faubourg|fbg|r[ée]sidence|lotissement|hameau|voie|sentier"
    r"|esplanade|parvis|cit[ée]|villa|domaine|chauss[ée]e|mont[ée]e|rond-point|promenade"
)
# The street word is searched first (rare), then the house number just before it.
_STREET_RE = re.compile(
    r"(?<![\w.])(?=[rabipcqsfldvehmRABIPCQSFLDVEHM])(?:" + _STREET_TYPES + r")(?!\w)[ \t]{1,2}",
    re.IGNORECASE,
)
_HOUSE_NUMBER_RE = re.compile(
    r"(?<![\w,.])\d{1,4}(?:\s?(?:bis|ter|quater|b)\b)?,?\s{1,2}$", re.IGNORECASE
)
_LIEU_DIT_RE = re.compile(r"\blieu[- ]dit\s{1,2}", re.IGNORECASE)
_POSTBOX_RE = re.compile(r"\b(?:BP|CS)\s?\d{1,5}\b")
_STREET_WORD = re.compile(r"[^\W\d_][\w'\-]*")


def _street_name(text: str, position: int) -> int | None:
    """End of a street name: capitalised words and particles ("du Général de Gaulle")."""
    end = None
    for _ in range(6):
        word = _STREET_WORD.match(text, position)
        if word is None:
            break
        token = word.group(0)
        folded = fold_word(token)
        if token[:1].isupper() or re.match(r"[ldLD]'" + CAP, token):
            end = word.end()
        elif folded.rstrip("'") not in PARTICLES and folded not in ("les", "l'"):
            break
        gap = re.match(r"[ \t]{1,2}", text[word.end() :])
        if gap is None:
            break
        position = word.end() + gap.end()
    return end


def address_spans(text: str) -> Iterable[tuple[int, int]]:
    for match in _STREET_RE.finditer(text):
        number = _HOUSE_NUMBER_RE.search(text, max(0, match.start() - 16), match.start())
        if number is None:
            continue
        end = _street_name(text, match.end())
        if end is not None:
            yield number.start(), end
    for match in _LIEU_DIT_RE.finditer(text):
        end = _street_name(text, match.end())
        if end is not None:
            yield match.end(), end
    for match in _POSTBOX_RE.finditer(text):
        yield match.start(), match.end()
