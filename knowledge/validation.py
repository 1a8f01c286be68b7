"""Read and validate the curated data files of `knowledge/data/`, without touching a database.

Two passes. The first reads each file and checks each entry on its own against its model of
`knowledge.schema`; the second checks what ties files and entries together: source keys,
regions, départements of a document's region, duplicates and, with `seeds_dir` (the source
documents), that every quote is a verbatim extract of its document. Every problem is reported
with its file, entry and field; `validate` raises once with all of them, or returns the entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge import names, provenance, schema

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

# libyaml's safe loader when available (ten times faster), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ALL_FILES = "(ensemble des fichiers)"


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


@dataclass(frozen=True)
class Located:
    """An entry that passed the first pass, with where it came from."""

    file: str
    label: str
    entry: Any
    structure_id: str | None = None


# Kinds of entries that cite one source document (the glossary cites several per entry).
SOURCED_KINDS = (
    "facts",
    "funding",
    "procedures",
    "contacts",
    "legal_forms",
    "medico_social",
    "platforms",
    "cpts_examples",
)
# (file, section, model) of the files holding one list of entries, in reading order.
_LIST_FILES: tuple[tuple[str, str, type[schema.Entry]], ...] = (
    ("regions.yml", "regions", schema.Region),
    ("sources.yml", "sources", schema.Source),
    ("contacts.yml", "contacts", schema.Contact),
    ("glossary.yml", "glossary", schema.GlossaryEntry),
    ("legal_forms.yml", "legal_forms", schema.LegalForm),
    ("medico_social.yml", "medico_social", schema.MedicoSocial),
    ("platforms.yml", "platforms", schema.Platform),
    ("cpts_examples.yml", "cpts_examples", schema.CptsExample),
)
_STRUCTURE_SECTIONS: dict[str, type[schema.Entry]] = {
    "facts": schema.Fact,
    "funding": schema.Funding,
    "procedures": schema.Procedure,
}
# Sections a file may hold besides its main one (a structure file has its rows under it).
_OPTIONAL_SECTIONS = {"structure": tuple(_STRUCTURE_SECTIONS), "facts": ()}


def _message(error: Any) -> str:
    """The French text of one pydantic error."""
    kind = error["type"]
    if kind == schema.ERROR_TYPE:
        return str(error["ctx"]["message"])
    if kind == "missing":
        return "valeur manquante"
    if kind == "extra_forbidden":
        return "champ inconnu (faute de frappe ?)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"une table clé-valeur est attendue, reçu {type(error['input']).__name__}"
    return str(error["msg"])


def _where(label: str, loc: tuple[Any, ...], kind: str) -> tuple[str, str]:
    """(entry, field) of an error at `loc` inside the entry `label`.

    An entry nested in a list of another (a glossary citation) is named like the loader always
    did: "glossary[3].citations[0]", field "quote".
    """
    parts = list(loc)
    nested_entry = kind in ("model_type", "model_attributes_type")
    while (
        len(parts) >= 2
        and isinstance(parts[0], str)
        and isinstance(parts[1], int)
        and (len(parts) > 2 or nested_entry)
    ):
        label, parts = f"{label}.{parts[0]}[{parts[1]}]", parts[2:]
    field_name = str(parts[0]) if parts else ""
    for part in parts[1:]:
        field_name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return label, field_name


class _Reader:
    """Reads the data files and collects every problem instead of stopping at the first."""

    def __init__(self, data_dir: Path, seeds_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self.problems: list[Problem] = []
        self._documents: dict[str, str] = {}

    def problem(self, file: str, entry: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(file, entry, field_name, message))

    def load_yaml(self, relative: str, section: str) -> Any:
        """The main section of a file (its whole mapping for a file with several), or None."""
        path = self.data_dir / relative
        if not path.is_file():
            self.problem(relative, "", "", "fichier manquant")
            return None
        try:
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
            reason = getattr(exc, "problem", None) or str(exc)
            self.problem(relative, where, "", f"YAML invalide : {reason}")
            return None
        except UnicodeDecodeError:
            self.problem(relative, "", "", "le fichier doit être encodé en UTF-8")
            return None
        if not isinstance(content, dict) or section not in content:
            self.problem(relative, "", section, f"section « {section} » manquante en tête de fichier")
            return None
        for key in sorted(set(content) - {section, *_OPTIONAL_SECTIONS.get(section, ())}):
            self.problem(relative, "", str(key), "section inconnue")
        return content if section in _OPTIONAL_SECTIONS else content[section]

    def entries(
        self,
        file: str,
        content: Any,
        section: str,
        model: type[schema.Entry],
        structure_id: str | None = None,
    ) -> list[Located]:
        """The entries of a list section that pass their model."""
        if content is None:
            return []
        if not isinstance(content, list):
            self.problem(file, "", section, "liste d'entrées attendue")
            return []
        found = []
        for index, item in enumerate(content):
            label = f"{section}[{index}]"
            entry = self.validate(file, label, item, model)
            if entry is not None:
                found.append(Located(file, label, entry, structure_id))
        return found

    def validate(self, file: str, label: str, data: Any, model: type[schema.Entry]) -> Any:
        """`data` as a `model`, or None when its shape is wrong; every problem is recorded."""
        if not isinstance(data, dict):
            self.problem(file, label, "", f"une table clé-valeur est attendue, reçu {type(data).__name__}")
            return None
        try:
            entry = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            # Unknown fields first, in name order: a misspelt name often explains the rest.
            errors.sort(
                key=lambda error: (0, str(error["loc"])) if error["type"] == "extra_forbidden" else (1, "")
            )
            for error in errors:
                entry_label, field_name = _where(label, error["loc"], error["type"])
                self.problem(file, entry_label, field_name, _message(error))
            return None
        for field_name, message in entry.problems():
            self.problem(file, label, field_name, message)
        if isinstance(entry, schema.GlossaryEntry):
            for index, citation in enumerate(entry.citations):
                for field_name, message in citation.problems():
                    self.problem(file, f"{label}.citations[{index}]", field_name, message)
        return entry

    def document(self, file: str) -> str | None:
        """The normalised text of a source document ("" when missing), None without documents."""
        if self.seeds_dir is None:
            return None
        if file not in self._documents:
            path = self.seeds_dir / file
            self._documents[file] = (
                provenance.normalise(path.read_text(encoding="utf-8")) if path.is_file() else ""
            )
        return self._documents[file]


# --------------------------------------------------------------------------- first pass: each file


def _read_structures(reader: _Reader, parsed: dict[str, list[Located]]) -> None:
    """structures/*.yml: a header, then facts, funding and procedures of that structure."""
    seen: set[str] = set()
    for path in sorted((reader.data_dir / "structures").glob("*.yml")):
        relative = f"structures/{path.name}"
        content = reader.load_yaml(relative, "structure")
        if content is None:
            seen.add(path.stem)  # reported as unreadable: not also "missing"
            continue
        header = reader.validate(relative, "structure", content.get("structure"), schema.StructureHeader)
        raw_id = content["structure"].get("id") if isinstance(content.get("structure"), dict) else None
        structure_id = " ".join(raw_id.split()) if isinstance(raw_id, str) else None
        if structure_id not in names.STRUCTURE_IDS:
            continue  # its rows would belong to nothing; the header's problem says why
        if path.stem != structure_id:
            reader.problem(
                relative, "structure", "id", f"le fichier doit s'appeler structures/{structure_id}.yml"
            )
        if structure_id in seen:
            reader.problem(relative, "structure", "id", f"structure en double « {structure_id} »")
        seen.add(structure_id)
        if header is not None:
            parsed["structures"].append(Located(relative, "structure", header, structure_id))
        for section, model in _STRUCTURE_SECTIONS.items():
            parsed[section] += reader.entries(relative, content.get(section), section, model, structure_id)
    for structure_id in names.STRUCTURE_IDS:
        if structure_id not in seen:
            reader.problem(f"structures/{structure_id}.yml", "", "", "fichier de structure manquant")


def _first_pass(reader: _Reader) -> dict[str, list[Located]]:
    parsed: dict[str, list[Located]] = {
        kind: [] for kind in ("regions", "sources", "structures", *_STRUCTURE_SECTIONS)
    }
    for file, section, model in _LIST_FILES[:2]:
        parsed[section] = reader.entries(file, reader.load_yaml(file, section), section, model)
    _read_structures(reader, parsed)
    general = reader.load_yaml("general.yml", "facts")
    if general is not None:
        parsed["facts"] += reader.entries("general.yml", general.get("facts"), "facts", schema.Fact)
    for file, section, model in _LIST_FILES[2:]:
        parsed[section] = reader.entries(file, reader.load_yaml(file, section), section, model)
    return parsed


# --------------------------------------------------------------------------- second pass: across files


def _check_sources(reader: _Reader, parsed: dict[str, list[Located]]) -> dict[str, schema.Source]:
    """Sources name a region of regions.yml, each key and file once; returns them by key."""
    region_ids = {item.entry.id for item in parsed["regions"]}
    by_key: dict[str, schema.Source] = {}
    files: set[str] = set()
    for item in parsed["sources"]:
        source: schema.Source = item.entry
        if source.region not in region_ids:
            reader.problem(
                item.file, item.label, "region", f"région « {source.region} » absente de regions.yml"
            )
        if source.key in by_key:
            reader.problem(item.file, item.label, "key", f"clé en double « {source.key} »")
        if source.file in files:
            reader.problem(item.file, item.label, "file", f"fichier en double « {source.file} »")
        by_key.setdefault(source.key, source)
        files.add(source.file)
        _check_document(reader, item.file, item.label, source.quote, source.file)
    return by_key


def _check_document(reader: _Reader, file: str, label: str, quote: str, document_file: str) -> None:
    """The quote is a verbatim extract of its document (only when the documents are given)."""
    document = reader.document(document_file)
    if document is None:
        return
    if not document:
        reader.problem(file, label, "source", f"document source introuvable : {document_file}")
        return
    for message in provenance.quote_problems(quote, document):
        reader.problem(file, label, "quote", message)


def _check_citation(
    reader: _Reader, sources: dict[str, schema.Source], file: str, label: str, entry: schema.Sourced
) -> schema.Source | None:
    """The entry's source key is known and its quote is in that document; returns the source."""
    source = sources.get(entry.source)
    if source is None:
        known = ", ".join(sorted(sources))
        reader.problem(file, label, "source", f"document inconnu « {entry.source} » (connus : {known})")
        return None
    _check_document(reader, file, label, entry.quote, source.file)
    return source


def _check_references(reader: _Reader, parsed: dict[str, list[Located]], sources: dict[str, Any]) -> None:
    for kind in SOURCED_KINDS:
        for item in parsed[kind]:
            source = _check_citation(reader, sources, item.file, item.label, item.entry)
            # A PTA or a CPTS of a regional document lies in that region.
            for index, department in enumerate(getattr(item.entry, "departments", ())):
                if source is not None and names.department_region(department) != source.region:
                    reader.problem(
                        item.file,
                        item.label,
                        f"departments[{index}]",
                        f"le département {department} n'est pas dans la région du document",
                    )
    for item in parsed["glossary"]:
        for index, citation in enumerate(item.entry.citations):
            _check_citation(reader, sources, item.file, f"{item.label}.citations[{index}]", citation)


def glossary_key(text: str) -> str:
    """The lookup key of a glossary term, alias or expansion (case, accents, spaces ignored)."""
    return names.normalise_name(text).replace(" ", "")


def _check_duplicates(reader: _Reader, parsed: dict[str, list[Located]]) -> None:
    def once(kind: str, field_name: str, message: str) -> None:
        seen: set[str] = set()
        for item in parsed[kind]:
            value = getattr(item.entry, field_name)
            if value in seen:
                reader.problem(item.file, item.label, field_name, message.format(value))
            seen.add(value)

    once("regions", "id", "région en double « {} »")
    once("legal_forms", "id", "identifiant en double « {} »")
    once("medico_social", "id", "identifiant en double « {} »")
    # Two glossary entries must not answer to the same word.
    owners: dict[str, tuple[str, str]] = {}  # lookup key -> (entry label, term)
    for item in parsed["glossary"]:
        term = item.entry.term
        for key in dict.fromkeys(
            [glossary_key(term), *(glossary_key(alias) for alias in item.entry.aliases)]
        ):
            owner = owners.setdefault(key, (item.label, term))
            if owner[0] != item.label:
                reader.problem(
                    item.file, item.label, "term", f"« {term} » se confond avec « {owner[1]} » ({owner[0]})"
                )
    facts: set[tuple[Any, ...]] = set()
    for item in parsed["facts"]:
        fact: schema.Fact = item.entry
        key = (item.structure_id, fact.topic, fact.source, fact.text)
        if key in facts:
            reader.problem(ALL_FILES, f"fait « {fact.text[:60]} »", "text", "fait en double")
        facts.add(key)


@dataclass(frozen=True)
class Validated:
    """Entries of every kind that passed both passes, and the sources by key."""

    entries: dict[str, list[Located]]
    sources: dict[str, schema.Source]


def validate(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path | None = None) -> Validated:
    """Parse and validate every data file; raise KnowledgeDataError listing all problems."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise KnowledgeDataError([Problem(str(data_dir), "", "", "dossier de données introuvable")])
    reader = _Reader(data_dir, Path(seeds_dir) if seeds_dir else None)
    parsed = _first_pass(reader)
    sources = _check_sources(reader, parsed)
    _check_references(reader, parsed, sources)
    _check_duplicates(reader, parsed)
    if reader.problems:
        raise KnowledgeDataError(reader.problems)
    return Validated(parsed, sources)
