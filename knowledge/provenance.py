"""Traceability of facts: quote matching against the source documents and the number check.

The source documents are PDF extractions: Markdown emphasis, HTML tags, table tabs, bullets
and words split across lines. Quotes in the data files are compared with the documents after
the same normalisation is applied to both sides, so a curator can copy a sentence as it reads
and still be held to the exact words.

A quote may join several verbatim pieces with ``[…]`` (bracketed ellipsis character) when a
fact rests on two places of a table or list; every piece must appear in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SEGMENT_SEPARATOR = "[…]"
MIN_SEGMENT_LENGTH = 3
MAX_QUOTE_LENGTH = 900

_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_HEADING = re.compile(r"^[ \t]*#+[ \t]*", re.MULTILINE)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+–][ \t]+)+", re.MULTILINE)
_BULLETS = re.compile("[•●✓₋▪◦\U0001f4cd]")
# A hyphen between two letters, with or without a line break after it: "Assu-\n• rance" and
# "pluri-professionnelle" both lose it, so a word split by the PDF matches its whole form.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-\s*(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")
_TYPOGRAPHY = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "…": "...",
    }
)
# Digit groups of French numbers ("7 500", "152 581") are one number; "7500" is the same one.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+")


def normalise(text: str) -> str:
    """The comparable form of a document or of a quote (see the module docstring)."""
    text = text.replace("\r", "")
    text = _AUTOLINK.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = text.replace("*", "")
    text = _HEADING.sub("", text)
    text = _BULLETS.sub(" ", text)
    text = _LIST_MARKER.sub("", text)
    text = text.translate(_TYPOGRAPHY)
    text = _WORD_HYPHEN.sub("", text)
    return _SPACES.sub(" ", text).strip()


def quote_segments(quote: str) -> list[str]:
    """The verbatim pieces of a quote, normalised, in order."""
    return [normalise(piece) for piece in quote.split(SEGMENT_SEPARATOR)]


def quote_problems(quote: str, document: str) -> list[str]:
    """Why `quote` is not a faithful extract of `document` (empty list when it is).

    `document` must already be normalised (normalise once, check many quotes).
    """
    problems = []
    if len(quote) > MAX_QUOTE_LENGTH:
        problems.append(f"citation trop longue ({len(quote)} caractères, maximum {MAX_QUOTE_LENGTH})")
    for piece in quote_segments(quote):
        if len(piece) < MIN_SEGMENT_LENGTH:
            problems.append(f"morceau de citation trop court : « {piece} »")
        elif piece not in document:
            problems.append(f"citation introuvable dans le document : « {piece} »")
    return problems


def numbers(text: str) -> set[str]:
    """Every number written in digits in `text`, digit groups joined ("7 500" -> "7500")."""
    return {re.sub(r"\D", "", match) for match in _NUMBER.findall(text)}


def missing_numbers(values: Iterable[str | int | None], quote: str) -> list[str]:
    """Numbers of `values` (texts or amounts) that the quote does not contain, sorted."""
    available = numbers(" ".join(quote_segments(quote)))
    wanted: set[str] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, int):
            wanted.add(str(value))
        else:
            wanted |= numbers(normalise(value))
    return sorted(wanted - available, key=lambda item: (len(item), item))
