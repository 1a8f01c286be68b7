"""French text normalisation shared by `knowledge/` (names, search) and `eligibility/` (parsing),
and the French way of writing numbers that every package shows to people.

Pure functions over strings, no dependency: both packages compare what people type ("equipe",
"Côte-d'Or", "l’ARS", "kinés") with their own vocabulary, and must fold it the same way.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_WORD = re.compile(r"[a-z0-9]+")
# French typography groups thousands with a narrow no-break space, so "20 000" never wraps.
THOUSANDS_SEPARATOR = "\u202f"


def fold(text: str) -> str:
    """Lower case, no accents or ligatures, plain apostrophes, single spaces.

    "L’Équipe  de SOINS" -> "l'equipe de soins". Punctuation is kept: callers that want words
    use :func:`words`.
    """
    text = text.translate(_LIGATURES).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    """The folded alphanumeric words of `text` ("Côte-d'Or" -> ["cote", "d", "or"])."""
    return _WORD.findall(fold(text))


def singular(word: str) -> str:
    """A crude French singular of a folded word: "kines" -> "kine", "medicaux" -> "medical".

    Short words and numbers are left alone, so acronyms ("ess", "cds") keep their last letter.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


def format_number(value: float) -> str:
    """A number as French text: 20000 -> "20 000" (narrow no-break space), 2.5 -> "2,50".

    Whole values, integers or floats, get thousands groups; others two decimals after a comma.
    """
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", THOUSANDS_SEPARATOR)
    return f"{value:.2f}".replace(".", ",")
