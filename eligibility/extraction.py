"""Every team detail stated in a free French sentence ("nous sommes 3 médecins généralistes et
2 kinés, libéraux"): `extract_team`.

- numbers that are years or dates ("en 2019", "12 décembre 2024"), percentages, or followed by
  "habitants" are never counted as professionals ("20 000 habitants" is the territory's population);
- after "dont", a breakdown refines the count before it ("3 médecins dont 1 cardiologue" is
  2 généralistes and 1 spécialiste) instead of adding to it;
- what a profession word counts for is in `eligibility.professions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.closed_answers import LIBERAL_STEMS, practice_of, stated_manager, territory_scale
from eligibility.counts import read
from eligibility.french import NumberSpan, Token, read_numbers, stem, stems, tokenize
from eligibility.professions import (
    GENERIC_DOCTOR,
    GP,
    LIBERAL_TERRITORY_DOCTORS,
    POPULATION,
    SPECIALISTS,
    TERRITORY_DOCTORS,
    canonical,
    find_professions,
)

__all__ = ["extract_team"]

_FILLERS = frozenset(
    stem(word) for word in ("autres", "jeunes", "nouveaux", "nouvelles", "seuls", "seules", "vrais")
)
_ZERO_MARKERS = stems("aucun", "aucune", "sans", "ni", "zero")
_ARTICLES = stems("de", "d", "du", "des", "le", "la", "les", "l")
_CLAUSE_ENDS = frozenset({".", ";", "!", "?", ","})
_SENTENCE_ENDS = frozenset({".", ";", "!", "?"})
_TEAM_MARKERS = stems("nous", "on", "notre", "nos", "equipe", "je", "j", "moi")
_TERRITORY_WORDS = stems("territoire", "departement", "region", "secteur", "zone", "bassin")
_POPULATION_WORDS = stems("habitant", "hab", "habitante")
_POPULATION_CONTEXT = stems("population", "bassin")
_BIG_POPULATION_WORDS = stems("personne", "ame", "resident")


@dataclass
class _Mention:
    kind: str
    value: int
    start: int  # first token of the number (or of the noun when the number follows it)
    end: int  # token after the noun
    reference: bool = False  # "les 2 médecins": names people already counted


_CLAUSE_REACH = 20  # words either side of a number that can belong to its clause


def _clause_bounds(tokens: list[Token], index: int, ends: frozenset[str]) -> tuple[int, int]:
    """The sentence around tokens[index], at most 3 x _CLAUSE_REACH tokens either side (linear time)."""
    reach = 3 * _CLAUSE_REACH
    start = index
    while start > max(0, index - reach) and tokens[start - 1].text not in ends:
        start -= 1
    end = index
    while end < min(len(tokens), index + reach) and tokens[end].text not in ends:
        end += 1
    return start, end


def _usable(span: NumberSpan) -> bool:
    return not (span.is_date or span.is_percent or span.negative) and span.value.denominator == 1


def _is_population(words: list[str], span: NumberSpan, *, by_context: bool) -> bool:
    """ "20 000 habitants", "1,2 million d'habitants"; or, by context, "une population de 20 000"."""
    if by_context:
        return any(word in _POPULATION_CONTEXT for word in words[max(0, span.start - 4) : span.start])
    after = [word for word in words[span.end : span.end + 2] if word not in ("d", "de")]
    if after and after[0] in _POPULATION_WORDS:
        return True
    return bool(after and after[0] in _BIG_POPULATION_WORDS and span.value >= 1000)


def _liberal_after(words: list[str], position: int) -> int | None:
    """End of "libéraux" / "en libéral" / "exercent en libéral" starting at position, if any."""
    index = position
    while index < len(words) and words[index] in ("sont", "exercent", "exercant", "en", "installe"):
        index += 1
    if index < len(words) and words[index] in LIBERAL_STEMS:
        return index + 1
    return None


def extract_team(text: str, *, asked: str | None = None) -> dict[str, int | str | bool]:
    """Every Team field stated in a free French sentence.

    `asked` is the field the dialogue has just asked about, if any: it decides what a bare
    "40 cardiologues" means when the question was about the territory rather than the team.
    """
    normalized = read(text)
    tokens = tokenize(normalized)
    spans = read_numbers(tokens)
    in_number = {index for span in spans for index in range(span.start, span.end)}
    words = [canonical(token) if index not in in_number else token.text for index, token in enumerate(tokens)]
    nouns = find_professions(words, in_number)
    span_ending_at = {span.end: span for span in spans}
    span_starting_at = {span.start: span for span in spans}

    result: dict[str, int | str | bool] = {}
    mentions: list[_Mention] = []
    used_spans: set[int] = set()
    practice_skip: set[int] = set()

    for start, (kind, end) in sorted(nouns.items()):
        position = start
        skipped = 0
        while position > 0 and words[position - 1] in _FILLERS and skipped < 2:
            position -= 1
            skipped += 1
        span = span_ending_at.get(position)
        if span is not None and _usable(span) and span.start not in used_spans:
            used_spans.add(span.start)
            before = words[span.start - 1] if span.start > 0 else None
            mentions.append(
                _Mention(
                    kind,
                    int(span.value),
                    span.start,
                    end,
                    reference=before in ("les", "ces", "ses"),
                )
            )
            continue
        if _is_zero_mention(words, position):
            mentions.append(_Mention(kind, 0, position, end))
            continue
        if end + 1 < len(tokens) and tokens[end].text in (":", "="):
            span = span_starting_at.get(end + 1)
            if span is not None and _usable(span) and span.start not in used_spans:
                used_spans.add(span.start)
                mentions.append(_Mention(kind, int(span.value), start, span.end))

    for by_context in (False, True):
        for span in spans:
            if POPULATION in result or span.start in used_spans or not _usable(span):
                continue
            if _is_population(words, span, by_context=by_context):
                used_spans.add(span.start)
                result[POPULATION] = int(span.value)

    _territory_counts(tokens, words, spans, mentions, used_spans, practice_skip, asked)
    result.update(_totals(mentions, words))

    practice = practice_of(normalized, tokens, practice_skip, allow_both=False)
    if practice is not None:
        result["practice"] = practice
    manager = stated_manager(words)
    if manager is not None:
        result["has_manager"] = manager
    territory = territory_scale(normalized)
    if territory is not None:
        result["territory_is_department_or_more"] = territory
    return result


def _is_zero_mention(words: list[str], position: int) -> bool:
    """ "aucun kiné", "pas de pharmacien", "sans infirmier", "ni d'orthophoniste"."""
    index = position - 1
    if index >= 0 and words[index] in _ARTICLES:
        if words[index] in ("de", "d") and index >= 1 and words[index - 1] == "pas":
            return True
        index -= 1
    return index >= 0 and words[index] in _ZERO_MARKERS


def _territory_counts(
    tokens: list[Token],
    words: list[str],
    spans: list[NumberSpan],
    mentions: list[_Mention],
    used_spans: set[int],
    practice_skip: set[int],
    asked: str | None,
) -> None:
    """Relabel counts that describe the territory's doctors, not the team (ESS questions)."""
    territory_mention: _Mention | None = None
    # Most replies never name a territory: skip the per-number clause scan for them.
    territorial = not _TERRITORY_WORDS.isdisjoint(words)
    for mention in mentions:
        by_context = mention.kind == SPECIALISTS and territorial and _about_territory(words, mention.start)
        if mention.kind in (SPECIALISTS, GENERIC_DOCTOR, TERRITORY_DOCTORS) and (
            mention.kind == TERRITORY_DOCTORS or asked == TERRITORY_DOCTORS or by_context
        ):
            mention.kind = TERRITORY_DOCTORS
            territory_mention = territory_mention or mention
        elif mention.kind in (SPECIALISTS, GENERIC_DOCTOR) and asked == LIBERAL_TERRITORY_DOCTORS:
            mention.kind = LIBERAL_TERRITORY_DOCTORS
            end = _liberal_after(words, mention.end)
            if end is not None:
                practice_skip.update(range(mention.end, end))
        elif mention.kind == GENERIC_DOCTOR and asked == SPECIALISTS:
            mention.kind = SPECIALISTS
    # "le département en compte 40", "il y en a 40 sur le territoire": a count without a noun.
    if territory_mention is None:
        for span in spans:
            if span.start in used_spans or not _usable(span):
                continue
            if _liberal_after(words, span.end) is not None:
                continue
            if asked == TERRITORY_DOCTORS or (territorial and _about_territory(words, span.start)):
                used_spans.add(span.start)
                territory_mention = _Mention(TERRITORY_DOCTORS, int(span.value), span.start, span.end)
                mentions.append(territory_mention)
                break
    # "… dont 30 libéraux", "30 en libéral": the liberal share of those doctors.
    for span in spans:
        if span.start in used_spans or not _usable(span):
            continue
        end = _liberal_after(words, span.end)
        if end is None:
            continue
        same_sentence = territory_mention is not None and _clause_bounds(
            tokens, territory_mention.start, _SENTENCE_ENDS
        ) == _clause_bounds(tokens, span.start, _SENTENCE_ENDS)
        if same_sentence or asked == LIBERAL_TERRITORY_DOCTORS:
            used_spans.add(span.start)
            practice_skip.update(range(span.end, end))
            mentions.append(_Mention(LIBERAL_TERRITORY_DOCTORS, int(span.value), span.start, end))
    mentions.sort(key=lambda mention: mention.start)


