"""French answers of the eligibility dialogue turned into Team values (pure functions).

- `parse_count` reads one number ("3", "trois", "20 000 habitants", "1,2 million", "aucun") or
  raises `CountError` whose message is a polite re-prompt.
- `parse_yes_no` and `parse_practice` read short answers to the closed questions.
- `extract_team` finds every team detail stated in a free sentence ("nous sommes 3 médecins
  généralistes et 2 kinés, libéraux").

Conventions worth knowing:
- a plain "médecin(s)" without qualifier counts as médecin généraliste: a primary-care team says
  "médecins" for its GPs; "médecin spécialiste", "cardiologue", "pédiatre"… count as specialists;
- psychologues and ostéopathes are not counted: Doctolib (2023) notes they may work in a
  coordinated structure but cannot be its associates;
- numbers that are years or dates ("en 2019", "12 décembre 2024"), percentages, or followed by
  "habitants" are never counted as professionals ("20 000 habitants" is the territory's population);
- after "dont", a breakdown refines the count before it ("3 médecins dont 1 cardiologue" is
  2 généralistes and 1 spécialiste) instead of adding to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from eligibility.french import NUMBER_WORDS, NumberSpan, Token, normalize, read_numbers, stem, tokenize

__all__ = ["CountError", "extract_team", "parse_count", "parse_practice", "parse_yes_no"]


# A reply is read from its first MAX_READ characters. No answer to a form question is longer
# (an opening message with every detail is about 200), and the bound keeps any reply under a few
# milliseconds: the parsing below is linear, but its constant is that of pure Python.
MAX_READ = 400


def _read(text: str) -> str:
    return normalize(text[:MAX_READ])


class CountError(ValueError):
    """An answer that is not a usable count; `message` is what to tell the user."""

    CODES = ("not_a_number", "negative", "too_large", "not_integer")

    def __init__(self, code: str, message: str) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown CountError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message


NOT_A_NUMBER = (
    "Je n'ai pas reconnu de nombre. Merci d'indiquer un nombre précis, en chiffres ou en lettres "
    "(par exemple « 3 » ou « trois »)."
)
VAGUE = (
    "Merci d'indiquer un nombre précis plutôt qu'un ordre de grandeur (par exemple « 12 » plutôt "
    "que « une douzaine »)."
)
UNKNOWN = "Une estimation suffit : merci d'indiquer un nombre, même approximatif (par exemple « 3 »)."
SEVERAL = "Merci d'indiquer un seul nombre (par exemple « 3 »)."
BOUND = (
    "Merci d'indiquer un nombre précis plutôt qu'une fourchette ou une limite (par exemple « 12 » plutôt "
    "que « plus de 10 »)."
)
PERCENT = "Merci d'indiquer un nombre de personnes plutôt qu'un pourcentage."
NEGATIVE = "Un nombre ne peut pas être négatif : merci d'indiquer 0 ou plus."
NOT_INTEGER = "Merci d'indiquer un nombre entier (par exemple « 2 » plutôt que « 2,5 »)."


def _too_large(maximum: int) -> str:
    limit = f"{maximum:,}".replace(",", "\u202f")
    return f"Ce nombre me paraît trop élevé (au plus {limit}). Pourriez-vous le vérifier ?"


# Patterns on normalised text (lower case, no accents).
_UNKNOWN_RE = re.compile(
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

    Raises CountError("not_a_number" | "negative" | "too_large" | "not_integer", message).
    """
    normalized = _read(text)
    if not normalized:
        raise CountError("not_a_number", NOT_A_NUMBER)
    if _UNKNOWN_RE.search(normalized):
        raise CountError("not_a_number", UNKNOWN)
    if _VAGUE_RE.search(normalized):
        raise CountError("not_a_number", VAGUE)
    if _BOUND_RE.search(normalized):
        raise CountError("not_a_number", BOUND)
    spans = [span for span in read_numbers(tokenize(normalized)) if not span.is_date]
    if any(span.is_percent for span in spans):
        raise CountError("not_a_number", PERCENT)
    if _NONE_ONE_RE.search(normalized):
        return 0
    if not spans:
        if _ZERO_RE.search(normalized):
            return 0
        raise CountError("not_a_number", NOT_A_NUMBER)
    if len({(span.value, span.negative) for span in spans}) > 1:
        raise CountError("not_a_number", SEVERAL)
    span = spans[0]
    if span.negative and span.value != 0:
        raise CountError("negative", NEGATIVE)
    if span.value.denominator != 1:
        raise CountError("not_integer", NOT_INTEGER)
    value = int(span.value)
    if value > maximum:
        raise CountError("too_large", _too_large(maximum))
    return value


