"""The French text the actions use lives in domain.yml: every response they name must exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from actions.compare import COMPARE_TOPIC
from actions.context import TOPIC_BY_INTENT
from actions.eligibility_form import INVALID_COUNT_PREFIX
from actions.texts import MissingResponse, response_text
from eligibility.parsing import COUNT_REASONS
from knowledge import topics

ACTIONS_DIR = Path(__file__).resolve().parents[2] / "actions"
RESPONSE_NAME = re.compile(r"""["'](utter_[a-z_]+)["']""")


def named_responses() -> set[str]:
    """Response names written in the actions; a name ending in "_" is a prefix (see below)."""
    found: set[str] = set()
    for path in ACTIONS_DIR.glob("*.py"):
        found.update(RESPONSE_NAME.findall(path.read_text(encoding="utf-8")))
    return {name for name in found if not name.endswith("_")}


def test_the_scan_finds_the_responses_actions_use() -> None:
    # Guards the regular expression: an empty scan would make the next test pass vacuously.
    assert {"utter_nothing_in_kb", "utter_handoff_no_region", "utter_region_not_covered"} <= named_responses()


@pytest.mark.parametrize("name", sorted(named_responses()))
def test_every_response_an_action_names_is_in_the_domain(domain_dict: dict, name: str) -> None:
    assert name in domain_dict["responses"]


@pytest.mark.parametrize("reason", COUNT_REASONS)
def test_every_refused_count_has_its_reprompt(domain_dict: dict, reason: str) -> None:
    """The form utters utter_invalid_count_<reason> for a count eligibility.parsing refuses."""
    assert response_text(domain_dict, f"{INVALID_COUNT_PREFIX}{reason}", maximum="500")


@pytest.mark.parametrize(
    "topic",
    sorted({topics.DEFINITION, *TOPIC_BY_INTENT.values(), *topics.COMPARISON_TOPICS} - {COMPARE_TOPIC}),
)
def test_every_topic_an_answer_can_show_has_a_french_label(domain_dict: dict, topic: str) -> None:
    assert response_text(domain_dict, f"utter_topic_label_{topic}")


def test_a_missing_response_is_an_error_not_an_empty_text(domain_dict: dict) -> None:
    with pytest.raises(MissingResponse):
        response_text(domain_dict, "utter_does_not_exist")


def test_rasa_renders_every_button_payload_of_the_domain_without_an_error(domain_dict: dict) -> None:
    """Rasa interpolates slots into every response it sends, payloads included: a bare JSON
    payload ('/inform{"region": "Bretagne"}') made it log an ERROR with a stack on every
    greeting. Payloads are written with doubled braces, which Rasa and response_buttons both
    read as the single-brace payload the NLU expects."""
    from rasa.core.nlg.interpolator import interpolate_text
    from structlog.testing import capture_logs

    from actions.texts import response_buttons

    checked = 0
    for name, variants in domain_dict["responses"].items():
        for variant in variants:
            for button in variant.get("buttons", []):
                payload = button["payload"]
                with capture_logs() as logged:
                    rendered = interpolate_text(payload, {})
                # On a KeyError Rasa logs "interpolator.interpolate.text" with the stack.
                assert logged == [], (name, payload, logged)
                if "{" in rendered:
                    checked += 1
                    intent, _, entities = rendered.removeprefix("/").partition("{")
                    assert intent and json.loads("{" + entities), (name, rendered)
        if variants and variants[0].get("buttons"):
            assert [button["payload"] for button in response_buttons(domain_dict, name)] == [
                interpolate_text(button["payload"], {}) for button in variants[0]["buttons"]
            ]
    assert checked >= 10
