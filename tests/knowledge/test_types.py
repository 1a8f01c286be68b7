"""Values returned by the queries."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge import topics
from knowledge.types import FUNDING_UNITS, Funding, Source

PACA = Source(
    file="002_4abe0d26f821563e.txt",
    publisher="URPS infirmière PACA",
    title="Exercice coordonné",
    region="paca",
    region_name="Provence-Alpes-Côte d'Azur",
    date="2019-06",
    date_label="juin 2019",
    kind="guide",
)


def test_reference_names_document_region_and_date() -> None:
    assert PACA.reference == (
        "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)"
    )
    untyped = dataclasses.replace(PACA, kind="")
    assert untyped.reference.startswith("« Exercice coordonné », URPS")


def test_values_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PACA.region = "bretagne"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [((None, None, None), False), ((7500, 7500, None), True), ((None, None, 65000), True)],
)
def test_funding_has_amount(amounts: tuple[int | None, ...], expected: bool) -> None:
    row = Funding("esp", "x", "ARS", *amounts, "par an", "", "x", "x", PACA)
    assert row.has_amount is expected
    assert row.region == "paca"


def test_vocabularies() -> None:
    assert "par an et par équipe" in FUNDING_UNITS and "en une fois" in FUNDING_UNITS
    assert set(topics.COMPARISON_TOPICS) <= set(topics.ALL_TOPICS)
