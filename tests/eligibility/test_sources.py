"""Every quote a rule relies on is really in its seed document, and names it as answers do."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eligibility import sources
from eligibility.rules import assess_all
from eligibility.sources import ALL_SOURCES, Document, RuleSource, documents
from eligibility.team import Team
from knowledge.query import KnowledgeBase

_MARKUP = re.compile(r"<[^>]+>")


def flatten(text: str) -> str:
    """Text as read, without the PDF-extraction artefacts: markup, bold stars, escapes, line breaks."""
    text = _MARKUP.sub(" ", text)
    text = text.replace("**", "").replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_texts(seeds_dir: Path) -> dict[str, str]:
    return {
        document.file: flatten((seeds_dir / document.file).read_text(encoding="utf-8"))
        for document in documents().values()
    }


def test_every_document_is_a_seed_file(seeds_dir: Path) -> None:
    on_disk = {path.name for path in seeds_dir.glob("*.txt")}
    assert {document.file for document in documents().values()} == on_disk


@pytest.mark.parametrize("document", documents().values(), ids=lambda document: document.file)
def test_documents_match_the_seed_readme(seeds_dir: Path, document: Document) -> None:
    """Publisher, region and year as the README of the seeds states them (in English there)."""
    rows = {
        cells[1]: cells
        for line in (seeds_dir / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 0") and (cells := [cell.strip() for cell in line.split("|")])
    }
    row = rows[document.file]
    publisher, region, date = row[2], row[3], row[4]
    capitalised = {word for word in re.findall(r"[\w-]+", publisher) if word[0].isupper()}
    assert capitalised and capitalised <= set(re.findall(r"[\w-]+", document.publisher))
    assert region in (document.region, document.region_name)
    years = re.findall(r"\d{4}", date)
    assert years and all(year in document.date_label for year in years)


@pytest.mark.parametrize("source", ALL_SOURCES, ids=lambda source: source.quote[:40])
def test_quote_is_verbatim_in_its_seed(seed_texts: dict[str, str], source: RuleSource) -> None:
    assert len(source.quote) >= 15, "a quote this short proves nothing"
    assert flatten(source.quote) in seed_texts[source.file]


def test_documents_are_read_from_the_knowledge_sources_file() -> None:
    """One description of each document: eligibility reads knowledge/data/sources.yml."""
    rows = yaml.safe_load((sources.DATA_DIR / "sources.yml").read_text(encoding="utf-8"))["sources"]
    assert [row["key"] for row in rows] == list(documents())
    for row in rows:
        document = documents()[row["key"]]
        assert (document.file, document.publisher, document.title, document.date_label) == (
            row["file"],
            row["publisher"],
            row["title"],
            str(row["date_label"]),
        )
    assert {source.key for source in ALL_SOURCES} <= set(documents())


def test_a_changed_description_changes_the_citation(tmp_path: Path) -> None:
    """Nothing is copied: edit the YAML and the rule's citation follows."""
    for name in ("sources.yml", "regions.yml"):
        text = (sources.DATA_DIR / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(
            text.replace("URPS infirmière PACA", "URPS PACA (test)"), encoding="utf-8"
        )
    assert documents(tmp_path)[sources.PACA_2019].publisher == "URPS PACA (test)"


def test_verdicts_and_answers_cite_a_document_with_the_same_words(kb: KnowledgeBase) -> None:
    answers = {source.file: source for source in kb.sources()}
    assert len(answers) == 5
    for source in ALL_SOURCES:
        answer = answers[source.file]
        assert source.reference == answer.reference
        assert (source.label, source.region, source.region_name, source.date) == (
            answer.publisher,
            answer.region,
            answer.region_name,
            answer.date_label,
        )


def test_the_check_catches_an_altered_quote(seed_texts: dict[str, str]) -> None:
    """The verbatim test can fail: one changed figure is no longer found."""
    altered = sources.CVL_ESS_TERRITORY.quote.replace("10 médecins", "12 médecins")
    assert flatten(altered) not in seed_texts[sources.CVL_ESS_TERRITORY.file]
    moved = sources.DOCTOLIB_MSP_MEMBERS.quote
    assert flatten(moved) not in seed_texts[documents()[sources.CVL_2025].file]


def test_citation_names_document_region_and_date() -> None:
    source = sources.PACA_CPTS_DOCTOR
    assert source.reference == (
        "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)"
    )
    assert sources.DOCTOLIB_ESP_MEMBERS.short == "Doctolib, France entière, mai 2023"
    assert sources.BRETAGNE_CDS_ANNEX.where_when == "Bretagne, 2019"
    for source in ALL_SOURCES:
        assert source.region_name in source.reference and source.date in source.reference


def test_region_ids_are_those_of_the_knowledge_base() -> None:
    assert {document.region for document in documents().values()} == {
        "national",
        "centre-val-de-loire",
        "bretagne",
        "paca",
        "occitanie",
    }


def test_every_quote_is_used_by_some_rule() -> None:
    """No dead quote: each one is cited by an assessment of some team."""
    teams = [
        Team(),
        Team(
            general_practitioners=1, paramedicals=0, other_professionals=0, specialists=0, practice="salarie"
        ),
        Team(general_practitioners=1, paramedicals=0, other_professionals=1, practice="mixte"),
        Team(specialists=3, territory_population=10_000),
        Team(territory_population=50_000),
    ]
    cited = {source for team in teams for assessment in assess_all(team) for source in assessment.sources}
    unused = [source.quote for source in ALL_SOURCES if source not in cited]
    assert unused == []


def test_resolving_a_citation_imports_no_knowledge_module() -> None:
    """Reading sources.yml at run time keeps eligibility/ free of the knowledge package."""
    code = (
        "import sys; from eligibility import rules, team;"
        "print(rules.assess_all(team.Team())[0].sources[0].reference);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('knowledge', 'rasa', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=sources.DATA_DIR.parent.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    reference, imported = result.stdout.strip().splitlines()
    assert reference.endswith("(France entière, mai 2023)")
    assert imported == "[]"
