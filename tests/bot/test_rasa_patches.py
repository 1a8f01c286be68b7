"""bot/rasa_patches.py: the refusal of another Rasa version, and each patch applied."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
import rasa
import yaml
from sanic import Blueprint

from bot import rasa_patches
from bot.channels.rest import GuardedRestInput
from bot.rasa_patches import RASA_VERSION, UnsupportedRasaVersion
from bot.settings import ROOT


def test_installed_rasa_is_the_one_the_patches_were_written_for() -> None:
    assert rasa.__version__ == RASA_VERSION
    rasa_patches.check_rasa_version()
    rasa_patches.check_private_names()


@pytest.mark.parametrize("version", ["3.6.20", "3.7.0", "3.6.21rc1", ""])
def test_another_rasa_version_is_refused(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    monkeypatch.setattr(rasa, "__version__", version)
    with pytest.raises(UnsupportedRasaVersion, match=re.escape(RASA_VERSION)):
        rasa_patches.install()


def test_a_channel_refuses_to_start_on_another_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa, "__version__", "3.7.0")

    async def on_new_message(_: Any) -> None:
        return None

    with pytest.raises(UnsupportedRasaVersion):
        GuardedRestInput(limiter=object(), trusted_proxies=()).blueprint(on_new_message)  # type: ignore[arg-type]


def test_a_missing_private_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.delattr(SQLTrackerStore, "_additional_events")
    with pytest.raises(UnsupportedRasaVersion, match=r"SQLTrackerStore\._additional_events"):
        rasa_patches.install()


def test_install_applies_every_patch() -> None:
    from rasa.core.actions.action import RemoteAction

    rasa_patches.install()
    rasa_patches.install()  # idempotent
    assert getattr(RemoteAction._validate_action_result, "_cached_validator", False)
    probes = [
        handler
        for handler in logging.getLogger(rasa_patches.PROCESSOR_LOGGER).handlers
        if isinstance(handler, rasa_patches._ActionFailureProbe)
    ]
    assert len(probes) == 1
    from rasa.utils.tensorflow.models import RasaModel

    assert getattr(RasaModel.load.__func__, "_inference_only", False)


def test_strict_tracker_store_listener_is_registered() -> None:
    blueprint = Blueprint("essai")
    rasa_patches.strict_tracker_store_on_start(blueprint)
    events = [future.event for future in blueprint._future_listeners]
    assert events == ["after_server_start"]


def test_action_failures_are_recorded_inside_the_block_only() -> None:
    rasa_patches.install_action_failure_probe()
    processor_logger = logging.getLogger(rasa_patches.PROCESSOR_LOGGER)
    with rasa_patches.recording_action_failures() as failures:
        processor_logger.error("Encountered an exception while running action 'action_x'.")
        processor_logger.error("Something else.")
    processor_logger.error("Encountered an exception while running action 'action_y'.")
    assert failures == ["Encountered an exception while running action 'action_x'."]


def test_cached_action_validation_accepts_and_refuses_like_rasa() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_topic", None)
    valid = {
        "events": [{"event": "slot", "name": "region", "value": "bretagne"}],
        "responses": [{"text": "a"}],
    }
    invalid = {"events": [{"event": "slot", "name": 12}], "responses": "pas une liste"}
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(invalid, schema)

    rasa_patches.install_cached_action_validation()
    rasa_patches.install_cached_action_validation()  # idempotent
    assert getattr(RemoteAction._validate_action_result, "_cached_validator", False)
    assert action._validate_action_result(valid) is True
    with pytest.raises(jsonschema.ValidationError) as cached_error:
        action._validate_action_result(invalid)
    assert cached_error.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in cached_error.value.message


async def test_strict_tracker_store_fails_the_turn_instead_of_forgetting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered

    domain = Domain.empty()
    inner = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = await inner.get_or_create_tracker("s1")
    tracker.update(UserUttered("bonjour"))
    await inner.save(tracker)
    with inner.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE events"))

    class Agent:
        tracker_store = FailSafeTrackerStore(inner)

    # Rasa's default: the failure is logged and the conversation silently starts from nothing.
    assert await Agent.tracker_store.retrieve("s1") is None
    rasa_patches.make_tracker_store_strict(Agent)
    rasa_patches.make_tracker_store_strict(Agent)
    with pytest.raises(sa.exc.OperationalError):
        await Agent.tracker_store.retrieve("s1")
    with pytest.raises(sa.exc.OperationalError):
        await Agent.tracker_store.save(tracker)
    rasa_patches.make_tracker_store_strict(object())  # no agent yet: nothing to do


# Loads the model given as argv[1] with Rasa's own loading ("rasa") or the patched one
# ("patched"), then prints what it predicts for each line of stdin: intent ranking and entities.
_PREDICT = """
import asyncio, json, sys
from bot import rasa_patches
if sys.argv[2] == "patched":
    rasa_patches.install()
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
async def predict(texts):
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = [(i["name"], round(i["confidence"], 5)) for i in parsed["intent_ranking"][:3]]
        out.append([ranking, [(e["entity"], e["value"], e["start"]) for e in parsed["entities"]]])
    return out
print(json.dumps(asyncio.run(predict(sys.stdin.read().splitlines()))))
"""


@pytest.mark.rasa
def test_inference_only_load_predicts_exactly_what_rasa_loading_predicts(model_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    examples = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))
    texts = [
        re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
        for block in examples["nlu"]
        for line in block.get("examples", "").splitlines()
        if line.strip().startswith("- ")
    ][::3]

    def predictions(mode: str) -> list:
        done = subprocess.run(
            [sys.executable, "-c", _PREDICT, str(model_path), mode],
            input="\n".join(texts), capture_output=True, text=True, cwd=ROOT, check=True,
        )
        return json.loads(done.stdout.splitlines()[-1])

    rasa_loaded, patched = predictions("rasa"), predictions("patched")
    assert len(patched) == len(texts) > 80
    assert patched == rasa_loaded
