"""Real servers on loopback for the channel tests.

- :class:`StandIn`: an aiohttp server playing Meta's Graph API, Microsoft's login service
  (OpenID metadata, JWKS, token endpoint) and the Bot Connector; it records every request.
- :func:`serve_channel`: a Sanic app with the channel registered as Rasa registers it
  (``rasa.core.channels.channel.register``), whose ``on_new_message`` answers through the
  channel's output like the real agent would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from tests.conftest import free_port

APP_ID = "3f0e5b7c-1111-4c2d-9a55-0123456789ab"
TENANT_ID = "7d9b2c1a-2222-4e3f-8b66-abcdef012345"
ISSUER = "https://api.botframework.com"
TRUSTED_KID = "test-key-msteams"
WEBCHAT_KID = "test-key-webchat-only"


@dataclass
class Recorded:
    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.body.decode()))


@dataclass
class StandIn:
    """What the platforms' APIs received, and the URLs to reach them."""

    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    jwks_fetches: int = 0
    _changed: asyncio.Condition | None = None

    def calls(self, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    async def wait_for(self, prefix: str, count: int, timeout: float = 5.0) -> list[Recorded]:
        """The first ``count`` requests under ``prefix``, waiting for them to arrive."""
        assert self._changed is not None
        deadline = time.monotonic() + timeout
        async with self._changed:
            while len(self.calls(prefix)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [(r.method, r.path) for r in self.calls(prefix)]
                    raise AssertionError(f"expected {count} requests under {prefix}, got {got}")
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        return self.calls(prefix)[:count]

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/v19.0"

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        # Teams service URLs end with a slash and a region path.
        return f"{self.base_url}/emea/"


_message_ids = itertools.count(1)


def _stand_in_app(state: StandIn) -> web.Application:
    async def record(request: web.Request) -> None:
        body = await request.read()
        state.requests.append(
            Recorded(
                request.method,
                request.path,
                request.raw_path.split("?")[0],
                dict(request.query),
                dict(request.headers),
                body,
            )
        )
        assert state._changed is not None
        async with state._changed:
            state._changed.notify_all()

    async def graph_send(request: web.Request) -> web.Response:
        await record(request)
        payload = json.loads(await request.read())
        return web.json_response(
            {"recipient_id": payload["recipient"]["id"], "message_id": f"m_{next(_message_ids)}"}
        )

    async def openid(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{state.base_url}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def keys(request: web.Request) -> web.Response:
        await record(request)
        state.jwks_fetches += 1
        return web.json_response(state.jwks)

    async def token(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": "bot-token-1",
            }
        )

    async def connector(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response({"id": f"1:{next(_message_ids)}"})

    app = web.Application()
    app.router.add_post("/v19.0/me/messages", graph_send)
    app.router.add_get("/v1/.well-known/openidconfiguration", openid)
    app.router.add_get("/v1/.well-known/keys", keys)
    app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
    app.router.add_post("/{region}/v3/conversations/{conversation}/activities", connector)
    app.router.add_post("/{region}/v3/conversations/{conversation}/activities/{activity}", connector)
    return app


@pytest.fixture
async def stand_in() -> AsyncIterator[StandIn]:
    state = StandIn(_changed=asyncio.Condition())
    runner = web.AppRunner(_stand_in_app(state), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base_url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@dataclass
class Served:
    url: str
    received: list[UserMessage]


Reply = Callable[[UserMessage], Awaitable[None]]


async def echo_reply(message: UserMessage) -> None:
    """What the assistant would do: answer through the channel the message came from."""
    await message.output_channel.send_response(
        message.sender_id, {"text": f"Bonjour ! Vous avez écrit : {message.text}"}
    )


@asynccontextmanager
async def serve_channel(channel: InputChannel, reply: Reply = echo_reply) -> AsyncIterator[Served]:
    """The channel mounted under ``/webhooks/`` of a real Sanic server on a free port."""
    received: list[UserMessage] = []

    class ScriptedAgent:
        """Stands for ``rasa.core.agent.Agent``: Rasa's handler calls ``handle_message``."""

        async def handle_message(self, message: UserMessage) -> None:
            received.append(message)
            await reply(message)

    # Several Sanic apps in one process need test mode, or Sanic's TouchUp fails on the
    # second start-up; it is left on, as the web chat tests do, so the order of tests is free.
    Sanic.test_mode = True
    app = Sanic(f"channels_test_{uuid.uuid4().hex[:12]}")
    app.ctx.agent = ScriptedAgent()
    register([channel], app, route="/webhooks/")
    # Sanic takes port 0 for "use 8000": pick a free port ourselves.
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield Served(f"http://127.0.0.1:{port}/webhooks/{channel.name()}", received)
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture
def closed_url() -> str:
    """A loopback URL where nothing listens (a port just freed), for unreachable services."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


# --- Bot Framework keys and tokens -------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwk(self, endorsements: list[str]) -> dict[str, Any]:
        entry = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        entry.update({"kid": self.kid, "use": "sig", "endorsements": endorsements})
        return entry


def _new_key(kid: str) -> KeyPair:
    return KeyPair(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="session")
def trusted_key() -> KeyPair:
    return _new_key(TRUSTED_KID)


@pytest.fixture(scope="session")
def webchat_key() -> KeyPair:
    return _new_key(WEBCHAT_KID)


@pytest.fixture(scope="session")
def attacker_key() -> KeyPair:
    # Claims the trusted key's kid but is not the key Microsoft publishes.
    return _new_key(TRUSTED_KID)


def make_token(
    key: KeyPair,
    *,
    service_url: str | None,
    audience: str = APP_ID,
    issuer: str = ISSUER,
    expires_in: float = 3600,
    algorithm: str = "RS256",
    kid: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A token shaped like the Bot Connector's (claims as in Microsoft's documentation)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + int(expires_in),
    }
    if service_url is not None:
        # The Bot Connector writes this claim in lower case.
        claims["serviceurl"] = service_url
    claims.update(extra or {})
    return jwt.encode(claims, key.private_key, algorithm=algorithm, headers={"kid": kid or key.kid})
