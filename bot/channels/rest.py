"""REST channel with input checks, rate limits and a bounded turn time: the channel and
its request parsing (rate limits: bot/channels/ratelimit.py; the turn and its deadline:
bot/channels/turn.py; Rasa's patches: bot/rasa_patches.py; what it says: wording.py).

Rasa 3.6's own REST channel trusts its input (a body that is not a JSON object is a stack
trace, a lone surrogate reaches the database and fails there), has no rate limit, and waits
as long as the action server does (five minutes, hard-coded in Rasa). This subclass keeps the
same URL and the same answer format, registered in credentials.yml as::

    bot.channels.rest.GuardedRestInput:
      turn_timeout: 6          # optional; every key of ChannelLimits has a default
      max_body_bytes: 16384

- 413 for an oversized body (the cap is enforced while the body is read, never after
  buffering it) or message; 400 for invalid UTF-8, invalid JSON, a body that is not an
  object, a missing or empty sender or message.
- The conversation is stored as ``rest:<sender>`` (bot/channels/identity.py): a REST client
  cannot write into a conversation of another channel.
- 429 when the sender, its address or the whole service exceeds its rate limit
  (bot/channels/ratelimit.py, shared with the web chat); the body is a bot message, like a
  normal answer.
- A turn that takes longer than `turn_timeout` is cancelled: Rasa then saves nothing and
  releases the conversation lock, so the conversation is exactly as before the message, and
  the user is told the service is momentarily unavailable (503). A custom action that fails
  (action server down) is recorded by Rasa without its events; the user gets the answers
  produced so far followed by the same notice (200).
- A database error fails the turn (503) instead of Rasa's default of answering from a blank
  conversation kept in memory (see `bot.rasa_patches.make_tracker_store_strict`).
"""

from __future__ import annotations

import inspect
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_patches
from bot.channels.identity import REST, namespaced
from bot.channels.ratelimit import (
    IpNetwork,
    MessageLimiter,
    client_address,
    parse_networks,
    refusal_text,
    shared_limiter,
)
from bot.channels.turn import run_turn
from bot.channels.webhook import WebhookError, health_route, read_body
from bot.channels.wording import UNAVAILABLE_TEXT
from bot.settings import Settings, config_number

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelLimits:
    """What one request may contain and how long its turn may take (rates: ratelimit.py)."""

    max_body_bytes: int = 16 * 1024
    max_message_chars: int = 2_000
    max_sender_chars: int = 128
    turn_timeout: float = 6.0

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ChannelLimits:
        """Limits from the channel's block in credentials.yml; absent keys keep their default."""
        values = dict(credentials or {})
        moved = sorted({"rate_per_second", "burst"} & set(values))
        if moved:
            raise ValueError(
                f"Canal REST : {', '.join(moved)} n'existe plus ; les limites de débit se règlent par "
                "RATE_LIMIT_SENDER, RATE_LIMIT_ADDRESS et RATE_LIMIT_GLOBAL (docs/channels.md)."
            )
        unknown = sorted(set(values) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"Paramètres inconnus pour le canal REST : {', '.join(unknown)}")
        limits: dict[str, Any] = {}
        for name, spec in cls.__dataclass_fields__.items():
            kind = float if spec.type == "float" else int
            try:
                limits[name] = config_number(
                    values.get(name), name, getattr(cls, name), kind=kind, positive=True
                )
            except ValueError as error:
                raise ValueError(f"Canal REST : {error}") from error
        return cls(**limits)


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    text: str
    metadata: dict[str, Any] | None


def _printable(value: str, what: str) -> str:
    # A lone surrogate (valid JSON, "\ud800") cannot be encoded for the database; NUL is
    # refused by PostgreSQL text columns. Both are refused here, with a reason.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise WebhookError(400, f"{what} n'est pas du texte UTF-8 valide.", "invalid_utf8") from error
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value):
        raise WebhookError(400, f"{what} contient des caractères de contrôle.", "control_characters")
    return value


def _too_large(limits: ChannelLimits) -> WebhookError:
    return WebhookError(
        413, f"La requête dépasse la taille maximale de {limits.max_body_bytes // 1024} Ko.", "body_too_large"
    )


