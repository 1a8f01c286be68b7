"""Redaction of personal identifiers in user text, before anything is stored.

Pure functions, no state: the tracker store calls :func:`redact_event` on every event it
writes, so raw e-mail addresses, phone numbers, NIR, IBAN, card numbers, RPPS/ADELI numbers,
names given after a title or an introduction and birth dates never reach the database.

Detection favours privacy over precision: a long run of digits is hidden even when it is not
recognised, because a missed identifier cannot be recalled from a backup, while an over-hidden
number only costs a reviewer a little context. Amounts written the French way ("80 000 €")
and years stay readable.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EMAIL = "[e-mail]"
PHONE = "[téléphone]"
NIR = "[NIR]"
IBAN = "[IBAN]"
CARD = "[carte bancaire]"
RPPS = "[RPPS]"
ADELI = "[ADELI]"
NAME = "[nom]"
BIRTH_DATE = "[date de naissance]"
NUMBER = "[numéro]"

PLACEHOLDERS = (EMAIL, PHONE, NIR, IBAN, CARD, RPPS, ADELI, NAME, BIRTH_DATE, NUMBER)


@dataclass(frozen=True)
class Redaction:
    """One hidden span of the original text and what replaced it."""

    start: int
    end: int
    placeholder: str


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def luhn_valid(number: str) -> bool:
    """Luhn checksum (payment cards, RPPS)."""
    digits = _digits(number)
    if not digits:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check (mod 97 = 1 after moving the first four characters to the end)."""
    compact = re.sub(r"[\s-]", "", candidate).upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


# Boundaries: an identifier is never part of a longer word or number.
_LEFT = r"(?<![\w@+])"
_RIGHT = r"(?![\w@])"

_EMAIL_RE = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_IBAN_RE = re.compile(
    _LEFT + r"[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]{4}){2,7}(?:[ -]?[A-Za-z0-9]{1,3})?" + _RIGHT
)
_FR_IBAN_SHAPE = re.compile(r"FR\d{2}\d{10}[A-Z0-9]{11}\d{2}")
_NIR_RE = re.compile(
    _LEFT
    + r"[1-478] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AaBb]) ?\d{3} ?\d{3}(?: ?\d{2})?"
    + r"(?![\w@]| ?\d)"
)
_CARD_RE = re.compile(r"(?<![\w+])(?:\d[ -]?){12,18}\d(?![\w@]| ?\d)")
_FR_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00) ?33 ?(?:\(0\) ?)?|0)[1-9](?:[ .\-]?\d{2}){4}(?![\w@]| ?\d)"
)
_INTL_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .\-]?\d){6,12}(?![\w@]| ?\d)")
# Between the keyword and the number: punctuation or one of a few words, at most 12 pieces.
# Every alternative starts on a different kind of character (a letter for the words, a
# non-word character for the rest), so a run of ":" or "?" has one reading only: the former
# pattern let ":" match both `\W` and the word list, inside a repetition, and took time
# doubling with each colon on Rasa's event loop.
_KEYWORD_GAP = r"(?:\W|n°|no\b|num[ée]ro\b|est\b){0,12}"
_RPPS_KEYWORD_RE = re.compile(
    r"\bRPPS\b" + _KEYWORD_GAP + r"(?P<id>\d(?: ?\d){10})(?!\d)", re.IGNORECASE
)
_ADELI_KEYWORD_RE = re.compile(
    r"\bADELI\b" + _KEYWORD_GAP + r"(?P<id>(?:\d|2[AaBb])(?: ?\d){8})(?!\d)", re.IGNORECASE
)
_RPPS_BARE_RE = re.compile(r"(?<![\w+])10\d{9}(?![\w@])")
_LONG_NUMBER_RE = re.compile(r"(?<![\w+])\d{9,}(?![\w@])")
_MONTHS = (
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    r"|décembre|decembre"
)
_BIRTH_RE = re.compile(
    r"\b(?:n[ée]e?|n[ée]\(e\)|date de naissance)\b\s{0,4}(?::\s{0,4})?(?:le\s{1,4})?"
    r"(?P<id>\d{1,2}(?:[/.\-]\d{1,2}[/.\-]|\s+(?:" + _MONTHS + r")\s+)\d{2,4})",
    re.IGNORECASE,
)
# After an introduction, the next words are the name whatever their case ("je m'appelle
# marie dupont"); after a title, only capitalised words ("docteur Martin", not "docteur en").
_NAME_WORD = r"[^\W\d_][\w'’\-]*"
_NOT_NAME = {
    "et",
    "je",
    "j",
    "suis",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "à",
    "a",
    "au",
    "aux",
    "pour",
    "qui",
    "mais",
    "donc",
    "ou",
    "car",
    "en",
    "est",
    "avec",
    "sur",
    "dans",
    "mon",
    "ma",
    "mes",
    "nous",
    "vous",
    "infirmier",
    "infirmière",
    "médecin",
    "kiné",
    "kinésithérapeute",
    "pharmacien",
    "pharmacienne",
    "sage-femme",
    "généraliste",
    "libéral",
    "libérale",
}
_INTRO_RE = re.compile(
    r"\b(?:je m['’]appelle|je me nomme|mon nom est|mon nom c['’]est|mon nom :)\s+"
    r"(?P<id>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(
    r"(?:\b(?i:docteur|dr|pr|professeur|madame|monsieur|mme|mlle|mademoiselle)\.?|\bM\.)\s+"
    r"(?P<id>[A-ZÀ-Ý][\w'’\-]*(?:\s+[A-ZÀ-Ý][\w'’\-]*)?)"
)


