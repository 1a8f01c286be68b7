"""needed_fields: what the form still asks, and that answering it always settles the verdicts."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from eligibility.rules import assess_all, needed_fields
from eligibility.team import TEAM_FIELDS, Team

ORDER = [
    "general_practitioners",
    "paramedicals",
    "other_professionals",
    "specialists",
    "practice",
    "has_manager",
    "territory_is_department_or_more",
    "specialty_doctors_on_territory",
    "liberal_specialty_doctors_on_territory",
    "territory_population",
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {},
            [
                "general_practitioners",
                "paramedicals",
                "other_professionals",
                "specialists",
                "practice",
                "territory_population",
            ],
        ),
        # Enough members already: pharmacists and dentists change nothing.
        (
            dict(general_practitioners=3, paramedicals=2),
            ["specialists", "practice", "territory_population"],
        ),
        # No paramédical: the ESP depends on the other professionals (sources disagree).
        (
            dict(general_practitioners=1, paramedicals=0),
            ["other_professionals", "specialists", "practice", "territory_population"],
        ),
        (
            dict(general_practitioners=3, paramedicals=2, specialists=0, practice="liberal"),
            ["territory_population"],
        ),
        (
            dict(general_practitioners=3, paramedicals=2, specialists=0, practice="salarie"),
            ["has_manager", "territory_population"],
        ),
        (
            dict(general_practitioners=3, paramedicals=2, specialists=0, practice="mixte"),
            ["has_manager", "territory_population"],
        ),
        (
            dict(general_practitioners=0, paramedicals=0, specialists=4, practice="liberal"),
            [
                "territory_is_department_or_more",
                "specialty_doctors_on_territory",
                "liberal_specialty_doctors_on_territory",
                "territory_population",
            ],
        ),
        (
            dict(
                general_practitioners=0, paramedicals=1, specialists=4, territory_is_department_or_more=False
            ),
            ["practice", "territory_population"],
        ),
        (
            dict(general_practitioners=0, paramedicals=1, specialists=4, specialty_doctors_on_territory=9),
            ["practice", "territory_is_department_or_more", "territory_population"],
        ),
        (
            dict(general_practitioners=0, paramedicals=1, specialists=4, specialty_doctors_on_territory=10),
            [
                "practice",
                "territory_is_department_or_more",
                "liberal_specialty_doctors_on_territory",
                "territory_population",
            ],
        ),
        # No doctor at all: no CPTS, no ESS, and neither MSP nor centre can be decided by practice.
        (
            dict(general_practitioners=0, paramedicals=0, other_professionals=1, specialists=0),
            [],
        ),
        # One GP alone: MSP and centre de santé are out whatever the practice.
        (
            dict(general_practitioners=1, paramedicals=0, other_professionals=0, specialists=0),
            ["territory_population"],
        ),
        (
            dict(general_practitioners=0, specialists=0),
            ["paramedicals", "other_professionals", "practice"],
        ),
    ],
)
def test_needed_fields(fields: dict[str, Any], expected: list[str]) -> None:
    assert needed_fields(Team(**fields)) == expected


GRID = [
    Team(
        general_practitioners=gps,
        paramedicals=paramedicals,
        other_professionals=others,
        specialists=specialists,
        practice=practice,
        has_manager=manager,
        territory_is_department_or_more=department,
        specialty_doctors_on_territory=doctors,
    )
    for gps, paramedicals, others, specialists, practice, manager, department, doctors in itertools.product(
        (None, 0, 1, 2),
        (None, 0, 1),
        (None, 0, 2),
        (None, 0, 3),
        (None, "liberal", "salarie", "mixte"),
        (None, False),
        (None, True),
        (None, 12),
    )
]


def test_never_asks_a_known_field_and_keeps_the_natural_order() -> None:
    assert sorted(ORDER) == sorted(TEAM_FIELDS)
    for subject in GRID:
        asked = needed_fields(subject)
        assert not set(asked) & set(subject.known()), subject
        assert asked == sorted(asked, key=ORDER.index), subject
        assert len(asked) == len(set(asked)), subject


# What a team answers to each question, in several scenarios.
SCENARIOS = {
    "libéraux sans spécialiste": dict(
        general_practitioners=2,
        paramedicals=3,
        other_professionals=1,
        specialists=0,
        practice="liberal",
        has_manager=False,
        territory_is_department_or_more=False,
        specialty_doctors_on_territory=0,
        liberal_specialty_doctors_on_territory=0,
        territory_population=30_000,
    ),
    "centre salarié": dict(
        general_practitioners=1,
        paramedicals=0,
        other_professionals=0,
        specialists=0,
        practice="salarie",
        has_manager=True,
        territory_is_department_or_more=False,
        specialty_doctors_on_territory=0,
        liberal_specialty_doctors_on_territory=0,
        territory_population=5_000,
    ),
    "spécialistes": dict(
        general_practitioners=0,
        paramedicals=0,
        other_professionals=0,
        specialists=12,
        practice="mixte",
        has_manager=True,
        territory_is_department_or_more=True,
        specialty_doctors_on_territory=150,
        liberal_specialty_doctors_on_territory=101,
        territory_population=600_000,
    ),
    "personne": dict(
        general_practitioners=0,
        paramedicals=0,
        other_professionals=0,
        specialists=0,
        practice="liberal",
        has_manager=False,
        territory_is_department_or_more=False,
        specialty_doctors_on_territory=0,
        liberal_specialty_doctors_on_territory=0,
        territory_population=1_000,
    ),
}


@pytest.mark.parametrize("answers", SCENARIOS.values(), ids=SCENARIOS.keys())
@pytest.mark.parametrize(
    "opening",
    [{}, {"general_practitioners": "first"}, {"practice": "first", "specialists": "first"}],
    ids=["nothing said", "GPs said", "practice and specialists said"],
)
def test_answering_what_is_asked_leaves_nothing_to_specify(
    answers: dict[str, Any], opening: dict[str, str]
) -> None:
    """The form asks exactly needed_fields, one at a time: at the end no verdict waits for a value."""
    fields = {name: answers[name] for name in opening}
    asked: list[str] = []
    for _ in range(len(TEAM_FIELDS) + 1):
        pending = needed_fields(Team(**fields))
        if not pending:
            break
        asked.append(pending[0])
        fields[pending[0]] = answers[pending[0]]
    else:
        pytest.fail(f"the questions never end: {asked}")
    assert len(asked) == len(set(asked))
    for result in assess_all(Team(**fields)):
        missing = [str(item) for item in result.missing]
        assert not any("(à préciser)" in item for item in missing), (result.structure, missing)
