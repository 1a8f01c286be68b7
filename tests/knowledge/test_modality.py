"""No text of the knowledge base is firmer than its quote (knowledge.modality), on every row."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ROOT
from knowledge.loader import Dataset, read_data
from knowledge.modality import dataset_problems, modality_problems, row_problems


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_data()


def test_no_row_is_firmer_than_its_quote(dataset: Dataset) -> None:
    rows = list(dataset.sourced_rows())
    assert len(rows) > 500  # every kind of row, glossary citations included
    assert dataset_problems(rows) == []


# The two sentences of issue 16, as the knowledge base had them, against their real quotes.
PACA_BOARD_QUOTE = (
    "Organiser une réunion pour créer le conseil d'administration qui élira un bureau pluri "
    "professionnel. Il est préférable de ne pas mettre plus de 2 membres de la même profession au sein "
    "du bureau afin de garantir une pluralité. Nous recommandons de désigner un coordonnateur soignant."
)
OCCITANIE_MISSIONS_QUOTE = (
    "mesure phare de Ma santé 2022 Des missions précisées : les CPTS devraient avoir la responsabilité "
    "de la réalisation d'actions de prévention"
)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        (
            "Le bureau de l'association doit être pluriprofessionnel : pas plus de 2 membres de la même "
            "profession.",
            PACA_BOARD_QUOTE,
        ),
        ("Missions prévues par « Ma santé 2022 » : actions de prévention.", OCCITANIE_MISSIONS_QUOTE),
        ("Une association loi 1901 est obligatoire.", "Non imposée, association loi 1901 conseillée"),
        ("Il faut au moins 20 000 habitants.", "d'un seuil minimal suggéré de 20 000 habitants"),
        (
            "Les professionnels doivent être membres de plusieurs CPTS.",
            "peuvent être membres de plusieurs CPTS",
        ),
        ("L'équipe doit associer les acteurs.", "Il est donc important que l'exercice coordonné associe"),
        # a prohibition is a must too
        ("Le bureau ne doit pas compter plus de 2 membres d'une profession.", PACA_BOARD_QUOTE),
    ],
    ids=["préférable", "devraient", "conseillée", "suggéré", "peuvent", "important", "ne doit pas"],
)
def test_a_softened_quote_stated_firmly_is_caught(text: str, quote: str) -> None:
    assert modality_problems(text, quote) != []


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        # the quote itself is a must: the text may say so
        (
            "Le projet de santé doit être validé par l'ARS.",
            "doit être validé par l'Agence Régionale de Santé",
        ),
        # a must in a quote without any softening word is left to the reader of the diff
        ("Il faut signer un contrat de travail.", "Signer un contrat de travail"),
        # negated musts are not musts
        (
            "L'adhésion n'est pas obligatoire ; les professionnels peuvent adhérer.",
            "L'adhésion à une CPTS n'est pas obligatoire, elle est fondée sur la libre participation",
        ),
        ("Une association est conseillée, non obligatoire.", "Non imposée, association loi 1901 conseillée"),
        # a conditional kept as a conditional
        ("Les CPTS devraient organiser la prévention.", OCCITANIE_MISSIONS_QUOTE),
        ("Selon le plan, elles pourraient s'en charger.", OCCITANIE_MISSIONS_QUOTE),
    ],
)
def test_faithful_texts_pass(text: str, quote: str) -> None:
    assert modality_problems(text, quote) == []


def test_every_displayed_field_is_checked_not_the_identifiers() -> None:
    row = {
        "quote": "Non imposée, association loi 1901 conseillée",
        "text": "Une association loi 1901 est conseillée.",
        "conditions": "Une association est obligatoire.",
        "steps": ["Réunir les professionnels.", "Il faut créer l'association."],
        "name": "Obligatoire",  # a name is not a sentence
    }
    problems = row_problems(row)
    assert len(problems) == 2
    assert "conditions" in problems[0] and "steps" in problems[1]


def test_knowledge_check_refuses_a_firmer_text(tmp_path: Path, seeds_dir: Path) -> None:
    """`python -m knowledge check` exits 1 on the PACA board sentence as it was before issue 16."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    cpts = data / "structures" / "cpts.yml"
    text = cpts.read_text(encoding="utf-8")
    fixed = "il est préférable de ne pas\n      y mettre plus de 2 membres"
    assert fixed in text
    cpts.write_text(text.replace(fixed, "il doit ne pas\n      y mettre plus de 2 membres"), encoding="utf-8")

    def check(data_dir: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "knowledge",
                "check",
                "--data-dir",
                str(data_dir),
                "--seeds",
                str(seeds_dir),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = check(data)
    assert refused.returncode == 1
    assert "plus affirmatif" in refused.stderr and "preferable" in refused.stderr
    assert check(ROOT / "knowledge" / "data").returncode == 0
