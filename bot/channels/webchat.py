"""Rasa socket.io channel for the portal's web chat, with an origin allow-list.

Rasa 3.6's :class:`SocketIOInput` builds its server with ``cors_allowed_origins=[]``,
which switches Engine.IO's origin check off: any web site could open a conversation
in a visitor's browser. This subclass keeps the standard protocol (``session_request``
/ ``session_confirm``, ``user_uttered`` / ``bot_uttered``) so any Rasa widget still
works, and only accepts the configured origins.

Conversations belong to the server, not to the client: the session id is issued here and
signed (:class:`bot.channels.identity.SessionSigner`), a ``session_request`` with an id this
server did not issue gets a fresh conversation, and the conversation is stored as
``webchat:<room>``. Messages count against the same rate limits as the REST channel (per
session, per client address behind ``TRUSTED_PROXIES``, global), and the metadata of a
message is capped at ``MAX_METADATA_BYTES``.

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
from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

from bot import rasa_patches
from bot.channels.identity import WEBCHAT, SessionSigner, load_webchat_secret, namespaced, platform_id
from bot.channels.ratelimit import (
    MessageLimiter,
    client_address,
    parse_networks,
    refusal_text,
    shared_limiter,
)
from bot.channels.webhook import health_route
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Longer than any real question, and the REST channel's limit too (ChannelLimits). The
# widget stops typing at 1,000 characters (MAX_INPUT_CHARS in bot/web/static/widget/
# webchat.js), so only a hand-made client ever reaches this one.
MAX_MESSAGE_CHARS = 2000
# The widget sends no metadata; a few kB leave room for a page's own integration while a
# client can no longer have a megabyte stored with every message.
MAX_METADATA_BYTES = 4 * 1024
# Engine.IO refuses larger packets before they are decoded (its default is 1 MB).
MAX_PACKET_BYTES = 16 * 1024
# The shape of a room or session id (the server's own are 32 and 64 hex characters, see
# SessionSigner, which alone decides whether an id resumes a conversation).
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
    """Whether a value has the shape of a session id (not whether this server issued it)."""
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
    """Socket.io output to the session room (the sender id without its ``webchat:`` prefix),
    whose custom JSON goes as the event data."""

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await super()._send_message(platform_id(WEBCHAT, socket_id), response)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.sio.emit(self.bot_message_evt, json_message, room=platform_id(WEBCHAT, recipient_id))


def metadata_size(metadata: Any) -> int:
    """Bytes of ``metadata`` as it would be stored (JSON, UTF-8)."""
    return len(json.dumps(metadata, ensure_ascii=False, default=str).encode("utf-8"))


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
        session_secret: str | None = None,
        limiter: MessageLimiter | None = None,
        trusted_proxies: list[str] | None = None,
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
        settings = Settings.from_env()
        self.signer = SessionSigner(session_secret or load_webchat_secret(settings))
        self.limiter = limiter or shared_limiter(settings)
        self.trusted_proxies = parse_networks(
            settings.trusted_proxies if trusted_proxies is None else trusted_proxies
        )

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebchatOutput(self.sio, self.bot_message_evt)

    def _address(self, environ: dict[str, Any]) -> str:
        request = environ.get("sanic.request")
        peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
        return client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"), self.trusted_proxies)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rasa_patches.install()
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.cors_allowed_origins,
            max_http_buffer_size=MAX_PACKET_BYTES,
        )
        socketio_webhook = WebchatBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        namespace = self.namespace

        rasa_patches.strict_tracker_store_on_start(socketio_webhook)
        health_route(socketio_webhook)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                if not (token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)):
                    return False
            await sio.save_session(sid, {"address": self._address(environ)}, namespace=namespace)
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            # Only an id this server issued resumes a conversation; anything else (another
            # visitor's room name, an old unsigned id, a made-up value) starts a new one.
            room = self.signer.room(requested)
            session_id = requested if room is not None else self.signer.issue()
            room = self.signer.room(session_id)
            session = await sio.get_session(sid, namespace=namespace)
            session.update({"session_id": session_id, "room": room})
            await sio.save_session(sid, session, namespace=namespace)
            if self.session_persistence:
                await sio.enter_room(sid, room, namespace=namespace)
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
            session = await sio.get_session(sid, namespace=namespace)
            if self.session_persistence:
                # Only the session this socket was confirmed in, so a client cannot
                # write into another visitor's conversation by naming its id.
                room = session.get("room")
                if not room or data.get("session_id") != session.get("session_id"):
                    logger.warning("Canal webchat : message ignoré, session non confirmée.")
                    return
            else:
                room = sid
            metadata = data.get(self.metadata_key, {})
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            if metadata_size(metadata) > MAX_METADATA_BYTES:
                logger.warning(
                    "Canal webchat : message ignoré, métadonnées de plus de %d octets.", MAX_METADATA_BYTES
                )
                return
            sender_id = namespaced(WEBCHAT, room)
            refused = await self.limiter.check(sender_id, session.get("address") or "?")
            if refused is not None:
                # Told to this socket only: the other tabs of the session are not concerned.
                notice = {"text": refusal_text(refused)}
                await sio.emit(self.bot_message_evt, notice, room=sid, namespace=namespace)
                return
            message = UserMessage(
                text,
                WebchatOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await on_new_message(message)

        return socketio_webhook
