"""Loader: precise messages for malformed files, all-or-nothing loads, reload only on change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.settings import ROOT
from knowledge import models
from knowledge.db import session_scope
from knowledge.loader import (
    DEFAULT_DATA_DIR,
    KnowledgeDataError,
    ensure_loaded,
    is_current,
    load,
    read_data,
    stored_hash,
)


def replace(data_dir: Path, relative: str, old: str, new: str) -> None:
    path = data_dir / relative
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} must occur once in {relative}"
    path.write_text(content.replace(old, new), encoding="utf-8")


def counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in models.Base.metadata.sorted_tables
        }


ESP_FIRST_QUOTE = """    quote: >-
      Les ESP sont des regroupements de professionnels de santé libéraux de premier recours
      (médecins, infirmiers, pharmaciens, etc.) autour d'un projet de santé partagé, sans
      obligation de regroupement physique.
"""

BROKEN = [
    pytest.param(
        "structures/esp.yml",
        ESP_FIRST_QUOTE,
        "",
        "structures/esp.yml, facts[0], champ « quote » : valeur manquante",
        id="missing-quote",
    ),
    pytest.param(
        "structures/esp.yml",
        "      Enveloppe de 7 500 € par an et par équipe, versée",
        "      Enveloppe de 8 500 € par an et par équipe, versée",
        "structures/esp.yml, funding[0], champ « quote » : nombre(s) absent(s) de la citation : 8500",
        id="number-not-in-quote",
    ),
    pytest.param(
        "structures/ess.yml",
        "    amount_min: 80000\n",
        "    amount_min: 85000\n",
        "structures/ess.yml, funding[0], champ « quote » : nombre(s) absent(s) de la citation : 85000",
        id="amount-not-in-quote",
    ),
    pytest.param(
        "structures/cds.yml",
        "  # --- définition\n  - topic: definition\n",
        "  # --- définition\n  - topic: definitoin\n",
        "structures/cds.yml, facts[0], champ « topic » : sujet inconnu « definitoin »",
        id="unknown-topic",
    ),
    pytest.param(
        "structures/pta.yml",
        "  - topic: definition\n    source: paca-2019\n    text: >-\n      Les plateformes",
        "  - topic: definition\n    source: paca-2018\n    text: >-\n      Les plateformes",
        "structures/pta.yml, facts[0], champ « source » : document inconnu « paca-2018 »",
        id="unknown-source",
    ),
    pytest.param(
        "structures/msp.yml",
        "  id: msp\n",
        "  id: msp\n  acronym: [MSP\n",
        "structures/msp.yml, ligne 5, colonne",
        id="invalid-yaml",
    ),
    pytest.param(
        "structures/asso_infirmiers.yml",
        "    quote: l'adhésion est volontaire moyennant une cotisation.\n  - topic: fees",
        "    qoute: l'adhésion est volontaire moyennant une cotisation.\n  - topic: fees",
        "structures/asso_infirmiers.yml, facts[2], champ « qoute » : champ inconnu (faute de frappe ?)",
        id="unknown-field",
    ),
    pytest.param(
        "structures/cpts.yml",
        "    unit: par mission\n",
        "    unit: par semaine\n",
        "structures/cpts.yml, funding[2], champ « unit » : unité inconnue « par semaine »",
        id="unknown-unit",
    ),
    pytest.param(
        "structures/ess.yml",
        "    amount_min: 50000\n    amount_max: 100000\n",
        "    amount_min: 100000\n    amount_max: 50000\n",
        "structures/ess.yml, funding[1], champ « amount_max » : montant maximum 50000 inférieur",
        id="min-above-max",
    ),
    pytest.param(
        "contacts.yml",
        "    structures: [ess]\n",
        "    structures: [ehpad]\n",
        "contacts.yml, contacts[0], champ « structures[0] » : structure inconnue « ehpad »",
        id="unknown-structure",
    ),
    pytest.param(
        "platforms.yml",
        '    departments: ["05"]\n',
        '    departments: ["29"]\n',
        "platforms.yml, platforms[5], champ « departments[0] » : le département 29 n'est pas dans la région",
        id="departement-outside-region",
    ),
    pytest.param(
        "glossary.yml",
        "  - term: SCP\n",
        "  - term: SCM\n",
        "glossary.yml, glossary[66], champ « term » : « SCM » se confond avec « SCM » (glossary[65])",
        id="duplicate-glossary-term",
    ),
    pytest.param(
        "cpts_examples.yml",
        "    population: 152581\n",
        "    population: 152582\n",
        "cpts_examples.yml, cpts_examples[1], champ « population_text » : doit contenir la population 152582",
        id="population-mismatch",
    ),
    pytest.param(
        "structures/esp.yml",
        "    text: Plusieurs ESP peuvent constituer une CPTS.\n",
        "    text: plusieurs ESP peuvent constituer une CPTS.\n",
        "structures/esp.yml, facts[3], champ « text » : le texte doit commencer par une majuscule",
        id="text-not-a-sentence",
    ),
    pytest.param(
        "glossary.yml",
        "        quote: zones d'intervention prioritaires (ZIP)\n",
        "",
        "glossary.yml, glossary[77].citations[0], champ « quote » : valeur manquante",
        id="nested-citation",
    ),
    pytest.param(
        "regions.yml",
        "  - id: bretagne\n    name: Bretagne\n",
        "  - Bretagne\n",
        "regions.yml, regions[2] : une table clé-valeur est attendue, reçu str",
        id="entry-not-a-mapping",
    ),
    pytest.param(
        "regions.yml",
        "    name: Bretagne\n",
        "    name: [Bretagne]\n",
        "regions.yml, regions[2], champ « name » : texte attendu, reçu list",
        id="not-a-text",
    ),
    pytest.param(
        "regions.yml",
        "    name: Bretagne\n",
        '    name: "  "\n',
        "regions.yml, regions[2], champ « name » : valeur vide",
        id="empty-text",
    ),
    pytest.param(
        "cpts_examples.yml",
        "    population: 152581\n",
        "    population: cent\n",
        "cpts_examples.yml, cpts_examples[1], champ « population » : nombre entier positif attendu",
        id="not-an-integer",
    ),
    pytest.param(
        "glossary.yml",
        "  - term: AME\n    expansion: sigle non développé dans les documents\n    developed: false\n",
        "  - term: AME\n    expansion: sigle non développé dans les documents\n    developed: non\n",
        "glossary.yml, glossary[2], champ « developed » : true ou false attendu, reçu 'non'",
        id="not-a-flag",
    ),
    pytest.param(
        "contacts.yml",
        "    topics: [création d'une ESS, accompagnement]\n",
        "    topics: création d'une ESS\n",
        "contacts.yml, contacts[0], champ « topics » : liste attendue",
        id="not-a-list",
    ),
    pytest.param(
        "contacts.yml",
        "    topics: [création d'une ESS, accompagnement]\n",
        "    topics: [création d'une ESS, [a]]\n",
        "contacts.yml, contacts[0], champ « topics[1] » : texte non vide attendu",
        id="not-a-list-item",
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "message"), BROKEN)
def test_malformed_file_is_reported_with_file_entry_and_field(
    data_copy: Path, relative: str, old: str, new: str, message: str
) -> None:
    replace(data_copy, relative, old, new)
    with pytest.raises(KnowledgeDataError) as caught:
        read_data(data_copy)
    assert any(str(problem).startswith(message) for problem in caught.value.problems), str(caught.value)
    assert message.split(",")[0] in str(caught.value)


def test_missing_structure_file(data_copy: Path) -> None:
    (data_copy / "structures" / "pta.yml").unlink()
    with pytest.raises(KnowledgeDataError, match=r"structures/pta\.yml : fichier de structure manquant"):
        read_data(data_copy)


def test_quote_not_in_document_is_caught_when_documents_are_given(data_copy: Path, seeds_dir: Path) -> None:
    replace(
        data_copy,
        "structures/pta.yml",
        "      Nom de la plateforme Territoire Numéro de téléphone […]",
        "      Nom de la plateforme Territoire Numéro de fax […]",
    )
    read_data(data_copy)  # without the documents, a well-formed quote passes
    with pytest.raises(KnowledgeDataError) as caught:
        read_data(data_copy, seeds_dir=seeds_dir)
    assert [str(problem) for problem in caught.value.problems] == [
        "structures/pta.yml, facts[6], champ « quote » : citation introuvable dans le document : "
        "« Nom de la plateforme Territoire Numéro de fax »"
    ]


def test_every_problem_is_listed_at_once(data_copy: Path) -> None:
    replace(data_copy, "structures/esp.yml", ESP_FIRST_QUOTE, "")
    replace(data_copy, "contacts.yml", "    structures: [ess]\n", "    structures: [ehpad]\n")
    with pytest.raises(KnowledgeDataError) as caught:
        read_data(data_copy)
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith("2 problème(s) dans les données de connaissances :")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def loaded_engine(request: pytest.FixtureRequest, sqlite_engine: Engine) -> Engine:
    """A database that already holds the current data."""
    if request.param == "sqlite":
        load(sqlite_engine)
        return sqlite_engine
    engine = request.getfixturevalue("postgres_engine")
    request.getfixturevalue("postgres_kb")  # loaded once for the session
    return engine


def test_bad_file_leaves_a_loaded_database_unchanged(loaded_engine: Engine, data_copy: Path) -> None:
    before, hash_before = counts(loaded_engine), stored_hash(loaded_engine)
    assert before["kb_fact"] > 300
    replace(data_copy, "structures/esp.yml", ESP_FIRST_QUOTE, "")
    with pytest.raises(KnowledgeDataError):
        load(loaded_engine, data_copy)
    assert counts(loaded_engine) == before
    assert stored_hash(loaded_engine) == hash_before
    assert is_current(loaded_engine)


def test_failure_while_writing_rolls_everything_back(sqlite_engine: Engine, data_copy: Path) -> None:
    """A database error in the middle of the load (here a trigger refusing one glossary row,
    inserted after every fact) leaves the previous content in place."""
    load(sqlite_engine)
    before = counts(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER refuse_zzz BEFORE INSERT ON kb_glossary WHEN NEW.term = 'ZZZ' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    replace(
        data_copy,
        "glossary.yml",
        "  - term: ZIP\n",
        "  - term: ZZZ\n    expansion: Zone de test\n    citations:\n      - source: cvl-2025\n"
        "        quote: ZZZ n'existe pas\n  - term: ZIP\n",
    )
    replace(
        data_copy,
        "structures/esp.yml",
        "    text: Plusieurs ESP peuvent",
        "    text: Deux ESP ou plus peuvent",
    )
    with pytest.raises(IntegrityError, match="refused"):
        load(sqlite_engine, data_copy)
    assert counts(sqlite_engine) == before
    assert is_current(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        texts = session.execute(select(models.FactRow.text)).scalars().all()
    assert "Plusieurs ESP peuvent constituer une CPTS." in texts


def test_ensure_loaded_loads_only_when_empty_or_changed(tmp_path: Path, data_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    assert ensure_loaded(url, data_copy) is True
    assert ensure_loaded(url, data_copy) is False
    replace(
        data_copy,
        "structures/esp.yml",
        "    text: Plusieurs ESP peuvent",
        "    text: Deux ESP ou plus peuvent",
    )
    assert ensure_loaded(url, data_copy) is True
    assert ensure_loaded(url, data_copy) is False


def test_is_current_on_an_empty_database(sqlite_engine: Engine) -> None:
    assert stored_hash(sqlite_engine) is None
    assert is_current(sqlite_engine) is False


def test_reload_replaces_rows_instead_of_adding(sqlite_engine: Engine) -> None:
    first = load(sqlite_engine)
    once = counts(sqlite_engine)
    second = load(sqlite_engine)
    assert counts(sqlite_engine) == once
    assert first.tables == second.tables
    assert once["kb_fact"] == first.tables["faits"]
    assert sum(first.per_source.values()) > 500
    assert "Base de connaissances chargée" in str(first)
    assert "004_c7a588e272dd219d.txt (ARS Bretagne et ses partenaires, 2019)" in str(first)


def test_older_schema_is_dropped_and_recreated(sqlite_engine: Engine) -> None:
    load(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        session.execute(text("UPDATE kb_meta SET value = '0' WHERE key = 'schema_version'"))
        session.execute(text("ALTER TABLE kb_fact ADD COLUMN obsolete TEXT"))
    load(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        columns = [row[1] for row in session.execute(text("PRAGMA table_info(kb_fact)"))]
    assert "obsolete" not in columns


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_load_prints_a_summary(tmp_path: Path) -> None:
    result = run_cli("load", "--url", f"sqlite:///{tmp_path / 'sub' / 'kb.db'}")
    assert result.returncode == 0, result.stderr
    assert "faits :" in result.stdout
    assert "002_4abe0d26f821563e.txt (URPS infirmière PACA, juin 2019) :" in result.stdout


def test_cli_refuses_bad_data_with_status_1(data_copy: Path, tmp_path: Path) -> None:
    replace(data_copy, "structures/esp.yml", ESP_FIRST_QUOTE, "")
    checked = run_cli("check", "--data-dir", str(data_copy))
    assert checked.returncode == 1
    assert "structures/esp.yml, facts[0], champ « quote » : valeur manquante" in checked.stderr
    loaded = run_cli("load", "--data-dir", str(data_copy), "--url", f"sqlite:///{tmp_path / 'kb.db'}")
    assert loaded.returncode == 1
    assert "la base n'a pas été modifiée" in loaded.stderr
    assert "Traceback" not in loaded.stderr


def test_cli_check_verifies_quotes_against_the_documents(seeds_dir: Path) -> None:
    result = run_cli("check", "--seeds", str(seeds_dir))
    assert result.returncode == 0, result.stderr
    assert "chaque citation a été retrouvée dans son document" in result.stdout


def test_default_data_dir_is_the_package_data() -> None:
    assert DEFAULT_DATA_DIR == ROOT / "knowledge" / "data"