# --- yes / no ------------------------------------------------------------------------------

_DECISIVE_START = {
    "oui": True,
    "ouais": True,
    "ouai": True,
    "ouep": True,
    "yes": True,
    "yep": True,
    "ok": True,
    "okay": True,
    "si": True,
    "non": False,
    "nan": False,
    "no": False,
    "nope": False,
}
_YES_IDIOMS_RE = re.compile(r"\b(?:pas de souci|pas de probleme|sans souci|sans probleme|pourquoi pas)\b")
_NO_RE = re.compile(
    r"\b(?:non|nan|nope|pas|jamais|aucun|aucune|aucunement|nullement|negatif|faux|point du tout)\b"
)
_YES_RE = re.compile(
    r"\b(?:oui|ouais|yes|yep|ok|okay|exact|exactement|absolument|effectivement|certainement|"
    r"evidemment|affirmatif|bien sur|bien entendu|tout a fait|d'?accord|c'?est ca|en effet|"
    r"carrement|parfaitement|correct|vrai|volontiers|tout a fait)\b"
)


def parse_yes_no(text: str) -> bool | None:
    """True for "oui", "exact", "tout à fait"…; False for "non", "pas du tout"…; None otherwise."""
    normalized = _read(text)
    if not normalized or _UNKNOWN_RE.search(normalized) or re.search(r"\bpeut[ -]?etre\b", normalized):
        return None
    first = re.match(r"[a-z]+", normalized)
    if first and first.group() in _DECISIVE_START:
        return _DECISIVE_START[first.group()]
    if _YES_IDIOMS_RE.search(normalized):
        return True
    if _NO_RE.search(normalized):
        return False
    if _YES_RE.search(normalized):
        return True
    return None


# --- liberal / salaried --------------------------------------------------------------------


def _stems(*words: str) -> frozenset[str]:
    """Marker words as `Token.stem` spells them ("sans" -> "san"), so comparisons never miss."""
    return frozenset(stem(word) for word in words)


_LIBERAL_STEMS = frozenset({"liberal", "liberale", "independant", "independante"})
_SALARIED_STEMS = frozenset({"salarie", "salariee", "salariat", "employe", "employee"})
_NEGATORS = _stems("pas", "non", "jamais", "sans", "aucun", "aucune")
_BOTH_RE = re.compile(r"\b(?:mixte|les deux|les 2|des deux|des 2|moitie moitie|un peu des deux)\b")


def _practice_votes(tokens: list[Token], skip: set[int]) -> tuple[bool, bool]:
    """(liberal mentioned, salaried mentioned), a negated word counting for the other mode."""
    liberal = salaried = False
    for index, token in enumerate(tokens):
        if index in skip or token.kind != "word":
            continue
        word = token.stem
        if word not in _LIBERAL_STEMS and word not in _SALARIED_STEMS:
            continue
        window = [tokens[position].stem for position in range(max(0, index - 3), index)]
        if "ni" in window:
            continue  # "ni salariés ni libéraux" says nothing usable
        negated = any(
            word_before in _NEGATORS or (word_before == stem("plus") and ("ne" in window or "n" in window))
            for word_before in window
        )
        is_liberal = (word in _LIBERAL_STEMS) != negated
        if is_liberal:
            liberal = True
        else:
            salaried = True
    return liberal, salaried


