"""Scripted users through the running assistant reach the right eligibility verdict (reduced set).

The full set (40 personas x 3 styles) runs with `make bench-eligibility`; figures in
docs/eligibility.md.
"""

from __future__ import annotations

import pytest

from bench.eligibility_users import REDUCED, STYLES, markdown, personas, run_all, select, summary
from eligibility.rules import STRUCTURES, Verdict, assess_all


def test_the_full_set_covers_every_boundary() -> None:
    people = personas()
    assert len(people) >= 40
    assert len(STYLES) >= 3
    teams = [person.team for person in people]
    assert {team.general_practitioners for team in teams} >= {0, 1, 2}
    assert {team.specialty_doctors_on_territory for team in teams} >= {9, 10}
    assert {team.liberal_specialty_doctors_on_territory for team in teams} >= {100, 101}
    assert {team.practice for team in teams} == {"liberal", "salarie", "mixte"}
    assert any(person.manager for person in people)
    assert any(person.opening for person in people)
    # Every structure is both reached and refused by some persona.
    for structure in STRUCTURES:
        verdicts = {
            item.verdict for team in teams for item in assess_all(team) if item.structure == structure
        }
        assert {Verdict.ACCESSIBLE, Verdict.NOT_ACCESSIBLE} <= verdicts, structure


@pytest.mark.rasa
async def test_reduced_set_reaches_the_right_verdicts(stack) -> None:
    outcomes = await run_all(stack.rasa_url, select(REDUCED))
    figures = summary(outcomes)
    assert figures["correct"] == figures["conversations"], markdown(outcomes)
    assert figures["reasks_per_conversation"] <= 0.2, markdown(outcomes)
