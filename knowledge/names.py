"""Names people type for structures, regions and départements, mapped to ids (no database).

Tolerant of case, accents, hyphens, plurals and small typos: "Maisons de Santé
Pluriprofessionnelles", "maison de sante", "cpst", "équipe soins spé", "Bouches du Rhone", "29".
"""

from __future__ import annotations

from functools import lru_cache

from knowledge.geography import (
    AMBIGUOUS_NAMES,
    DEPARTMENTS,
    REGION_ALIASES,
)
from knowledge.geography import REGION_NAMES as _REGION_NAMES
from textnorm import words

__all__ = [
    "REGION_NAMES",
    "STRUCTURE_IDS",
    "STRUCTURE_PATTERNS",
    "department_name",
    "department_region",
    "find_region_name",
    "find_structures",
    "names_no_place",
    "normalise_name",
    "resolve_department",
    "resolve_region",
    "resolve_structure",
]

REGION_NAMES: dict[str, str] = dict(_REGION_NAMES)

# Ways of naming each structure, written naturally; matching normalises them like user text.
STRUCTURE_PATTERNS: dict[str, tuple[str, ...]] = {
    "esp": ("ESP", "équipe de soins primaires", "équipe soins primaires"),
    "msp": (
        "MSP",
        "MSPU",
        "maison de santé",
        "maison pluriprofessionnelle",
        "maison pluri-professionnelle",
        "maison médicale",
    ),
    "cds": ("CDS", "centre de santé"),
    "ess": (
        "ESS",
        "équipe de soins spécialisés",
        "équipe de soins spécialistes",
        "équipe de spécialistes",
    ),
    "cpts": (
        "CPTS",
        "communauté professionnelle territoriale de santé",
        "communauté professionnelle de santé",
        "communauté territoriale de santé",
        "communauté professionnelle territoriale",
        "communauté professionnelle",
    ),
    "pta": ("PTA", "plateforme territoriale d'appui", "plateforme d'appui"),
    "pole_sante": ("pôle de santé",),
    "asso_infirmiers": (
        "association d'infirmiers",
        "association d'infirmières",
        "association infirmière",
        "regroupement d'infirmiers",
        "association d'IDEL",
    ),
}
STRUCTURE_IDS: tuple[str, ...] = tuple(STRUCTURE_PATTERNS)

_STOPWORDS = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "en", "un", "une", "et", "a", "au", "aux"}
)
# Acronyms are matched exactly (no plural stripping, no typo tolerance: "ses" must not be ESS),
# except the transpositions people type for CPTS.
_ACRONYMS = frozenset({"esp", "msp", "mspu", "cds", "ess", "cpts", "pta", "idel"})
_ACRONYM_TYPOS = {"cpst": "cpts", "ctps": "cpts", "pcts": "cpts", "cpts": "cpts"}
# Words of a region or département reference that say nothing by themselves.
_FILLERS = frozenset(
    {
        "en",
        "dans",
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "a",
        "au",
        "aux",
        "region",
        "departement",
        "dep",
        "dept",
        "dpt",
        "je",
        "suis",
        "j",
        "exerce",
        "nous",
        "sommes",
        "on",
        "est",
        "travaille",
        "habite",
        "c",
        "pour",
        "sur",
        "mon",
        "ma",
        "notre",
        "et",
        "ici",
    }
)
_PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_NUMBER_CUES = frozenset({"departement", "dep", "dept", "dpt", "le", "du"})
_NAME_CUES = (("dans", "le"), ("dans", "la"), ("dans", "l"), ("dans", "les"), ("a", "la"))