def _practice(normalized: str, tokens: list[Token], skip: set[int], *, allow_both: bool) -> str | None:
    if "mixte" in normalized.split() or (allow_both and _BOTH_RE.search(normalized)):
        return "mixte"
    liberal, salaried = _practice_votes(tokens, skip)
    if liberal and salaried:
        return "mixte"
    if liberal:
        return "liberal"
    if salaried:
        return "salarie"
    return None


def parse_practice(text: str) -> str | None:
    """ "liberal", "salarie" or "mixte" from an answer such as "en libéral" or "les deux"."""
    normalized = _read(text)
    return _practice(normalized, tokenize(normalized), set(), allow_both=True)


# --- professions ---------------------------------------------------------------------------

GP = "general_practitioners"
SPECIALISTS = "specialists"
PARAMEDICALS = "paramedicals"
OTHERS = "other_professionals"
TERRITORY_DOCTORS = "specialty_doctors_on_territory"
LIBERAL_TERRITORY_DOCTORS = "liberal_specialty_doctors_on_territory"
POPULATION = "territory_population"
GENERIC_DOCTOR = "generic_doctor"  # plain "médecins": general practitioners unless told otherwise

_SPECIALTIES = (
    "cardiologue",
    "dermatologue",
    "pediatre",
    "psychiatre",
    "pedopsychiatre",
    "gynecologue",
    "gyneco",
    "obstetricien",
    "ophtalmologue",
    "ophtalmologiste",
    "ophtalmo",
    "rhumatologue",
    "pneumologue",
    "gastro enterologue",
    "gastroenterologue",
    "gastro",
    "endocrinologue",
    "diabetologue",
    "neurologue",
    "nephrologue",
    "oncologue",
    "cancerologue",
    "radiologue",
    "radiotherapeute",
    "anesthesiste",
    "chirurgien",
    "orl",
    "oto rhino laryngologiste",
    "urologue",
    "geriatre",
    "allergologue",
    "angiologue",
    "hematologue",
    "infectiologue",
    "interniste",
    "addictologue",
    "phlebologue",
    "stomatologue",
    "stomatologiste",
    "traumatologue",
)
_PHRASES: dict[str, tuple[str, ...]] = {
    GP: (
        "medecin generaliste",
        "generaliste",
        "mg",
        "medecin traitant",
        "omnipraticien",
        "medecin de famille",
        "medecin de medecine generale",
    ),
    GENERIC_DOCTOR: ("medecin", "docteur", "toubib"),
    SPECIALISTS: (
        "medecin specialiste",
        "specialiste",
        *_SPECIALTIES,
        *(f"medecin {specialty}" for specialty in _SPECIALTIES),
    ),
    PARAMEDICALS: (
        "infirmier",
        "infirmiere",
        "ide",
        "idel",
        "ipa",
        "kine",
        "kinesitherapeute",
        "masseur kinesitherapeute",
        "mk",
        "orthophoniste",
        "ortho",
        "orthoptiste",
        "podologue",
        "pedicure podologue",
        "pedicure",
        "ergotherapeute",
        "ergo",
        "psychomotricien",
        "psychomotricienne",
        "dieteticien",
        "dieteticienne",
        "auxiliaire medical",
        "paramedical",
        "audioprothesiste",
        "opticien",
        "opticien lunetier",
        "orthoprothesiste",
        "manipulateur radio",
        "manipulateur en electroradiologie",
    ),
    OTHERS: (
        "pharmacien",
        "pharmacienne",
        "sage femme",
        "maieuticien",
        "maieuticienne",
        "chirurgien dentiste",
        "dentiste",
        "orthodontiste",
    ),
    TERRITORY_DOCTORS: (
        "medecin de la specialite",
        "medecin de cette specialite",
        "medecin de ma specialite",
        "medecin de notre specialite",
        "specialiste de la specialite",
    ),
}
_LEXICON: dict[tuple[str, ...], str] = {
    tuple(stem(word) for word in phrase.split()): kind
    for kind, phrases in _PHRASES.items()
    for phrase in phrases
}
_LONGEST = max(len(key) for key in _LEXICON)
# Misspellings are matched against these words only; the protected ones are real words that
# happen to look like a profession ("spécialité" is not "spécialiste").
_FUZZY_VOCABULARY = sorted({key[0] for key in _LEXICON if len(key) == 1 and len(key[0]) >= 6})
_PROTECTED = frozenset(
    {
        "specialite",
        "medecine",
        "pharmacie",
        "generale",
        "general",
        "infirmerie",
        "specialise",
        "specialisee",
        "liberal",
        "liberale",
        "salarie",
        "salariee",
        "habitant",
        "territoire",
        "departement",
        "gestionnaire",
        "dentaire",
        "medical",
        "medicale",
        "paramedicale",
    }
)
_FUZZY_CUTOFF = 85  # rapidfuzz ratio, 0-100
_FILLERS = frozenset(
    stem(word) for word in ("autres", "jeunes", "nouveaux", "nouvelles", "seuls", "seules", "vrais")
)
_ZERO_MARKERS = _stems("aucun", "aucune", "sans", "ni", "zero")
_ARTICLES = _stems("de", "d", "du", "des", "le", "la", "les", "l")
_CLAUSE_ENDS = frozenset({".", ";", "!", "?", ","})
_SENTENCE_ENDS = frozenset({".", ";", "!", "?"})
_TEAM_MARKERS = _stems("nous", "on", "notre", "nos", "equipe", "je", "j", "moi")
_TERRITORY_WORDS = _stems("territoire", "departement", "region", "secteur", "zone", "bassin")
_POPULATION_WORDS = _stems("habitant", "hab", "habitante")
_POPULATION_CONTEXT = _stems("population", "bassin")
_BIG_POPULATION_WORDS = _stems("personne", "ame", "resident")


