"""REST channel with input checks, rate limits and a bounded turn time.

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
  conversation kept in memory (see `make_tracker_store_strict`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
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

from bot.channels.identity import REST, namespaced
from bot.channels.ratelimit import (
    BUSY_TEXT,
    RATE_LIMITED_TEXT,
    SENDER,
    IpNetwork,
    MessageLimiter,
    client_address,
    parse_networks,
    shared_limiter,
)
from bot.channels.webhook import WebhookError, read_body
from bot.settings import Settings

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = (
    "Le service est momentanément indisponible et je ne peux pas vous répondre pour l'instant. "
    "Merci de réessayer dans quelques instants."
)

# Rasa logs this (rasa/core/processor.py, `_run_action`) when a custom action raises, then
# carries on without the action's events: the only trace of a failed action in a turn.
_ACTION_FAILURE_LOG = "Encountered an exception while running action"
_PROCESSOR_LOGGER = "rasa.core.processor"


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
            if values.get(name) in (None, ""):
                continue
            kind = float if spec.type == "float" else int
            try:
                number = kind(values[name])
            except (TypeError, ValueError) as error:
                raise ValueError(f"Canal REST : {name} doit être un nombre, reçu {values[name]!r}") from error
            if not number > 0:
                raise ValueError(f"Canal REST : {name} doit être strictement positif, reçu {number}")
            limits[name] = number
        return cls(**limits)


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    text: str
    metadata: dict[str, Any] | None


class RejectedRequest(Exception):
    """A request refused before it reaches Rasa: HTTP status, short code, French reason."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.reason = reason


def _printable(value: str, what: str) -> str:
    # A lone surrogate (valid JSON, "\ud800") cannot be encoded for the database; NUL is
    # refused by PostgreSQL text columns. Both are refused here, with a reason.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise RejectedRequest(400, "invalid_utf8", f"{what} n'est pas du texte UTF-8 valide.") from error
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value):
        raise RejectedRequest(400, "control_characters", f"{what} contient des caractères de contrôle.")
    return value


def check_body_size(content_length: str | None, limits: ChannelLimits) -> None:
    """Refuse a declared oversized body before anything is read or parsed."""
    if content_length is None:
        return
    try:
        declared = int(content_length)
    except ValueError as error:
        raise RejectedRequest(400, "invalid_length", "L'en-tête Content-Length est invalide.") from error
    if declared > limits.max_body_bytes:
        raise _too_large(limits)


def _too_large(limits: ChannelLimits) -> RejectedRequest:
    return RejectedRequest(
        413,
        "body_too_large",
        f"La requête dépasse la taille maximale de {limits.max_body_bytes // 1024} Ko.",
    )


def parse_message(body: bytes, limits: ChannelLimits) -> IncomingMessage:
    """The sender, text and metadata of a webhook body, or RejectedRequest saying what is wrong."""
    if len(body) > limits.max_body_bytes:
        raise _too_large(limits)
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RejectedRequest(
            400, "invalid_utf8", "Le corps de la requête n'est pas encodé en UTF-8."
        ) from error
    if not decoded.strip():
        raise RejectedRequest(400, "empty_body", "Le corps de la requête est vide.")
    try:
        payload = json.loads(decoded)
    except json.JSONDecodeError as error:
        raise RejectedRequest(
            400, "invalid_json", "Le corps de la requête n'est pas du JSON valide."
        ) from error
    if not isinstance(payload, dict):
        raise RejectedRequest(
            400,
            "not_an_object",
            'Le corps de la requête doit être un objet JSON : {"sender": …, "message": …}.',
        )

    sender = payload.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if sender is None:
        raise RejectedRequest(400, "missing_sender", "Le champ « sender » est obligatoire.")
    if not isinstance(sender, str):
        raise RejectedRequest(
            400, "invalid_sender", "Le champ « sender » doit être une chaîne de caractères."
        )
    sender = _printable(sender.strip(), "Le champ « sender »")
    if not sender:
        raise RejectedRequest(400, "empty_sender", "Le champ « sender » est vide.")
    if len(sender) > limits.max_sender_chars:
        raise RejectedRequest(
            400, "sender_too_long", f"Le champ « sender » dépasse {limits.max_sender_chars} caractères."
        )

    text = payload.get("message")
    if text is None:
        raise RejectedRequest(400, "missing_message", "Le champ « message » est obligatoire.")
    if not isinstance(text, str):
        raise RejectedRequest(
            400, "invalid_message", "Le champ « message » doit être une chaîne de caractères."
        )
    text = _printable(text, "Le message")
    if not text.strip():
        raise RejectedRequest(400, "empty_message", "Le message est vide.")
    if len(text) > limits.max_message_chars:
        raise RejectedRequest(
            413, "message_too_long", f"Le message dépasse {limits.max_message_chars} caractères."
        )

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise RejectedRequest(400, "invalid_metadata", "Le champ « metadata » doit être un objet JSON.")
    return IncomingMessage(sender=sender, text=text, metadata=metadata)


# Per-turn flag raised by the log handler below; each request's task has its own context.
_turn_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "coordo_turn_failures", default=None
)


