"""Validate the curated data files and load them into the database.

`load` reads and checks every file of `knowledge/data/` first; only a data set without a single
problem is written, by replacing all rows in one transaction, so a bad file never leaves a
half-loaded or emptied database. Problems are reported with their file, entry and field.

With `seeds_dir` (the source documents), `read_data` also checks that every quote is a verbatim
extract of its document; the loader itself only needs the data files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge import communes, models, names, provenance, topics
from knowledge.db import make_engine, session_scope
from knowledge.types import FUNDING_UNITS

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
# Bump when the tables change: a database loaded by an older version is then reloaded.
SCHEMA_VERSION = "1"
HASH_KEY = "data_hash"
SCHEMA_KEY = "schema_version"

# libyaml's safe loader when available (ten times faster), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"^[A-ZÀ-ÖØ-Þ0-9«(]")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.entry}" if self.entry else self.file
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : {self.message}"


class KnowledgeDataError(ValueError):
    """The data files are malformed; nothing was written. `problems` lists every fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"- {problem}" for problem in problems[:30])
        more = f"\n… et {len(problems) - 30} autre(s)" if len(problems) > 30 else ""
        super().__init__(f"{len(problems)} problème(s) dans les données de connaissances :\n{shown}{more}")


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
        for kind in (
            "facts",
            "funding",
            "procedures",
            "contacts",
            "legal_forms",
            "medico_social",
            "platforms",
            "cpts_examples",
        ):
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


# --------------------------------------------------------------------------- reading