def _iban_like(match: re.Match[str]) -> bool:
    compact = re.sub(r"[\s-]", "", match.group(0)).upper()
    return iban_valid(compact) or bool(_FR_IBAN_SHAPE.fullmatch(compact))


def nir_key_valid(candidate: str) -> bool:
    """The NIR key is 97 - (first 13 characters mod 97); Corsica's 2A and 2B count as 19 and 18."""
    compact = re.sub(r"\s", "", candidate).upper()
    if len(compact) != 15 or not compact[13:].isdigit():
        return False
    body = compact[:13]
    if body[5:7] in ("2A", "2B"):
        body = body[:5] + ("19" if body[5:7] == "2A" else "18") + body[7:]
    if not body.isdigit():
        return False
    return 97 - int(body) % 97 == int(compact[13:])


def _card_like(match: re.Match[str]) -> bool:
    return 13 <= len(_digits(match.group(0))) <= 19 and luhn_valid(match.group(0))


def _intro_name(match: re.Match[str]) -> tuple[int, int] | None:
    """The span of the name words, stopping at the first ordinary word."""
    words = list(re.finditer(_NAME_WORD, match.group("id")))
    kept = []
    for word in words:
        if word.group(0).lower().strip("'’") in _NOT_NAME:
            break
        kept.append(word)
    if not kept:
        return None
    base = match.start("id")
    return base + kept[0].start(), base + kept[-1].end()


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    placeholder: str
    group: str | int = 0
    accept: Callable[[re.Match[str]], bool] | None = None


# Order matters: the first rule that claims a span wins, so the most specific come first.
_RULES: tuple[_Rule, ...] = (
    _Rule(_EMAIL_RE, EMAIL),
    _Rule(_IBAN_RE, IBAN, accept=_iban_like),
    _Rule(_RPPS_KEYWORD_RE, RPPS, "id"),
    _Rule(_ADELI_KEYWORD_RE, ADELI, "id"),
    # A NIR whose key checks out beats a card number that happens to pass Luhn, and the other
    # way round; shapes that check neither are still hidden as NIR.
    _Rule(_NIR_RE, NIR, accept=lambda match: nir_key_valid(match.group(0))),
    _Rule(_CARD_RE, CARD, accept=_card_like),
    _Rule(_NIR_RE, NIR),
    _Rule(_FR_PHONE_RE, PHONE),
    _Rule(_INTL_PHONE_RE, PHONE),
    _Rule(_RPPS_BARE_RE, RPPS, accept=lambda match: luhn_valid(match.group(0))),
    _Rule(_BIRTH_RE, BIRTH_DATE, "id"),
    _Rule(_LONG_NUMBER_RE, NUMBER),
)