def parse_message(body: bytes, limits: ChannelLimits) -> IncomingMessage:
    """The sender, text and metadata of a webhook body, or WebhookError saying what is wrong."""
    if len(body) > limits.max_body_bytes:
        raise _too_large(limits)
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WebhookError(
            400, "Le corps de la requête n'est pas encodé en UTF-8.", "invalid_utf8"
        ) from error
    if not decoded.strip():
        raise WebhookError(400, "Le corps de la requête est vide.", "empty_body")
    try:
        payload = json.loads(decoded)
    except json.JSONDecodeError as error:
        raise WebhookError(400, "Le corps de la requête n'est pas du JSON valide.", "invalid_json") from error
    if not isinstance(payload, dict):
        raise WebhookError(
            400,
            'Le corps de la requête doit être un objet JSON : {"sender": …, "message": …}.',
            "not_an_object",
        )

    sender = payload.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if sender is None:
        raise WebhookError(400, "Le champ « sender » est obligatoire.", "missing_sender")
    if not isinstance(sender, str):
        raise WebhookError(400, "Le champ « sender » doit être une chaîne de caractères.", "invalid_sender")
    sender = _printable(sender.strip(), "Le champ « sender »")
    if not sender:
        raise WebhookError(400, "Le champ « sender » est vide.", "empty_sender")
    if len(sender) > limits.max_sender_chars:
        raise WebhookError(
            400, f"Le champ « sender » dépasse {limits.max_sender_chars} caractères.", "sender_too_long"
        )

    text = payload.get("message")
    if text is None:
        raise WebhookError(400, "Le champ « message » est obligatoire.", "missing_message")
    if not isinstance(text, str):
        raise WebhookError(400, "Le champ « message » doit être une chaîne de caractères.", "invalid_message")
    text = _printable(text, "Le message")
    if not text.strip():
        raise WebhookError(400, "Le message est vide.", "empty_message")
    if len(text) > limits.max_message_chars:
        raise WebhookError(
            413, f"Le message dépasse {limits.max_message_chars} caractères.", "message_too_long"
        )

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise WebhookError(400, "Le champ « metadata » doit être un objet JSON.", "invalid_metadata")
    return IncomingMessage(sender=sender, text=text, metadata=metadata)


def _bot_message(sender: str, text: str) -> list[dict[str, str]]:
    return [{"recipient_id": sender, "text": text}]


def _rejection(error: WebhookError) -> HTTPResponse:
    # The REST channel's clients branch on the code; the reason is for the person reading it.
    return response.json({"error": error.code, "reason": error.reason}, status=error.status)


class GuardedRestInput(RestInput):
    """Rasa's REST channel (same URL, same answers) that refuses bad input and floods."""

    def __init__(
        self,
        limits: ChannelLimits | None = None,
        limiter: MessageLimiter | None = None,
        trusted_proxies: Iterable[IpNetwork] | None = None,
    ) -> None:
        self.limits = limits or ChannelLimits()
        if limiter is None or trusted_proxies is None:
            settings = Settings.from_env()
            limiter = limiter or shared_limiter(settings)
            if trusted_proxies is None:
                trusted_proxies = parse_networks(settings.trusted_proxies)
        self.limiter = limiter
        self.trusted_proxies = tuple(trusted_proxies)

    @classmethod
    def name(cls) -> str:
        # The URL stays /webhooks/rest/webhook, so existing clients need no change.
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        settings = Settings.from_env()
        return cls(
            ChannelLimits.from_credentials(credentials),
            shared_limiter(settings),
            parse_networks(settings.trusted_proxies),
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Called once, in the Rasa server process, when the channel is mounted.
        rasa_patches.install()
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)
        rasa_patches.strict_tracker_store_on_start(webhook)
        health_route(webhook)

        # Streamed: otherwise Sanic buffers the whole body (up to 100 MB) before the size
        # check can run.
        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return webhook

    async def _read(self, request: Request) -> bytes:
        try:
            return await read_body(request, self.limits.max_body_bytes, _too_large(self.limits))
        except SanicException as error:
            raise WebhookError(400, "Le corps de la requête est illisible.", "invalid_body") from error

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            incoming = parse_message(await self._read(request), self.limits)
            if request.args.get("stream", "false").lower() != "false":
                raise WebhookError(400, "Le mode « stream » n'est pas proposé.", "stream_unsupported")
        except WebhookError as error:
            return _rejection(error)

        # The client names its conversation, but only inside this channel's namespace.
        sender_id = namespaced(REST, incoming.sender)
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), self.trusted_proxies)
        refused = await self.limiter.check(sender_id, address)
        if refused is not None:
            return response.json(
                _bot_message(incoming.sender, refusal_text(refused)),
                status=429,
                headers={"Retry-After": str(self.limiter.limits.retry_after())},
            )

        # Again per request: a model loaded through Rasa's HTTP API comes with a new agent.
        rasa_patches.make_tracker_store_strict(getattr(request.app.ctx, "agent", None))
        collector = CollectingOutputChannel()
        message = UserMessage(
            incoming.text,
            collector,
            sender_id,
            # Always this channel's name: a client must not pass itself off as Messenger.
            input_channel=self.name(),
            metadata=incoming.metadata,
        )
        outcome = await run_turn(on_new_message, message, collector, self.limits.turn_timeout)
        if not outcome.completed:
            if outcome.error is not None:
                logger.error(
                    "REST turn failed for a conversation: %s: %s",
                    outcome.error.__class__.__name__,
                    outcome.error,
                )
            else:
                logger.warning("REST turn cancelled after %.1f s.", self.limits.turn_timeout)
            # Nothing of this turn was stored: say so instead of showing unrecorded answers.
            return response.json(_bot_message(incoming.sender, UNAVAILABLE_TEXT), status=503)
        # Answered under the sender the client knows, as Rasa's own REST channel does.
        messages = [{**answer, "recipient_id": incoming.sender} for answer in outcome.messages]
        if outcome.failed_actions:
            messages = [*messages, *_bot_message(incoming.sender, UNAVAILABLE_TEXT)]
        return response.json(messages)