@dataclass
class _Mention:
    kind: str
    value: int
    start: int  # first token of the number (or of the noun when the number follows it)
    end: int  # token after the noun
    reference: bool = False  # "les 2 médecins": names people already counted


def _canonical(token: Token) -> str:
    """The token's stem, or the lexicon word it is a misspelling of."""
    word = token.stem
    if token.kind != "word" or len(word) < 6 or word in _PROTECTED or word in NUMBER_WORDS:
        return word
    if any(word in key for key in _LEXICON) or word.endswith(("ie", "ique")):
        return word  # a known word, or a discipline or adjective ("dermatologie", "pédiatrique")
    # Typos rarely touch the first letters or the length much: this keeps "socialiste" or
    # "estheticienne" from reading as a profession.
    candidates = [
        known for known in _FUZZY_VOCABULARY if known[:2] == word[:2] and abs(len(known) - len(word)) <= 2
    ]
    close = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return close[0] if close else word


def _professions(words: list[str], taken: set[int]) -> dict[int, tuple[str, int]]:
    """Profession nouns by first token: {start: (kind, end)}, longest phrase first."""
    found: dict[int, tuple[str, int]] = {}
    index = 0
    while index < len(words):
        if index in taken:
            index += 1
            continue
        for length in range(min(_LONGEST, len(words) - index), 0, -1):
            kind = _LEXICON.get(tuple(words[index : index + length]))
            if kind is not None:
                found[index] = (kind, index + length)
                index += length
                break
        else:
            index += 1
    return found


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
    if index < len(words) and words[index] in _LIBERAL_STEMS:
        return index + 1
    return None


def extract_team(text: str, *, asked: str | None = None) -> dict[str, int | str | bool]:
    """Every Team field stated in a free French sentence.

    `asked` is the field the dialogue has just asked about, if any: it decides what a bare
    "40 cardiologues" means when the question was about the territory rather than the team.
    """
    normalized = _read(text)
    tokens = tokenize(normalized)
    spans = read_numbers(tokens)
    in_number = {index for span in spans for index in range(span.start, span.end)}
    words = [
        _canonical(token) if index not in in_number else token.text for index, token in enumerate(tokens)
    ]
    nouns = _professions(words, in_number)
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

    practice = _practice(normalized, tokens, practice_skip, allow_both=False)
    if practice is not None:
        result["practice"] = practice
    manager = _manager(words)
    if manager is not None:
        result["has_manager"] = manager
    territory = _territory_scale(normalized)
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


