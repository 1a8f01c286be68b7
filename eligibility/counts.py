"""One number from a French answer ("3", "trois", "20 000 habitants", "1,2 million", "aucun").

`parse_count` returns the number or raises `CountError`, whose `reason` says why the answer is
not usable. The reason is a code, not a sentence: the re-prompt the user reads is the response
`utter_invalid_count_<reason>` of domain.yml (the eligibility form utters it).
"""

from __future__ import annotations

import re

from eligibility.french import normalize, read_numbers, tokenize

__all__ = ["COUNT_REASONS", "MAX_READ", "CountError", "is_unknown", "parse_count", "read"]

# A reply is read from its first MAX_READ characters. No answer to a form question is longer
# (an opening message with every detail is about 200), and the bound keeps any reply under a few
# milliseconds: the parsing is linear, but its constant is that of pure Python.
MAX_READ = 400

# Why an answer is not a usable count, each with its re-prompt utter_invalid_count_<reason>.
NO_NUMBER = "no_number"  # nothing that reads as a number
UNKNOWN = "unknown"  # "je ne sais pas": an estimate is enough
VAGUE = "vague"  # "une douzaine", "plusieurs"
BOUND = "bound"  # "plus de 10", "entre 3 et 5"
SEVERAL = "several"  # "3 ou 4"
PERCENT = "percent"  # "10 %"
NEGATIVE = "negative"
NOT_INTEGER = "not_integer"  # "2,5"
TOO_LARGE = "too_large"  # above the question's maximum (CountError.maximum)
COUNT_REASONS = (NO_NUMBER, UNKNOWN, VAGUE, BOUND, SEVERAL, PERCENT, NEGATIVE, NOT_INTEGER, TOO_LARGE)

# The coarse category of each reason (CountError.code).
_CODE_BY_REASON = {
    NEGATIVE: "negative",
    NOT_INTEGER: "not_integer",
    TOO_LARGE: "too_large",
}


def read(text: str) -> str:
    """The normalised start of a reply, as every parser here reads it."""
    return normalize(text[:MAX_READ])


class CountError(ValueError):
    """An answer that is not a usable count.

    `reason` is one of COUNT_REASONS (the response to utter is `utter_invalid_count_<reason>`);
    `code` groups them: "not_a_number", "negative", "too_large" or "not_integer"; `maximum` is
    the largest count the question accepts, for "too_large".
    """

    CODES = ("not_a_number", "negative", "too_large", "not_integer")

    def __init__(self, reason: str, maximum: int | None = None) -> None:
        if reason not in COUNT_REASONS:
            raise ValueError(f"unknown CountError reason {reason!r}")
        super().__init__(reason if maximum is None else f"{reason} (maximum {maximum})")
        self.reason = reason
        self.code = _CODE_BY_REASON.get(reason, "not_a_number")
        self.maximum = maximum


# Patterns on normalised text (lower case, no accents).
UNKNOWN_RE = re.compile(
    r"\b(?:sai[st]? pas|sai[st] plus|ne sai[st]|aucune idee|ignore|inconnue?s?|nsp|pas sure?s?|"
    r"pas certaine?s?|je verrai|on verra|a voir)\b|^\?+$"
)
_VAGUE_RE = re.compile(
    r"\b(?:douzaine|dizaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|soixantaine|"
    r"centaine|millier|milliers|plusieurs|quelques?|beaucoup|nombreu(?:x|ses?)|pas mal|certaine?s|"
    r"un peu|divers(?:es)?|tout plein|pleins?)\b"
)
_BOUND_RE = re.compile(
    r"\b(?:plus de|moins de|au moins|au plus|au minimum|au maximum|minimum|maximum|jusqu'?a|presque|"
    r"pres de|superieure? a|inferieure? a|entre)\b|[<>≤≥]"
)
_NONE_ONE_RE = re.compile(r"\bpas (?:un|une)\b|\bpas un seul\b|\bpas une seule\b")
_ZERO_RE = re.compile(r"\b(?:aucun|aucune|zero|personne|nul|nulle|rien|non|nan|pas de|pas d|ni|nada)\b")


def parse_count(text: str, *, maximum: int) -> int:
    """The one whole number a French answer gives, between 0 and `maximum`.

    Raises CountError with one of COUNT_REASONS.
    """
    normalized = read(text)
    if not normalized:
        raise CountError(NO_NUMBER)
    if UNKNOWN_RE.search(normalized):
        raise CountError(UNKNOWN)
    if _VAGUE_RE.search(normalized):
        raise CountError(VAGUE)
    if _BOUND_RE.search(normalized):
        raise CountError(BOUND)
    spans = [span for span in read_numbers(tokenize(normalized)) if not span.is_date]
    if any(span.is_percent for span in spans):
        raise CountError(PERCENT)
    if _NONE_ONE_RE.search(normalized):
        return 0
    if not spans:
        if _ZERO_RE.search(normalized):
            return 0
        raise CountError(NO_NUMBER)
    if len({(span.value, span.negative) for span in spans}) > 1:
        raise CountError(SEVERAL)
    span = spans[0]
    if span.negative and span.value != 0:
        raise CountError(NEGATIVE)
    if span.value.denominator != 1:
        raise CountError(NOT_INTEGER)
    value = int(span.value)
    if value > maximum:
        raise CountError(TOO_LARGE, maximum)
    return value


def is_unknown(text: str) -> bool:
    """ "je ne sais pas", "aucune idée", "nsp"."""
    return bool(UNKNOWN_RE.search(read(text)))
