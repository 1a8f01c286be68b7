"""Birth dates: after a birth keyword, or full dates whose year is old enough."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Numeric dates; `numbers` reads a run shaped like one as a date, never as an identifier.
DATE_SHAPE = re.compile(
    r"(?<![\d/.\-])(?<!\d[ .\-/])(?P<d>\d{1,2})(?P<s>\s{0,2}[/.\-]\s{0,2}|\s{1,2})(?P<m>\d{1,2})"
    r"(?P=s)(?P<y>\d{4}|\d{2})(?![ .\-/]{0,3}\d)"
)
ISO_DATE_SHAPE = re.compile(r"(?<![\d/.\-])(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")


# Longest first: "janvier" before "jan", "cinquante" before "cinq".
def _longest_first(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_MONTHS = _longest_first(
    "janvier janv jan fevrier février fevr févr fev fév mars avril avr mai juin juillet juil"
    " aout août septembre sept sep octobre oct novembre nov decembre décembre dec déc"
)
_NUMBER_WORDS = _longest_first(
    "premier un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze"
    " quinze seize vingt vingts trente quarante cinquante soixante cent cents mille et"
)
_DATE_TOKEN = re.compile(
    r"\d{1,8}(?:er)?|(?:" + _MONTHS + r")\.?|(?:" + _NUMBER_WORDS + r")(?:-(?:" + _NUMBER_WORDS + r"))*",
    re.IGNORECASE,
)
_BIRTH_KEYWORD_RE = re.compile(
    r"(?<!\w)(?=[ndaNDA])(?:n[ée]e?s?|n[ée]\s?\(e\)|naissance|naiss\.?|ddn|d\.\s?n\.|dob|anniversaire)(?!\w)",
    re.IGNORECASE,
)
_BIRTH_FILLER = re.compile(
    r"(?:\s|:|,|\(e\)|est\b|le\b|en\b|du\b|au\b|:)*", re.IGNORECASE
)
_DATE_GAP = re.compile(r"[ /.\-]{1,3}")
_TEXT_DATE_RE = re.compile(
    r"(?<!\w)(?P<d>\d{1,2}(?:er)?)\s{1,2}(?P<m>" + _MONTHS + r")\.?\s{1,2}(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_LEGAL_BEFORE = re.compile(
    r"(?:loi|d[ée]cret|arr[êe]t[ée]|ordonnance|circulaire|instruction|article|code|convention"
    r"|avenant|accord|d[ée]lib[ée]ration|jo|version)\b[^\n]{0,25}$",
    re.IGNORECASE,
)
# Without a birth keyword, a full date is taken for a birth date when its year is at least
# this many years old: appointments, meetings and legal texts of the documents are recent.
OLD_YEAR = 2008


def birth_spans(text: str) -> Iterable[tuple[int, int]]:
    """Date-like words after a birth keyword ("née le 12 mars 1985", "ddn 12/03/85")."""
    for keyword in _BIRTH_KEYWORD_RE.finditer(text):
        position = _BIRTH_FILLER.match(text, keyword.end()).end()
        first = last = None
        tokens = numbers = 0
        while tokens < 8:
            token = _DATE_TOKEN.match(text, position)
            if token is None or (token.end() < len(text) and text[token.end()].isalpha()):
                break
            if first is None:
                first = token.start()
            last = token.end()
            tokens += 1
            value = token.group(0).removesuffix("er")
            if value.isdigit():
                numbers += 1
                # A date has at most three numbers and ends with its year: what follows
                # ("née le 12/03/1985 06 12 34 56 78") is something else.
                iso = numbers == 1 and len(value) == 4 and text[last : last + 1] in ("-", "/")
                if numbers == 3 or (len(value) >= 4 and not iso):
                    break
            gap = _DATE_GAP.match(text, last)
            if gap is None:
                break
            position = gap.end()
        if first is None or last is None:
            continue
        found = text[first:last]
        # A year alone ("une MSP née en 2009", "née en 1985") is kept: it names no one, and
        # documents date structures that way.
        if tokens == 1 and found.isdigit() and len(found) == 4:
            continue
        if tokens >= 2 or any(char.isdigit() for char in found):
            yield first, last


def _year(value: str) -> int:
    number = int(value)
    if len(value) == 2:
        return 1900 + number if number > 25 else 2000 + number
    return number


def _old_date(text: str, start: int, year: str) -> bool:
    return _year(year) <= OLD_YEAR and not _LEGAL_BEFORE.search(text[max(0, start - 40) : start])


_MONTH_WORD_RE = re.compile(r"(?<!\w)(?=[jfmasondJFMASOND])(?:" + _MONTHS + r")(?!\w)", re.IGNORECASE)


def date_spans(text: str) -> Iterable[tuple[int, int]]:
    """Full dates with an old year, without keyword: "Mme Petit, 19/01/1959"."""
    for match in DATE_SHAPE.finditer(text):
        if (
            1 <= int(match.group("d")) <= 31
            and 1 <= int(match.group("m")) <= 12
            and _old_date(text, match.start(), match.group("y"))
        ):
            yield match.start(), match.end()
    for match in ISO_DATE_SHAPE.finditer(text):
        if _old_date(text, match.start(), match.group("y")):
            yield match.start(), match.end()
    if _MONTH_WORD_RE.search(text) is None:
        return
    for match in _TEXT_DATE_RE.finditer(text):
        if _old_date(text, match.start(), match.group("y")):
            yield match.start(), match.end()