class _ActionFailureProbe(logging.Handler):
    """Notes, for the turn being handled, that Rasa swallowed a custom action's exception."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is not None and record.getMessage().startswith(_ACTION_FAILURE_LOG):
            failures.append(record.getMessage())


_probe = _ActionFailureProbe(level=logging.ERROR)


def install_action_failure_probe() -> None:
    """Attach the probe to Rasa's processor logger (once; called when the channel starts)."""
    processor_logger = logging.getLogger(_PROCESSOR_LOGGER)
    if _probe not in processor_logger.handlers:
        processor_logger.addHandler(_probe)


def install_cached_action_validation() -> None:
    """Validate action-server answers with a validator built once instead of once per call.

    Rasa 3.6 checks every answer of the action server with `jsonschema.validate(result,
    schema)`, which starts by checking Rasa's own constant schema against the JSON Schema
    2020-12 meta-schema: about 25 ms per custom action call on this project's machines, more
    than the action itself, and paid twice by a form turn (see docs/performance.md). Same
    schema, same error (the best match, with Rasa's explanation appended), none of that cost.
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "_cached_validator", False):
        return
    validators: dict[type, Any] = {}

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        validator = validators.get(type(self))
        if validator is None:
            schema = self.action_response_format_spec()
            validator = validators[type(self)] = validator_for(schema)(schema)
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                "from the Action endpoint is valid."
            )
            raise error
        return True

    _validate_action_result._cached_validator = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _raise_tracker_store_error(error: Exception) -> None:
    raise error


def make_tracker_store_strict(agent: Any) -> None:
    """Let tracker-store errors fail the turn instead of being papered over.

    Rasa wraps every tracker store in a FailSafeTrackerStore that, when the database fails,
    answers the turn from a blank conversation (retrieve returns None) and saves it in process
    memory: the user gets an answer without context and the message never reaches the
    database. Its error callback is called inside the `except`; raising there makes the turn
    fail, so the channel answers 503 and nothing diverges from the database.
    """
    from rasa.core.tracker_store import FailSafeTrackerStore

    store = getattr(agent, "tracker_store", None)
    if (
        isinstance(store, FailSafeTrackerStore)
        and store._on_tracker_store_error is not _raise_tracker_store_error
    ):
        store._on_tracker_store_error = _raise_tracker_store_error


@dataclass
class TurnOutcome:
    messages: list[dict[str, Any]]
    completed: bool
    failed_actions: list[str]
    error: BaseException | None = None


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    collector: CollectingOutputChannel,
    timeout: float,
) -> TurnOutcome:
    """Handle one user message within `timeout` seconds.

    Past the deadline the turn is cancelled rather than left running: Rasa writes the tracker
    only at the end of a turn and releases its lock on cancellation, so nothing half-done is
    stored and the next message of the conversation is not kept waiting.
    """
    failures: list[str] = []
    token = _turn_failures.set(failures)
    try:
        task = asyncio.ensure_future(on_new_message(message))
    finally:
        _turn_failures.reset(token)
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        # The turn may have finished between the deadline and the cancellation.
        if task.cancelled() or task.exception() is not None:
            return TurnOutcome(list(collector.messages), completed=False, failed_actions=failures)
    error = task.exception()
    if error is not None:
        return TurnOutcome(list(collector.messages), completed=False, failed_actions=failures, error=error)
    return TurnOutcome(list(collector.messages), completed=True, failed_actions=failures)


def _bot_message(sender: str, text: str) -> list[dict[str, str]]:
    return [{"recipient_id": sender, "text": text}]


def _rejection(error: RejectedRequest) -> HTTPResponse:
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
        install_action_failure_probe()
        install_cached_action_validation()
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.listener("after_server_start")
        async def strict_tracker_store(app: Any, _loop: Any) -> None:
            # The agent is loaded by Rasa's own before_server_start listener.
            make_tracker_store_strict(getattr(app.ctx, "agent", None))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Streamed: otherwise Sanic buffers the whole body (up to 100 MB) before the size
        # check can run.
        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return webhook

    async def _read(self, request: Request) -> bytes:
        check_body_size(request.headers.get("content-length"), self.limits)
        try:
            return await read_body(request, self.limits.max_body_bytes)
        except WebhookError as error:
            raise _too_large(self.limits) from error
        except SanicException as error:
            raise RejectedRequest(400, "invalid_body", "Le corps de la requête est illisible.") from error

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            incoming = parse_message(await self._read(request), self.limits)
            if request.args.get("stream", "false").lower() != "false":
                raise RejectedRequest(400, "stream_unsupported", "Le mode « stream » n'est pas proposé.")
        except RejectedRequest as error:
            return _rejection(error)

        # The client names its conversation, but only inside this channel's namespace.
        sender_id = namespaced(REST, incoming.sender)
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), self.trusted_proxies)
        refused = await self.limiter.check(sender_id, address)
        if refused is not None:
            text = RATE_LIMITED_TEXT if refused == SENDER else BUSY_TEXT
            return response.json(
                _bot_message(incoming.sender, text),
                status=429,
                headers={"Retry-After": str(self.limiter.limits.retry_after())},
            )

        # Again per request: a model loaded through Rasa's HTTP API comes with a new agent.
        make_tracker_store_strict(getattr(request.app.ctx, "agent", None))
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
