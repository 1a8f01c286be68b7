"""One dialogue turn within a deadline, reporting what Rasa itself would hide.

Rasa waits as long as the action server does (five minutes, hard-coded) and, when a custom
action raises, carries on without its events and only logs it. :func:`run_turn` bounds the
wait and says whether the turn completed, failed, or had a custom action fail.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.rasa_patches import recording_action_failures


@dataclass
class TurnOutcome:
    """The answers collected so far and how the turn ended."""

    messages: list[dict[str, Any]]
    completed: bool
    failed_actions: list[str]
    error: BaseException | None = None


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    collector: CollectingOutputChannel,
    timeout: float,
) -> TurnOutcome:
    """Handle one user message within `timeout` seconds.

    Past the deadline the turn is cancelled rather than left running: Rasa writes the tracker
    only at the end of a turn and releases its lock on cancellation, so nothing half-done is
    stored and the next message of the conversation is not kept waiting.
    """
    with recording_action_failures() as failures:
        task = asyncio.ensure_future(on_new_message(message))
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        # The turn may have finished between the deadline and the cancellation.
        if task.cancelled() or task.exception() is not None:
            return TurnOutcome(list(collector.messages), completed=False, failed_actions=failures)
    error = task.exception()
    if error is not None:
        return TurnOutcome(list(collector.messages), completed=False, failed_actions=failures, error=error)
    return TurnOutcome(list(collector.messages), completed=True, failed_actions=failures)