def normalise_name(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("Côte-d'Or" -> "cote d or")."""
    return " ".join(words(text))


def _tokens(text: str) -> list[str]:
    return normalise_name(text).split()


def _singular(token: str) -> str:
    if token in _ACRONYMS or len(token) <= 4 or token.isdigit():
        return token
    return token[:-1] if token[-1] in "sx" else token


def _distance(left: str, right: str) -> int:
    """Optimal string alignment distance (edits, with adjacent transpositions)."""
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, start=1):
        current = [i] + [0] * len(right)
        for j, right_char in enumerate(right, start=1):
            cost = 0 if left_char == right_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and left_char == right[j - 2] and left[i - 2] == right_char:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _is_typo_of(typed: str, expected: str) -> bool:
    """A small typo ("bretagen", "pluriprofesionnelle"), never on the first letter ("raison de
    santé" is not a "maison de santé"); words under five letters must be exact."""
    if typed == expected:
        return True
    if len(expected) < 5 or typed[0] != expected[0]:
        return False
    allowed = 2 if len(expected) >= 9 else 1
    return abs(len(typed) - len(expected)) <= allowed and _distance(typed, expected) <= allowed


def _word_matches(typed: str, expected: str) -> bool:
    if typed == expected:
        return True
    if expected in _ACRONYMS:
        return _ACRONYM_TYPOS.get(typed) == expected
    if typed in _ACRONYMS or typed in _STOPWORDS:
        return False
    # "spé" for "spécialisés", "pluri" for "pluriprofessionnelle".
    if len(typed) >= 3 and len(expected) >= 6 and expected.startswith(typed):
        return True
    return _is_typo_of(typed, expected)


@lru_cache(maxsize=1)
def _structure_patterns() -> list[tuple[tuple[str, ...], str]]:
    patterns = []
    for structure_id, phrases in STRUCTURE_PATTERNS.items():
        for phrase in phrases:
            words = tuple(_singular(word) for word in _tokens(phrase) if word not in _STOPWORDS)
            patterns.append((words, structure_id))
    # Longest first, so "communauté professionnelle territoriale de santé" wins over its prefix.
    patterns.sort(key=lambda item: -len(item[0]))
    return patterns


def find_structures(text: str) -> list[str]:
    """Every structure id mentioned in `text`, in order of appearance, without duplicates."""
    words = [_singular(word) for word in _tokens(text) if word not in _STOPWORDS]
    found: list[str] = []
    position = 0
    while position < len(words):
        for pattern, structure_id in _structure_patterns():
            end = position + len(pattern)
            if end <= len(words) and all(
                _word_matches(typed, expected)
                for typed, expected in zip(words[position:end], pattern, strict=True)
            ):
                if structure_id not in found:
                    found.append(structure_id)
                position = end
                break
        else:
            position += 1
    return found


def resolve_structure(text: str) -> str | None:
    """The structure id `text` names ("maison de sante" -> "msp"), or None."""
    if text.strip() in STRUCTURE_PATTERNS:
        return text.strip()
    found = find_structures(text)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _place_names() -> dict[tuple[str, ...], tuple[str, str]]:
    """Normalised words -> ("department", code) or ("region", id)."""
    names: dict[tuple[str, ...], tuple[str, str]] = {}
    for region_id, display in REGION_NAMES.items():
        names[tuple(_tokens(display))] = ("region", region_id)
        names[tuple(_tokens(region_id))] = ("region", region_id)
        for alias in REGION_ALIASES.get(region_id, ()):
            names[tuple(_tokens(alias))] = ("region", region_id)
    for code, name, _region in DEPARTMENTS:
        # A département named like its region (Guadeloupe…) resolves to the same region anyway.
        names.setdefault(tuple(_tokens(name)), ("department", code))
    return names


_DEPARTMENT_BY_CODE = {code: (name, region) for code, name, region in DEPARTMENTS}


def _department_code(token: str) -> str | None:
    token = token.upper()
    if token in _DEPARTMENT_BY_CODE:
        return token
    if token.isdigit() and len(token) == 1 and f"0{token}" in _DEPARTMENT_BY_CODE:
        return f"0{token}"
    if token.isdigit() and len(token) == 5:
        # A postcode: 97x for overseas, 20xxx for Corsica (both départements are one region).
        if token.startswith("97"):
            return token[:3] if token[:3] in _DEPARTMENT_BY_CODE else None
        if token.startswith("20"):
            # Postcodes below 20200 are in Corse-du-Sud.
            return "2A" if int(token) < 20200 else "2B"
        return token[:2] if token[:2] in _DEPARTMENT_BY_CODE else None
    return None


def _find_place(text: str, *, sentence: bool = False) -> tuple[str, str] | None:
    """("department", code) or ("region", id) named in `text`, or None.

    `sentence`: the text is a whole message nobody tagged as a place, so only unmistakable
    names count: no numbers ("le 12 décembre", "appelez le 15"), no typo guessing, and a name
    that is also an everyday word only alone or after "département" or "région" ("dans le
    centre de santé" is no region).
    """
    words = [_PLACE_ABBREVIATIONS.get(word, word) for word in _tokens(text)]
    content = [word for word in words if word not in _FILLERS]
    names = _place_names()
    longest = max(len(key) for key in names)
    for position in range(len(words)):
        for size in range(min(longest, len(words) - position), 0, -1):
            key = tuple(words[position : position + size])
            if key not in names:
                continue
            core = [word for word in key if word not in _FILLERS]
            if len(core) == 1 and core[0] in AMBIGUOUS_NAMES:
                at = position + key.index(core[0])
                before = tuple(words[max(0, at - 2) : at])
                alone = content == core
                # "département du Nord", "département de la Somme".
                explicit = bool({"departement", "region"} & set(words[max(0, at - 3) : at]))
                cued = explicit or (not sentence and before in _NAME_CUES)
                if not (cued or alone):
                    continue
            return names[key]
        word = words[position]
        if sentence:
            continue
        code = _department_code(word) if word[0].isdigit() or word in ("2a", "2b") else None
        if code and (content == [word] or (position > 0 and words[position - 1] in _NUMBER_CUES)):
            return ("department", code)
    return None if sentence else _find_misspelt_place(content)


def _find_misspelt_place(content: list[str]) -> tuple[str, str] | None:
    """The one place whose name the whole of `content` misspells, or None.

    Only when the text is nothing but a place name (an entity value, an answer to "dans quelle
    région ?"), so that a word in a sentence is never read as a place; and only when a single
    place matches ("loirer" could be the Loire or the Loiret: neither).
    """
    if not content:
        return None
    matches = set()
    for key, place in _place_names().items():
        core = [word for word in key if word not in _FILLERS]
        if len(core) != len(content) or (len(core) == 1 and core[0] in AMBIGUOUS_NAMES):
            continue
        if all(_is_typo_of(typed, expected) for typed, expected in zip(content, core, strict=True)):
            matches.add(place)
    return matches.pop() if len(matches) == 1 else None


def resolve_department(text: str) -> str | None:
    """The département code `text` names ("Finistère", "29", "29200") or None."""
    place = _find_place(text)
    if place and place[0] == "department":
        return place[1]
    return None


def resolve_region(text: str) -> str | None:
    """The region id of a region or département named in `text`, or None.

    Regions without documents resolve too ("Rhône" -> "auvergne-rhone-alpes"); "France" or
    "national" gives "national".
    """
    stripped = text.strip()
    if stripped in REGION_NAMES:
        return stripped
    return _region_of(_find_place(stripped))


def _region_of(place: tuple[str, str] | None) -> str | None:
    if place is None:
        return None
    kind, value = place
    return _DEPARTMENT_BY_CODE[value][1] if kind == "department" else value


def names_no_place(text: str) -> bool:
    """True when `text` holds only words such as "de", "dans le", "région": no place at all."""
    return all(word in _FILLERS for word in _tokens(text))


def find_region_name(text: str) -> str | None:
    """The region of a region or département named in a whole sentence, or None.

    For messages in which the NLU tagged no place ("un projet de CPTS dans les Alpes-Maritimes").
    Numbers are not read as départements there: "le 12 décembre" is a date, "le 15" the
    emergency number.
    """
    return _region_of(_find_place(text, sentence=True))


def department_name(code: str) -> str | None:
    """Name of a département from its code ("29" -> "Finistère", "2a" -> "Corse-du-Sud")."""
    normalised = _department_code(code.strip()) if code.strip() else None
    return _DEPARTMENT_BY_CODE[normalised][0] if normalised else None


def department_region(code: str) -> str | None:
    """Region id of a département code, or None."""
    normalised = _department_code(code.strip()) if code.strip() else None
    return _DEPARTMENT_BY_CODE[normalised][1] if normalised else None
