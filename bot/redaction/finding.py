"""All the detectors together: the spans of a text to hide, and the text with them hidden."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from bot.redaction.addresses import address_spans
from bot.redaction.dates import birth_spans, date_spans
from bot.redaction.emails import email_spans
from bot.redaction.folding import fold_separators, identity
from bot.redaction.kinds import (
    ADDRESS,
    ADELI,
    BIRTH_DATE,
    EMAIL,
    IBAN,
    MAX_TEXT,
    NAME,
    NIR,
    PHONE,
    RPPS,
    TRUNCATED,
    Redaction,
)
from bot.redaction.numbers import (
    ADELI_KEYWORD_RE,
    CORSICA_NIR_RE,
    RPPS_KEYWORD_RE,
    RUN_RE,
    iban_spans,
    split_run,
)
from bot.redaction.person_names import name_spans


def _groups(pattern: re.Pattern[str], group: str | int = 0) -> Callable[[str], Iterable[tuple[int, int]]]:
    def find(text: str) -> Iterable[tuple[int, int]]:
        for match in pattern.finditer(text):
            yield match.start(group), match.end(group)

    return find


# Order matters: the first finder that claims a span wins, so the most specific come first.
_FINDERS: tuple[tuple[Callable[[str], Iterable[tuple[int, int]]], str], ...] = (
    (email_spans, EMAIL),
    (iban_spans, IBAN),
    (_groups(RPPS_KEYWORD_RE, "id"), RPPS),
    (_groups(ADELI_KEYWORD_RE, "id"), ADELI),
    (_groups(CORSICA_NIR_RE), NIR),
    (birth_spans, BIRTH_DATE),
    (date_spans, BIRTH_DATE),
)


class Spans:
    """Sorted, non-overlapping spans; a span that overlaps one already taken is dropped.

    Only the two neighbours of a new span can overlap it, found by bisection (scanning every
    span taken was quadratic in the number of matches).
    """

    def __init__(self) -> None:
        self.taken: list[Redaction] = []
        self.starts: list[int] = []

    def claim(self, start: int, end: int, placeholder: str) -> None:
        if start >= end:
            return
        index = bisect.bisect_left(self.starts, start)
        if index > 0 and self.taken[index - 1].end > start:
            return
        if index < len(self.taken) and self.taken[index].start < end:
            return
        self.taken.insert(index, Redaction(start, end, placeholder))
        self.starts.insert(index, start)

    def free_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) that no span covers."""
        index = bisect.bisect_left(self.starts, start)
        if index > 0:
            index -= 1
        pieces = []
        cursor = start
        while index < len(self.taken) and self.taken[index].start < end:
            item = self.taken[index]
            if item.end > cursor:
                if item.start > cursor:
                    pieces.append((cursor, item.start))
                cursor = max(cursor, item.end)
            index += 1
        if cursor < end:
            pieces.append((cursor, end))
        return pieces

    def free(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.starts, start)
        if index > 0 and self.taken[index - 1].end > start:
            return False
        return not (index < len(self.taken) and self.taken[index].start < end)


def find_redactions(text: str, public: frozenset[str] = frozenset()) -> list[Redaction]:
    """Spans of `text` to hide, sorted and non-overlapping.

    `public` holds identifiers that are public (the contacts quoted in the knowledge base,
    see :func:`public_identifiers`), compared by :func:`identity`: they are left readable.
    """
    folded = fold_separators(text)
    spans = Spans()

    def claim(start: int, end: int, placeholder: str) -> None:
        if public and identity(folded[start:end]) in public:
            return
        spans.claim(start, end, placeholder)

    for finder, placeholder in _FINDERS:
        for start, end in finder(folded):
            claim(start, end, placeholder)
    for run in RUN_RE.finditer(folded):
        if run.end() - run.start() < 8:
            continue  # fewer than eight digits: never an identifier
        for start, end in spans.free_pieces(run.start(), run.end()):
            if start == run.start() and end == run.end():
                pieces = [(start, run.group(0))]
            else:
                # Part of the run is an identifier already found ("née le 12/03/1985 06 12…"):
                # the rest is read again as runs of its own.
                pieces = [(start + m.start(), m.group(0)) for m in RUN_RE.finditer(folded[start:end])]
            for offset, piece in pieces:
                for item in split_run(offset, piece):
                    claim(item.start, item.end, item.placeholder)
    for start, end in address_spans(folded):
        claim(start, end, ADDRESS)
    for start, end in name_spans(folded):
        claim(start, end, NAME)
    return spans.taken


def apply_redactions(text: str, redactions: list[Redaction]) -> str:
    parts: list[str] = []
    cursor = 0
    for item in redactions:
        parts.append(text[cursor : item.start])
        parts.append(item.placeholder)
        cursor = item.end
    parts.append(text[cursor:])
    return "".join(parts)


def capped(text: str) -> str:
    """`text` cut at MAX_TEXT characters, marked as cut."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + TRUNCATED


def redact(text: str, public: frozenset[str] = frozenset()) -> str:
    """`text` with every recognised personal identifier replaced by a placeholder."""
    if not text:
        return text
    text = capped(text)
    return apply_redactions(text, find_redactions(text, public))


# Kinds a public document quotes as contacts: those found in the knowledge base stay readable.
PUBLIC_KINDS = frozenset({EMAIL, PHONE, ADDRESS})


def public_identifiers(texts: Iterable[str]) -> frozenset[str]:
    """The contacts (e-mail, phone, address) quoted in `texts`, compared by :func:`identity`.

    Built from the knowledge base: the assistant's answers quote the public numbers and
    addresses of regional agencies and unions, and a person may copy one into a question.
    Dates, names and other numbers of the documents are not exempted ("une MSP née en 2009"
    must not make every 2009 readable).
    """
    found = set()
    for text in texts:
        for item in find_redactions(text):
            if item.placeholder in PUBLIC_KINDS:
                found.add(identity(fold_separators(text)[item.start : item.end]))
    return frozenset(found)
