"""Towns from Etalab's dataset, loaded by the loader and found in what people write."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from knowledge import models
from knowledge.communes import DEFAULT_COMMUNES_FILE, CommuneIndex, read_communes
from knowledge.db import make_engine, session_scope
from knowledge.loader import is_current, load

pytestmark = pytest.mark.skipif(
    not DEFAULT_COMMUNES_FILE.exists(), reason="npm package @etalab/decoupage-administratif not installed"
)


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    engine = make_engine("sqlite://")
    load(engine)
    try:
        yield CommuneIndex.from_engine(engine)
    finally:
        engine.dispose()


def test_the_loader_writes_every_current_commune_and_is_then_current() -> None:
    engine = make_engine("sqlite://")
    try:
        load(engine)
        with session_scope(engine) as session:
            stored = session.execute(select(func.count()).select_from(models.CommuneRow)).scalar()
        assert stored == len(read_communes()) > 34_000
        assert is_current(engine)
        with session_scope(engine) as session:
            session.execute(models.CommuneRow.__table__.delete())
        assert not is_current(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("text", "department", "region"),
    [
        ("je suis kiné à Vannes", "56", "bretagne"),
        ("on exerce près de Blois", "41", "centre-val-de-loire"),
        ("cabinet à st malo", "35", "bretagne"),
        ("on est installés à Saint-Pierre-des-Corps", "37", "centre-val-de-loire"),
        ("MSP au Mans", "72", "pays-de-la-loire"),
        ("on bosse a la rochelle", "17", "nouvelle-aquitaine"),
        ("autour de Montpellier", "34", "occitanie"),
        ("à Saint-Denis", "974", "la-reunion"),  # the most populous of its name
    ],
)
def test_a_town_after_a_place_cue_gives_its_department_and_region(
    index: CommuneIndex, text: str, department: str, region: str
) -> None:
    commune = index.find(text)
    assert commune is not None
    assert (commune.department, commune.region) == (department, region)


@pytest.mark.parametrize(
    "text",
    [
        "on travaille à l'hôpital",
        "je suis à mi-temps",
        "on est à plusieurs",
        "la mairie veut ouvrir un centre",
        "nous sommes 3 médecins",
        "y a-t-il un gestionnaire",
        "on exerce au cabinet",
    ],
)
def test_no_town_without_one(index: CommuneIndex, text: str) -> None:
    assert index.find(text) is None


def test_a_bare_answer_is_resolved_whole(index: CommuneIndex) -> None:
    assert index.resolve("Orléans").department == "45"
    assert index.resolve("vannes").region == "bretagne"
    assert index.resolve("la mairie") is None


def test_a_misspelt_town_alone_is_found_when_one_is_closest(index: CommuneIndex) -> None:
    assert index.resolve("Montpelier").department == "34"
    assert index.resolve("Quimpr").department == "29"
    assert index.resolve("Vanes") is None  # Vannes or Vanves: not guessed
    assert index.resolve("à Brest") is None  # a cue: find() reads it, fuzzy matching would say Abrest
    assert index.resolve("xyzzyq") is None
