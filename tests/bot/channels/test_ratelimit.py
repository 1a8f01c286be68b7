"""bot.channels.ratelimit: the three limits and the client's real address."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from bench.services import REDIS_URL
from bot.channels.ratelimit import (
    ADDRESS,
    GLOBAL,
    SENDER,
    MessageLimiter,
    RateLimits,
    client_address,
    make_storage,
    parse_networks,
    shared_limiter,
)
from bot.settings import Settings
from tests.conftest import require_services

LOOPBACK = parse_networks(["127.0.0.1", "::1"])
PROXIES = parse_networks(["10.0.0.0/8", "127.0.0.1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # No proxy in front: the peer is the client, whatever it writes in the header.
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Behind the trusted nginx: the address nginx saw.
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        # The client's own forged entry comes before what the trusted proxy appended.
        ("127.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two trusted hops: the first untrusted address from the right.
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ("127.0.0.1", "garbage, 10.1.2.3", "10.1.2.3"),
        ("127.0.0.1", None, "127.0.0.1"),
        ("::ffff:127.0.0.1", "198.51.100.9", "198.51.100.9"),
        ("127.0.0.1", "[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_client_address_believes_only_trusted_proxies(
    peer: str, forwarded: str | None, expected: str
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_trusted_proxies_must_be_addresses() -> None:
    assert parse_networks([" 127.0.0.1 ", "", "10.0.0.0/8"])[1].num_addresses == 2**24
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_networks(["nginx.local"])


def test_limits_are_read_from_the_settings() -> None:
    limits = RateLimits.from_settings(Settings.from_env({"RATE_LIMIT_SENDER": "3 per 10 seconds; 20/hour"}))
    assert [(item.amount, item.get_expiry()) for item in limits.sender] == [(3, 10), (20, 3600)]
    assert limits.retry_after() == 3
    with pytest.raises(ValueError, match="illisible"):
        RateLimits.parse("beaucoup", "1/second", "1/second")


def limiter(sender: str = "3/minute", address: str = "5/minute", overall: str = "8/minute") -> MessageLimiter:
    return MessageLimiter(RateLimits.parse(sender, address, overall), make_storage(""))


async def test_sender_limit_does_not_spend_the_address_allowance() -> None:
    limits = limiter()
    assert [await limits.check("rest:a", "198.51.100.1") for _ in range(5)] == [None] * 3 + [SENDER] * 2
    # The refused messages consumed nothing: two more senders of that address still get in.
    answers = [await limits.check(sender, "198.51.100.1") for sender in ("rest:b", "rest:b", "rest:c")]
    assert answers == [None, None, ADDRESS]


async def test_a_new_sender_id_does_not_escape_the_address_limit() -> None:
    limits = limiter(address="4/minute")
    answers = [await limits.check(f"rest:{uuid.uuid4().hex}", "198.51.100.2") for _ in range(6)]
    assert answers == [None] * 4 + [ADDRESS] * 2
    assert await limits.check("rest:x", "198.51.100.3") is None


async def test_global_limit_covers_every_address() -> None:
    limits = limiter(sender="10/minute", address="10/minute", overall="3/minute")
    answers = [await limits.check(f"rest:{i}", f"198.51.100.{i}") for i in range(5)]
    assert answers == [None, None, None, GLOBAL, GLOBAL]


async def test_windows_slide() -> None:
    with time_machine.travel(1_900_000_000, tick=False) as clock:
        limits = limiter(sender="2/minute")
        assert [await limits.check("rest:a", "x") for _ in range(3)] == [None, None, SENDER]
        clock.shift(61)
        assert await limits.check("rest:a", "x") is None


def test_rest_and_webchat_share_one_limiter_per_process() -> None:
    settings = Settings.from_env({})
    assert shared_limiter(settings) is shared_limiter(Settings.from_env({}))
    assert shared_limiter(Settings.from_env({"RATE_LIMIT_GLOBAL": "1/second"})) is not shared_limiter(
        settings
    )


@pytest.mark.services
async def test_redis_counters_are_shared_by_instances() -> None:
    require_services()
    prefix = f"test-{uuid.uuid4().hex}"
    limits = RateLimits.parse("3/minute", "100/minute", "100/minute")
    first = MessageLimiter(limits, make_storage(REDIS_URL), prefix=prefix)
    second = MessageLimiter(limits, make_storage(REDIS_URL), prefix=prefix)
    answers = [await limiter.check("rest:a", "x") for limiter in (first, second, first, second)]
    assert answers == [None, None, None, SENDER]
    assert await second.check("rest:b", "x") is None


async def test_redis_unreachable_lets_messages_through(caplog: pytest.LogCaptureFixture) -> None:
    limits = MessageLimiter(
        RateLimits.parse("1/minute", "1/minute", "1/minute"), make_storage("redis://127.0.0.1:1/0")
    )
    assert await limits.check("rest:a", "x") is None and await limits.check("rest:a", "x") is None
    assert "Redis injoignable" in caplog.text


def test_trusted_proxies_setting() -> None:
    assert Settings.from_env({}).trusted_proxies == ["127.0.0.1", "::1"]
    assert Settings.from_env({"TRUSTED_PROXIES": ""}).trusted_proxies == []
    assert Settings.from_env({"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}).trusted_proxies == [
        "10.0.0.0/8",
        "127.0.0.1",
    ]