_COUNT_VERBS = _stems(
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


_MANAGER_WORDS = frozenset({"gestionnaire"})
_CARRIERS = _stems(
    "commune",
    "mairie",
    "association",
    "mutuelle",
    "hopital",
    "ch",
    "chu",
    "collectivite",
    "intercommunalite",
    "agglomeration",
    "departement",
    "scic",
    "clinique",
    "communaute",
)


def _manager(words: list[str]) -> bool | None:
    """A gestionnaire stated ("la mairie serait gestionnaire") or denied ("pas de gestionnaire")."""
    for index, word in enumerate(words):
        carried = word in ("porte", "portee", "gere", "geree", "porter", "gerer") and any(
            later in _CARRIERS for later in words[index + 1 : index + 4]
        )
        if word not in _MANAGER_WORDS and not carried:
            continue
        window = words[max(0, index - 4) : index]
        return not any(before in _NEGATORS or before == "ni" for before in window)
    return None


_DEPARTMENT_OR_MORE_RE = re.compile(
    r"\b(?:tout le departement|toute la region|plusieurs departements|(?:a )?l'?(?:echelle|echelon) "
    r"(?:du departement|departemental|departementale|de la region|regional|regionale)|(?:territoire|niveau|"
    r"perimetre) (?:departemental|regional)|(?:un|le|du) departement entier)\b"
)
_SMALLER_RE = re.compile(
    r"\b(?:infra[- ]?departementale?s?|pas tout le departement|moins qu'?un departement|une partie du "
    r"departement|pas (?:a )?l'?echelle du departement)\b"
)


def _territory_scale(normalized: str) -> bool | None:
    if _SMALLER_RE.search(normalized):
        return False
    if _DEPARTMENT_OR_MORE_RE.search(normalized):
        return True
    return None


# --- one answer to one pending question ----------------------------------------------------

COUNT_MAXIMUMS: dict[str, int] = {
    GP: 500,
    SPECIALISTS: 500,
    PARAMEDICALS: 500,
    OTHERS: 500,
    TERRITORY_DOCTORS: 20_000,
    LIBERAL_TERRITORY_DOCTORS: 20_000,
    POPULATION: 15_000_000,
}
MANAGER = "has_manager"
TERRITORY_SCALE = "territory_is_department_or_more"
PRACTICE = "practice"


@dataclass(frozen=True)
class Answer:
    """What a reply says about the pending question.

    `value` is None when the reply does not answer it; `hint` then says why when the reply was
    meant as an answer (a vague or impossible count); `unknown` is "je ne sais pas".
    """

    value: int | str | bool | None = None
    hint: str | None = None
    unknown: bool = False
    attempted: bool = False  # a count was meant but refused ("une douzaine", "plus de 10")


# A gestionnaire named instead of "oui": "la mairie", "l'hôpital", "une mutuelle", "notre association".
_CARRIER_RE = re.compile(
    r"\b(?:mairie|commune|ville|municipalite|association|asso|mutuelle|mutualite|hopital|hopitaux|"
    r"chu|chr|ch|centre hospitalier|clinique|etablissement|ehpad|scic|collectivite|"
    r"intercommunalite|interco|communaute de communes|agglo|agglomeration|conseil departemental|"
    r"departement|region|fondation|cooperative|croix rouge|caisse)\b"
)
_NOT_YET_RE = re.compile(r"\b(?:pas encore|pas pour l'?instant|pas pour le moment|toujours pas|personne)\b")
# "oui, tout le Cher", "toute la région", "le département entier": at least a département.
_WHOLE_RE = re.compile(
    r"\b(?:tout le|toute la|tout l|l'?ensemble (?:du|de la|de l)|entier|entiere|plusieurs departements|"
    r"(?:le|du|un) departement|(?:la|de la|une) region|departemental|departementale|regional|regionale)\b"
)
# "juste notre ville", "quelques communes", "le canton": less than a département.
_PART_RE = re.compile(
    r"\b(?:canton|commune|communes|ville|quartier|bassin|agglo|agglomeration|communaute de communes|"
    r"intercommunalite|interco|secteur|pays|partie|moitie|nord|sud|est|ouest|juste|seulement|"
    r"que la|que le|que notre|pas tout|pas toute|moins)\b"
)
# "tous libéraux sauf une": one mode with exceptions is a mixed team.
_EXCEPT_RE = re.compile(r"\b(?:sauf|hormis|excepte|a part|mis a part|en dehors d)")
_ALL_NONE_RE = re.compile(r"\b(?:que des|tous|toutes|uniquement|seulement|100)\b")


def _yes_no_start(normalized: str) -> bool | None:
    first = re.match(r"[a-z]+", normalized)
    if first and first.group() in _DECISIVE_START:
        return _DECISIVE_START[first.group()]
    return None


def parse_manager(text: str) -> bool | None:
    """Has a gestionnaire: "oui", "la mairie", "l'hôpital" -> True; "non, pas encore" -> False."""
    normalized = _read(text)
    start = _yes_no_start(normalized)
    if start is not None:
        return start
    if _NOT_YET_RE.search(normalized):
        return False
    stated = _manager(tokenize_words(normalized))
    if stated is not None:
        return stated
    if _CARRIER_RE.search(normalized) and not _NO_RE.search(normalized):
        return True
    return parse_yes_no(text)


def parse_territory_scale(text: str) -> bool | None:
    """Covers a whole département or more: "oui, tout le Cher" -> True; "juste la ville" -> False."""
    normalized = _read(text)
    start = _yes_no_start(normalized)
    if start is not None:
        return start
    scale = _territory_scale(normalized)
    if scale is not None:
        return scale
    if _PART_RE.search(normalized):
        return False
    if _WHOLE_RE.search(normalized):
        return True
    return parse_yes_no(text)


def parse_practice_answer(text: str) -> str | None:
    """parse_practice, and an exception makes a mixed team ("tous libéraux sauf une")."""
    normalized = _read(text)
    practice = parse_practice(text)
    if practice in ("liberal", "salarie") and _EXCEPT_RE.search(normalized):
        return "mixte"
    return practice


def tokenize_words(normalized: str) -> list[str]:
    """The token stems of normalised text, as extract_team compares them."""
    return [token.stem for token in tokenize(normalized)]


def is_unknown(text: str) -> bool:
    """ "je ne sais pas", "aucune idée", "nsp"."""
    return bool(_UNKNOWN_RE.search(_read(text)))


def parse_answer(field: str, text: str) -> Answer:
    """The answer `text` gives to the question about `field` (a Team field name)."""
    if field in COUNT_MAXIMUMS:
        if field == POPULATION and is_unknown(text):
            return Answer(unknown=True)
        stated = extract_team(text, asked=field)
        value = stated.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            if value > COUNT_MAXIMUMS[field]:
                return Answer(hint=_too_large(COUNT_MAXIMUMS[field]), attempted=True)
            return Answer(value)
        if any(name in COUNT_MAXIMUMS for name in stated):
            return Answer()  # "2 kinés" asked about doctors answers another question
        try:
            return Answer(parse_count(text, maximum=COUNT_MAXIMUMS[field]))
        except CountError as error:
            if stated:
                return Answer()
            return Answer(hint=error.message, attempted=error.message != NOT_A_NUMBER)
    if field == PRACTICE:
        return Answer(parse_practice_answer(text))
    if field == MANAGER:
        return Answer(parse_manager(text))
    if field == TERRITORY_SCALE:
        return Answer(parse_territory_scale(text))
    return Answer()
