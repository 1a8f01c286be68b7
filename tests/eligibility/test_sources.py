"""Every quote a rule relies on is really in its seed document, and names it correctly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eligibility import sources
from eligibility.rules import assess_all
from eligibility.sources import ALL_SOURCES, DOCUMENTS, RuleSource
from eligibility.team import Team

_MARKUP = re.compile(r"<[^>]+>")


def flatten(text: str) -> str:
    """Text as read, without the PDF-extraction artefacts: markup, bold stars, escapes, line breaks."""
    text = _MARKUP.sub(" ", text)
    text = text.replace("**", "").replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_texts(seeds_dir: Path) -> dict[str, str]:
    return {file: flatten((seeds_dir / file).read_text(encoding="utf-8")) for file in DOCUMENTS}


def test_every_document_is_a_seed_file(seeds_dir: Path) -> None:
    on_disk = {path.name for path in seeds_dir.glob("*.txt")}
    assert set(DOCUMENTS) == on_disk


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=lambda document: document.file)
def test_documents_match_the_seed_readme(seeds_dir: Path, document: sources.Document) -> None:
    """Publisher, region and year as the README of the seeds states them."""
    rows = {
        cells[1]: cells
        for line in (seeds_dir / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 0") and (cells := [cell.strip() for cell in line.split("|")])
    }
    row = rows[document.file]
    publisher, region, date = row[2], row[3], row[4]
    assert document.label in publisher
    assert document.region_name == region
    years = re.findall(r"\d{4}", date)
    assert years and all(year in document.date for year in years)


@pytest.mark.parametrize("source", ALL_SOURCES, ids=lambda source: source.quote[:40])
def test_quote_is_verbatim_in_its_seed(seed_texts: dict[str, str], source: RuleSource) -> None:
    assert len(source.quote) >= 15, "a quote this short proves nothing"
    assert flatten(source.quote) in seed_texts[source.file]


@pytest.mark.parametrize("source", ALL_SOURCES, ids=lambda source: source.quote[:40])
def test_source_fields_come_from_its_document(source: RuleSource) -> None:
    document = DOCUMENTS[source.file]
    assert (source.label, source.region, source.date) == (document.label, document.region, document.date)


def test_the_check_catches_an_altered_quote(seed_texts: dict[str, str]) -> None:
    """The verbatim test can fail: one changed figure is no longer found."""
    altered = sources.CVL_ESS_TERRITORY.quote.replace("10 médecins", "12 médecins")
    assert flatten(altered) not in seed_texts[sources.CVL_ESS_TERRITORY.file]
    moved = sources.DOCTOLIB_MSP_MEMBERS.quote
    assert flatten(moved) not in seed_texts[sources.CVL_2025.file]


def test_citation_names_document_region_and_date() -> None:
    source = sources.PACA_CPTS_DOCTOR
    assert source.reference == (
        "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)"
    )
    assert sources.DOCTOLIB_ESP_MEMBERS.short == "Doctolib, national, mai 2023"
    assert sources.BRETAGNE_CDS_ANNEX.where_when == "Bretagne, 2019"
    for source in ALL_SOURCES:
        assert source.region_name in source.reference and source.date in source.reference


def test_region_ids_are_those_of_the_knowledge_base() -> None:
    assert {document.region for document in DOCUMENTS.values()} == {
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
        Team(general_practitioners=1, paramedicals=0, other_professionals=0, practice="salarie"),
        Team(general_practitioners=1, paramedicals=0, other_professionals=1, practice="mixte"),
        Team(specialists=3, territory_population=10_000),
        Team(territory_population=50_000),
    ]
    cited = {source for team in teams for assessment in assess_all(team) for source in assessment.sources}
    unused = [source.quote for source in ALL_SOURCES if source not in cited]
    assert unused == []
