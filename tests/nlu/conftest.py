"""The trained model, loaded once per session for the parsing tests.

The test command trains the project model into models/ before pytest starts; RASA_MODEL
points at another archive (e.g. an NLU-only model in /tmp/nlu-models/nlu.tar.gz).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import ROOT

MODELS_DIR = ROOT / "models"


def newest_model(models_dir: Path = MODELS_DIR) -> Path | None:
    """The most recently written model archive in models_dir, or None."""
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def nlu_model_path() -> Path:
    configured = os.environ.get("RASA_MODEL")
    if configured:
        path = Path(configured)
        if not path.is_file():
            pytest.fail(f"RASA_MODEL={configured} ne désigne aucun fichier de modèle.")
        return path
    path = newest_model()
    if path is None:
        pytest.fail(
            f"Aucun modèle entraîné dans {MODELS_DIR} : entraînez-le d'abord "
            "(`rasa train`), ou indiquez une archive avec RASA_MODEL=/chemin/vers/modele.tar.gz."
        )
    return path


@pytest.fixture(scope="session")
def nlu_agent(nlu_model_path: Path):
    """A Rasa Agent holding the trained model (NLU only is enough to parse)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(nlu_model_path))
    if not agent.is_ready():
        pytest.fail(f"Le modèle {nlu_model_path} n'a pas pu être chargé.")
    return agent
