"""Rows that once said more than their document, or filed it in the wrong place (issue 16).

Each test reads the real data files and names the document's own words; each one failed on the
data as it was before the correction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import ROOT
from knowledge import topics
from knowledge.loader import Dataset, read_data
from knowledge.provenance import normalise
from textnorm import fold


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_data()


def file_of(dataset: Dataset, key: str) -> str:
    return next(source["file"] for source in dataset.sources if source["key"] == key)


def quoting(rows: list[dict[str, Any]], file: str, piece: str) -> list[dict[str, Any]]:
    """Rows of `file` whose quote holds `piece` (both normalised like the quote check)."""
    wanted = normalise(piece)
    return [row for row in rows if row["source_file"] == file and wanted in normalise(row["quote"])]


def shown(row: dict[str, Any]) -> str:
    """The row's displayed sentences, folded (text, conditions, funder, label, note)."""
    return fold(
        " ".join(str(row.get(name) or "") for name in ("label", "funder", "conditions", "text", "note"))
    )


def test_paca_board_composition_is_advice_not_a_rule(dataset: Dataset) -> None:
    """Guide PACA: « Il est préférable de ne pas mettre plus de 2 membres de la même profession »."""
    rows = quoting(
        dataset.facts, file_of(dataset, "paca-2019"), "Il est préférable de ne pas mettre plus de 2"
    )
    assert len(rows) == 1
    text = shown(rows[0])
    assert "preferable" in text
    assert not re.search(r"\b(doit|doivent|obligatoire|faut)\b", text)


def test_bretagne_building_needs_one_gp_and_room_for_two(dataset: Dataset) -> None:
    """« l'équipement accueille différentes professions de santé dont au moins un médecin généraliste et
    que le programme immobilier permette d'accueillir au moins deux médecins généralistes »."""
    bretagne = file_of(dataset, "bretagne-2019")
    rows = [row for row in dataset.funding if row["structure_id"] == "msp" and row["source_file"] == bretagne]
    about_gps = [row for row in rows if "deux medecins generalistes" in shown(row)]
    assert len(about_gps) >= 2  # the building funding and its conditions
    for row in about_gps:
        assert "au moins un medecin generaliste" in shown(row), row["label"]
        assert "programme immobilier" in shown(row), row["label"]


def test_esp_cvl_statements_are_kept_apart(dataset: Dataset) -> None:
    """The booklet says the envelope comes « par l'intermédiaire de la fédération des URPS », its
    summary table labels it FIR, and the association is a separate legal-form sentence."""
    cvl = file_of(dataset, "cvl-2025")
    envelope = quoting(dataset.funding, cvl, "par l'intermédiaire de la fédération des URPS")
    table = quoting(dataset.funding, cvl, "FIR 7 500€ par an et par équipe, dispositif expérimental")
    association = quoting(dataset.facts, cvl, "constitution d'une association nécessaire pour l'obtention")
    assert len(envelope) == 1 and table and association
    row = envelope[0]
    assert "[…]" not in row["quote"]
    assert "fir" not in row["funder"].casefold().split() and "association" not in shown(row)
    assert row["funder"].startswith("non précisé")
    assert all("intermediaire" not in shown(other) for other in table)
    assert {other["funder"] for other in table if other["structure_id"] == "esp"} == {"FIR"}


def test_pta_summary_names_the_platforms_that_break_the_pattern(dataset: Dataset) -> None:
    """Cap Azur Santé has no number (« Opérationnelle en décembre 2019 »); Apport Santé spans two
    départements: the PACA summary of the PTA list may not claim every platform has both."""
    paca = file_of(dataset, "paca-2019")
    summary = [
        row
        for row in dataset.facts
        if row["structure_id"] == "pta" and row["topic"] == topics.TERRITORY and row["source_file"] == paca
    ]
    assert len(summary) == 1
    text = summary[0]["text"]
    exceptions = [
        platform["name"]
        for platform in dataset.platforms
        if platform["phone"] is None or len(platform["departments"]) > 1
    ]
    assert {"Cap Azur Santé", "Apport Santé"} <= set(exceptions)
    assert all(name in text for name in exceptions), exceptions
    assert "Opérationnelle en décembre 2019" in text
    assert "chaque plateforme" not in text


