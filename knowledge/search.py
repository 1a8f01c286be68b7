"""Full-text search over every row of the knowledge base, so an answer can start with the fact
that answers the question instead of the first fact of a topic.

The index holds one `Entry` per row a user can ask about (`knowledge.search_entries`: facts,
funding rows, creation steps, contacts, glossary entries, table cells, PTA, Occitanie CPTS), as
tokens of the French analysis of `knowledge.analysis` (folding, stop words, stemming, names as
single tokens, typo correction). Scoring is BM25 (bm25s), multiplied by boosts for what the NLU
understood. The kinds of entry are re-exported here: actions read `search.FACT`…

Built once per process from the knowledge base (see `actions.knowledge_base`), read-only after.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

import bm25s
import numpy as np

from knowledge import topics
from knowledge.analysis import Analyzer, Query
from knowledge.geography import NATIONAL, REGION_NAMES
from knowledge.query import KnowledgeBase
from knowledge.search_entries import (
    CONTACT,
    CPTS_EXAMPLE,
    FACT,
    FUNDING,
    GLOSSARY,
    KINDS,
    LEGAL_FORM,
    LEGAL_FORM_FIELDS,
    MEDICO_SOCIAL,
    MEDICO_SOCIAL_FIELDS,
    PLATFORM,
    STEP,
    SUMMARY,
    Entry,
    Hit,
    index_entries,
    name_aliases,
)
from textnorm import words

__all__ = [
    "CONTACT",
    "CPTS_EXAMPLE",
    "FACT",
    "FUNDING",
    "GLOSSARY",
    "KINDS",
    "LEGAL_FORM",
    "LEGAL_FORM_FIELDS",
    "MEDICO_SOCIAL",
    "MEDICO_SOCIAL_FIELDS",
    "PLATFORM",
    "STEP",
    "SUMMARY",
    "Entry",
    "Hit",
    "Query",
    "SearchIndex",
]

T = TypeVar("T")

# Sentences and clauses, each with its final mark; every character is read once.
_SENTENCE = re.compile(r"[^.!?:;\n]*[.!?:;\n]?")


# Boosts for what the NLU understood; a multiplier of the BM25 score.
STRUCTURE_BOOST = 1.6
OTHER_STRUCTURE_PENALTY = 0.6
TOPIC_BOOST = 1.3
REGION_BOOST = 1.25
OTHER_REGION_PENALTY = 0.85
SOURCE_BOOST = 1.5


_REGION_TOKENS = frozenset("@" + region_id for region_id in REGION_NAMES)


def _idf(count: int, total: int) -> float:
    return math.log(1 + (total - count + 0.5) / (count + 0.5))


class SearchIndex:
    """BM25 over every row of the knowledge base."""

    def __init__(
        self,
        entries: Sequence[Entry],
        analyzer: Analyzer,
        retriever: bm25s.BM25,
        tokens: Sequence[Collection[str]],
    ) -> None:
        self.entries = tuple(entries)
        self._tokens = tuple(frozenset(item) for item in tokens)
        frequency = Counter(token for item in self._tokens for token in item)
        total = len(self._tokens)
        # BM25's idf: a word no row uses weighs like the rarest, so a question about "GIR" or
        # "TVA" is not covered by a row that only shares its common words.
        self._idf = {token: _idf(count, total) for token, count in frequency.items()}
        self._unknown_idf = _idf(0, total)
        self._names = tuple(frozenset(analyzer.document(entry.name)) for entry in self.entries)
        self.analyzer = analyzer
        self._retriever = retriever
        self._structures = np.array([entry.structure or "" for entry in self.entries])
        self._topics = np.array([entry.topic or "" for entry in self.entries])
        self._regions = np.array([entry.region for entry in self.entries])
        self._kinds = np.array([entry.kind for entry in self.entries])
        self._files = np.array([entry.source.file for entry in self.entries])
        # A publisher named in one word ("Doctolib") names its document; the others are named
        # by their region, which the region boost already handles.
        self._source_tokens = {
            analyzer.document(entry.source.publisher)[0]: entry.source.file
            for entry in self.entries
            if len(words(entry.source.publisher)) == 1
        }
        # A row returned by the query module finds its entries: rows are frozen dataclasses,
        # equal when their values are.
        self._entry_positions = {entry.key: position for position, entry in enumerate(self.entries)}
        self._by_item: dict[Any, list[int]] = {}
        for position, entry in enumerate(self.entries):
            self._by_item.setdefault(entry.item, []).append(position)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> SearchIndex:
        glossary = kb.glossary_entries()
        analyzer = Analyzer(name_aliases(kb, glossary))
        entries, corpus = [], []
        for entry, text in index_entries(kb, glossary):
            entries.append(entry)
            corpus.append(analyzer.document(text))
        analyzer.set_vocabulary(token for tokens in corpus for token in tokens)
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(entries, analyzer, retriever, corpus)

    def named_sources(self, text: str) -> set[str]:
        """Files of the documents the question names by their publisher ("selon Doctolib")."""
        return self._named_sources(self.analyzer.query(text))

    def _named_sources(self, query: Query) -> set[str]:
        return {file for token, file in self._source_tokens.items() if token in query.tokens}

    def scores(
        self,
        text: str,
        *,
        structures: Collection[str] = (),
        topic: str | None = None,
        region: str | None = None,
    ) -> np.ndarray:
        """The boosted score of every entry for `text`, in `self.entries` order."""
        query = self.analyzer.query(text)
        if not query.known:
            return np.zeros(len(self.entries), dtype=np.float32)
        if topic is None and all(token.startswith("@") for token in query.tokens):
            # Only names ("ESS ?", "une ESP en Centre-Val de Loire ?"): what they are.
            topic = topics.DEFINITION
        scores = self._retriever.get_scores(list(query.known)).astype(np.float32)
        named = self._named_sources(query)
        if named:
            scores = np.where(np.isin(self._files, list(named)), scores * SOURCE_BOOST, scores)
        if structures:
            named = np.isin(self._structures, list(structures))
            scores = np.where(named, scores * STRUCTURE_BOOST, scores)
            other = (self._structures != "") & ~named
            scores = np.where(other, scores * OTHER_STRUCTURE_PENALTY, scores)
        if topic:
            scores = np.where(self._topics == topic, scores * TOPIC_BOOST, scores)
        if region and region != NATIONAL:
            scores = np.where(self._regions == region, scores * REGION_BOOST, scores)
            other = (self._regions != region) & (self._regions != NATIONAL)
            scores = np.where(other, scores * OTHER_REGION_PENALTY, scores)
        return scores

    def search(
        self,
        text: str,
        *,
        structures: Collection[str] = (),
        topic: str | None = None,
        region: str | None = None,
        kinds: Collection[str] | None = None,
        limit: int = 5,
    ) -> list[Hit]:
        """The best entries for `text`, best first; entries scoring 0 are never returned."""
        scores = self.scores(text, structures=structures, topic=topic, region=region)
        if kinds is not None:
            scores = np.where(np.isin(self._kinds, list(kinds)), scores, 0.0)
        hits: list[Hit] = []
        seen: set[str] = set()
        # The same line can sit in several rows (a glossary entry cited by three documents).
        for i in np.argsort(-scores, kind="stable")[: limit * 3]:
            entry = self.entries[i]
            if scores[i] <= 0 or len(hits) == limit:
                break
            if entry.text not in seen:
                seen.add(entry.text)
                hits.append(Hit(entry, float(scores[i])))
        return hits

    def rank_scores(self, text: str, rows: Sequence[Any], **boosts: Any) -> list[float]:
        """The boosted score of each of `rows` (rows of the knowledge base; 0 when unknown)."""
        scores = self.scores(text, **boosts)
        return [max((float(scores[i]) for i in self._positions(row)), default=0.0) for row in rows]

    def rank(self, text: str, rows: Sequence[T]) -> list[T]:
        """`rows` (facts, funding rows, contacts, PTA… of the knowledge base) most relevant to
        `text` first.

        Only the question's words that tell the rows apart count: in "et comment elle est
        financée ?" every funding row is about money, so the rows keep the knowledge base's
        order (amounts first, the user's region first); in "combien touche une MSP au
        démarrage ?" the word "démarrage" brings its row first. Ties keep the order given.
        """
        ranked = [row for _, row, _ in self._telling_scores(text, rows)]
        named = self.named_sources(text)
        if named:
            # "les missions d'une CPTS selon Doctolib": that document's rows first.
            ranked.sort(key=lambda row: getattr(getattr(row, "source", None), "file", None) not in named)
        return ranked

    def relevant(self, text: str, rows: Sequence[T]) -> list[T]:
        """The rows `text` names, best first; all of `rows` when it names none.

        "numéro de la PTA Est Azur ?" keeps that platform, "SSIAD, SAAD ?" those two services;
        "les structures médico-sociales" names none of them and keeps the whole list.
        """
        known = set(self.analyzer.query(text).known)
        named = [
            row
            for order, row, score in self._telling_scores(text, rows)
            if score > 0 and any(self._names[i] & known for i in self._positions(rows[order]))
        ]
        return named or list(rows)

    def _telling_scores(self, text: str, rows: Sequence[T]) -> list[tuple[int, T, float]]:
        """(position in `rows`, row, BM25 score over the question's words that tell `rows` apart), best first.

        A word found in more than half of the rows tells nothing about them. Without any
        telling word every score is 0 and the order is the one given.
        """
        positions = [self._positions(row) for row in rows]
        tokens = [frozenset().union(*(self._tokens[i] for i in found)) for found in positions]
        known = [item for item, found in zip(tokens, positions, strict=True) if found]
        telling: list[str] = []
        if len(known) >= 2:
            common = len(known) / 2
            telling = [
                token
                for token in dict.fromkeys(self.analyzer.query(text).known)
                if sum(token in item for item in known) <= common
            ]
        if not telling:
            return [(order, row, 0.0) for order, row in enumerate(rows)]
        scores = self._retriever.get_scores(telling)
        keyed = sorted(
            (
                (max((float(scores[i]) for i in found), default=0.0), order, row)
                for order, (found, row) in enumerate(zip(positions, rows, strict=True))
            ),
            key=lambda item: (-item[0], item[1]),
        )
        return [(order, row, score) for score, order, row in keyed]

    def _positions(self, row: Any) -> list[int]:
        """The entries of a row of the knowledge base (a table row has one per cell)."""
        try:
            return self._by_item.get(row, [])
        except TypeError:  # an unhashable row is not one of the knowledge base's
            return []

    def coverage(self, text: str, entries: Iterable[Entry]) -> float:
        """Share of the question's words, weighted by rarity, that `entries` contain (0 to 1).

        What tells "answered" from "the documents talk about something near it": "tarif
        d'une consultation en MSP" shares only "MSP" with the rows about MSP fees.
        """
        present: set[str] = set()
        for entry in entries:
            present |= self._tokens[self._entry_positions[entry.key]]
        # A chatty message ("Bonjour, on lance notre CPTS. Quel soir pour la réunion ?") is
        # judged on its question too, not only on the context around it.
        parts = [text, *(sentence for sentence in _SENTENCE.findall(text) if sentence.endswith("?"))]
        return max(self._covered(part, present) for part in parts)

    def _covered(self, text: str, present: set[str]) -> float:
        # The region is answered by the rows' sources, not by their words.
        tokens = [
            token for token in dict.fromkeys(self.analyzer.query(text).tokens) if token not in _REGION_TOKENS
        ]
        if not tokens:
            return 0.0
        weights = {token: self._idf.get(token, self._unknown_idf) for token in tokens}
        return sum(weight for token, weight in weights.items() if token in present) / sum(weights.values())

    def row_entries(self, row: Any) -> list[Entry]:
        """The entries of a row of the knowledge base (none when the index does not know it)."""
        return [self.entries[i] for i in self._positions(row)]

    def unknown_words(self, text: str) -> list[str]:
        """The question's content words that no row of the knowledge base uses."""
        return [token for token in self.analyzer.query(text).tokens if token not in self.analyzer.vocabulary]

    def query_coverage(self, text: str) -> float:
        """Share of the question's content words the index knows (0 for gibberish)."""
        query = self.analyzer.query(text)
        return len(query.known) / len(query.tokens) if query.tokens else 0.0
