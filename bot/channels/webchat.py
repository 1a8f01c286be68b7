"""Rasa socket.io channel for the portal's web chat, with an origin allow-list.

Rasa 3.6's :class:`SocketIOInput` builds its server with ``cors_allowed_origins=[]``,
which switches Engine.IO's origin check off: any web site could open a conversation
in a visitor's browser. This subclass keeps the standard protocol (``session_request``
/ ``session_confirm``, ``user_uttered`` / ``bot_uttered``) so any Rasa widget still
works, and only accepts the configured origins.

It also repairs two defects of the stock channel with python-socketio 5:
``AsyncServer.enter_room`` is a coroutine that Rasa never awaits, so with
``session_persistence`` the browser never joins its session room and never receives
an answer; and ``send_custom_json`` passes the message as keyword arguments to
``emit``, which raises for any ordinary payload.

credentials.yml::

    bot.channels.webchat.WebchatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      cors_allowed_origins: ${CORS_ORIGINS}
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import (
    InputChannel,
    OutputChannel,
    UserMessage,
    decode_bearer_token,
)
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

from bot.settings import Settings

logger = logging.getLogger(__name__)

# Longer than any real question; the widget stops typing at this length too, so only a
# hand-made client ever reaches it.
MAX_MESSAGE_CHARS = 2000
# Session ids are opaque room names chosen by the client (rasa-webchat sends uuid4 hex);
# bounding them keeps odd values out of the tracker store's sender_id column.
_SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def parse_origins(value: Any, default: list[str]) -> list[str]:
    """Normalise the ``cors_allowed_origins`` credential into a list of origins.

    Accepts a YAML list or a comma-separated string (what ``${CORS_ORIGINS}`` expands
    to). An empty value means ``default``. ``"*"`` is kept as is (Engine.IO then
    accepts every origin) but must be asked for explicitly.

    Raises:
        ValueError: an entry is not an origin (``scheme://host[:port]``, no path).
    """
    if value is None:
        items: list[Any] = []
    elif isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValueError(
            f"cors_allowed_origins doit être une liste ou une chaîne, reçu {type(value).__name__}"
        )
    origins: list[str] = []
    for raw in items:
        entry = str(raw).strip()
        if not entry:
            continue
        if "${" in entry:
            raise ValueError(
                f"cors_allowed_origins contient une variable non substituée ({entry}) : "
                "dans credentials.yml, écrivez-la sans guillemets et définissez-la."
            )
        if entry != "*":
            # Browsers send the Origin header without a trailing slash.
            entry = entry.rstrip("/")
            parts = urlsplit(entry)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise ValueError(
                    f"origine invalide dans cors_allowed_origins : {raw!r} "
                    "(attendu : http(s)://hôte[:port], sans chemin)"
                )
        if entry not in origins:
            origins.append(entry)
    return origins or list(default)


def valid_session_id(value: Any) -> bool:
    """Whether a client-chosen session id is acceptable as a room and sender id."""
    return isinstance(value, str) and bool(_SESSION_ID_RE.match(value))


class WebchatBlueprint(SocketBlueprint):
    """Socket.io blueprint whose Engine.IO server alone answers CORS for its path.

    ``rasa run --cors`` makes Sanic-CORS add ``Access-Control-Allow-Origin`` to every
    response; Engine.IO adds its own once its origin check is on, and browsers refuse a
    response carrying the header twice. Marking the socket.io requests as already handled
    makes Sanic-CORS leave them alone, whatever the ``--cors`` flag says.
    """

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, options)
        path = "/" + str(self.ctx.socketio_path).strip("/")

        async def cors_done_by_engineio(request: Request) -> None:
            if request.path == path or request.path.startswith(path + "/"):
                setattr(request.ctx, SANIC_CORS_EVALUATED, True)

        app.register_middleware(cors_done_by_engineio, "request")


class WebchatOutput(SocketIOOutput):
    """Socket.io output whose custom JSON goes to the session room as the event data."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.sio.emit(self.bot_message_evt, json_message, room=recipient_id)


class WebchatInput(SocketIOInput):
    """Standard Rasa socket.io channel restricted to an allow-list of origins."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        origins = parse_origins(credentials.get("cors_allowed_origins"), Settings.from_env().cors_origins)
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            cors_allowed_origins=origins,
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        session_persistence: bool = False,
        socketio_path: str | None = "/socket.io",
        jwt_key: str | None = None,
        jwt_method: str | None = "HS256",
        metadata_key: str | None = "metadata",
        cors_allowed_origins: list[str] | None = None,
    ) -> None:
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            jwt_key,
            jwt_method,
            metadata_key,
        )
        if cors_allowed_origins is None:
            cors_allowed_origins = Settings.from_env().cors_origins
        # Never hand Engine.IO an empty list: that is its "no check at all" value.
        self.cors_allowed_origins = parse_origins(cors_allowed_origins, Settings.from_env().cors_origins)
        if "*" in self.cors_allowed_origins:
            logger.warning("Canal webchat : toutes les origines sont acceptées (« * »).")

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebchatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins)
        socketio_webhook = WebchatBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        namespace = self.namespace

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if valid_session_id(requested) else uuid.uuid4().hex
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                logger.warning("Canal webchat : message ignoré, charge utile non JSON.")
                return
            text = data.get("message", "")
            if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
                logger.warning("Canal webchat : message ignoré, texte absent ou trop long.")
                return
            if self.session_persistence:
                # Only the session this socket was confirmed in, so a client cannot
                # write into another visitor's conversation by naming its id.
                session = await sio.get_session(sid, namespace=namespace)
                sender_id = session.get("session_id")
                if not sender_id or data.get("session_id") != sender_id:
                    logger.warning("Canal webchat : message ignoré, session non confirmée.")
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key, {})
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            message = UserMessage(
                text,
                WebchatOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await on_new_message(message)

        return socketio_webhook
