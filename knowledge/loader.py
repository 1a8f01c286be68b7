"""Load the validated data files into the database, and tell whether it holds the current ones.

`load` validates every file of `knowledge/data/` first (`knowledge.validation`); only a data set
without a single problem is written, by replacing all rows in one transaction, so a bad file never
leaves a half-loaded or emptied database. A hash of the files, stored with the rows, tells
`is_current` whether a reload is needed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge import communes, models, schema, validation
from knowledge.db import make_engine, session_scope
from knowledge.names import STRUCTURE_IDS
from knowledge.validation import DEFAULT_DATA_DIR, KnowledgeDataError, Problem, glossary_key

__all__ = [
    "DEFAULT_DATA_DIR",
    "Dataset",
    "KnowledgeDataError",
    "LoadReport",
    "Problem",
    "data_hash",
    "ensure_loaded",
    "is_current",
    "load",
    "read_data",
    "stored_hash",
]


# Bump when the tables change: a database loaded by an older version is then reloaded.
SCHEMA_VERSION = "1"
HASH_KEY = "data_hash"
SCHEMA_KEY = "schema_version"


@dataclass
class Dataset:
    """Validated content of the data files, ready to insert (plain dicts, source keys resolved)."""

    regions: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    structures: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    glossary: list[dict[str, Any]] = field(default_factory=list)
    legal_forms: list[dict[str, Any]] = field(default_factory=list)
    medico_social: list[dict[str, Any]] = field(default_factory=list)
    platforms: list[dict[str, Any]] = field(default_factory=list)
    cpts_examples: list[dict[str, Any]] = field(default_factory=list)
    data_hash: str = ""

    def sourced_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(kind, row) for every row that cites a source document."""
        for kind in validation.SOURCED_KINDS:
            for row in getattr(self, kind):
                yield kind, row
        for entry in self.glossary:
            for citation in entry["citations"]:
                yield "glossary", citation

    def counts(self) -> dict[str, int]:
        return {
            "faits": len(self.facts),
            "financements": len(self.funding),
            "procédures": len(self.procedures),
            "contacts": len(self.contacts),
            "glossaire": len(self.glossary),
            "formes juridiques": len(self.legal_forms),
            "structures médico-sociales": len(self.medico_social),
            "plateformes": len(self.platforms),
            "exemples de CPTS": len(self.cpts_examples),
        }

    def per_source(self) -> dict[str, int]:
        """How many rows cite each source file (every source listed, even at zero)."""
        counter = Counter(row["source_file"] for _, row in self.sourced_rows())
        return {source["file"]: counter.get(source["file"], 0) for source in self.sources}


@dataclass(frozen=True)
class LoadReport:
    tables: dict[str, int]
    per_source: dict[str, int]
    source_labels: dict[str, str]
    data_hash: str

    def __str__(self) -> str:
        lines = ["Base de connaissances chargée :"]
        lines += [f"  {name} : {count}" for name, count in self.tables.items()]
        lines.append("Lignes par document source :")
        lines += [
            f"  {file} ({self.source_labels.get(file, '')}) : {count}"
            for file, count in self.per_source.items()
        ]
        return "\n".join(lines)


def data_files(data_dir: Path) -> list[Path]:
    return sorted(path for path in data_dir.rglob("*.yml") if path.is_file())


