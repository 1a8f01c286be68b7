"""The data files against the five source documents: nothing untraceable, nothing left out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from knowledge import names, schema, topics
from knowledge.loader import DEFAULT_DATA_DIR, Dataset, read_data
from knowledge.provenance import missing_numbers, normalise, quote_problems, quote_segments
from knowledge.query import KnowledgeBase

# Rows citing each document, and share of each document's text that some quote covers,
# measured when the data was curated (see the report): a floor a little below, so that
# deleting content fails the build.
MIN_ROWS = {
    "000_569b566c5e8b458f.txt": 110,
    "001_c14e9e1960c72a5f.txt": 75,
    "002_4abe0d26f821563e.txt": 140,
    "003_58a8e2d89e8dde9b.txt": 55,
    "004_c7a588e272dd219d.txt": 125,
}
MIN_COVERAGE = {
    "000_569b566c5e8b458f.txt": 0.82,
    "001_c14e9e1960c72a5f.txt": 0.82,
    "002_4abe0d26f821563e.txt": 0.84,
    "003_58a8e2d89e8dde9b.txt": 0.86,
    "004_c7a588e272dd219d.txt": 0.78,
}
# Values of each row kind that are shown to users: their numbers must be in the quote.
DISPLAYED = {
    "facts": ("text",),
    "funding": ("label", "funder", "conditions", "text", "amount_min", "amount_max", "amount_avg"),
    "procedures": ("title", "steps"),
    "contacts": ("phone", "address"),
    # Every cell of the tables is shown: the schema lists them once.
    "legal_forms": schema.LegalForm.cells(),
    "medico_social": schema.MedicoSocial.cells(),
    "platforms": ("name", "territory", "phone", "note"),
    "cpts_examples": ("name", "initiative", "objectives", "population", "population_text", "note"),
    "glossary": (),
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_data()


@pytest.fixture(scope="module")
def documents(seeds_dir: Path) -> dict[str, str]:
    return {path.name: normalise(path.read_text(encoding="utf-8")) for path in seeds_dir.glob("0*.txt")}


def describe(kind: str, row: dict[str, Any]) -> str:
    label = row.get("text") or row.get("label") or row.get("name") or row.get("title") or row["quote"]
    return f"{kind} [{row['source_file']}] {str(label)[:70]}"


def test_the_five_documents_are_the_sources(dataset: Dataset, documents: dict[str, str]) -> None:
    assert sorted(source["file"] for source in dataset.sources) == sorted(documents)


def test_every_quote_appears_in_its_source_document(dataset: Dataset, documents: dict[str, str]) -> None:
    failures = []
    for kind, row in dataset.sourced_rows():
        for problem in quote_problems(row["quote"], documents[row["source_file"]]):
            failures.append(f"{describe(kind, row)} : {problem}")
    for source in dataset.sources:
        failures += [
            f"source {source['file']} : {p}"
            for p in quote_problems(source["quote"], documents[source["file"]])
        ]
    assert failures == []


def test_every_number_shown_appears_in_the_quote(dataset: Dataset) -> None:
    failures = []
    for kind, row in dataset.sourced_rows():
        values: list[Any] = []
        for name in DISPLAYED[kind]:
            value = row.get(name)
            values += value if isinstance(value, list) else [value]
        missing = missing_numbers(values, row["quote"])
        if missing:
            failures.append(f"{describe(kind, row)} : {missing}")
    for entry in dataset.glossary:
        quotes = " ".join(citation["quote"] for citation in entry["citations"])
        if missing_numbers([entry["expansion"], entry["note"]], quotes):
            failures.append(f"glossary {entry['term']}")
    assert failures == []


def test_loader_check_with_documents_passes(seeds_dir: Path) -> None:
    dataset = read_data(seeds_dir=seeds_dir)
    assert len(dataset.facts) >= 330


def test_every_document_is_cited_by_many_rows(dataset: Dataset) -> None:
    counts = dataset.per_source()
    below = {file: count for file, count in counts.items() if count < MIN_ROWS[file]}
    assert below == {}, counts


def test_every_document_is_covered_by_the_quotes(dataset: Dataset, documents: dict[str, str]) -> None:
    """Share of each document's characters that lie inside some quote (headings and personal
    e-mails are deliberately left out, so it never reaches 100 %)."""
    pieces: dict[str, list[str]] = {}
    for _, row in dataset.sourced_rows():
        pieces.setdefault(row["source_file"], []).extend(quote_segments(row["quote"]))
    coverage = {}
    for file, document in documents.items():
        covered = bytearray(len(document))
        for piece in pieces.get(file, []):
            for match in re.finditer(re.escape(piece), document):
                covered[match.start() : match.end()] = b"\1" * (match.end() - match.start())
        coverage[file] = sum(covered) / len(document)
    assert {file: value for file, value in coverage.items() if value < MIN_COVERAGE[file]} == {}, coverage


REQUIRED_TOPICS = {
    "esp": [
        topics.DEFINITION,
        topics.APPROACH,
        topics.MEMBERS,
        topics.STATUS,
        topics.LEGAL_FORM,
        topics.MISSIONS,
    ],
    "msp": [
        topics.DEFINITION,
        topics.APPROACH,
        topics.MEMBERS,
        topics.STATUS,
        topics.LEGAL_FORM,
        topics.MISSIONS,
    ],
    "cds": [
        topics.DEFINITION,
        topics.APPROACH,
        topics.MEMBERS,
        topics.STATUS,
        topics.LEGAL_FORM,
        topics.FEES,
    ],
    "ess": [topics.DEFINITION, topics.APPROACH, topics.MEMBERS, topics.LEGAL_FORM, topics.MISSIONS],
    "cpts": [
        topics.DEFINITION,
        topics.APPROACH,
        topics.MEMBERS,
        topics.STATUS,
        topics.LEGAL_FORM,
        topics.MISSIONS,
    ],
    "pta": [topics.DEFINITION, topics.LEGAL_REFERENCES],
    "pole_sante": [topics.DEFINITION, topics.LEGAL_FORM],
    "asso_infirmiers": [topics.DEFINITION, topics.LEGAL_FORM, topics.JOIN],
}


@pytest.mark.parametrize(("structure_id", "required"), REQUIRED_TOPICS.items())
def test_each_structure_covers_its_topics(dataset: Dataset, structure_id: str, required: list[str]) -> None:
    present = {row["topic"] for row in dataset.facts if row["structure_id"] == structure_id}
    assert set(required) <= present
    for topic in (topics.TERRITORY, topics.CREATION, topics.JOIN, topics.RESOURCES):
        if structure_id in ("esp", "msp", "cds", "ess", "cpts"):
            assert topic in present or (structure_id == "ess" and topic == topics.JOIN)


@pytest.mark.parametrize("structure_id", ["esp", "msp", "cds", "cpts"])
def test_main_structures_have_ordered_steps_and_funding(dataset: Dataset, structure_id: str) -> None:
    assert any(row["structure_id"] == structure_id for row in dataset.procedures)
    assert any(row["structure_id"] == structure_id for row in dataset.funding)


PERSONAL_EMAIL = r"[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*@(?:ars\.sante\.fr|assurance-maladie\.fr)"


def test_named_people_and_personal_emails_are_left_out(seeds_dir: Path) -> None:
    data = "\n".join(path.read_text(encoding="utf-8") for path in DEFAULT_DATA_DIR.rglob("*.yml"))
    documents = "\n".join(path.read_text(encoding="utf-8") for path in seeds_dir.glob("0*.txt"))
    personal = set(re.findall(PERSONAL_EMAIL, documents))
    assert len(personal) >= 10  # the officers' and CPAM staff's addresses exist in the documents
    leaked = sorted(email for email in personal if email in data)
    people = ["Samuel Barbou", "MIRANDA", "BERNIER", "SCHREIBER", "CAMUSO", "MASOTTA", "GENOVA", "BENAYACHE"]
    leaked += [name for name in people if name.lower() in data.lower()]
    assert leaked == []


NOT_ACRONYMS = {
    "BERNIER", "CAMUSO", "CENTRE", "CONCLUSION", "DE", "MAISON", "MASOTTA", "MIRANDA", "OCCUPE", "ON",
    "PLURI-PROFESSIONNELLE", "PRIMAIRES", "PROFESSIONNELLE", "SCHREIBER", "SOINS", "TERRITORIALE",
    "TOUT", "GECO", "LC", "ML", "SMS",
}  # fmt: skip


def test_every_acronym_of_the_documents_is_in_the_glossary(seeds_dir: Path, kb: KnowledgeBase) -> None:
    """All-caps words of running text (headings excluded) are acronyms the glossary explains."""
    acronyms: set[str] = set()
    for path in seeds_dir.glob("0*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            letters = [char for char in line if char.isalpha()]
            if not letters or sum(char.isupper() for char in letters) > 0.6 * len(letters):
                continue
            for token in re.findall(r"(?<![\w@./-])([A-Z][A-Za-z]*[A-Z](?:-[A-Z]+)?)(?![\w@])", line):
                if token.upper() == token or re.fullmatch(r"[A-Z][a-z]?[A-Z]+", token):
                    acronyms.add(token)
    assert {"ACI", "FIR", "SISA", "CCOP-D", "CdS", "ESS", "QPPV"} <= acronyms
    missing = sorted(token for token in acronyms - NOT_ACRONYMS if kb.glossary(token) is None)
    assert missing == []


def test_glossary_expansions_are_quoted(dataset: Dataset) -> None:
    """A developed acronym's expansion words (singular or plural) appear in its citations."""
    failures = []
    for entry in dataset.glossary:
        if not entry["developed"]:
            continue
        quoted = {
            word.rstrip("s")
            for word in names.normalise_name(" ".join(c["quote"] for c in entry["citations"])).split()
        }
        words = [
            word.rstrip("s") for word in names.normalise_name(entry["expansion"]).split() if len(word) > 3
        ]
        absent = [word for word in words if word not in quoted]
        if absent:
            failures.append(f"{entry['term']} : {absent}")
    assert failures == []
