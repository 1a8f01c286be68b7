"""Trackers built like the ones Rasa sends to the action server, and a runner for actions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[tuple[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is `text`, parsed as `intent` with `entities`."""
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": name, "value": value} for name, value in entities or []],
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": 0.9}],
    }
    return Tracker(
        sender_id="test-user",
        slots=dict(slots or {}),
        latest_message=latest_message,
        events=[{"event": "user", "text": text, "parse_data": latest_message}],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def flat(text: str) -> str:
    """Text with French typographic spaces folded, so "80 000 €" matches however it is spaced."""
    return re.sub(r"[\u00a0\u202f ]+", " ", text)


class Run:
    def __init__(self, dispatcher: CollectingDispatcher, events: list[dict[str, Any]]) -> None:
        self.dispatcher = dispatcher
        self.events = events

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.dispatcher.messages

    @property
    def text(self) -> str:
        """Every text the action sent, responses by name included, folded."""
        parts = [m.get("text") or m.get("response") or "" for m in self.messages]
        return flat("\n".join(parts))

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events if e.get("event") == "slot" and e.get("name") == name]
        assert values, f"slot {name} was not set: {self.events}"
        return values[-1]


@pytest.fixture
def run_action(domain_dict: dict):
    async def run(action: Action, tracker: Tracker) -> Run:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, domain_dict)
        return Run(dispatcher, events)

    return run
