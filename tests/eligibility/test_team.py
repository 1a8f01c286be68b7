"""Team: a plain, validated description where None means unknown."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility.team import TEAM_FIELDS, Team


def test_every_field_defaults_to_unknown() -> None:
    team = Team()
    assert all(getattr(team, name) is None for name in TEAM_FIELDS)
    assert team.known() == {}


def test_known_lists_the_answered_fields_including_zero_and_false() -> None:
    team = Team(general_practitioners=0, has_manager=False, practice="mixte")
    assert team.known() == {"general_practitioners": 0, "has_manager": False, "practice": "mixte"}


def test_team_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Team().general_practitioners = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"general_practitioners": -1}, ValueError),
        ({"territory_population": -5}, ValueError),
        ({"paramedicals": 2.5}, TypeError),
        ({"specialists": "3"}, TypeError),
        ({"specialists": True}, TypeError),
        ({"has_manager": "oui"}, TypeError),
        ({"territory_is_department_or_more": 1}, TypeError),
        ({"practice": "libéral"}, ValueError),
        ({"practice": "independant"}, ValueError),
    ],
)
def test_wrong_values_are_refused(fields: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        Team(**fields)


def test_fields_are_those_of_the_contract() -> None:
    assert TEAM_FIELDS == (
        "general_practitioners",
        "specialists",
        "paramedicals",
        "other_professionals",
        "practice",
        "has_manager",
        "territory_is_department_or_more",
        "specialty_doctors_on_territory",
        "liberal_specialty_doctors_on_territory",
        "territory_population",
    )
