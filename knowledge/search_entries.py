"""What the search indexes: one `Entry` per row a user can ask about, and its text.

Facts, funding rows, creation steps, contacts, glossary entries, cells of the legal-form and
medico-social tables, PTA and Occitanie CPTS, read from the knowledge base; and the names
(structures, regions, glossary acronyms, named PTA and CPTS) that index as one token each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from knowledge import topics
from knowledge.analysis import STOPWORDS
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
from textnorm import words

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

# Region names that are everyday words in the documents once "la" is dropped: "centre de
# santé", "sud du Tarn", "la réunion d'information".
_AMBIGUOUS_REGION_NAMES = frozenset({("centre",), ("sud",), ("reunion",), ("ile", "reunion")})


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


def name_aliases(kb: KnowledgeBase, glossary: Sequence[GlossaryEntry]) -> dict[tuple[str, ...], str]:
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


def index_entries(kb: KnowledgeBase, glossary: Sequence[GlossaryEntry]) -> Iterable[tuple[Entry, str]]:
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
        entry = _named(CONTACT, number, structure, contact_text(contact), contact)
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
        entry = _named(PLATFORM, number, "pta", platform_text(platform), platform)
        words = (
            platform.name,
            platform.territory,
            platform.phone,
            platform.note,
            " ".join(platform.departments),
        )
        yield entry, _nonempty("PTA plateforme", *words)
    for number, example in enumerate(kb.cpts_examples()):
        entry = _named(CPTS_EXAMPLE, number, "cpts", cpts_example_text(example), example)
        words = (
            example.name,
            example.initiative,
            " ".join(example.objectives),
            example.population_text,
            "habitants population",
            example.note,
            " ".join(example.departments),
        )
        yield entry, _nonempty("CPTS", *words)


def _named(kind: str, number: int, structure: str | None, text: str, item: Any) -> Entry:
    """The entry of a row found by its name (contact, PTA, example CPTS): no topic of its own."""
    return Entry(
        f"{kind}:{number}", kind, structure, None, text, item.quote, item.source, item, name=item.name
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
