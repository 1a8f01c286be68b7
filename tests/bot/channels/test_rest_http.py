"""The guarded REST channel over real HTTP: namespaced senders, rate limits, streamed body cap."""

from __future__ import annotations

import asyncio
import io
import time

import aiohttp
import pytest
from limits.storage import MemoryStorage

from bot.channels.ratelimit import MessageLimiter, RateLimits, parse_networks
from bot.channels.rest import ChannelLimits, GuardedRestInput
from bot.channels.wording import RATE_LIMITED_TEXT
from tests.bot.channels.conftest import serve_channel

LOOPBACK = parse_networks(["127.0.0.1"])


def channel(
    sender: str = "100/minute", address: str = "100/minute", overall: str = "100/minute", trusted=LOOPBACK
) -> GuardedRestInput:
    limiter = MessageLimiter(RateLimits.parse(sender, address, overall), MemoryStorage())
    return GuardedRestInput(ChannelLimits(), limiter, trusted)


async def post(http: aiohttp.ClientSession, url: str, sender: str, headers: dict | None = None):
    async with http.post(
        f"{url}/webhook", json={"sender": sender, "message": "bonjour"}, headers=headers or {}
    ) as response:
        return response.status, await response.json()


async def test_rest_sender_cannot_reach_another_channel_s_conversation(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel()) as served:
        for sender in ("2412345678901234", "messenger:2412345678901234", "webchat:0f3c2a9e8d7b4c1a"):
            status, answers = await post(http, served.url, sender)
            assert status == 200
            # The client sees its own sender; the conversation is stored in the REST namespace.
            assert answers[0]["recipient_id"] == sender
        assert [m.sender_id for m in served.received] == [
            "rest:2412345678901234",
            "rest:messenger:2412345678901234",
            "rest:webchat:0f3c2a9e8d7b4c1a",
        ]


async def test_changing_sender_does_not_escape_the_address_limit(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(address="3/minute")) as served:
        statuses = [(await post(http, served.url, f"visiteur-{i}"))[0] for i in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        assert len(served.received) == 3


async def test_behind_the_proxy_each_client_has_its_own_allowance(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(address="2/minute")) as served:
        first = [await post(http, served.url, f"a{i}", {"X-Forwarded-For": "198.51.100.1"}) for i in range(3)]
        assert [status for status, _ in first] == [200, 200, 429]
        # Another client behind the same nginx is not locked out by the first one.
        status, _ = await post(http, served.url, "b", {"X-Forwarded-For": "198.51.100.2"})
        assert status == 200


async def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(address="2/minute", trusted=())) as served:
        statuses = [
            (await post(http, served.url, f"s{i}", {"X-Forwarded-For": f"198.51.100.{i}"}))[0]
            for i in range(3)
        ]
        assert statuses == [200, 200, 429]


async def test_sender_limit_answers_a_bot_message(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(sender="2 per 10 seconds")) as served:
        answers = [await post(http, served.url, "pressé") for _ in range(3)]
        status, body = answers[-1]
        assert status == 429
        assert body == [{"recipient_id": "pressé", "text": RATE_LIMITED_TEXT}]


async def test_global_limit_refuses_every_client(http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(overall="2/minute", trusted=LOOPBACK)) as served:
        statuses = [
            (await post(http, served.url, f"s{i}", {"X-Forwarded-For": f"198.51.100.{i}"}))[0]
            for i in range(3)
        ]
        assert statuses == [200, 200, 429]


async def test_oversized_chunked_body_is_refused_while_being_read() -> None:
    """A body without Content-Length is cut off at the cap, not read to its end first.

    Before, Sanic buffered the whole body (up to 100 MB) and the handler only then saw its
    size: here the client never finishes its body, so only a check made while reading answers.
    """
    async with serve_channel(channel()) as served:
        port = int(served.url.split(":")[2].split("/")[0])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * (ChannelLimits().max_body_bytes + 1024)
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
        started = time.monotonic()
        status_line = await asyncio.wait_for(reader.readline(), 3)
        assert status_line.startswith(b"HTTP/1.1 413"), status_line
        assert time.monotonic() - started < 3
        writer.transport.abort()
        # Let the server see the connection go before it is stopped.
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("size", [16 * 1024 + 1, 5 * 1024 * 1024])
async def test_declared_oversized_body_is_refused(http: aiohttp.ClientSession, size: int) -> None:
    async with (
        serve_channel(channel()) as served,
        http.post(f"{served.url}/webhook", data=io.BytesIO(b"x" * size)) as response,
    ):
        assert response.status == 413
        assert (await response.json())["error"] == "body_too_large"
