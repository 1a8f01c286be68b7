"""actions/names.py spells every slot, entity, intent and action name as domain.yml declares it."""

from __future__ import annotations

import pytest
from rasa.shared.core.constants import DEFAULT_ACTION_NAMES, DEFAULT_INTENTS

from actions import names
from eligibility.team import TEAM_FIELDS

ENTITIES = {value for key, value in vars(names).items() if key.startswith("ENTITY_")}
ACTIONS = {value for key, value in vars(names).items() if key.startswith("ACTION_")}


def test_the_slots_are_the_domain_slots(domain_dict: dict) -> None:
    assert set(domain_dict["slots"]) == names.SLOTS


def test_every_name_is_a_slot_an_entity_an_intent_an_action_or_the_form() -> None:
    """A constant added to names.py must be in one of the sets the other tests check."""
    spelled = {value for key, value in vars(names).items() if key.isupper() and isinstance(value, str)}
    known = names.SLOTS | {names.REQUESTED_SLOT, names.ELIGIBILITY_FORM} | ENTITIES | ACTIONS | names.INTENTS
    assert spelled - known == set()


def test_team_slots_are_the_team_fields() -> None:
    assert set(names.TEAM_SLOTS) == set(TEAM_FIELDS)


def test_every_entity_name_is_a_domain_entity(domain_dict: dict) -> None:
    assert set(domain_dict["entities"]) >= ENTITIES
    assert set(names.TERM_ENTITIES) <= ENTITIES


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_name_is_declared_or_rasa_s_own(domain_dict: dict, action: str) -> None:
    assert action in domain_dict["actions"] or action in DEFAULT_ACTION_NAMES


def test_fallback_actions_are_rasa_s_own() -> None:
    assert set(DEFAULT_ACTION_NAMES) >= names.FALLBACK_ACTIONS


def test_the_form_asks_the_team_slots_then_the_region(domain_dict: dict) -> None:
    required = domain_dict["forms"][names.ELIGIBILITY_FORM]["required_slots"]
    assert set(required) == {*names.TEAM_SLOTS, names.REGION}


def test_every_intent_name_is_a_domain_intent(domain_dict: dict) -> None:
    assert set(domain_dict["intents"]) | set(DEFAULT_INTENTS) >= names.INTENTS
    assert {names.CHECK_ELIGIBILITY, names.HUMAN_HANDOFF, names.OUT_OF_SCOPE} <= names.INTENTS
