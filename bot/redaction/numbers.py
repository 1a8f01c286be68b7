"""Runs of digits cut into identifiers, and numbers named by a keyword (RPPS, ADELI, IBAN, Corsican NIR)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.redaction.checksums import iban_valid, luhn_valid, nir_key_valid
from bot.redaction.dates import DATE_SHAPE, ISO_DATE_SHAPE
from bot.redaction.kinds import CARD, IBAN, NIR, NUMBER, PHONE, RPPS, Redaction

# A digit, then (separator? digit)*: separators and digits never overlap, so a run has one
# reading only. "(0)" is the trunk prefix of "+33 (0)6 …".
_SEP = r"(?:[ .\-/]{1,3}|[ ]?\(0\)[ ]?)"
RUN_RE = re.compile(r"(?<![\w+@])(?:\+[ ]?)?\d(?:" + _SEP + r"?\d)*(?![\w@])")
_GROUP_RE = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")
# The first digit a NIR can have (docs/privacy.md: 1, 2, 3, 4, 7 or 8).
_NIR_FIRST = "1234 78"


def _thousands(groups: list[str]) -> bool:
    """"175 000", "1 500 000": an amount or a population, written the French way."""
    return len(groups) >= 2 and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _not_an_identifier(run: str, groups: list[str]) -> bool:
    """Runs of digits that are ordinary figures: amounts, ranges of them, lists of years."""
    if _thousands(groups) and not run.startswith("0"):
        return True
    if DATE_SHAPE.fullmatch(run) or ISO_DATE_SHAPE.fullmatch(run):
        # Dates are judged by the date rules (birth keyword, old year), not as numbers.
        return True
    if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return True
    # "40 000 - 175 000", "20 000/50 000": each side of a dash or slash is an amount or a year.
    parts = re.split(r" ?[-/] ?", run) if ("-" in run or "/" in run) else [run]
    if len(parts) == 2:
        sides = [_GROUP_RE.findall(part) for part in parts]
        return all(_thousands(side) or (len(side) == 1 and _YEAR.fullmatch(side[0])) for side in sides)
    return False


def _number_kind(digits: str, international: bool) -> str:
    if international:
        return PHONE
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return PHONE
    if len(digits) == 15 and nir_key_valid(digits):
        return NIR
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return CARD
    if len(digits) in (13, 15) and digits[0] in _NIR_FIRST:
        return NIR
    if len(digits) == 11 and digits.startswith("10") and luhn_valid(digits):
        return RPPS
    if len(digits) == 23:
        return IBAN
    return NUMBER


def split_run(start: int, run: str) -> list[Redaction]:
    """Identifiers inside one run of digits (absolute offsets).

    Phone numbers are cut off the front as long as the run goes on ("06 12 34 56 78 2 fois",
    "06 12 34 56 78 06 98 76 54 32"); what remains is one identifier. Each digit is looked at
    a bounded number of times, however long the run.
    """
    if len(run) < 8:
        return []
    # The "(0)" of "+33 (0)6" is no digit of the number.
    groups = [(m.start(), m.end(), m.group(0)) for m in _GROUP_RE.finditer(run.replace("(0)", "   "))]
    texts = [g[2] for g in groups]
    digits = "".join(texts)
    if len(digits) < 8 or _not_an_identifier(run, texts):
        return []
    found: list[Redaction] = []
    index = consumed = 0
    while index < len(groups):
        rest = digits[consumed:]
        if len(rest) < 8:
            break
        cut = None
        kind = PHONE
        if index == 0 and (run.startswith("+") or (rest.startswith("00") and rest[2:3] not in ("", "0"))):
            # "+33 6 12 34 56 78 9h": a French number is +33 and nine digits; other countries vary.
            body = rest[2:] if rest.startswith("00") else rest
            if body.startswith("33") and len(body) > 11:
                cut = len(rest) - len(body) + 11
        elif len(rest) > 10 and rest[0] == "0" and rest[1] != "0" and not _nir_like(rest):
            cut = 10
        else:
            kind = _number_kind(rest, False)
        last = _group_reaching(groups, index, cut) if cut is not None else None
        begin = start if index == 0 else start + groups[index][0]  # the "+" belongs to the number
        if last is None:
            found.append(Redaction(begin, start + groups[-1][1], kind))
            break
        found.append(Redaction(begin, start + groups[last][1], PHONE))
        consumed += cut or 0
        index = last + 1
    return found


def _nir_like(digits: str) -> bool:
    return len(digits) in (13, 15) and digits[0] in _NIR_FIRST


def _group_reaching(groups: list[tuple[int, int, str]], first: int, count: int) -> int | None:
    """Index of the group, from `first` on, that ends on the `count`-th digit, if one does."""
    seen = 0
    for index in range(first, len(groups)):
        seen += len(groups[index][2])
        if seen == count:
            return index
        if seen > count:
            return None
    return None


# Between a keyword and its number: punctuation or one of a few words, at most 12 pieces.
# Every alternative starts on a different kind of character (a letter for the words, a
# non-word character for the rest), so a run of ":" or "?" has one reading only.
_KEYWORD_GAP = r"(?:\W|n°|no\b|num[ée]ro\b|est\b|c'est\b|le\b|de\b){0,12}"
_DSEP = r"[ .\-/]?"
RPPS_KEYWORD_RE = re.compile(
    r"\bRPPS\b" + _KEYWORD_GAP + r"(?P<id>\d(?:" + _DSEP + r"\d){10})(?!\d)", re.IGNORECASE
)
ADELI_KEYWORD_RE = re.compile(
    r"\bADELI\b" + _KEYWORD_GAP + r"(?P<id>(?:\d|2[AaBb])(?:" + _DSEP + r"\d){7,8})(?!\d)",
    re.IGNORECASE,
)
_IBAN_RE = re.compile(r"\b[A-Za-z]{2} ?\d{2}[ .\-]{0,2}\d(?:[ .\-]{0,2}[A-Za-z0-9]){9,31}")
_IBAN_COUNTRIES = frozenset(["FR", "BE", "DE", "ES", "IT", "LU", "CH", "MC", "GB", "NL", "PT", "AT", "IE"])
CORSICA_NIR_RE = re.compile(
    r"(?<![\w+])[12][ .\-]?\d{2}[ .\-]?\d{2}[ .\-]?2[AaBb][ .\-]?\d{3}[ .\-]?\d{3}(?:[ .\-]?\d{2})?(?![\w@])"
)


def iban_spans(text: str) -> Iterable[tuple[int, int]]:
    """IBANs: a country code, two check digits, then groups up to the first group without digit."""
    position = 0
    while True:
        match = _IBAN_RE.search(text, position)
        if match is None:
            return
        candidate = match.group(0)
        pieces = list(re.finditer(r"[A-Za-z0-9]+", candidate))
        end = pieces[0].end()
        body = ""
        for piece in pieces[1:] if len(pieces) > 1 else []:
            if not any(char.isdigit() for char in piece.group(0)):
                break
            end = piece.end()
        compact = re.sub(r"[^A-Za-z0-9]", "", candidate[:end]).upper()
        body = compact[4:]
        country = compact[:2]
        accepted = len(compact) >= 14 and (
            iban_valid(compact)
            or (country in _IBAN_COUNTRIES and sum(char.isdigit() for char in body) >= 10)
        )
        if accepted:
            yield match.start(), match.start() + end
            position = match.start() + end
        else:
            # Rejected: look again from the next word, an IBAN may start inside the match.
            position = match.start() + 2