def test_a_legal_code_is_named_only_where_the_quote_names_it(dataset: Dataset) -> None:
    """Guide PACA: « Consulter l'article L1434-12 sur Legifrance », no code named."""
    code = re.compile(r"\bcode (?:de la |du |des |de l')[a-z]+(?: [a-z]+)?")
    failures = []
    for kind, row in dataset.sourced_rows():
        for name in ("text", "conditions"):
            for found in code.findall(fold(str(row.get(name) or ""))):
                if found not in fold(row["quote"]):
                    failures.append(f"{kind}: {found!r} in {row.get(name)!r}")
    assert failures == []


def test_ma_sante_2022_missions_stay_conditional(dataset: Dataset) -> None:
    occitanie = file_of(dataset, "occitanie-2019")
    rows = quoting(dataset.facts, occitanie, "les CPTS devraient avoir la responsabilité")
    assert len(rows) == 1
    assert "devraient" in rows[0]["text"]


def test_paca_population_range_is_always_indicative(dataset: Dataset) -> None:
    """« de 40 000 à plus de 175 000 habitants (seuil indicatif), adaptable selon le territoire »."""
    paca = file_of(dataset, "paca-2019")
    rows = [
        row
        for _, row in dataset.sourced_rows()
        if row["source_file"] == paca and "175 000" in str(row.get("text"))
    ]
    assert len(rows) >= 2
    for row in rows:
        assert "seuil indicatif" in row["text"] and "adaptable selon le territoire" in row["text"], row[
            "text"
        ]


def test_cpts_membership_is_filed_under_joining(dataset: Dataset) -> None:
    rows = quoting(
        dataset.facts, file_of(dataset, "paca-2019"), "L'adhésion à une CPTS n'est pas obligatoire"
    )
    assert [(row["structure_id"], row["topic"]) for row in rows] == [("cpts", topics.JOIN)]


def test_cds_funder_is_not_invented(dataset: Dataset) -> None:
    """The CVL summary table says « Activité salariée »; it names no funder, let alone the manager."""
    rows = [
        row for row in dataset.funding if row["structure_id"] == "cds" and row["label"] == "Activité salariée"
    ]
    assert len(rows) == 1
    assert rows[0]["funder"] == "non précisé"


def test_psychologists_sentence_is_about_every_coordinated_structure(dataset: Dataset) -> None:
    """Doctolib: « Les psychologues et les ostéopathes peuvent travailler en structure d'exercice
    coordonné » — general, printed under the table of CdS, MSP and CPTS, not an MSP fact."""
    rows = quoting(dataset.facts, file_of(dataset, "doctolib-2023"), "Les psychologues et les ostéopathes")
    assert [row["structure_id"] for row in rows] == [None]


# Not from the documents and not about them: the emergency number of the medical-advice refusal.
NOT_DOCUMENT_ACRONYMS = {"SAMU"}


def test_domain_responses_use_only_the_documents_acronyms(seeds_dir: Path) -> None:
    """« SCIC » is not in any document, which write « société coopérative d'intérêt collectif »."""
    documents = " ".join(path.read_text(encoding="utf-8") for path in seeds_dir.glob("0*.txt"))
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    texts = [variant.get("text", "") for variants in responses.values() for variant in variants]
    acronyms = {
        token for text in texts for token in re.findall(r"(?<![\w{])([A-Z][A-Za-z]*[A-Z])(?![\w}])", text)
    }
    assert {"MSP", "CPTS"} <= acronyms
    unknown = sorted(
        token
        for token in acronyms - NOT_DOCUMENT_ACRONYMS
        if not re.search(rf"(?<![A-Za-z]){re.escape(token)}(?![A-Za-z])", documents)
    )
    assert unknown == []
