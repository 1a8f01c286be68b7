"""A row's text must not be firmer than its quote.

The class of error this catches: the PACA guide writes "Il est préférable de ne pas mettre plus
de 2 membres de la même profession", the knowledge base wrote "Le bureau doit…"; the Occitanie
slides write "les CPTS devraient avoir la responsabilité…", the knowledge base wrote "Missions
prévues". A health professional reads the text as a rule, so a softened quote stated as a must
is a wrong answer even when every word of the quote is verbatim.

Two checks, on folded words (`textnorm.words`), no dependency:

- a must (doit, doivent, devra, obligatoire, faut, exige…) in the text needs a must in the quote
  whenever the quote softens (préférable, conseillé, recommande, peut, pourra, devrait,
  possible, suggéré, indicatif, éventuellement, important): the quote's soft word may be what the text
  turned into a must. A quote without any soft word is left alone ("nécessite" → "doit" is fine);
- a conditional of the quote (devrait, devraient, pourrait, pourraient) stays a conditional in
  the text (some verb in -rait/-raient): "Missions prévues par…" reads as decided.

Negated musts ("n'est pas obligatoire", "non obligatoire") are not musts; "ne doit pas", "il ne
faut pas" are (prohibitions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from textnorm import words

__all__ = ["MUST_WORDS", "SOFT_WORDS", "dataset_problems", "modality_problems", "row_problems"]

# Folded forms (no accents): what makes a sentence an obligation…
MUST_WORDS = frozenset(
    {
        "doit",
        "doivent",
        "devra",
        "devront",
        "devez",
        "obligatoire",
        "obligatoires",
        "obligatoirement",
        "faut",
        "faudra",
        "exige",
        "exigent",
        "exigee",
        "exigees",
        "imperatif",
        "imperative",
    }
)
# …and what makes it advice, a possibility or a forecast.
SOFT_WORDS = frozenset(
    {
        "preferable",
        "conseille",
        "conseillee",
        "conseilles",
        "conseillees",
        "recommande",
        "recommandons",
        "recommandee",
        "recommandes",
        "peut",
        "peuvent",
        "pourra",
        "pourront",
        "pourrait",
        "pourraient",
        "devrait",
        "devraient",
        "possible",
        "possibilite",
        "suggere",
        "indicatif",
        "eventuellement",
        "important",
    }
)
CONDITIONAL_WORDS = frozenset({"devrait", "devraient", "pourrait", "pourraient"})
_CONDITIONAL_ENDING = re.compile(r"\w+(?:rait|raient)$")
# "n'est pas obligatoire", "non obligatoire": a negation just before the must, folded.
_NEGATIONS = frozenset({"pas", "non", "ni", "jamais", "aucunement"})
_NEGATED_BEFORE = 2  # words looked at before the must ("n'est pas obligatoire": "est", "pas")


def _musts(text: str) -> set[str]:
    tokens = words(text)
    found = set()
    for index, token in enumerate(tokens):
        if token not in MUST_WORDS:
            continue
        # "pas obligatoire", "non obligatoire" are no must; "ne doit pas" still is (a prohibition).
        if _NEGATIONS & set(tokens[max(0, index - _NEGATED_BEFORE) : index]):
            continue
        found.add(token)
    return found


def modality_problems(text: str, quote: str) -> list[str]:
    """Why `text` states more firmly than `quote` (French messages; empty when it does not)."""
    problems = []
    quote_words = set(words(quote))
    soft = sorted(quote_words & SOFT_WORDS)
    text_musts = _musts(text)
    if text_musts and soft and not _musts(quote):
        problems.append(
            f"le texte impose (« {', '.join(sorted(text_musts))} ») ce que la citation nuance "
            f"(« {', '.join(soft)} »)"
        )
    conditionals = sorted(quote_words & CONDITIONAL_WORDS)
    if conditionals and not any(_CONDITIONAL_ENDING.fullmatch(word) for word in words(text)):
        problems.append(
            f"la citation est au conditionnel (« {', '.join(conditionals)} »), le texte ne l'est plus"
        )
    return problems


# Row fields that are not sentences shown to users: identifiers, places, numbers, the quote itself.
_NOT_SHOWN = frozenset(
    {
        "quote",
        "source_file",
        "region",
        "structure_id",
        "topic",
        "id",
        "acronym",
        "name",
        "unit",
        "departments",
        "structures",
        "topics",
        "phone",
        "email",
        "url",
        "address",
    }
)


def row_problems(row: Mapping[str, Any]) -> list[str]:
    """Problems of every displayed field of a loaded row (`knowledge.loader.Dataset` dicts)."""
    quote = row.get("quote")
    if not isinstance(quote, str):
        return []
    problems = []
    for name, value in row.items():
        if name in _NOT_SHOWN:
            continue
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for text in texts:
            if isinstance(text, str) and text:
                problems += [f"champ « {name} » : {problem}" for problem in modality_problems(text, quote)]
    return problems


def dataset_problems(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """One line per problem over `Dataset.sourced_rows()`, naming the row by kind, file and text."""
    lines = []
    for kind, row in rows:
        for problem in row_problems(row):
            label = row.get("text") or row.get("label") or row.get("name") or row.get("title") or ""
            lines.append(f"{kind} [{row.get('source_file', '?')}] {str(label)[:70]} : {problem}")
    return lines