def data_hash(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A digest of every data file (path and bytes) and of the schema version."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for path in data_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _sourced(entry: schema.Sourced, source: schema.Source, **row: Any) -> dict[str, Any]:
    return row | {"quote": entry.quote, "source_file": source.file}


def _dataset(validated: validation.Validated) -> Dataset:
    """The rows of a data set that passed both passes, in data-file order."""
    parsed, sources = validated.entries, validated.sources
    dataset = Dataset()
    dataset.regions = [
        {"id": item.entry.id, "name": item.entry.name, "position": position}
        for position, item in enumerate(parsed["regions"])
    ]
    dataset.sources = [
        item.entry.model_dump() | {"kind": item.entry.kind or "", "position": position}
        for position, item in enumerate(parsed["sources"])
    ]
    dataset.structures = sorted(
        (
            item.entry.model_dump() | {"position": STRUCTURE_IDS.index(item.entry.id)}
            for item in parsed["structures"]
        ),
        key=lambda row: row["position"],
    )

    def of(item: validation.Located) -> schema.Source:
        return sources[item.entry.source]

    def regional(item: validation.Located, **row: Any) -> dict[str, Any]:
        return _sourced(item.entry, of(item), structure_id=item.structure_id, **row) | {
            "region": of(item).region
        }

    dataset.facts = [regional(item, topic=item.entry.topic, text=item.entry.text) for item in parsed["facts"]]
    dataset.funding = [
        regional(item, **item.entry.model_dump(exclude={"source", "quote"}))
        | {"conditions": item.entry.conditions or ""}
        for item in parsed["funding"]
    ]
    dataset.procedures = [
        regional(item, title=item.entry.title, steps=list(item.entry.steps)) for item in parsed["procedures"]
    ]
    dataset.contacts = [
        _sourced(item.entry, of(item), **item.entry.model_dump(exclude={"source", "quote"}))
        | {"region": of(item).region}
        for item in parsed["contacts"]
    ]
    dataset.glossary = [
        item.entry.model_dump(exclude={"citations"})
        | {
            "note": item.entry.note or "",
            "citations": [
                {"source_file": sources[citation.source].file, "quote": citation.quote}
                for citation in item.entry.citations
            ],
        }
        for item in parsed["glossary"]
    ]
    for kind in ("legal_forms", "medico_social"):
        setattr(
            dataset,
            kind,
            [
                _sourced(item.entry, of(item), **item.entry.model_dump(exclude={"source"}))
                for item in parsed[kind]
            ],
        )
    for kind in ("platforms", "cpts_examples"):
        setattr(
            dataset,
            kind,
            [
                _sourced(item.entry, of(item), **item.entry.model_dump(exclude={"source", "quote"}))
                | {
                    "note": item.entry.note or "",
                    "departments": [code.upper() for code in item.entry.departments],
                }
                for item in parsed[kind]
            ],
        )
    return dataset


def read_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path | None = None) -> Dataset:
    """Parse and validate every data file; raise KnowledgeDataError listing all problems.

    With `seeds_dir` (the source documents), every quote is also checked against its document.
    """
    dataset = _dataset(validation.validate(data_dir, seeds_dir))
    dataset.data_hash = data_hash(Path(data_dir))
    return dataset


# --------------------------------------------------------------------------- writing


