"""Full-text search over every row of the knowledge base, so an answer can start with the fact
that answers the question instead of the first fact of a topic.

One `Entry` per row a user can ask about: facts, funding rows, creation steps, contacts,
glossary entries, cells of the legal-form and medico-social tables, PTA, Occitanie CPTS and
regions. Text analysis is French: case and accent folding (`textnorm`), stop words (bm25s's
French list plus question words), Snowball stemming (PyStemmer), typo correction against the
index's own vocabulary (rapidfuzz), and the knowledge base's own names: "maison de santé
pluriprofessionnelle" and "MSP" index as the same token, for every structure and glossary
acronym. Scoring is BM25 (bm25s), multiplied by boosts for what the NLU understood.

Built once per process from the knowledge base (see `actions.knowledge_base`), read-only after.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_FRENCH
from rapidfuzz import fuzz, process

from knowledge import topics
from knowledge.geography import NATIONAL, REGION_ALIASES, REGION_NAMES
from knowledge.query import KnowledgeBase
from knowledge.types import (
    Contact,
    CptsExample,
    GlossaryEntry,
    LegalForm,
    MedicoSocialStructure,
    Platform,
    Source,
)
from textnorm import fold, words

T = TypeVar("T")

# Kinds of entry. Facts and funding rows are answered by topic; the others by what they are.
FACT = "fact"
FUNDING = "funding"
STEP = "step"
CONTACT = "contact"
GLOSSARY = "glossary"
LEGAL_FORM = "legal_form"
MEDICO_SOCIAL = "medico_social"
PLATFORM = "platform"
CPTS_EXAMPLE = "cpts_example"
KINDS = (FACT, FUNDING, STEP, CONTACT, GLOSSARY, LEGAL_FORM, MEDICO_SOCIAL, PLATFORM, CPTS_EXAMPLE)

# Table cells indexed one by one: a question asks about one cell ("la SISA, responsabilité ?").
# The cells are the optional text fields of the table's row type; the summary is its own entry.
SUMMARY = "summary"
_NOT_CELLS = frozenset({"id", "acronym", "name", SUMMARY, "quote", "source"})
LEGAL_FORM_FIELDS = (SUMMARY, *(item.name for item in fields(LegalForm) if item.name not in _NOT_CELLS))
MEDICO_SOCIAL_FIELDS = (
    SUMMARY,
    *(item.name for item in fields(MedicoSocialStructure) if item.name not in _NOT_CELLS),
)

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

# Region names that are everyday words in the documents once "la" is dropped: "centre de
# santé", "sud du Tarn", "la réunion d'information".
_AMBIGUOUS_REGION_NAMES = frozenset({("centre",), ("sud",), ("reunion",), ("ile", "reunion")})

_STEMMER = Stemmer.Stemmer("french")
# A typo is corrected only to a word of the index this close (0-100) and long enough to tell.
TYPO_SCORE = 84
TYPO_MIN_LENGTH = 6  # shorter words are too often a town ("Brest" is not "rest")
_DIGITS = re.compile(r"^\d+$")
# Sentences and clauses, each with its final mark; every character is read once.
_SENTENCE = re.compile(r"[^.!?:;\n]*[.!?:;\n]?")


@dataclass(frozen=True)
class Entry:
    """One searchable row and what an answer shows of it.

    `text` is the line an answer prints for it (a fact's text, a contact's name and details…);
    `item` is the typed row for richer rendering; `field` names the table cell of table rows.
    """

    key: str
    kind: str
    structure: str | None
    topic: str | None
    text: str
    quote: str
    source: Source
    item: Any = field(compare=False, repr=False)
    field: str = ""
    name: str = ""

    @property
    def region(self) -> str:
        return self.source.region


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


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


def _aliases(kb: KnowledgeBase, glossary: Sequence[GlossaryEntry]) -> dict[tuple[str, ...], str]:
    """Folded name phrase -> canonical token, for structures and glossary acronyms."""
    aliases: dict[tuple[str, ...], str] = {}

    def add(phrase: str, canonical: str) -> None:
        key = tuple(word for word in words(phrase) if word not in STOPWORDS)
        if key and key not in aliases:
            aliases[key] = canonical

    # A region's name is one token: "Centre-Val de Loire" must not match "centre de santé".
    for region_id, region_name in REGION_NAMES.items():
        for name in (region_name, *REGION_ALIASES.get(region_id, ())):
            key = tuple(word for word in words(name) if word not in STOPWORDS)
            if region_id != NATIONAL and key not in _AMBIGUOUS_REGION_NAMES:
                add(name, "@" + region_id)
    # Named things of the tables: "PTA Est Azur", "CPTS Sud-Tarn" find their row first.
    for platform in kb.platforms():
        add(platform.name, "@" + "-".join(words(platform.name)))
    for example in kb.cpts_examples():
        add(example.name, "@" + "-".join(words(example.name)))
    for entry in glossary:
        canonical = "@" + "".join(words(entry.term))
        for phrase in (entry.term, *entry.aliases):
            add(phrase, canonical)
        if entry.developed and entry.expansion:
            add(entry.expansion, canonical)
    return aliases


def _nonempty(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def _entries(kb: KnowledgeBase, glossary: Sequence[GlossaryEntry]) -> Iterable[tuple[Entry, str]]:
    """(entry, text to index) for every row."""
    structures = {item.id: item for item in kb.structures()}

    def about(structure_id: str | None) -> str:
        structure = structures.get(structure_id or "")
        return _nonempty(structure.acronym, structure.name) if structure else ""

    for number, fact in enumerate(kb.all_facts()):
        entry = Entry(
            f"fact:{number}", FACT, fact.structure, fact.topic, fact.text, fact.quote, fact.source, fact
        )
        yield entry, _nonempty(about(fact.structure), fact.text, fact.quote)
    for number, row in enumerate(kb.all_funding()):
        entry = Entry(
            f"funding:{number}", FUNDING, row.structure, topics.FUNDING, row.text, row.quote, row.source, row
        )
        yield (
            entry,
            _nonempty(
                about(row.structure),
                "financement",
                row.label,
                row.funder,
                row.conditions,
                row.text,
                row.quote,
            ),
        )
    for number, procedure in enumerate(kb.all_procedures()):
        for position, step in enumerate(procedure.steps, start=1):
            entry = Entry(
                f"step:{number}:{position}",
                STEP,
                procedure.structure,
                topics.CREATION,
                step,
                procedure.quote,
                procedure.source,
                procedure,
                field=str(position),
                name=procedure.title,
            )
            yield entry, _nonempty(about(procedure.structure), procedure.title, step)
    for number, contact in enumerate(kb.contacts()):
        structure = contact.structures[0] if len(contact.structures) == 1 else None
        entry = Entry(
            f"contact:{number}",
            CONTACT,
            structure,
            None,
            contact_text(contact),
            contact.quote,
            contact.source,
            contact,
            name=contact.name,
        )
        yield (
            entry,
            _nonempty(
                "contact",
                contact.name,
                " ".join(contact.topics),
                contact.address,
                contact.email,
                contact.source.region_name,
                # The words people use to ask for each way of reaching it.
                _PHONE_WORDS if contact.phone else "",
                _EMAIL_WORDS if contact.email else "",
                _WEB_WORDS if contact.url else "",
            ),
        )
    for number, term in enumerate(glossary):
        text = _nonempty(f"{term.term} : {term.expansion}.", term.note)
        for position, source in enumerate(term.sources):
            quote = term.quotes[position] if position < len(term.quotes) else ""
            entry = Entry(
                f"glossary:{number}:{position}",
                GLOSSARY,
                None,
                topics.DEFINITION,
                text,
                quote,
                source,
                term,
                name=term.term,
            )
            yield entry, _nonempty("definition", term.term, *term.aliases, term.expansion, term.note)
    tables = (
        (LEGAL_FORM, kb.legal_forms(), LEGAL_FORM_FIELDS, topics.LEGAL_FORM, "forme juridique"),
        (MEDICO_SOCIAL, kb.medico_social(), MEDICO_SOCIAL_FIELDS, None, ""),
    )
    for kind, rows, cells, topic, about_table in tables:
        for row in rows:
            for name in cells:
                value = getattr(row, name)
                if value:
                    entry = Entry(
                        f"{kind}:{row.id}:{name}",
                        kind,
                        None,
                        topic,
                        value,
                        row.quote,
                        row.source,
                        row,
                        field=name,
                        name=row.acronym,
                    )
                    yield entry, _nonempty(about_table, row.acronym, row.name, _FIELD_WORDS[name], value)
    for number, platform in enumerate(kb.platforms()):
        entry = Entry(
            f"platform:{number}",
            PLATFORM,
            "pta",
            None,
            platform_text(platform),
            platform.quote,
            platform.source,
            platform,
            name=platform.name,
        )
        yield (
            entry,
            _nonempty(
                "PTA plateforme",
                platform.name,
                platform.territory,
                platform.phone,
                platform.note,
                " ".join(platform.departments),
            ),
        )
    for number, example in enumerate(kb.cpts_examples()):
        entry = Entry(
            f"cpts_example:{number}",
            CPTS_EXAMPLE,
            "cpts",
            None,
            cpts_example_text(example),
            example.quote,
            example.source,
            example,
            name=example.name,
        )
        yield (
            entry,
            _nonempty(
                "CPTS",
                example.name,
                example.initiative,
                " ".join(example.objectives),
                example.population_text,
                "habitants population",
                example.note,
                " ".join(example.departments),
            ),
        )


_PHONE_WORDS = "téléphone numéro joindre appeler"
_EMAIL_WORDS = "e-mail mail courriel adresse électronique écrire"
_WEB_WORDS = "site internet web"

# Words a user puts on a table column ("responsabilité", "capital", "agrément").
_FIELD_WORDS = {
    SUMMARY: "definition",
    "professionals": "professionnels associés qui peut",
    "cpts_membership": "CPTS adhésion membre",
    "purpose": "objet but",
    "minimum_partners": "nombre minimum associés",
    "contributions": "apports capital",
    "liability": "responsabilité associés",
    "objective": "objectif",
    "services": "prestations services",
    "nursing_care": "soins infirmiers",
    "practice": "exercice infirmier libéral salarié",
    "status": "statut",
    "funding": "financement finance",
    "ars_approval": "agrément autorisation ARS",
    "inclusion_criteria": "critères admission inclusion patients",
}


def contact_text(contact: Contact) -> str:
    """A contact as one line: its name, then how to reach it."""
    details = [part for part in (contact.phone, contact.email, contact.url, contact.address) if part]
    return contact.name + (" : " + ", ".join(details) if details else "")


def platform_text(platform: Platform) -> str:
    # Some PTA have no number in the document, only a note saying how to reach them.
    reach = platform.phone or platform.note
    return f"{platform.name} ({platform.territory})" + (f" : {reach}" if reach else "")


def cpts_example_text(example: CptsExample) -> str:
    departments = ", ".join(example.departments)
    population = f", {example.population_text}" if example.population_text else ""
    return f"{example.name} ({departments}{population})"


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
        analyzer = Analyzer(_aliases(kb, glossary))
        entries, corpus = [], []
        for entry, text in _entries(kb, glossary):
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
