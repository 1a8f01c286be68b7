"""actions/names.py spells every slot, entity, intent and action name as domain.yml declares it."""

from __future__ import annotations

import pytest
from rasa.shared.core.constants import DEFAULT_ACTION_NAMES, DEFAULT_INTENTS

from actions import names
from eligibility.team import TEAM_FIELDS

# Rasa's own slot, filled while a form runs; never declared in domain.yml.
RASA_SLOTS = {names.REQUESTED_SLOT}


def constants(prefix: str = "", suffix: str = "") -> dict[str, str]:
    return {
        key: value
        for key, value in vars(names).items()
        if key.isupper() and isinstance(value, str) and key.startswith(prefix) and key.endswith(suffix)
    }


def slot_names() -> set[str]:
    entities = constants("ENTITY_")
    intents = {
        key: value
        for key, value in constants().items()
        if value in names.QUESTION_INTENTS
        or key
        in {"NLU_FALLBACK", "OUT_OF_SCOPE", "AFFIRM", "DENY", "INFORM", "CHECK_ELIGIBILITY", "HUMAN_HANDOFF"}
    }
    skip = {*entities, *intents, *constants("ACTION_"), "ELIGIBILITY_FORM"}
    return {value for key, value in constants().items() if key not in skip}


def test_every_slot_name_is_a_domain_slot(domain_dict: dict) -> None:
    declared = set(domain_dict["slots"])
    assert slot_names() - RASA_SLOTS <= declared
    assert set(names.ELIGIBILITY_SLOTS) <= declared
    assert {names.STRUCTURE, names.REGION, names.GENERAL_PRACTITIONERS} <= slot_names()


def test_every_domain_slot_has_a_name(domain_dict: dict) -> None:
    assert set(domain_dict["slots"]) <= slot_names()


def test_team_slots_are_the_team_fields() -> None:
    assert set(names.TEAM_SLOTS) == set(TEAM_FIELDS)


def test_every_entity_name_is_a_domain_entity(domain_dict: dict) -> None:
    assert set(constants("ENTITY_").values()) <= set(domain_dict["entities"])
    assert set(names.TERM_ENTITIES) <= set(domain_dict["entities"])


@pytest.mark.parametrize("action", sorted(constants("ACTION_").values()))
def test_every_action_name_is_declared_or_rasa_s_own(domain_dict: dict, action: str) -> None:
    assert action in domain_dict["actions"] or action in DEFAULT_ACTION_NAMES


def test_fallback_actions_are_rasa_s_own() -> None:
    assert set(DEFAULT_ACTION_NAMES) >= names.FALLBACK_ACTIONS


def test_the_form_is_declared(domain_dict: dict) -> None:
    assert names.ELIGIBILITY_FORM in domain_dict["forms"]
    required = domain_dict["forms"][names.ELIGIBILITY_FORM]["required_slots"]
    assert required == [
        *names.COUNT_SLOTS[:4],
        names.PRACTICE_SLOT,
        *names.YES_NO_SLOTS,
        *names.COUNT_SLOTS[4:],
        names.POPULATION_SLOT,
        names.REGION,
    ]


def test_every_intent_name_is_a_domain_intent(domain_dict: dict) -> None:
    declared = set(domain_dict["intents"]) | set(DEFAULT_INTENTS)
    named = {names.NLU_FALLBACK, names.OUT_OF_SCOPE, names.AFFIRM, names.DENY, names.INFORM}
    named |= {names.CHECK_ELIGIBILITY, names.HUMAN_HANDOFF, *names.QUESTION_INTENTS}
    assert named <= declared