_COUNT_VERBS = stems(
    "compte", "comptent", "y", "exercent", "exercant", "installes", "recense", "total", "tout"
)


def _about_territory(words: list[str], index: int) -> bool:
    """Whether the clause around a count speaks of the territory's doctors rather than the team.

    It must name the territory and say that doctors are counted there ("le département compte",
    "il y a … dans le département", "… exercent sur le territoire"), and not speak of "nous".
    """
    # The clause is looked at within a few words only: an unbounded walk per number made a long
    # message without punctuation quadratic ("1 1 1 …" took seconds).
    start = index
    while start > max(0, index - _CLAUSE_REACH) and words[start - 1] not in _CLAUSE_ENDS:
        start -= 1
    end = index
    while end < min(len(words), index + _CLAUSE_REACH) and words[end] not in _CLAUSE_ENDS:
        end += 1
    clause = words[start:end]
    if any(word in _TEAM_MARKERS for word in words[start:index]):
        return False
    return any(word in _TERRITORY_WORDS for word in clause) and any(word in _COUNT_VERBS for word in clause)


def _totals(mentions: list[_Mention], words: list[str]) -> dict[str, int]:
    """Sum the mentions per field; a breakdown after "dont" refines its head instead of adding.

    "3 médecins dont 1 cardiologue": 2 généralistes and 1 spécialiste. "3 médecins dont 2
    généralistes": the généralistes are those stated. "4 paramédicaux dont 2 kinés": 4.
    """
    kept: list[_Mention] = []
    head: _Mention | None = None  # the count a "dont" list breaks down
    previous: _Mention | None = None
    subset_gps = subset_specialists = 0
    for mention in mentions:
        between = words[previous.end : mention.start] if previous else []
        if between and between[-1] == "dont" and all(word == "," for word in between[:-1]):
            head = previous
        elif head is not None and not all(word in (",", "et") for word in between):
            head = None
        previous = mention
        if head is not None and mention is not head:
            if head.kind == GENERIC_DOCTOR and mention.kind in (GP, SPECIALISTS):
                if mention.kind == GP:
                    subset_gps += mention.value
                else:
                    subset_specialists += mention.value
                head.value = 0 if subset_gps else max(0, head.value - mention.value)
                kept.append(mention)
                continue
            if head.kind == mention.kind:
                continue
        if mention.reference and any(
            _field(other) == _field(mention) and not other.reference for other in mentions
        ):
            continue  # "les 2 médecins" names people counted elsewhere in the message
        kept.append(mention)
    totals: dict[str, int] = {}
    for mention in kept:
        totals[_field(mention)] = totals.get(_field(mention), 0) + mention.value
    return totals


def _field(mention: _Mention) -> str:
    return GP if mention.kind == GENERIC_DOCTOR else mention.kind
