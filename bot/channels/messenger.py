"""Facebook Messenger channel that does what Meta's webhook contract asks.

Rasa 3.6's ``FacebookInput`` checks only the legacy SHA-1 header, compares it in variable
time, answers 200 to a forged request, fails with a 500 when no secret is set and handles
only the first event of a batched POST. This connector:

- verifies ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret,
  constant-time compare) and answers 403 to a missing or bad signature;
- refuses to start without an app secret, a page access token and a verify token;
- answers the subscription handshake only for ``hub.mode=subscribe`` and the right token;
- caps the body size (413) before parsing, answers 400 to malformed JSON;
- handles every entry and every messaging event of a POST, in order: text, quick-reply
  payloads, postbacks; answers attachments politely that only text is understood; ignores
  echoes, delivery and read receipts;
- sends with aiohttp (nothing blocks the event loop), turns more than 3 buttons into quick
  replies and splits long texts under Messenger's 2,000-character limit
  (:mod:`bot.channels.messenger_output`).

credentials.yml::

    bot.channels.messenger.MessengerInput:
      verify_token: ${MESSENGER_VERIFY_TOKEN}
      app_secret: ${MESSENGER_APP_SECRET}
      page_access_token: ${MESSENGER_PAGE_ACCESS_TOKEN}

Webhook URL: ``https://<host>/webhooks/facebook/webhook``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_patches
from bot.channels.identity import MESSENGER, namespaced
from bot.channels.messenger_output import GraphClient, MessengerOutput
from bot.channels.webhook import (
    BackgroundTasks,
    Deduplicator,
    WebhookError,
    guarded,
    health_route,
    parse_json_object,
    parse_limit,
    read_body,
)
from bot.channels.wording import ATTACHMENT_REPLY, UNAVAILABLE_TEXT

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_API_URL = "https://graph.facebook.com/v19.0"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def messenger_signature(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``: ``sha256=<hex digest>``."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the HMAC-SHA256 of the raw ``body`` under ``app_secret``.

    The comparison takes the same time wherever the first differing byte is, so the
    signature cannot be guessed byte by byte from response times.
    """
    if not app_secret or not header:
        return False
    expected = messenger_signature(app_secret, body)
    # Meta writes the hex digest in lower case; a prefix in another case is the same value.
    candidate = header.strip()
    if candidate[:7].lower() == "sha256=":
        candidate = "sha256=" + candidate[7:].lower()
    return hmac.compare_digest(expected.encode("ascii"), candidate.encode("ascii", "replace"))


def handshake_answer(args: dict[str, list[str]], verify_token: str) -> str | None:
    """The challenge to echo for a valid subscription handshake, else None.

    Args:
        args: the query string, as Sanic parses it (each name maps to a list).
        verify_token: the token typed in the app's webhook settings.
    """

    def first(name: str) -> str:
        values = args.get(name) or [""]
        return values[0]

    mode, token, challenge = first("hub.mode"), first("hub.verify_token"), first("hub.challenge")
    if mode != "subscribe" or not challenge or not verify_token:
        return None
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    return challenge


@dataclass(frozen=True)
class IncomingEvent:
    """One messaging event reduced to what the connector acts on."""

    sender_id: str
    kind: str  # "text" or "attachment"
    text: str = ""
    event_id: str | None = None


def extract_events(payload: dict[str, Any]) -> list[IncomingEvent]:
    """Every actionable event of a webhook POST, in the order Meta sent them.

    Echoes of the page's own messages, delivery and read receipts, reactions and other
    notifications are dropped; so are events without a sender.

    Raises:
        WebhookError: 400 when the envelope is not the documented shape.
    """
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise WebhookError(400, "Champ « entry » absent ou invalide.")
    events: list[IncomingEvent] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        messaging = entry.get("messaging") or []
        if not isinstance(messaging, list):
            continue
        for raw in messaging:
            event = _extract_event(raw)
            if event is not None:
                events.append(event)
    return events


def _extract_event(raw: Any) -> IncomingEvent | None:
    if not isinstance(raw, dict):
        return None
    sender = raw.get("sender")
    sender_id = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    if not sender_id:
        return None
    message = raw.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        mid = message.get("mid")
        quick = message.get("quick_reply")
        # A quick reply also carries its title as text: the payload is what was meant.
        if isinstance(quick, dict) and isinstance(quick.get("payload"), str) and quick["payload"]:
            return IncomingEvent(sender_id, "text", quick["payload"], mid)
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            return IncomingEvent(sender_id, "text", text, mid)
        if message.get("attachments"):
            return IncomingEvent(sender_id, "attachment", "", mid)
        return None
    postback = raw.get("postback")
    if isinstance(postback, dict):
        payload = postback.get("payload") or postback.get("title")
        if isinstance(payload, str) and payload.strip():
            event_id = postback.get("mid") or f"postback:{sender_id}:{raw.get('timestamp')}"
            return IncomingEvent(sender_id, "text", payload, event_id)
    # delivery, read, reaction, optin, referral…: nothing to answer.
    return None


