"""Low-level reading of French answers: normalisation, tokens and numbers.

Everything is compared without accents and in lower case, so that "Généralistes", "generalistes"
and "GENERALISTES" read the same. Numbers are read from digits ("3", "20 000", "152 581", "1,2",
"20k") and from words ("vingt et un", "trente-deux", "quatre-vingt-dix", "quarante mille",
"deux millions"), and kept as exact fractions so that "2,5" can be told apart from an integer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

_APOSTROPHES = "’‘`´ʼ"
_SPACES = "\u00a0\u202f\u2009\u2007"
_INCLUSIVE = re.compile(r"\((?:e|es|s|ne|nes|le|les)\)|[·•](?:e|ne|le)(?:[·•]?s)?|\.e\.s\b")

_TOKEN = re.compile(
    r"""
    (?P<num>\d{1,3}(?:\ \d{3})+(?:,\d+)?(?!\d|,\d)   # 20 000, 152 581, 1 200,5
          |\d{1,3}(?:\.\d{3})+(?!\d|[.,]\d)             # 20.000
          |\d+(?:[.,]\d+)?)                         # 12, 2,5, 2.5
    |(?P<word>[a-z]+)
    |(?P<sym>\S)
    """,
    re.VERBOSE,
)

UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
TEENS = {
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
HUNDRED = {"cent", "cents"}
THOUSAND = {"mille", "mil"}
MILLION = {"million", "millions"}
NUMBER_WORDS = frozenset({*UNITS, *TEENS, *TENS, *HUNDRED, *THOUSAND, *MILLION})
MONTHS = frozenset(
    {
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    }
)
# Words after which a four-digit number is a year ("en 2019", "depuis 2015").
YEAR_MARKERS = frozenset({"en", "depuis", "annee", "an", "ete", "hiver", "printemps", "automne"}) | MONTHS


def normalize(text: str) -> str:
    """Lower case, no accents, plain apostrophes and spaces, inclusive endings removed."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    for char in _APOSTROPHES:
        text = text.replace(char, "'")
    for char in _SPACES:
        text = text.replace(char, " ")
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    text = _INCLUSIVE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def stem(word: str) -> str:
    """A crude singular: enough to match "kines", "infirmieres", "medicaux" with their lexicon form."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "word" or "sym"
    text: str
    start: int
    end: int

    @property
    def stem(self) -> str:
        return stem(self.text) if self.kind == "word" else self.text


def tokenize(normalized: str) -> list[Token]:
    """Tokens of normalised text, without apostrophes and word-joining hyphens.

    A hyphen is kept only as a minus sign (before a digit, not between two numbers), so that
    "sages-femmes", "trente-deux" and "d'habitants" read as separate words.
    """
    raw = [
        Token(match.lastgroup or "sym", match.group(), match.start(), match.end())
        for match in _TOKEN.finditer(normalized)
    ]
    tokens = []
    for index, token in enumerate(raw):
        if token.kind == "sym" and token.text == "'":
            continue
        if token.kind == "sym" and token.text in "-−–":
            following = raw[index + 1] if index + 1 < len(raw) else None
            previous = raw[index - 1] if index > 0 else None
            is_minus = (
                following is not None
                and following.kind == "num"
                and following.start == token.end
                and not (previous is not None and previous.kind == "num")
            )
            if not is_minus:
                continue
            token = Token("sym", "-", token.start, token.end)
        tokens.append(token)
    return tokens


@dataclass(frozen=True)
class NumberSpan:
    """A number read from tokens[start:end]."""

    value: Fraction
    start: int
    end: int
    negative: bool = False
    from_words: bool = False
    is_date: bool = False
    is_percent: bool = False


def _digits(text: str) -> Fraction:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return Fraction(int(text.replace(".", "")))
    text = text.replace(" ", "").replace(",", ".")
    return Fraction(text)


def _multiplier(tokens: list[Token], index: int, number: Token) -> tuple[int, int]:
    """(factor, tokens consumed) for "20k", "20 000", "1,2 million", "quarante mille"."""
    if index >= len(tokens) or tokens[index].kind != "word":
        return 1, 0
    word = tokens[index].text
    if word == "k" or (word == "m" and tokens[index].start == number.end):
        return (1000 if word == "k" else 1_000_000), 1
    if word in THOUSAND:
        return 1000, 1
    if word in MILLION:
        return 1_000_000, 1
    return 1, 0


class _WordNumber:
    """Accumulates French number words and refuses sequences that are not one number.

    "deux trois" or "trois et quatre" are two numbers; "quatre vingt dix sept" is one (97).
    """

    def __init__(self) -> None:
        self.total = 0
        self.group = 0
        self.last: str | None = None  # kind of the previous word
        self.last_word: str | None = None
        self.words = 0

    def value(self) -> int:
        return self.total + self.group

    def accepts_and(self, following: str | None) -> bool:
        """ "vingt et un", "soixante et onze": the only places where "et" joins a number."""
        return (
            self.last == "ten"
            and self.group % 100 not in (80,)
            and (following in ("un", "une") or (following == "onze" and self.group % 100 == 60))
        )

    def add(self, word: str) -> bool:
        last = self.last
        small = self.group % 100
        if word in UNITS:
            value = UNITS[word]
            if word == "zero":
                ok = last is None
            else:
                ok = (
                    last in (None, "hundred", "thousand", "million")
                    or (last == "ten" and small % 10 == 0)
                    or (last == "teen" and self.last_word == "dix" and value >= 7)
                )
            if ok:
                self.group += value
        elif word in TEENS:
            ok = last in (None, "hundred", "thousand", "million") or (last == "ten" and small in (60, 80))
            if ok:
                self.group += TEENS[word]
        elif word in TENS:
            if word.startswith("vingt") and last == "unit" and self.last_word == "quatre" and small == 4:
                ok = True
                self.group += 76  # "quatre vingt": the 4 becomes 80
            else:
                ok = last in (None, "hundred", "thousand", "million")
                if ok:
                    self.group += TENS[word]
        elif word in HUNDRED:
            ok = last in (None, "thousand", "million") or (last == "unit" and 2 <= self.group % 1000 <= 9)
            if ok:
                self.group = self.group - self.group % 1000 + (self.group % 1000 or 1) * 100
        elif word in THOUSAND:
            ok = last != "thousand" and last != "million" and self.total % 1_000_000 == 0
            if ok:
                self.total += (self.group or 1) * 1000
                self.group = 0
        elif word in MILLION:
            ok = last not in ("thousand", "million") and self.total == 0
            if ok:
                self.total = (self.group or 1) * 1_000_000
                self.group = 0
        else:
            ok = False
        if ok:
            self.last = _kind(word)
            self.last_word = word
            self.words += 1
        return ok


def _kind(word: str) -> str:
    if word in UNITS:
        return "unit"
    if word in TEENS:
        return "teen"
    if word in TENS:
        return "ten"
    if word in HUNDRED:
        return "hundred"
    if word in THOUSAND:
        return "thousand"
    return "million"


def read_numbers(tokens: list[Token]) -> list[NumberSpan]:
    """Every number in the tokens, in order, with what kind of number it is."""
    spans: list[NumberSpan] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "num":
            value = _digits(token.text)
            factor, used = _multiplier(tokens, index + 1, token)
            end = index + 1 + used
            negative = index > 0 and tokens[index - 1].text == "-"
            spans.append(_finish(tokens, NumberSpan(value * factor, index, end, negative=negative)))
            index = end
            continue
        if token.kind == "word" and token.text in NUMBER_WORDS:
            reader = _WordNumber()
            end = index
            while end < len(tokens):
                current = tokens[end]
                if current.kind != "word":
                    break
                if current.text == "et":
                    following = tokens[end + 1].text if end + 1 < len(tokens) else None
                    if reader.accepts_and(following):
                        end += 1
                        continue
                    break
                if current.text not in NUMBER_WORDS or not reader.add(current.text):
                    break
                end += 1
            if reader.words:
                span = NumberSpan(Fraction(reader.value()), index, end, from_words=True)
                spans.append(_finish(tokens, span))
                index = end
                continue
        index += 1
    return spans


def _finish(tokens: list[Token], span: NumberSpan) -> NumberSpan:
    """Mark dates ("en 2019", "12 décembre 2024") and percentages ("10 %")."""
    before = tokens[span.start - 1].text if span.start > 0 else None
    after = tokens[span.end].text if span.end < len(tokens) else None
    after_next = tokens[span.end + 1].text if span.end + 1 < len(tokens) else None
    value = span.value
    four_digits = (
        not span.from_words
        and span.end == span.start + 1
        and re.fullmatch(r"\d{4}", tokens[span.start].text) is not None
    )
    is_year = four_digits and 1900 <= value <= 2100 and (before in YEAR_MARKERS or after in MONTHS)
    is_day = after in MONTHS
    is_percent = after == "%" or (after == "pour" and after_next == "cent") or after == "pourcent"
    if not (is_year or is_day or is_percent):
        return span
    return NumberSpan(
        span.value,
        span.start,
        span.end,
        negative=span.negative,
        from_words=span.from_words,
        is_date=is_year or is_day,
        is_percent=is_percent,
    )
