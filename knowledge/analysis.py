"""French text analysis of the search: what a row or a question becomes as index tokens.

Case and accent folding (`textnorm`), stop words (bm25s's French list plus question words), SMS
spellings, the knowledge base's own names as single tokens ("maison de santé
pluriprofessionnelle" and "MSP" are both "@msp"), Snowball stemming (PyStemmer) and, for a
question, typo correction against the index's own vocabulary (rapidfuzz).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer
from bm25s.stopwords import STOPWORDS_FRENCH
from rapidfuzz import fuzz, process

from textnorm import fold, words

# Words that say what kind of question it is, not what it is about. bm25s's French list is
# the Snowball one: pronouns and auxiliaries only.
_QUESTION_WORDS_TEXT = """
    quoi koi quel quels quelle quelles comment combien cb pourquoi ou quand est ce c ca cela
    qu qui que bonjour bjr salut merci svp stp please slt coucou hello dire savoir voudrais
    voudrait veux veut aimerais souhaite souhaiterais pourriez pouvez pourrais expliquer explique
    expliquez connaitre y a il elle ils elles faut peut peuvent doit doivent etre avoir fait faire
    sont existe existent exactement precisement concretement alors donc bien tres plus moins
    tout tous toute toutes autre autres meme aussi si oui non pas ne n
    selon apres dapres livret guide document documents tableau synthese source sources
    definit definissent definition defini definie signifie designe veut
    aujourd hui actuellement maintenant exactement vraiment
"""
STOPWORDS = frozenset(fold(word) for word in STOPWORDS_FRENCH) | frozenset(_QUESTION_WORDS_TEXT.split())

# SMS spellings of content words (question words are dropped anyway).
_SMS = {
    "tjs": "toujours",
    "bcp": "beaucoup",
    "pr": "pour",
    "ds": "dans",
    "qd": "quand",
    "pb": "probleme",
    "rdv": "rendez vous",
    "infs": "infirmiers",
    "inf": "infirmier",
    "kine": "kinesitherapeute",
    "kines": "kinesitherapeutes",
    "mg": "medecin generaliste",
    "tel": "telephone",
    "num": "numero",
    "tps": "temps",
    "hab": "habitants",
    "nb": "nombre",
    "fi": "financement",
    "fin": "financement",
    "subv": "subvention",
    "asso": "association",
}

_STEMMER = Stemmer.Stemmer("french")
# A typo is corrected only to a word of the index this close (0-100) and long enough to tell.
TYPO_SCORE = 84
TYPO_MIN_LENGTH = 6  # shorter words are too often a town ("Brest" is not "rest")
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Query:
    """An analysed question: its index tokens and what share of them the index knows."""

    tokens: tuple[str, ...]
    known: tuple[str, ...]


class Analyzer:
    """Folding, stop words, SMS spellings, names, typo correction and stemming."""

    def __init__(self, aliases: dict[tuple[str, ...], str]) -> None:
        # By first word, longest phrase first: "maison de sante pluriprofessionnelle
        # universitaire" wins over "maison de sante".
        self._aliases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, canonical in sorted(aliases.items(), key=lambda item: -len(item[0])):
            self._aliases.setdefault(phrase[0], []).append((phrase, canonical))
        self.vocabulary: frozenset[str] = frozenset()
        self._by_length: dict[int, list[str]] = {}
        self._corrections: dict[str, str | None] = {}

    def set_vocabulary(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = frozenset(vocabulary)
        # Candidates for a typo, by length: a typo changes a word's length by 2 at most.
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(self.vocabulary):
            self._by_length.setdefault(len(word), []).append(word)
        self._corrections: dict[str, str | None] = {}

    def _correct(self, stem: str) -> str | None:
        """The word of the index `stem` is a typo of, if one is close enough."""
        if stem not in self._corrections:
            choices = [
                word
                for length in range(len(stem) - 2, len(stem) + 3)
                for word in self._by_length.get(length, ())
            ]
            match = process.extractOne(stem, choices, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
            # Bounded: a user typing random words must not grow the process.
            if len(self._corrections) < 50_000:
                self._corrections[stem] = match[0] if match else None
            else:
                return match[0] if match else None
        return self._corrections[stem]

    def _words(self, text: str) -> list[str]:
        """Folded content words, SMS spellings spelt out: names are matched on these."""
        found: list[str] = []
        for word in words(text):
            found.extend(_SMS.get(word, word).split())
        return [word for word in found if word not in STOPWORDS]

    def _with_names(self, tokens: list[str]) -> list[str]:
        """Each known name or acronym phrase replaced by its canonical token ("@msp")."""
        result: list[str] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            result.append(token)
            if token in self._aliases:
                for phrase, canonical in self._aliases[token]:
                    if tuple(tokens[index : index + len(phrase)]) == phrase:
                        # The phrase becomes its concept: "centre de santé" is "@cds", and its
                        # "centre" no longer matches "Centre-Val de Loire".
                        result[-1] = canonical
                        index += len(phrase) - 1
                        break
            index += 1
        return result

    def _stem(self, word: str) -> str:
        return word if _DIGITS.match(word) or word.startswith("@") else _STEMMER.stemWord(word)

    def document(self, text: str) -> list[str]:
        """Index tokens of a row."""
        return [self._stem(word) for word in self._with_names(self._words(text))]

    def query(self, text: str) -> Query:
        """Index tokens of a question, typos corrected against the index's vocabulary."""
        tokens: list[str] = []
        for word in self._with_names(self._words(text)):
            stem = self._stem(word)
            if stem not in self.vocabulary and len(word) >= TYPO_MIN_LENGTH and not _DIGITS.match(word):
                stem = self._correct(stem) or stem
            tokens.append(stem)
        return Query(tuple(tokens), tuple(token for token in tokens if token in self.vocabulary))