class _Entry:
    """Typed access to one mapping of a data file, recording problems instead of raising."""

    def __init__(self, reader: _Reader, data: Any, entry: str, allowed: Iterable[str]) -> None:
        self.reader = reader
        self.entry = entry
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not self.ok:
            self.problem("", f"une table clé-valeur est attendue, reçu {type(data).__name__}")
            return
        unknown = sorted(set(self.data) - set(allowed))
        for key in unknown:
            self.problem(str(key), "champ inconnu (faute de frappe ?)")

    def problem(self, field_name: str, message: str) -> None:
        self.ok = False
        self.reader.problem(self.entry, field_name, message)

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "valeur manquante")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(name, f"texte attendu, reçu {type(value).__name__}")
            return None
        value = " ".join(str(value).split())
        if required and not value:
            self.problem(name, "valeur vide")
            return None
        return value or None

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(name, f"nombre entier positif attendu, reçu {value!r}")
            return None
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.problem(name, f"true ou false attendu, reçu {value!r}")
            return default
        return value

    def texts(self, name: str, *, required: bool = True) -> list[str]:
        value = self.data.get(name)
        if value is None:
            value = []
        if not isinstance(value, list):
            self.problem(name, "liste attendue")
            return []
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str | int) or isinstance(item, bool) or not str(item).strip():
                self.problem(f"{name}[{index}]", "texte non vide attendu")
                continue
            result.append(" ".join(str(item).split()))
        if required and not result:
            self.problem(name, "liste vide")
        return result

    def source(self) -> dict[str, Any] | None:
        key = self.text("source")
        if key is None:
            return None
        source = self.reader.sources.get(key)
        if source is None:
            known = ", ".join(sorted(self.reader.sources))
            self.problem("source", f"document inconnu « {key} » (connus : {known})")
        return source

    def structure(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and value not in names.STRUCTURE_IDS:
            self.problem(name, f"structure inconnue « {value} »")
            return None
        return value


class _Reader:
    def __init__(self, data_dir: Path, seeds_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self.problems: list[Problem] = []
        self.file = ""
        self.sources: dict[str, dict[str, Any]] = {}
        self._documents: dict[str, str] = {}

    def problem(self, entry: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, entry, field_name, message))

    def load_yaml(self, relative: str, section: str) -> list[Any] | dict[str, Any] | None:
        self.file = relative
        path = self.data_dir / relative
        if not path.is_file():
            self.problem("", "", "fichier manquant")
            return None
        try:
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
            reason = getattr(exc, "problem", None) or str(exc)
            self.problem(where, "", f"YAML invalide : {reason}")
            return None
        except UnicodeDecodeError:
            self.problem("", "", "le fichier doit être encodé en UTF-8")
            return None
        if not isinstance(content, dict) or section not in content:
            self.problem("", section, f"section « {section} » manquante en tête de fichier")
            return None
        extra = sorted(set(content) - {section, *_OPTIONAL_SECTIONS.get(section, ())})
        for key in extra:
            self.problem("", str(key), "section inconnue")
        return content[section] if section in _LIST_SECTIONS else content

    def entries(self, content: Any, section: str) -> list[tuple[str, Any]]:
        if content is None:
            return []
        if not isinstance(content, list):
            self.problem("", section, "liste d'entrées attendue")
            return []
        return [(f"{section}[{index}]", item) for index, item in enumerate(content)]

    def document(self, source: dict[str, Any]) -> str | None:
        """The normalised text of a source document, when the documents are available."""
        if self.seeds_dir is None:
            return None
        file = source["file"]
        if file not in self._documents:
            path = self.seeds_dir / file
            self._documents[file] = (
                provenance.normalise(path.read_text(encoding="utf-8")) if path.is_file() else ""
            )
        return self._documents[file]

    def check_quote(
        self,
        entry: _Entry,
        quote: str | None,
        source: dict[str, Any] | None,
        values: Iterable[str | int | None],
        field_name: str = "quote",
    ) -> None:
        """The quote is in its document (when available) and holds every number of `values`."""
        if quote is None or source is None:
            return
        if len(quote) > provenance.MAX_QUOTE_LENGTH:
            entry.problem(field_name, f"citation trop longue ({len(quote)} caractères)")
        document = self.document(source)
        if document is not None:
            if not document:
                entry.problem("source", f"document source introuvable : {source['file']}")
            else:
                for message in provenance.quote_problems(quote, document):
                    entry.problem(field_name, message)
        missing = provenance.missing_numbers(values, quote)
        if missing:
            entry.problem(field_name, f"nombre(s) absent(s) de la citation : {', '.join(missing)}")


_LIST_SECTIONS = frozenset(
    {
        "regions",
        "sources",
        "contacts",
        "glossary",
        "legal_forms",
        "medico_social",
        "platforms",
        "cpts_examples",
    }
)
_OPTIONAL_SECTIONS = {"structure": ("facts", "funding", "procedures"), "facts": ()}

_FACT_FIELDS = ("topic", "source", "text", "quote")
_FUNDING_FIELDS = (
    "label",
    "source",
    "funder",
    "amount_min",
    "amount_max",
    "amount_avg",
    "unit",
    "conditions",
    "text",
    "quote",
)
_PROCEDURE_FIELDS = ("title", "source", "steps", "quote")
_LEGAL_FORM_TEXTS = (
    "professionals",
    "cpts_membership",
    "purpose",
    "minimum_partners",
    "contributions",
    "liability",
)
_MEDICO_SOCIAL_TEXTS = (
    "objective",
    "services",
    "nursing_care",
    "practice",
    "status",
    "funding",
    "ars_approval",
    "inclusion_criteria",
)


def _read_regions(reader: _Reader, dataset: Dataset) -> set[str]:
    content = reader.load_yaml("regions.yml", "regions")
    ids: set[str] = set()
    for position, (label, item) in enumerate(reader.entries(content, "regions")):
        entry = _Entry(reader, item, label, ("id", "name"))
        region_id, name = entry.text("id"), entry.text("name")
        if region_id is None or name is None:
            continue
        if region_id not in names.REGION_NAMES:
            entry.problem("id", f"région inconnue « {region_id} » (voir knowledge/geography.py)")
        elif names.REGION_NAMES[region_id] != name:
            entry.problem("name", f"le nom doit être « {names.REGION_NAMES[region_id]} »")
        elif region_id in ids:
            entry.problem("id", f"région en double « {region_id} »")
        else:
            ids.add(region_id)
            dataset.regions.append({"id": region_id, "name": name, "position": position})
    return ids


def _read_sources(reader: _Reader, dataset: Dataset, regions: set[str]) -> None:
    content = reader.load_yaml("sources.yml", "sources")
    fields = ("key", "file", "publisher", "kind", "title", "region", "date", "date_label", "quote")
    files: set[str] = set()
    for position, (label, item) in enumerate(reader.entries(content, "sources")):
        entry = _Entry(reader, item, label, fields)
        values = {name: entry.text(name, required=name != "kind") for name in fields}
        values["kind"] = values["kind"] or ""
        if not entry.ok:
            continue
        if values["region"] not in regions:
            entry.problem("region", f"région « {values['region']} » absente de regions.yml")
        if values["key"] in reader.sources:
            entry.problem("key", f"clé en double « {values['key']} »")
        if values["file"] in files:
            entry.problem("file", f"fichier en double « {values['file']} »")
        if not entry.ok:
            continue
        files.add(values["file"])
        row = {
            "file": values["file"],
            "key": values["key"],
            "publisher": values["publisher"],
            "kind": values["kind"],
            "title": values["title"],
            "region": values["region"],
            "date": values["date"],
            "date_label": values["date_label"],
            "quote": values["quote"],
            "position": position,
        }
        reader.sources[values["key"]] = row
        dataset.sources.append(row)
        reader.check_quote(entry, values["quote"], row, [])


def _sourced(row: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    row["source_file"] = source["file"]
    row["region"] = source["region"]
    return row


def _read_fact(reader: _Reader, label: str, item: Any, structure_id: str | None) -> dict[str, Any] | None:
    entry = _Entry(reader, item, label, _FACT_FIELDS)
    topic, text, quote = entry.text("topic"), entry.text("text"), entry.text("quote")
    source = entry.source()
    if topic is not None and topic not in topics.ALL_TOPICS:
        entry.problem("topic", f"sujet inconnu « {topic} » (voir knowledge/topics.py)")
    if text is not None and not _SENTENCE_START.match(text):
        entry.problem("text", "le texte doit commencer par une majuscule (phrase complète)")
    reader.check_quote(entry, quote, source, [text])
    if not entry.ok or source is None:
        return None
    row = {"structure_id": structure_id, "topic": topic, "text": text, "quote": quote}
    return _sourced(row, source)


def _read_funding(reader: _Reader, label: str, item: Any, structure_id: str) -> dict[str, Any] | None:
    entry = _Entry(reader, item, label, _FUNDING_FIELDS)
    values = {name: entry.text(name) for name in ("label", "funder", "unit", "text", "quote")}
    conditions = entry.text("conditions", required=False) or ""
    amounts = {name: entry.integer(name) for name in ("amount_min", "amount_max", "amount_avg")}
    source = entry.source()
    if values["unit"] is not None and values["unit"] not in FUNDING_UNITS:
        entry.problem("unit", f"unité inconnue « {values['unit']} » (connues : {', '.join(FUNDING_UNITS)})")
    low, high, average = amounts["amount_min"], amounts["amount_max"], amounts["amount_avg"]
    if low is not None and high is not None and low > high:
        entry.problem("amount_max", f"montant maximum {high} inférieur au minimum {low}")
    if (low is None) != (high is None):
        entry.problem(
            "amount_max" if high is None else "amount_min", "donner le minimum et le maximum ensemble"
        )
    if average is not None and low is not None and high is not None and not low <= average <= high:
        entry.problem("amount_avg", "la moyenne doit être comprise entre le minimum et le maximum")
    reader.check_quote(
        entry,
        values["quote"],
        source,
        [values["label"], values["funder"], conditions, values["text"], low, high, average],
    )
    if not entry.ok or source is None:
        return None
    row = {"structure_id": structure_id, **values, **amounts, "conditions": conditions}
    return _sourced(row, source)


def _read_procedure(reader: _Reader, label: str, item: Any, structure_id: str) -> dict[str, Any] | None:
    entry = _Entry(reader, item, label, _PROCEDURE_FIELDS)
    title, quote = entry.text("title"), entry.text("quote")
    steps = entry.texts("steps")
    source = entry.source()
    reader.check_quote(entry, quote, source, [title, *steps])
    if not entry.ok or source is None:
        return None
    row = {"structure_id": structure_id, "title": title, "steps": steps, "quote": quote}
    return _sourced(row, source)


def _read_structures(reader: _Reader, dataset: Dataset) -> None:
    seen: set[str] = set()
    for path in sorted((reader.data_dir / "structures").glob("*.yml")):
        relative = f"structures/{path.name}"
        content = reader.load_yaml(relative, "structure")
        if content is None:
            seen.add(path.stem)  # reported as unreadable: not also "missing"
            continue
        entry = _Entry(reader, content.get("structure"), "structure", ("id", "acronym", "name", "synonyms"))
        structure_id = entry.text("id")
        acronym, name = entry.text("acronym"), entry.text("name")
        synonyms = entry.texts("synonyms", required=False)
        if structure_id is None:
            continue
        if structure_id not in names.STRUCTURE_IDS:
            entry.problem("id", f"structure inconnue « {structure_id} » (voir knowledge/names.py)")
            continue
        if path.stem != structure_id:
            entry.problem("id", f"le fichier doit s'appeler structures/{structure_id}.yml")
        if structure_id in seen:
            entry.problem("id", f"structure en double « {structure_id} »")
        seen.add(structure_id)
        for index, synonym in enumerate([acronym or "", name or "", *synonyms]):
            if synonym and names.resolve_structure(synonym) != structure_id:
                field_name = ("acronym", "name")[index] if index < 2 else f"synonyms[{index - 2}]"
                entry.problem(field_name, f"« {synonym} » n'est pas reconnu par knowledge/names.py")
        if entry.ok:
            dataset.structures.append(
                {
                    "id": structure_id,
                    "acronym": acronym,
                    "name": name,
                    "synonyms": synonyms,
                    "position": names.STRUCTURE_IDS.index(structure_id),
                }
            )
        _read_structure_rows(reader, dataset, content, structure_id)
    for structure_id in names.STRUCTURE_IDS:
        if structure_id not in seen:
            reader.file = f"structures/{structure_id}.yml"
            reader.problem("", "", "fichier de structure manquant")
    dataset.structures.sort(key=lambda row: row["position"])


def _read_structure_rows(
    reader: _Reader, dataset: Dataset, content: dict[str, Any], structure_id: str
) -> None:
    readers: tuple[tuple[str, Callable[..., dict[str, Any] | None], list[dict[str, Any]]], ...] = (
        ("facts", _read_fact, dataset.facts),
        ("funding", _read_funding, dataset.funding),
        ("procedures", _read_procedure, dataset.procedures),
    )
    for section, read, target in readers:
        for label, item in reader.entries(content.get(section), section):
            row = read(reader, label, item, structure_id)
            if row is not None:
                target.append(row)


def _read_general(reader: _Reader, dataset: Dataset) -> None:
    content = reader.load_yaml("general.yml", "facts")
    if content is None:
        return
    for label, item in reader.entries(content.get("facts"), "facts"):
        row = _read_fact(reader, label, item, None)
        if row is not None:
            dataset.facts.append(row)


def _read_contacts(reader: _Reader, dataset: Dataset) -> None:
    content = reader.load_yaml("contacts.yml", "contacts")
    fields = ("name", "source", "structures", "topics", "phone", "email", "url", "address", "quote")
    for label, item in reader.entries(content, "contacts"):
        entry = _Entry(reader, item, label, fields)
        values = {name: entry.text(name, required=name in ("name", "quote")) for name in fields[4:]}
        name = entry.text("name")
        structures = entry.texts("structures", required=False)
        contact_topics = entry.texts("topics")
        source = entry.source()
        for index, structure_id in enumerate(structures):
            if structure_id not in names.STRUCTURE_IDS:
                entry.problem(f"structures[{index}]", f"structure inconnue « {structure_id} »")
        if values["email"] and not _EMAIL.match(values["email"]):
            entry.problem("email", f"adresse e-mail invalide « {values['email']} »")
        quote = values["quote"]
        if quote:
            normalised_quote = " ".join(provenance.quote_segments(quote))
            for name_ in ("email", "url"):
                if values[name_] and provenance.normalise(values[name_]) not in normalised_quote:
                    entry.problem(name_, "doit apparaître tel quel dans la citation")
        reader.check_quote(entry, quote, source, [values["phone"], values["address"]])
        if entry.ok and source is not None:
            row = {
                "name": name,
                "structures": structures,
                "topics": contact_topics,
                **{key: values[key] for key in ("phone", "email", "url", "address", "quote")},
            }
            dataset.contacts.append(_sourced(row, source))


def _glossary_key(text: str) -> str:
    return names.normalise_name(text).replace(" ", "")


def _read_glossary(reader: _Reader, dataset: Dataset) -> None:
    content = reader.load_yaml("glossary.yml", "glossary")
    fields = ("term", "expansion", "developed", "note", "aliases", "citations")
    keys: dict[str, tuple[str, str]] = {}  # lookup key -> (entry label, term)
    for label, item in reader.entries(content, "glossary"):
        entry = _Entry(reader, item, label, fields)
        term, expansion = entry.text("term"), entry.text("expansion")
        note = entry.text("note", required=False) or ""
        developed = entry.flag("developed", True)
        aliases = entry.texts("aliases", required=False)
        citations = []
        raw = entry.data.get("citations")
        if not isinstance(raw, list) or not raw:
            entry.problem("citations", "au moins une citation (source et quote) est attendue")
            raw = []
        for index, citation in enumerate(raw):
            sub = _Entry(reader, citation, f"{label}.citations[{index}]", ("source", "quote"))
            source, quote = sub.source(), sub.text("quote")
            reader.check_quote(sub, quote, source, [])
            if sub.ok and source is not None:
                citations.append({"source_file": source["file"], "quote": quote, "source": source})
            else:
                entry.ok = False
        if term is None or expansion is None:
            continue
        for key in {_glossary_key(term), *(_glossary_key(alias) for alias in aliases)}:
            owner = keys.setdefault(key, (label, term))
            if owner[0] != label:
                entry.problem("term", f"« {term} » se confond avec « {owner[1]} » ({owner[0]})")
        if citations:
            quotes = " ".join(citation["quote"] for citation in citations)
            spoken = " " + names.normalise_name(provenance.normalise(quotes)) + " "
            wanted = [names.normalise_name(provenance.normalise(word)) for word in (term, *aliases)]
            if not any(f" {word} " in spoken for word in wanted):
                entry.problem("citations", f"aucune citation ne contient le sigle « {term} »")
            missing = provenance.missing_numbers([expansion, note], quotes)
            if missing:
                entry.problem("note", f"nombre(s) absent(s) des citations : {', '.join(missing)}")
        if entry.ok:
            for citation in citations:
                del citation["source"]
            dataset.glossary.append(
                {
                    "term": term,
                    "expansion": expansion,
                    "note": note,
                    "developed": developed,
                    "aliases": aliases,
                    "citations": citations,
                }
            )


def _read_table(
    reader: _Reader,
    dataset_rows: list[dict[str, Any]],
    file: str,
    section: str,
    texts: tuple[str, ...],
) -> None:
    content = reader.load_yaml(file, section)
    fields = ("id", "acronym", "name", "source", *texts, "summary", "quote")
    seen: set[str] = set()
    for label, item in reader.entries(content, section):
        entry = _Entry(reader, item, label, fields)
        row: dict[str, Any] = {
            name: entry.text(name) for name in ("id", "acronym", "name", "summary", "quote")
        }
        row.update({name: entry.text(name, required=False) for name in texts})
        source = entry.source()
        if row["id"] in seen:
            entry.problem("id", f"identifiant en double « {row['id']} »")
        seen.add(row["id"])
        values = [row[name] for name in (*texts, "summary")]
        reader.check_quote(entry, row["quote"], source, values)
        if entry.ok and source is not None:
            row["source_file"] = source["file"]
            dataset_rows.append(row)


def _check_departments(entry: _Entry, departments: list[str], source: dict[str, Any] | None) -> list[str]:
    codes = []
    for index, department in enumerate(departments):
        region = names.department_region(department)
        if region is None:
            entry.problem(f"departments[{index}]", f"département inconnu « {department} »")
        elif source is not None and region != source["region"]:
            entry.problem(
                f"departments[{index}]", f"le département {department} n'est pas dans la région du document"
            )
        else:
            codes.append(department.upper())
    return codes


def _read_platforms(reader: _Reader, dataset: Dataset) -> None:
    content = reader.load_yaml("platforms.yml", "platforms")
    fields = ("name", "source", "territory", "departments", "phone", "note", "quote")
    for label, item in reader.entries(content, "platforms"):
        entry = _Entry(reader, item, label, fields)
        name, territory, quote = entry.text("name"), entry.text("territory"), entry.text("quote")
        phone = entry.text("phone", required=False)
        note = entry.text("note", required=False) or ""
        source = entry.source()
        departments = _check_departments(entry, entry.texts("departments"), source)
        if phone is None and not note:
            entry.problem("note", "sans téléphone, une note doit dire pourquoi")
        reader.check_quote(entry, quote, source, [name, territory, phone, note])
        if entry.ok and source is not None:
            dataset.platforms.append(
                {
                    "name": name,
                    "territory": territory,
                    "phone": phone,
                    "note": note,
                    "departments": departments,
                    "quote": quote,
                    "source_file": source["file"],
                }
            )


def _read_cpts_examples(reader: _Reader, dataset: Dataset) -> None:
    content = reader.load_yaml("cpts_examples.yml", "cpts_examples")
    fields = (
        "name",
        "source",
        "departments",
        "initiative",
        "objectives",
        "population",
        "population_text",
        "note",
        "quote",
    )
    for label, item in reader.entries(content, "cpts_examples"):
        entry = _Entry(reader, item, label, fields)
        name, quote = entry.text("name"), entry.text("quote")
        population_text = entry.text("population_text")
        initiative = entry.text("initiative", required=False)
        note = entry.text("note", required=False) or ""
        objectives = entry.texts("objectives", required=False)
        population = entry.integer("population")
        source = entry.source()
        departments = _check_departments(entry, entry.texts("departments"), source)
        if (
            population is not None
            and population_text
            and str(population) not in provenance.numbers(population_text)
        ):
            entry.problem("population_text", f"doit contenir la population {population}")
        reader.check_quote(
            entry, quote, source, [name, initiative, population_text, note, population, *objectives]
        )
        if entry.ok and source is not None:
            dataset.cpts_examples.append(
                {
                    "name": name,
                    "departments": departments,
                    "initiative": initiative,
                    "objectives": objectives,
                    "population": population,
                    "population_text": population_text,
                    "note": note,
                    "quote": quote,
                    "source_file": source["file"],
                }
            )


def _check_duplicates(reader: _Reader, dataset: Dataset) -> None:
    reader.file = "(ensemble des fichiers)"
    seen: set[tuple[Any, ...]] = set()
    for row in dataset.facts:
        key = (row["structure_id"], row["topic"], row["source_file"], row["text"])
        if key in seen:
            reader.problem(f"fait « {row['text'][:60]} »", "text", "fait en double")
        seen.add(key)


def data_files(data_dir: Path) -> list[Path]:
    return sorted(path for path in data_dir.rglob("*.yml") if path.is_file())


def data_hash(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A digest of every data file (path and bytes) and of the schema version."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for path in data_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path | None = None) -> Dataset:
    """Parse and validate every data file; raise KnowledgeDataError listing all problems."""
    data_dir = Path(data_dir)
    reader = _Reader(data_dir, Path(seeds_dir) if seeds_dir else None)
    if not data_dir.is_dir():
        raise KnowledgeDataError([Problem(str(data_dir), "", "", "dossier de données introuvable")])
    dataset = Dataset()
    regions = _read_regions(reader, dataset)
    _read_sources(reader, dataset, regions)
    _read_structures(reader, dataset)
    _read_general(reader, dataset)
    _read_contacts(reader, dataset)
    _read_glossary(reader, dataset)
    _read_table(reader, dataset.legal_forms, "legal_forms.yml", "legal_forms", _LEGAL_FORM_TEXTS)
    _read_table(reader, dataset.medico_social, "medico_social.yml", "medico_social", _MEDICO_SOCIAL_TEXTS)
    _read_platforms(reader, dataset)
    _read_cpts_examples(reader, dataset)
    _check_duplicates(reader, dataset)
    if reader.problems:
        raise KnowledgeDataError(reader.problems)
    dataset.data_hash = data_hash(data_dir)
    return dataset


# --------------------------------------------------------------------------- writing


def _rows(dataset: Dataset) -> list[tuple[type, list[dict[str, Any]]]]:
    """Every table's rows, parents before children, with ids assigned here."""
    m = models
    synonyms, fact_rows, funding_rows = [], [], []
    for structure in dataset.structures:
        for position, synonym in enumerate(structure["synonyms"]):
            synonyms.append(
                {
                    "id": len(synonyms) + 1,
                    "structure_id": structure["id"],
                    "synonym": synonym,
                    "position": position,
                }
            )
    for position, row in enumerate(dataset.facts):
        fact_rows.append({"id": position + 1, "position": position, **row})
    for position, row in enumerate(dataset.funding):
        funding_rows.append({"id": position + 1, "position": position, **row})

    procedures, steps = [], []
    for position, row in enumerate(dataset.procedures):
        procedure_id = position + 1
        procedures.append(
            {key: value for key, value in row.items() if key != "steps"}
            | {"id": procedure_id, "position": position}
        )
        for index, text in enumerate(row["steps"]):
            steps.append(
                {"id": len(steps) + 1, "procedure_id": procedure_id, "position": index, "text": text}
            )

    contacts, contact_structures = [], []
    for position, row in enumerate(dataset.contacts):
        contact_id = position + 1
        contacts.append(
            {key: value for key, value in row.items() if key not in ("structures", "topics")}
            | {
                "id": contact_id,
                "position": position,
                "topics": json.dumps(row["topics"], ensure_ascii=False),
            }
        )
        contact_structures += [{"contact_id": contact_id, "structure_id": sid} for sid in row["structures"]]

    glossary, glossary_keys, citations = [], [], []
    taken: set[str] = set()
    for position, entry in enumerate(dataset.glossary):
        glossary_id = position + 1
        glossary.append(
            {
                "id": glossary_id,
                "term": entry["term"],
                "expansion": entry["expansion"],
                "note": entry["note"],
                "developed": entry["developed"],
                "position": position,
            }
        )
        for kind, text in [("term", entry["term"]), *[("alias", alias) for alias in entry["aliases"]]]:
            key = _glossary_key(text)
            if key not in taken:
                taken.add(key)
                glossary_keys.append({"key": key, "glossary_id": glossary_id, "kind": kind})
        for index, citation in enumerate(entry["citations"]):
            citations.append(
                {"id": len(citations) + 1, "glossary_id": glossary_id, "position": index, **citation}
            )
    for position, entry in enumerate(dataset.glossary):
        key = _glossary_key(entry["expansion"])
        # An expansion finds its acronym too ("fonds d'intervention régional" -> FIR), unless
        # it is the placeholder of an undeveloped acronym or already someone else's key.
        if entry["developed"] and key not in taken:
            taken.add(key)
            glossary_keys.append({"key": key, "glossary_id": position + 1, "kind": "expansion"})

    platforms, platform_departments = [], []
    for position, row in enumerate(dataset.platforms):
        platforms.append(
            {key: value for key, value in row.items() if key != "departments"}
            | {"id": position + 1, "position": position}
        )
        platform_departments += [
            {"platform_id": position + 1, "department": code, "position": index}
            for index, code in enumerate(row["departments"])
        ]

    examples, example_departments, objectives = [], [], []
    for position, row in enumerate(dataset.cpts_examples):
        examples.append(
            {key: value for key, value in row.items() if key not in ("departments", "objectives")}
            | {"id": position + 1, "position": position}
        )
        example_departments += [
            {"example_id": position + 1, "department": code, "position": index}
            for index, code in enumerate(row["departments"])
        ]
        for index, text in enumerate(row["objectives"]):
            objectives.append(
                {"id": len(objectives) + 1, "example_id": position + 1, "position": index, "text": text}
            )

    return [
        (m.RegionRow, dataset.regions),
        (m.SourceRow, dataset.sources),
        (m.StructureRow, [{k: v for k, v in row.items() if k != "synonyms"} for row in dataset.structures]),
        (m.StructureSynonymRow, synonyms),
        (m.FactRow, fact_rows),
        (m.FundingRow, funding_rows),
        (m.ProcedureRow, procedures),
        (m.ProcedureStepRow, steps),
        (m.ContactRow, contacts),
        (m.ContactStructureRow, contact_structures),
        (m.GlossaryRow, glossary),
        (m.GlossaryKeyRow, glossary_keys),
        (m.GlossaryCitationRow, citations),
        (m.LegalFormRow, [row | {"position": index} for index, row in enumerate(dataset.legal_forms)]),
        (m.MedicoSocialRow, [row | {"position": index} for index, row in enumerate(dataset.medico_social)]),
        (m.PlatformRow, platforms),
        (m.PlatformDepartmentRow, platform_departments),
        (m.CptsExampleRow, examples),
        (m.CptsExampleDepartmentRow, example_departments),
        (m.CptsExampleObjectiveRow, objectives),
    ]


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
