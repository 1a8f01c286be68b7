"""The real webchat channel on a real Sanic server, with a scripted bot instead of Rasa's agent.

It lets the widget and the channel be tested in seconds without a trained model: the
socket.io protocol, origin checks, rooms and acknowledgements are the production code;
only the dialogue engine is replaced by :func:`scripted_bot`. The full stack (real model)
is exercised by ``test_browser_stack.py``.

Run by hand for development::

    .venv/bin/python -m tests.bot.web.echo_channel --port 5191 --origin http://127.0.0.1:8191
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import uuid
from dataclasses import dataclass
from typing import Any

from limits.storage import MemoryStorage
from rasa.core.channels.channel import UserMessage
from rasa.server import configure_cors
from sanic import Sanic
from sanic.server import AsyncioServer

from bot.channels.ratelimit import MessageLimiter, RateLimits
from bot.channels.webchat import WebchatInput

# Tests and the browser drive many messages from 127.0.0.1: limits far above what they send,
# each server with its own counters (a test that checks the limits passes its own).
GENEROUS_LIMITS = ("1000 per minute", "1000 per minute", "1000 per minute")
TEST_SESSION_SECRET = "secret-des-tests-du-web-chat-0123456789"

GREETING = "Bonjour ! Je suis l'assistant de **test**."
BUTTONS = [
    {"title": "Différence MSP / CPTS", "payload": '/ask_difference{"structure": ["msp", "cpts"]}'},
    {"title": "Financer une ESS", "payload": '/ask_funding{"structure": "ess"}'},
]
MARKDOWN = "**Points clés** :\n- premier point\n- second point avec [un lien](https://exemple.fr/page)"


async def scripted_bot(message: UserMessage) -> None:
    """Answer like a tiny Rasa bot: greeting with buttons, Markdown sample, echo."""
    out = message.output_channel
    text = message.text or ""
    if text == "/greet":
        await out.send_text_with_buttons(message.sender_id, GREETING, BUTTONS)
    elif text.startswith("/ask_difference"):
        await out.send_text_message(message.sender_id, "Réponse au bouton **MSP / CPTS**.")
    elif text == "/markdown":
        await out.send_text_message(message.sender_id, MARKDOWN)
    elif text == "/slow":
        await asyncio.sleep(1.5)
        await out.send_text_message(message.sender_id, "Réponse lente.")
    elif text == "/silence":
        return
    elif text == "/whoami":
        await out.send_text_message(message.sender_id, f"Conversation {message.sender_id}")
    else:
        await out.send_text_message(message.sender_id, f"Vous avez écrit : {text}")


def free_port() -> int:
    """A TCP port free right now on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EchoServer:
    """A running Sanic server with the webchat channel."""

    server: AsyncioServer
    channel: WebchatInput

    async def stop(self) -> None:
        """Disconnect every socket (and its ping task), then close the server."""
        if self.channel.sio is not None:
            await self.channel.sio.shutdown()
        # Engine.IO leaves one untracked 25 s ping sleeper per socket; cancel them so
        # the test's event loop closes clean.
        pings = [
            task
            for task in asyncio.all_tasks()
            if getattr(task.get_coro(), "__qualname__", "") == "AsyncSocket._send_ping"
        ]
        for task in pings:
            task.cancel()
        await asyncio.gather(*pings, return_exceptions=True)
        await self.server.before_stop()
        await self.server.close()
        await self.server.after_stop()


async def start_echo_server(port: int, origins: list[str], **channel_options: Any) -> EchoServer:
    """Serve the webchat channel on 127.0.0.1:``port`` until :meth:`EchoServer.stop`."""
    # Several Sanic apps in one process need test mode, or Sanic's TouchUp fails on the
    # second start.
    Sanic.test_mode = True
    channel_options.setdefault("limiter", MessageLimiter(RateLimits.parse(*GENEROUS_LIMITS), MemoryStorage()))
    channel_options.setdefault("session_secret", TEST_SESSION_SECRET)
    channel = WebchatInput(
        session_persistence=channel_options.pop("session_persistence", True),
        cors_allowed_origins=origins,
        **channel_options,
    )
    app = Sanic(f"echo_{uuid.uuid4().hex}")
    # As `rasa run --cors <origins>` does (the stack passes the portal's origins).
    configure_cors(app, origins)
    app.blueprint(channel.blueprint(scripted_bot), url_prefix="/webhooks/socketio")
    server = await app.create_server("127.0.0.1", port, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    # The before-start listeners are where Sanic-CORS installs its middleware.
    await server.before_start()
    await server.after_start()
    return EchoServer(server, channel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5191)
    parser.add_argument("--origin", action="append", default=[])
    args = parser.parse_args()

    async def run() -> None:
        await start_echo_server(args.port, args.origin or ["http://127.0.0.1:8191"])
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
