"""A turn's deadline and the custom-action failures it reports, without Rasa's agent."""

from __future__ import annotations

import asyncio
import logging

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.turn import run_turn
from bot.rasa_patches import install_action_failure_probe


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