def _required(credentials: dict[str, Any], *names: str) -> str:
    for name in names:
        value = credentials.get(name)
        if value not in (None, ""):
            return str(value)
    raise ValueError(
        f"Canal Messenger : « {names[0]} » manquant dans credentials.yml "
        "(voir docs/channels.md) ; le canal ne démarre pas sans lui."
    )


class MessengerInput(InputChannel):
    """Messenger webhook: ``GET``/``POST /webhooks/facebook/webhook``."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            verify_token=_required(credentials, "verify_token", "verify"),
            app_secret=_required(credentials, "app_secret", "secret"),
            page_access_token=_required(credentials, "page_access_token", "page-access-token"),
            graph_api_url=str(credentials.get("graph_api_url") or DEFAULT_GRAPH_API_URL),
            max_body_bytes=parse_limit(credentials.get("max_body_bytes")),
        )

    def __init__(
        self,
        verify_token: str,
        app_secret: str,
        page_access_token: str,
        graph_api_url: str = DEFAULT_GRAPH_API_URL,
        max_body_bytes: int | None = None,
        # Sent without going through the dialogue: see bot/channels/wording.py.
        attachment_reply: str = ATTACHMENT_REPLY,
        dedup: Deduplicator | None = None,
    ) -> None:
        # Without the secret any client could speak in a user's name: refuse to start.
        for label, value in (
            ("app_secret", app_secret),
            ("page_access_token", page_access_token),
            ("verify_token", verify_token),
        ):
            if not value:
                raise ValueError(f"Canal Messenger : « {label} » est obligatoire (voir docs/channels.md).")
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.page_access_token = page_access_token
        self.graph_api_url = graph_api_url
        self.max_body_bytes = parse_limit(max_body_bytes)
        self.attachment_reply = attachment_reply
        self.client = GraphClient(page_access_token, app_secret, graph_api_url)
        self.tasks = BackgroundTasks("Messenger")
        if dedup is None:
            from bot.settings import Settings

            dedup = Deduplicator(MESSENGER, Settings.from_env().lock_store_url)
        self.dedup = dedup

    def get_output_channel(self) -> OutputChannel:
        return MessengerOutput(self.client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rasa_patches.install()
        webhook_bp = Blueprint("messenger_webhook", __name__)
        # A database outage must fail the turn (answered below), not be papered over.
        rasa_patches.strict_tracker_store_on_start(webhook_bp)
        health_route(webhook_bp)

        @webhook_bp.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            challenge = handshake_answer(dict(request.args), self.verify_token)
            if challenge is None:
                logger.warning(
                    "Messenger : poignée de main refusée (mode ou jeton de vérification invalide)."
                )
                return response.json({"error": "Jeton de vérification invalide."}, status=403)
            return response.text(challenge)

        @webhook_bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await guarded("Messenger", lambda: self._receive(request, on_new_message))

        @webhook_bp.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            await self.tasks.drain()

        @webhook_bp.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.client.close()
            await self.dedup.close()

        return webhook_bp

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        body = await read_body(request, self.max_body_bytes)
        if not verify_signature(self.app_secret, body, request.headers.get(SIGNATURE_HEADER)):
            logger.warning(
                "Messenger : requête refusée, signature %s %s (adresse %s).",
                SIGNATURE_HEADER,
                "absente" if not request.headers.get(SIGNATURE_HEADER) else "invalide",
                request.remote_addr or request.ip,
            )
            raise WebhookError(403, f"Signature {SIGNATURE_HEADER} absente ou invalide.")
        payload = parse_json_object(body)
        if payload.get("object") != "page":
            # Instagram or other objects are not this channel's: acknowledge and ignore.
            return response.json({"status": "ignored"})
        events = [e for e in extract_events(payload) if await self.dedup.first_time(e.event_id)]
        if events:
            self.tasks.spawn(self._process(events, on_new_message))
        return response.json({"status": "ok", "events": len(events)})

    async def _process(
        self, events: list[IncomingEvent], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        # In order, one after the other: a user's second message must not overtake the first.
        output = MessengerOutput(self.client)
        for event in events:
            sender_id = namespaced(MESSENGER, event.sender_id)
            try:
                if event.kind == "attachment":
                    await output.send_text_message(sender_id, self.attachment_reply)
                    continue
                message = UserMessage(
                    event.text,
                    output,
                    sender_id,
                    input_channel=self.name(),
                    message_id=event.event_id,
                )
                await on_new_message(message)
            except Exception:
                # Already acknowledged, so Meta will not redeliver: tell the user rather than
                # leave the message unanswered.
                logger.exception("Messenger : échec du traitement d'un message.")
                await output.send_text_message(sender_id, UNAVAILABLE_TEXT)
