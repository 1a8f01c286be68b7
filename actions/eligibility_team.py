"""The team the eligibility slots describe: a `Team` for the rules, a French summary for the user.

Shared by the form (what it noted) and the verdict (what it judged).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk.types import DomainDict

from actions import names
from actions.texts import response_text
from eligibility.team import PRACTICES, Team
from knowledge.names import REGION_NAMES
from textnorm import format_number


def _count(value: Any) -> int | None:
    # required_slots() sees answers before validation ("trois"): those count as not given yet.
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number == int(number) else None


def team_from_slots(values: dict[str, Any]) -> Team:
    """The Team described by the slots (missing, unknown or not yet validated answers stay None)."""
    fields: dict[str, Any] = {}
    for name in names.COUNT_SLOTS:
        fields[name] = _count(values.get(name))
    population = values.get(names.POPULATION_SLOT)
    if population != names.UNKNOWN_POPULATION:
        fields[names.POPULATION_SLOT] = _count(population)
    if values.get(names.PRACTICE_SLOT) in PRACTICES:
        fields[names.PRACTICE_SLOT] = values[names.PRACTICE_SLOT]
    for name in names.YES_NO_SLOTS:
        if isinstance(values.get(name), bool):
            fields[name] = values[name]
    return Team(**fields)


def describe_value(domain: DomainDict, slot: str, value: Any) -> str:
    if slot == names.PRACTICE_SLOT:
        return response_text(domain, f"utter_value_{value}")
    if slot in names.YES_NO_SLOTS:
        return response_text(domain, "utter_value_yes" if value else "utter_value_no")
    if slot == names.POPULATION_SLOT and value == names.UNKNOWN_POPULATION:
        return response_text(domain, "utter_value_unknown")
    if slot == names.REGION:
        return REGION_NAMES.get(value, value)
    return format_number(int(value))


def describe_team(domain: DomainDict, values: dict[str, Any], shown: Iterable[str]) -> str:
    """ "médecins généralistes : 3, exercice : libéral" for the slots in `shown` that have a value."""
    parts = []
    for name in shown:
        value = values.get(name)
        if value is not None:
            label = response_text(domain, f"utter_team_label_{name}")
            parts.append(f"{label} : {describe_value(domain, name, value)}")
    return ", ".join(parts)
