"""The guarded REST channel's checks, rate limiters and turn deadline, without Rasa."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rest import (
    ChannelLimits,
    RejectedRequest,
    check_body_size,
    parse_message,
    run_turn,
)

LIMITS = ChannelLimits()


def body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "sender", "text"),
    [
        (body({"sender": "a", "message": "c'est quoi une MSP ?"}), "a", "c'est quoi une MSP ?"),
        (body({"sender": 42, "message": "bonjour"}), "42", "bonjour"),
        (body({"sender": "  b  ", "message": "🙂🙂"}), "b", "🙂🙂"),
        (
            body({"sender": "c", "message": "<b>x</b>'; DROP TABLE events; --"}),
            "c",
            "<b>x</b>'; DROP TABLE events; --",
        ),
        (body({"sender": "d", "message": "ligne 1\nligne 2\tfin"}), "d", "ligne 1\nligne 2\tfin"),
    ],
)
def test_accepts_well_formed_messages(raw: bytes, sender: str, text: str) -> None:
    message = parse_message(raw, LIMITS)
    assert (message.sender, message.text) == (sender, text)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"", 400, "empty_body"),
        (b"\xff\xfe{}", 400, "invalid_utf8"),
        (b'{"sender": "a", "message": "caf\xe9"}', 400, "invalid_utf8"),
        (b'{"sender": "a", "message": "\\ud800"}', 400, "invalid_utf8"),
        (b"{sender: a}", 400, "invalid_json"),
        (b"[1, 2]", 400, "not_an_object"),
        (b'"bonjour"', 400, "not_an_object"),
        (b"null", 400, "not_an_object"),
        (body({"message": "bonjour"}), 400, "missing_sender"),
        (body({"sender": "   ", "message": "bonjour"}), 400, "empty_sender"),
        (body({"sender": ["a"], "message": "bonjour"}), 400, "invalid_sender"),
        (body({"sender": True, "message": "bonjour"}), 400, "invalid_sender"),
        (body({"sender": "x" * 129, "message": "bonjour"}), 400, "sender_too_long"),
        (body({"sender": "a"}), 400, "missing_message"),
        (body({"sender": "a", "message": ""}), 400, "empty_message"),
        (body({"sender": "a", "message": " \n\t "}), 400, "empty_message"),
        (body({"sender": "a", "message": 12}), 400, "invalid_message"),
        (body({"sender": "a", "message": "nul\x00"}), 400, "control_characters"),
        (body({"sender": "a", "message": "x" * 2_001}), 413, "message_too_long"),
        (body({"sender": "a", "message": "x" * 100_000}), 413, "body_too_large"),
        (body({"sender": "a", "message": "ok", "metadata": [1]}), 400, "invalid_metadata"),
    ],
)
def test_rejects_bad_input_with_a_french_reason(raw: bytes, status: int, code: str) -> None:
    with pytest.raises(RejectedRequest) as caught:
        parse_message(raw, LIMITS)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.reason.endswith(".") and caught.value.reason[0].isupper()


def test_declared_size_is_checked_before_reading() -> None:
    check_body_size(None, LIMITS)
    check_body_size(str(LIMITS.max_body_bytes), LIMITS)
    with pytest.raises(RejectedRequest) as caught:
        check_body_size(str(LIMITS.max_body_bytes + 1), LIMITS)
    assert caught.value.status == 413
    with pytest.raises(RejectedRequest) as caught:
        check_body_size("beaucoup", LIMITS)
    assert caught.value.status == 400


def test_limits_come_from_the_credentials_block() -> None:
    assert ChannelLimits.from_credentials(None) == ChannelLimits()
    limits = ChannelLimits.from_credentials({"turn_timeout": "2.5", "max_body_bytes": 4096})
    assert (limits.turn_timeout, limits.max_body_bytes, limits.max_message_chars) == (2.5, 4096, 2_000)
    with pytest.raises(ValueError, match="inconnus"):
        ChannelLimits.from_credentials({"bursts": 3})
    with pytest.raises(ValueError, match="RATE_LIMIT_SENDER"):
        ChannelLimits.from_credentials({"burst": 3})
    with pytest.raises(ValueError, match="strictement positif"):
        ChannelLimits.from_credentials({"max_body_bytes": 0})
    with pytest.raises(ValueError, match="nombre"):
        ChannelLimits.from_credentials({"turn_timeout": "vite"})


def message(collector: CollectingOutputChannel) -> UserMessage:
    return UserMessage("bonjour", collector, "s1", input_channel="rest")


async def test_slow_turn_is_cancelled_at_the_deadline() -> None:
    state = {"cancelled": False}

    async def slow_handler(user_message: UserMessage) -> None:
        await user_message.output_channel.send_text_message(user_message.sender_id, "début")
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            state["cancelled"] = True
            raise

    collector = CollectingOutputChannel()
    loop = asyncio.get_running_loop()
    started = loop.time()
    outcome = await run_turn(slow_handler, message(collector), collector, timeout=0.3)
    assert loop.time() - started < 2
    assert not outcome.completed and outcome.error is None and state["cancelled"]


async def test_failed_action_is_reported_for_its_own_turn_only() -> None:
    from bot.channels.rest import install_action_failure_probe

    install_action_failure_probe()
    processor_logger = logging.getLogger("rasa.core.processor")

    async def failing(user_message: UserMessage) -> None:
        await asyncio.sleep(0.05)
        processor_logger.error("Encountered an exception while running action 'action_answer_topic'.")

    async def fine(user_message: UserMessage) -> None:
        await asyncio.sleep(0.05)
        await user_message.output_channel.send_text_message(user_message.sender_id, "réponse")

    first, second = CollectingOutputChannel(), CollectingOutputChannel()
    failed, succeeded = await asyncio.gather(
        run_turn(failing, message(first), first, timeout=5),
        run_turn(fine, message(second), second, timeout=5),
    )
    assert failed.completed and failed.failed_actions and failed.messages == []
    assert succeeded.completed and not succeeded.failed_actions
    assert [m["text"] for m in succeeded.messages] == ["réponse"]


async def test_turn_error_is_returned_not_raised() -> None:
    async def broken(user_message: UserMessage) -> None:
        raise RuntimeError("base injoignable")

    collector = CollectingOutputChannel()
    outcome = await run_turn(broken, message(collector), collector, timeout=5)
    assert not outcome.completed and isinstance(outcome.error, RuntimeError)


def test_cached_action_validation_accepts_and_refuses_like_rasa() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from bot.channels.rest import install_cached_action_validation

    action = RemoteAction("action_answer_topic", None)
    valid = {
        "events": [{"event": "slot", "name": "region", "value": "bretagne"}],
        "responses": [{"text": "a"}],
    }
    invalid = {"events": [{"event": "slot", "name": 12}], "responses": "pas une liste"}
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(invalid, schema)

    install_cached_action_validation()
    install_cached_action_validation()  # idempotent
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

    from bot.channels.rest import make_tracker_store_strict

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
    make_tracker_store_strict(Agent)
    make_tracker_store_strict(Agent)
    with pytest.raises(sa.exc.OperationalError):
        await Agent.tracker_store.retrieve("s1")
    with pytest.raises(sa.exc.OperationalError):
        await Agent.tracker_store.save(tracker)
    make_tracker_store_strict(object())  # no agent yet: nothing to do
