"""The profession words of the eligibility dialogue, and the Team field each one counts for.

A plain "médecin(s)" without qualifier counts as médecin généraliste (a primary-care team says
"médecins" for its GPs); "médecin spécialiste", "cardiologue", "pédiatre"… count as specialists.
Psychologues and ostéopathes are not counted: Doctolib (2023) notes they may work in a
coordinated structure but cannot be its associates.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from eligibility.french import NUMBER_WORDS, Token, stem

__all__ = [
    "GENERIC_DOCTOR",
    "GP",
    "LIBERAL_TERRITORY_DOCTORS",
    "OTHERS",
    "PARAMEDICALS",
    "POPULATION",
    "SPECIALISTS",
    "TERRITORY_DOCTORS",
    "canonical",
    "find_professions",
]

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


def canonical(token: Token) -> str:
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


def find_professions(words: list[str], taken: set[int]) -> dict[int, tuple[str, int]]:
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