def find_redactions(text: str) -> list[Redaction]:
    """Spans of `text` to hide, sorted and non-overlapping."""
    # Kept sorted by start: the spans do not overlap, so only the two neighbours of a new span
    # can overlap it (scanning every span taken was quadratic in the number of matches).
    taken: list[Redaction] = []
    starts: list[int] = []

    def claim(start: int, end: int, placeholder: str) -> None:
        if start >= end:
            return
        index = bisect.bisect_left(starts, start)
        if index > 0 and taken[index - 1].end > start:
            return
        if index < len(taken) and taken[index].start < end:
            return
        taken.insert(index, Redaction(start, end, placeholder))
        starts.insert(index, start)

    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            if rule.accept is None or rule.accept(match):
                claim(match.start(rule.group), match.end(rule.group), rule.placeholder)
    for match in _INTRO_RE.finditer(text):
        span = _intro_name(match)
        if span is not None:
            claim(*span, NAME)
    for match in _TITLE_RE.finditer(text):
        claim(match.start("id"), match.end("id"), NAME)
    return taken


def apply_redactions(text: str, redactions: list[Redaction]) -> str:
    parts: list[str] = []
    cursor = 0
    for item in redactions:
        parts.append(text[cursor : item.start])
        parts.append(item.placeholder)
        cursor = item.end
    parts.append(text[cursor:])
    return "".join(parts)


def redact(text: str) -> str:
    """`text` with every recognised personal identifier replaced by a placeholder."""
    if not text:
        return text
    return apply_redactions(text, find_redactions(text))


def map_offset(position: int, redactions: list[Redaction], *, is_end: bool = False) -> int:
    """Where a character offset of the original text lands in the redacted text.

    An offset inside a hidden span snaps to the placeholder's start (or end for an entity's
    end), so an entity that overlapped an identifier covers the placeholder instead.
    """
    shift = 0
    for item in redactions:
        if position <= item.start or (not is_end and position == item.start):
            break
        if position < item.end or (is_end and position == item.end):
            start = item.start + shift
            return start + len(item.placeholder) if is_end else start
        shift += len(item.placeholder) - (item.end - item.start)
    return position + shift


def _redact_value(value: Any) -> Any:
    """Strings inside any JSON-like value (slot values, metadata)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


def _redact_entities(entities: Any, redactions: list[Redaction]) -> Any:
    if not isinstance(entities, list):
        return entities
    cleaned = []
    for entity in entities:
        if not isinstance(entity, dict):
            cleaned.append(entity)
            continue
        entity = dict(entity)
        if "value" in entity:
            entity["value"] = _redact_value(entity["value"])
        if isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
            entity["start"] = map_offset(entity["start"], redactions)
            entity["end"] = map_offset(entity["end"], redactions, is_end=True)
        cleaned.append(entity)
    return cleaned


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a serialised Rasa event with personal identifiers removed.

    User messages lose them in `text`, `parse_data.text`, entity values (whose offsets are
    moved to match the redacted text) and metadata; slot values are cleaned because custom
    actions may copy user text into slots. Bot answers are left untouched: they come from the
    assistant's own sources (public contact numbers of the regional agencies, for instance).
    """
    cleaned = copy.deepcopy(event)
    kind = cleaned.get("event")
    if kind == "bot":
        return cleaned
    if "metadata" in cleaned:
        cleaned["metadata"] = _redact_value(cleaned["metadata"])
    if kind == "user":
        text = cleaned.get("text")
        redactions = find_redactions(text) if isinstance(text, str) else []
        if isinstance(text, str):
            cleaned["text"] = apply_redactions(text, redactions)
        parse_data = cleaned.get("parse_data")
        if isinstance(parse_data, dict):
            parsed_text = parse_data.get("text")
            parse_redactions = redactions
            if isinstance(parsed_text, str):
                if parsed_text != text:
                    parse_redactions = find_redactions(parsed_text)
                parse_data["text"] = apply_redactions(parsed_text, parse_redactions)
            parse_data["entities"] = _redact_entities(parse_data.get("entities"), parse_redactions)
            if "metadata" in parse_data:
                parse_data["metadata"] = _redact_value(parse_data["metadata"])
    elif kind == "slot":
        cleaned["value"] = _redact_value(cleaned.get("value"))
    elif kind == "entities":
        cleaned["entities"] = _redact_entities(cleaned.get("entities"), [])
    return cleaned
