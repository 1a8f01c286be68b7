"""Short answers to the closed questions of the eligibility dialogue (pure functions).

- `parse_yes_no`: "oui", "exact", "tout à fait" / "non", "pas du tout";
- `parse_practice` and `parse_practice_answer`: "liberal", "salarie" or "mixte";
- `parse_manager`: a gestionnaire, named ("la mairie") or denied ("pas encore");
- `parse_territory_scale`: a whole département or more ("tout le Cher") or less ("juste la ville").

The helpers `practice_of`, `stated_manager` and `territory_scale` also read those details inside
a free sentence (`eligibility.extraction`).
"""

from __future__ import annotations

import re

from eligibility.counts import UNKNOWN_RE, read
from eligibility.french import Token, stem, stems, tokenize

__all__ = [
    "parse_manager",
    "parse_practice",
    "parse_practice_answer",
    "parse_territory_scale",
    "parse_yes_no",
    "practice_of",
    "stated_manager",
    "territory_scale",
    "tokenize_words",
]

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
    normalized = read(text)
    if not normalized or UNKNOWN_RE.search(normalized) or re.search(r"\bpeut[ -]?etre\b", normalized):
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


LIBERAL_STEMS = frozenset({"liberal", "liberale", "independant", "independante"})
_SALARIED_STEMS = frozenset({"salarie", "salariee", "salariat", "employe", "employee"})
NEGATORS = stems("pas", "non", "jamais", "sans", "aucun", "aucune")
_BOTH_RE = re.compile(r"\b(?:mixte|les deux|les 2|des deux|des 2|moitie moitie|un peu des deux)\b")


def _practice_votes(tokens: list[Token], skip: set[int]) -> tuple[bool, bool]:
    """(liberal mentioned, salaried mentioned), a negated word counting for the other mode."""
    liberal = salaried = False
    for index, token in enumerate(tokens):
        if index in skip or token.kind != "word":
            continue
        word = token.stem
        if word not in LIBERAL_STEMS and word not in _SALARIED_STEMS:
            continue
        window = [tokens[position].stem for position in range(max(0, index - 3), index)]
        if "ni" in window:
            continue  # "ni salariés ni libéraux" says nothing usable
        negated = any(
            word_before in NEGATORS or (word_before == stem("plus") and ("ne" in window or "n" in window))
            for word_before in window
        )
        is_liberal = (word in LIBERAL_STEMS) != negated
        if is_liberal:
            liberal = True
        else:
            salaried = True
    return liberal, salaried


def practice_of(normalized: str, tokens: list[Token], skip: set[int], *, allow_both: bool) -> str | None:
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
    normalized = read(text)
    return practice_of(normalized, tokenize(normalized), set(), allow_both=True)


# --- gestionnaire, territory -----------------------------------------------------------------

_MANAGER_WORDS = frozenset({"gestionnaire"})
_CARRIERS = stems(
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


def stated_manager(words: list[str]) -> bool | None:
    """A gestionnaire stated ("la mairie serait gestionnaire") or denied ("pas de gestionnaire")."""
    for index, word in enumerate(words):
        carried = word in ("porte", "portee", "gere", "geree", "porter", "gerer") and any(
            later in _CARRIERS for later in words[index + 1 : index + 4]
        )
        if word not in _MANAGER_WORDS and not carried:
            continue
        window = words[max(0, index - 4) : index]
        return not any(before in NEGATORS or before == "ni" for before in window)
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


def territory_scale(normalized: str) -> bool | None:
    if _SMALLER_RE.search(normalized):
        return False
    if _DEPARTMENT_OR_MORE_RE.search(normalized):
        return True
    return None


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


def _yes_no_start(normalized: str) -> bool | None:
    first = re.match(r"[a-z]+", normalized)
    if first and first.group() in _DECISIVE_START:
        return _DECISIVE_START[first.group()]
    return None


def parse_manager(text: str) -> bool | None:
    """Has a gestionnaire: "oui", "la mairie", "l'hôpital" -> True; "non, pas encore" -> False."""
    normalized = read(text)
    start = _yes_no_start(normalized)
    if start is not None:
        return start
    if _NOT_YET_RE.search(normalized):
        return False
    stated = stated_manager(tokenize_words(normalized))
    if stated is not None:
        return stated
    if _CARRIER_RE.search(normalized) and not _NO_RE.search(normalized):
        return True
    return parse_yes_no(text)


def parse_territory_scale(text: str) -> bool | None:
    """Covers a whole département or more: "oui, tout le Cher" -> True; "juste la ville" -> False."""
    normalized = read(text)
    start = _yes_no_start(normalized)
    if start is not None:
        return start
    scale = territory_scale(normalized)
    if scale is not None:
        return scale
    if _PART_RE.search(normalized):
        return False
    if _WHOLE_RE.search(normalized):
        return True
    return parse_yes_no(text)


def parse_practice_answer(text: str) -> str | None:
    """parse_practice, and an exception makes a mixed team ("tous libéraux sauf une")."""
    normalized = read(text)
    practice = parse_practice(text)
    if practice in ("liberal", "salarie") and _EXCEPT_RE.search(normalized):
        return "mixte"
    return practice


def tokenize_words(normalized: str) -> list[str]:
    """The token stems of normalised text, as extract_team compares them."""
    return [token.stem for token in tokenize(normalized)]