def _numbered(rows: list[dict[str, Any]], *, without: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows with their id and position (data-file order), child lists left out."""
    return [
        {key: value for key, value in row.items() if key not in without}
        | {"id": index + 1, "position": index}
        for index, row in enumerate(rows)
    ]


def _children(
    rows: list[dict[str, Any]], field_name: str, parent: str, value: str, *, numbered: bool = True
) -> list[dict[str, Any]]:
    """One row per item of each row's list `field_name`, pointing to its parent by position + 1."""
    children: list[dict[str, Any]] = []
    for parent_index, row in enumerate(rows):
        for index, item in enumerate(row[field_name]):
            child = {parent: parent_index + 1, "position": index, value: item}
            children.append(child | {"id": len(children) + 1} if numbered else child)
    return children


def _glossary_rows(glossary: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The glossary entries and their lookup keys: terms and aliases first, then expansions."""
    entries = [
        {key: entry[key] for key in ("term", "expansion", "note", "developed")}
        | {"id": position + 1, "position": position}
        for position, entry in enumerate(glossary)
    ]
    keys: list[dict[str, Any]] = []
    taken: set[str] = set()

    def add(text: str, glossary_id: int, kind: str) -> None:
        key = glossary_key(text)
        if key not in taken:
            taken.add(key)
            keys.append({"key": key, "glossary_id": glossary_id, "kind": kind})

    for position, entry in enumerate(glossary):
        add(entry["term"], position + 1, "term")
        for alias in entry["aliases"]:
            add(alias, position + 1, "alias")
    for position, entry in enumerate(glossary):
        # An expansion finds its acronym too ("fonds d'intervention régional" -> FIR), unless
        # it is the placeholder of an undeveloped acronym or already someone else's key.
        if entry["developed"]:
            add(entry["expansion"], position + 1, "expansion")
    return entries, keys


def _citation_rows(glossary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    citations: list[dict[str, Any]] = []
    for position, entry in enumerate(glossary):
        for index, citation in enumerate(entry["citations"]):
            citations.append(
                {"id": len(citations) + 1, "glossary_id": position + 1, "position": index, **citation}
            )
    return citations


def _rows(dataset: Dataset) -> Iterator[tuple[type, list[dict[str, Any]]]]:
    """Every table's rows, parents before children, with ids assigned here."""
    m = models
    yield m.RegionRow, dataset.regions
    yield m.SourceRow, dataset.sources
    yield m.StructureRow, [{k: v for k, v in row.items() if k != "synonyms"} for row in dataset.structures]
    synonyms = [
        {"structure_id": structure["id"], "synonym": synonym, "position": index}
        for structure in dataset.structures
        for index, synonym in enumerate(structure["synonyms"])
    ]
    yield m.StructureSynonymRow, [row | {"id": index + 1} for index, row in enumerate(synonyms)]
    yield m.FactRow, _numbered(dataset.facts)
    yield m.FundingRow, _numbered(dataset.funding)
    yield m.ProcedureRow, _numbered(dataset.procedures, without=("steps",))
    yield m.ProcedureStepRow, _children(dataset.procedures, "steps", "procedure_id", "text")
    contacts = [row | {"topics": json.dumps(row["topics"], ensure_ascii=False)} for row in dataset.contacts]
    yield m.ContactRow, _numbered(contacts, without=("structures",))
    contact_structures = _children(
        dataset.contacts, "structures", "contact_id", "structure_id", numbered=False
    )
    yield (
        m.ContactStructureRow,
        [{key: row[key] for key in ("contact_id", "structure_id")} for row in contact_structures],
    )
    glossary, glossary_keys = _glossary_rows(dataset.glossary)
    yield m.GlossaryRow, glossary
    yield m.GlossaryKeyRow, glossary_keys
    yield m.GlossaryCitationRow, _citation_rows(dataset.glossary)
    yield m.LegalFormRow, [row | {"position": index} for index, row in enumerate(dataset.legal_forms)]
    yield m.MedicoSocialRow, [row | {"position": index} for index, row in enumerate(dataset.medico_social)]
    yield m.PlatformRow, _numbered(dataset.platforms, without=("departments",))
    yield (
        m.PlatformDepartmentRow,
        _children(dataset.platforms, "departments", "platform_id", "department", numbered=False),
    )
    yield m.CptsExampleRow, _numbered(dataset.cpts_examples, without=("departments", "objectives"))
    yield (
        m.CptsExampleDepartmentRow,
        _children(dataset.cpts_examples, "departments", "example_id", "department", numbered=False),
    )
    yield m.CptsExampleObjectiveRow, _children(dataset.cpts_examples, "objectives", "example_id", "text")


def _replace_all(session: Session, dataset: Dataset) -> None:
    for table in reversed(models.Base.metadata.sorted_tables):
        session.execute(table.delete())
    for model, rows in _rows(dataset):
        if rows:
            session.execute(model.__table__.insert(), rows)
    session.add_all(
        [
            models.Meta(key=HASH_KEY, value=dataset.data_hash),
            models.Meta(key=SCHEMA_KEY, value=SCHEMA_VERSION),
        ]
    )


def load(engine: Engine, data_dir: Path = DEFAULT_DATA_DIR) -> LoadReport:
    """Validate the data files, then replace every row of the knowledge base in one transaction.

    Raises KnowledgeDataError (and writes nothing) when a file is malformed.
    """
    dataset = read_data(data_dir)
    version = _stored_meta(engine, SCHEMA_KEY)
    if version is not None and version != SCHEMA_VERSION:
        # Tables of an older layout: create_all would keep them as they are.
        models.Base.metadata.drop_all(engine)
    models.Base.metadata.create_all(engine)
    with session_scope(engine) as session:
        _replace_all(session, dataset)
        communes.replace_communes(session)
    labels = {source["file"]: f"{source['publisher']}, {source['date_label']}" for source in dataset.sources}
    return LoadReport(dataset.counts(), dataset.per_source(), labels, dataset.data_hash)


def _stored_meta(engine: Engine, key: str) -> str | None:
    try:
        with session_scope(engine) as session:
            return session.execute(
                select(models.Meta.value).where(models.Meta.key == key)
            ).scalar_one_or_none()
    except DBAPIError:
        # No table yet (never loaded): nothing is stored.
        return None


def stored_hash(engine: Engine) -> str | None:
    """The data hash recorded by the last load, or None when nothing (or no table) is there."""
    return _stored_meta(engine, HASH_KEY)


def is_current(engine: Engine, data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """True when the database holds exactly the current data files (same hash)."""
    return stored_hash(engine) == data_hash(data_dir) and communes.is_current(engine)


def ensure_loaded(url: str, data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Load the knowledge base at `url` if it is empty or outdated; True when it was (re)loaded."""
    engine = make_engine(url)
    try:
        if is_current(engine, data_dir):
            return False
        load(engine, data_dir)
        return True
    finally:
        engine.dispose()
