"""bot.channels.webchat: origin allow-list, session rooms, payload checks, over real HTTP.

(Here rather than under tests/bot/channels/ because this folder owns the web chat.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import socketio
from limits.storage import MemoryStorage
from sanic import Sanic

from bot.channels.identity import SessionSigner
from bot.channels.ratelimit import MessageLimiter, RateLimits
from bot.channels.webchat import (
    MAX_MESSAGE_CHARS,
    MAX_METADATA_BYTES,
    WebchatInput,
    WebchatOutput,
    parse_origins,
    valid_session_id,
)
from bot.channels.wording import BUSY_TEXT, RATE_LIMITED_TEXT
from tests.bot.web.echo_channel import TEST_SESSION_SECRET, EchoServer, free_port, start_echo_server

ALLOWED = "http://portail.test:8080"
DEFAULT = ["http://127.0.0.1:8080"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEFAULT),
        ("", DEFAULT),
        ([], DEFAULT),
        (" , ", DEFAULT),
        ("http://a.test", ["http://a.test"]),
        ("http://a.test, https://b.test:8443/", ["http://a.test", "https://b.test:8443"]),
        (["http://a.test", "http://a.test/"], ["http://a.test"]),
        ("*", ["*"]),
    ],
)
def test_parse_origins(value: Any, expected: list[str]) -> None:
    assert parse_origins(value, DEFAULT) == expected


@pytest.mark.parametrize(
    "value",
    ["portail.test:8080", "ftp://a.test", "http://a.test/chat", 8080, {"a": 1}, "${CORS_ORIGINS}"],
)
def test_parse_origins_rejects_what_is_not_an_origin(value: Any) -> None:
    with pytest.raises(ValueError, match="cors_allowed_origins"):
        parse_origins(value, DEFAULT)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0f3c2a9e8d7b4c1a9e8d7b4c1a9e8d7b", True),
        ("abc-DEF_123", True),
        ("short", False),
        ("x" * 65, False),
        ("../../etc/passwd", False),
        ("a b c d e f g h", False),
        (None, False),
        (12345678, False),
    ],
)
def test_valid_session_id(value: Any, ok: bool) -> None:
    assert valid_session_id(value) is ok


def test_credentials_take_the_expanded_env_string() -> None:
    # What Rasa hands over after expanding cors_allowed_origins: ${CORS_ORIGINS}.
    channel = WebchatInput.from_credentials(
        {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
            "cors_allowed_origins": "http://a.test:8080,http://b.test:8080",
        }
    )
    assert isinstance(channel, WebchatInput)
    assert channel.cors_allowed_origins == ["http://a.test:8080", "http://b.test:8080"]
    assert channel.session_persistence is True


def test_default_origins_are_the_portal_s_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    monkeypatch.setenv("WEB_PORT", "9123")
    channel = WebchatInput.from_credentials({"cors_allowed_origins": ""})
    assert isinstance(channel, WebchatInput)
    assert channel.cors_allowed_origins == ["http://127.0.0.1:9123", "http://localhost:9123"]
    # An empty list would switch Engine.IO's origin check off: never passed through.
    assert WebchatInput(cors_allowed_origins=[]).cors_allowed_origins == [
        "http://127.0.0.1:9123",
        "http://localhost:9123",
    ]


class Client:
    """A python-socketio client speaking the widget's protocol, recording what it gets."""

    def __init__(self, url: str, origin: str | None = ALLOWED) -> None:
        self.url = url
        self.origin = origin
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.bot: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.bot.put_nowait)

    async def connect(self) -> None:
        headers = {"Origin": self.origin} if self.origin else {}
        # Polling only: python-engineio 4.15's websocket client needs aiohttp >= 3.10.
        await self.sio.connect(self.url, headers=headers, transports=["polling"], wait_timeout=5)

    async def session(self, session_id: str | None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 5)

    async def say(self, text: Any, session_id: str | None) -> None:
        # call() returns on the server's acknowledgement, sent after the whole turn.
        await self.sio.call("user_uttered", {"message": text, "session_id": session_id}, timeout=5)

    async def close(self) -> None:
        """Drop the connection at once.

        A polite disconnect waits for the pending long-poll, i.e. up to the server's
        25 s ping interval; a test has no reason to wait for that.
        """
        eio = self.sio.eio
        tasks = [t for t in (eio.read_loop_task, eio.write_loop_task) if t is not None]
        await eio.disconnect(abort=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if eio.http is not None and not eio.http.closed:
            await eio.http.close()

    def received(self) -> list[Any]:
        items = []
        while not self.bot.empty():
            items.append(self.bot.get_nowait())
        return items


@pytest.fixture
async def rasa_url() -> AsyncIterator[str]:
    port = free_port()
    echo = await start_echo_server(port, [ALLOWED])
    yield f"http://127.0.0.1:{port}"
    await echo.stop()


@pytest.fixture
async def clients() -> AsyncIterator[list[Client]]:
    made: list[Client] = []
    yield made
    for client in made:
        await client.close()


async def test_allowed_origin_connects_and_gets_answers(rasa_url: str, clients) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    session_id = await client.session(None)
    assert valid_session_id(session_id)
    await client.say("bonjour", session_id)
    assert client.received() == [{"text": "Vous avez écrit : bonjour"}]


async def test_disallowed_origin_is_refused(rasa_url: str) -> None:
    client = Client(rasa_url, origin="http://pirate.test")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect()


@pytest.mark.parametrize(
    ("origin", "status", "allow_origin"),
    [(ALLOWED, 200, ALLOWED), ("http://pirate.test", 400, None), ("null", 400, None)],
)
async def test_handshake_checks_the_origin_header(
    rasa_url: str, origin: str, status: int, allow_origin: str | None
) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{rasa_url}/socket.io/?EIO=4&transport=polling"
        async with http.get(url, headers={"Origin": origin}) as response:
            assert response.status == status
            # Once, not twice: Sanic-CORS (rasa run --cors) must not add its own copy.
            expected = [allow_origin] if allow_origin else []
            assert response.headers.getall("Access-Control-Allow-Origin", []) == expected
            if status == 400:
                assert "not an accepted origin" in await response.text()


async def test_health_route_answers_under_the_rasa_webhook_prefix(rasa_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{rasa_url}/webhooks/socketio/") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_session_survives_a_reconnection(rasa_url: str, clients) -> None:
    """A page reload is a new socket asking for the same session id: answers reach it.

    Rasa 3.6's own channel never awaits ``enter_room`` with python-socketio 5, so there
    the answer would go to an empty room and this test would time out.
    """
    first = Client(rasa_url)
    clients.append(first)
    await first.connect()
    session_id = await first.session(None)
    await first.close()

    again = Client(rasa_url)
    clients.append(again)
    await again.connect()
    assert await again.session(session_id) == session_id
    await again.say("toujours là ?", session_id)
    assert again.received() == [{"text": "Vous avez écrit : toujours là ?"}]


async def test_two_tabs_of_one_session_both_see_the_answer(rasa_url: str, clients) -> None:
    tab1, tab2 = Client(rasa_url), Client(rasa_url)
    clients.extend([tab1, tab2])
    await tab1.connect()
    await tab2.connect()
    session_id = await tab1.session(None)
    await tab2.session(session_id)
    await tab1.say("/greet", session_id)
    answer = await asyncio.wait_for(tab2.bot.get(), 5)
    assert answer["text"] == "Bonjour ! Je suis l'assistant de **test**."
    assert [r["title"] for r in answer["quick_replies"]] == [
        "Différence MSP / CPTS",
        "Financer une ESS",
    ]


async def test_a_client_cannot_write_into_another_session(rasa_url: str, clients) -> None:
    victim, intruder = Client(rasa_url), Client(rasa_url)
    clients.extend([victim, intruder])
    await victim.connect()
    await intruder.connect()
    victim_session = await victim.session(None)
    await intruder.session(None)
    await intruder.say("je me fais passer pour un autre", victim_session)
    # The acknowledgement comes after the turn: had the message been handled, the
    # answer would already be here.
    assert victim.received() == [] and intruder.received() == []


@pytest.mark.parametrize("requested", ["../../etc/passwd", "x" * 200, 42, None])
async def test_unusable_session_ids_get_a_fresh_one(rasa_url: str, clients, requested) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    session_id = await client.session(requested)
    assert session_id != requested
    assert valid_session_id(session_id)


@pytest.mark.parametrize("payload", ["pas un objet", ["liste"], {"message": 123}])
async def test_malformed_messages_are_ignored(rasa_url: str, clients, payload) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    await client.session(None)
    await client.sio.call("user_uttered", payload, timeout=5)
    assert client.received() == []


async def test_over_long_messages_are_ignored(rasa_url: str, clients) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    session_id = await client.session(None)
    await client.say("a" * (MAX_MESSAGE_CHARS + 1), session_id)
    assert client.received() == []
    await client.say("a" * MAX_MESSAGE_CHARS, session_id)
    assert len(client.received()) == 1


async def test_custom_json_reaches_the_session(rasa_url: str, clients) -> None:
    """Rasa's own send_custom_json passes the payload as emit() keywords and raises."""
    port = free_port()
    Sanic.test_mode = True
    channel = WebchatInput(
        session_persistence=True, cors_allowed_origins=[ALLOWED], session_secret=TEST_SESSION_SECRET
    )
    payload = {"text": "Choisissez :", "buttons": [{"title": "MSP", "payload": "/inform"}]}

    async def bot(message: Any) -> None:
        out = channel.get_output_channel()
        assert isinstance(out, WebchatOutput)
        await out.send_custom_json(message.sender_id, dict(payload))

    app = Sanic(f"custom_{port}")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/socketio")
    server = await app.create_server("127.0.0.1", port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    try:
        client = Client(f"http://127.0.0.1:{port}")
        clients.append(client)
        await client.connect()
        session_id = await client.session(None)
        await client.say("bonjour", session_id)
        assert client.received() == [payload]
    finally:
        await EchoServer(server, channel).stop()


# --- Issue 14: server-issued signed sessions, namespaced senders, limits ------------------


async def whoami(client: Client, session_id: str) -> str:
    await client.say("/whoami", session_id)
    (answer,) = client.received()
    return answer["text"].removeprefix("Conversation ")


async def test_session_ids_are_issued_and_signed_by_the_server(rasa_url: str, clients) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    session_id = await client.session(None)
    room = SessionSigner(TEST_SESSION_SECRET).room(session_id)
    assert room is not None and len(session_id) == 64
    # Stored under the web chat's namespace and the room name only: the signature, which is
    # what resumes the conversation, never reaches the tracker store or the review app.
    assert await whoami(client, session_id) == f"webchat:{room}"


@pytest.mark.parametrize(
    "forge",
    [
        lambda victim: victim[:32],  # the room name, as seen in the review app
        lambda victim: victim[:32] + "0" * 32,  # a made-up signature
        lambda victim: "0f3c2a9e8d7b4c1a9e8d7b4c1a9e8d7b",  # an id chosen by the client
    ],
)
async def test_session_request_cannot_join_another_visitor(rasa_url: str, clients, forge) -> None:
    victim, intruder = Client(rasa_url), Client(rasa_url)
    clients.extend([victim, intruder])
    await victim.connect()
    await intruder.connect()
    victim_session = await victim.session(None)
    intruder_session = await intruder.session(forge(victim_session))
    assert intruder_session != victim_session
    assert SessionSigner(TEST_SESSION_SECRET).room(intruder_session) is not None
    # The victim's answers do not reach the intruder's socket.
    await victim.say("mon numéro est confidentiel", victim_session)
    await asyncio.sleep(0.2)
    assert intruder.received() == []
    assert [m["text"] for m in victim.received()] == ["Vous avez écrit : mon numéro est confidentiel"]
    assert await whoami(intruder, intruder_session) != await whoami(victim, victim_session)


async def test_oversized_metadata_is_refused(rasa_url: str, clients) -> None:
    client = Client(rasa_url)
    clients.append(client)
    await client.connect()
    session_id = await client.session(None)
    big = {"page": "x" * (MAX_METADATA_BYTES + 1)}
    await client.sio.call(
        "user_uttered", {"message": "a", "session_id": session_id, "metadata": big}, timeout=5
    )
    assert client.received() == []
    small = {"page": "/financement"}
    await client.sio.call(
        "user_uttered", {"message": "b", "session_id": session_id, "metadata": small}, timeout=5
    )
    assert client.received() == [{"text": "Vous avez écrit : b"}]


@pytest.fixture
async def limited_url() -> AsyncIterator[str]:
    port = free_port()
    limiter = MessageLimiter(
        RateLimits.parse("2 per minute", "3 per minute", "100 per minute"), MemoryStorage()
    )
    echo = await start_echo_server(port, [ALLOWED], limiter=limiter, trusted_proxies=["127.0.0.1"])
    yield f"http://127.0.0.1:{port}"
    await echo.stop()


async def test_web_chat_is_rate_limited_per_session_and_per_address(limited_url: str, clients) -> None:
    first, second = Client(limited_url), Client(limited_url)
    clients.extend([first, second])
    await first.connect()
    await second.connect()
    first_session = await first.session(None)
    second_session = await second.session(None)
    for text in ("un", "deux", "trois"):
        await first.say(text, first_session)
    assert [m["text"] for m in first.received()] == [
        "Vous avez écrit : un",
        "Vous avez écrit : deux",
        RATE_LIMITED_TEXT,
    ]
    # A new session from the same address gets one message, then the address limit (3) holds.
    for text in ("quatre", "cinq"):
        await second.say(text, second_session)
    assert [m["text"] for m in second.received()] == ["Vous avez écrit : quatre", BUSY_TEXT]


async def test_address_behind_the_proxy_is_the_forwarded_one(limited_url: str, clients) -> None:
    async def visitor(address: str) -> list[str]:
        client = Client(limited_url)
        clients.append(client)
        headers = {"Origin": ALLOWED, "X-Forwarded-For": address}
        await client.sio.connect(client.url, headers=headers, transports=["polling"], wait_timeout=5)
        session_id = await client.session(None)
        for index in range(2):
            await client.say(f"m{index}", session_id)
        return [m["text"] for m in client.received()]

    # Two sessions from 198.51.100.1 use its three messages; 198.51.100.2 is not affected.
    assert await visitor("198.51.100.1") == ["Vous avez écrit : m0", "Vous avez écrit : m1"]
    assert (await visitor("198.51.100.1"))[-1] == BUSY_TEXT
    assert await visitor("198.51.100.2") == ["Vous avez écrit : m0", "Vous avez écrit : m1"]
