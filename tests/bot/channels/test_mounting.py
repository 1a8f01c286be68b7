"""What every channel's blueprint carries: the one health route and Rasa's patches."""

from __future__ import annotations

from typing import Any

import pytest
from limits.storage import MemoryStorage
from rasa.core.channels.channel import InputChannel
from sanic import Blueprint

from bot.channels.messenger import MessengerInput
from bot.channels.ratelimit import MessageLimiter, RateLimits
from bot.channels.rest import GuardedRestInput
from bot.channels.teams import TeamsInput
from bot.channels.webchat import WebchatInput
from bot.channels.webhook import Deduplicator


def _limiter() -> MessageLimiter:
    return MessageLimiter(RateLimits.parse("10/minute", "10/minute", "10/minute"), MemoryStorage())


CHANNELS = {
    "rest": lambda: GuardedRestInput(limiter=_limiter(), trusted_proxies=()),
    "webchat": lambda: WebchatInput(
        cors_allowed_origins=["http://portail.test"], session_secret="s" * 32, limiter=_limiter()
    ),
    "messenger": lambda: MessengerInput("jeton", "secret", "page", dedup=Deduplicator("essai")),
    "teams": lambda: TeamsInput("app", "mot-de-passe", dedup=Deduplicator("essai")),
}


async def _ignore(_: Any) -> None:
    return None


@pytest.mark.parametrize("name", list(CHANNELS))
def test_each_channel_mounts_the_health_route_and_the_strict_tracker_store(name: str) -> None:
    channel: InputChannel = CHANNELS[name]()
    blueprint: Blueprint = channel.blueprint(_ignore)
    health = [route for route in blueprint._future_routes if route.uri == "/"]
    assert [(route.handler.__qualname__, tuple(route.methods)) for route in health] == [
        ("health_route.<locals>.health", ("GET",))
    ]
    starters = [
        listener.listener.__qualname__
        for listener in blueprint._future_listeners
        if listener.event == "after_server_start"
    ]
    assert starters == ["strict_tracker_store_on_start.<locals>.strict_tracker_store"]
