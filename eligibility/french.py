"""Low-level reading of French answers: normalisation, tokens and numbers.

Everything is compared without accents and in lower case, so that "Généralistes", "generalistes"
and "GENERALISTES" read the same. Numbers are read from digits ("3", "20 000", "152 581", "1,2",
"20k") and from words ("vingt et un", "trente-deux", "quatre-vingt-dix", "quarante mille",
"deux millions"), and kept as exact fractions so that "2,5" can be told apart from an integer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from text_to_num import text2num

from textnorm import fold, singular

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
    """Lower case, no accents, plain apostrophes and spaces (textnorm.fold), inclusive endings removed."""
    return re.sub(r"\s+", " ", _INCLUSIVE.sub("", fold(text))).strip()


def stem(word: str) -> str:
    """textnorm.singular, plus the plural of four-letter profession words ("ides", "orls", "kins").

    textnorm leaves four-letter words alone so that acronyms keep their last letter; the
    profession lexicon has no four-letter word ending in "s", so stripping it here is safe.
    """
    if len(word) == 4 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return singular(word)


def stems(*words: str) -> frozenset[str]:
    """Marker words as `Token.stem` spells them ("sans" -> "san"), so comparisons never miss."""
    return frozenset(stem(word) for word in words)


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


_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _digits(text: str) -> Fraction:
    # Integers first, without Fraction's string parser: a reply full of numbers stays fast.
    if text.isdigit():
        return Fraction(int(text))
    if _DOT_GROUPED.fullmatch(text):
        return Fraction(int(text.replace(".", "")))
    whole, _, decimals = text.replace(" ", "").replace(",", ".").partition(".")
    return Fraction(int(whole + decimals), 10 ** len(decimals))


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


# A French number is at most this many words ("quatre vingt dix sept mille trois cent vingt et un"
# is 11): the reader tries a bounded number of prefixes, so reading stays linear in the text.
_MAX_NUMBER_WORDS = 12


def _word_number(tokens: list[Token], index: int) -> tuple[int, int] | None:
    """(value, end) of the longest French number in words starting at tokens[index].

    text2num decides what is one number: "quatre vingt dix sept" is 97, "deux trois" is two
    numbers (the longest valid prefix, "deux", is read first), "trois et quatre" too.
    """
    words: list[str] = []
    end = index
    while end < len(tokens) and len(words) < _MAX_NUMBER_WORDS:
        current = tokens[end]
        if current.kind != "word" or (current.text not in NUMBER_WORDS and current.text != "et"):
            break
        words.append(current.text)
        end += 1
    if words and words[0] == "zero":
        return 0, index + 1
    for size in range(len(words), 0, -1):
        if words[size - 1] == "et" or words[0] == "et":
            continue
        try:
            value = text2num(" ".join(words[:size]), "fr")
        except ValueError:
            continue
        return value, index + size
    return None


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
            read = _word_number(tokens, index)
            if read is not None:
                value, end = read
                span = NumberSpan(Fraction(value), index, end, from_words=True)
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
        and len(tokens[span.start].text) == 4
        and tokens[span.start].text.isdigit()
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
