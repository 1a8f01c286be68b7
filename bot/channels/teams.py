"""Microsoft Teams (Bot Framework) channel with complete request authentication.

Rasa 3.6's ``BotFrameworkInput`` checks the JWT signature and audience only, trusts the
algorithm named by the token, never checks the issuer, the key's channel endorsement or
the ``serviceUrl`` claim (it then posts replies, with the bot's token, wherever the
activity says), swallows errors with a 200, fetches keys with blocking ``requests`` calls
and asks for its own token from the multi-tenant authority only. This connector:

- validates each request with :mod:`bot.channels.botframework_auth` (RS256 only, issuer,
  audience, expiry with five minutes of skew, endorsement, ``serviceUrl``) and answers 401
  to anything that fails, before reading the activity;
- caps the body (413) before parsing and answers 400 to malformed JSON;
- handles ``message`` activities (Teams mentions of the bot removed from the text) and
  ``conversationUpdate`` (a greeting when the bot joins a conversation);
- replies with text, and buttons as a hero card or as suggested actions, with a token from
  ``https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token``, the tenant being
  configurable (single-tenant bots need their own): :mod:`bot.channels.teams_output`.

credentials.yml::

    bot.channels.teams.TeamsInput:
      app_id: ${TEAMS_APP_ID}
      app_password: ${TEAMS_APP_PASSWORD}
      tenant_id: ${TEAMS_TENANT_ID}

Messaging endpoint: ``https://<host>/webhooks/botframework/webhook``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, NoReturn

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_patches
from bot.channels.botframework_auth import (
    CLOCK_SKEW_SECONDS,
    DEFAULT_ISSUERS,
    DEFAULT_OPENID_METADATA_URL,
    AuthError,
    ChannelAuthenticator,
    KeysUnavailable,
    OpenIdKeyCache,
    check_activity,
)
from bot.channels.identity import TEAMS, namespaced
from bot.channels.teams_output import BUTTON_STYLES, ConnectorTokenProvider, Conversation, TeamsOutput
from bot.channels.webhook import (
    BackgroundTasks,
    Deduplicator,
    LazySession,
    WebhookError,
    guarded,
    health_route,
    parse_json_object,
    parse_limit,
    read_body,
)
from bot.channels.wording import ATTACHMENT_REPLY, UNAVAILABLE_TEXT

logger = logging.getLogger(__name__)

DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
# The tenant of multi-tenant bots; single-tenant bots use their Entra ID tenant id.
MULTI_TENANT = "botframework.com"
# Sent as the user's message when the bot joins a conversation: the dialogue answers it
# with the domain's greeting, so the text lives in domain.yml like every other answer.
DEFAULT_GREETING_PAYLOAD = "/greet"


def strip_bot_mentions(text: str, entities: Any, bot_id: str) -> str:
    """``text`` without the ``<at>…</at>`` mentions of the bot.

    Teams writes a mention of the bot into the text (``<at>Assistant</at> c'est quoi une
    CPTS ?``) and lists it in ``entities``; mentions of other people are kept.
    """
    if not text:
        return ""
    bot_mentions: set[str] = set()
    if isinstance(entities, list):
        for entity in entities:
            if not isinstance(entity, dict) or entity.get("type") != "mention":
                continue
            mentioned = entity.get("mentioned")
            if isinstance(mentioned, dict) and mentioned.get("id") == bot_id and entity.get("text"):
                bot_mentions.add(str(entity["text"]))
    for mention in bot_mentions:
        text = text.replace(mention, " ")
    return re.sub(r"\s+", " ", text).strip()


def _text(credentials: dict[str, Any], name: str, default: str = "") -> str:
    value = credentials.get(name)
    return default if value in (None, "") else str(value)


def _issuers(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return DEFAULT_ISSUERS
    items = value.split(",") if isinstance(value, str) else list(value)
    issuers = tuple(str(i).strip() for i in items if str(i).strip())
    return issuers or DEFAULT_ISSUERS


class TeamsInput(InputChannel):
    """Bot Framework webhook: ``POST /webhooks/botframework/webhook``."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            app_id=_text(credentials, "app_id"),
            app_password=_text(credentials, "app_password"),
            tenant_id=_text(credentials, "tenant_id", MULTI_TENANT),
            openid_metadata_url=_text(credentials, "openid_metadata_url", DEFAULT_OPENID_METADATA_URL),
            login_url=_text(credentials, "login_url", DEFAULT_LOGIN_URL),
            issuers=_issuers(credentials.get("issuers")),
            button_style=_text(credentials, "button_style", "hero_card"),
            greeting_payload=_text(credentials, "greeting_payload", DEFAULT_GREETING_PAYLOAD),
            max_body_bytes=parse_limit(credentials.get("max_body_bytes")),
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        tenant_id: str = MULTI_TENANT,
        openid_metadata_url: str = DEFAULT_OPENID_METADATA_URL,
        login_url: str = DEFAULT_LOGIN_URL,
        issuers: Iterable[str] = DEFAULT_ISSUERS,
        button_style: str = "hero_card",
        greeting_payload: str = DEFAULT_GREETING_PAYLOAD,
        max_body_bytes: int | None = None,
        leeway: int = CLOCK_SKEW_SECONDS,
        key_refresh_seconds: float | None = None,
        dedup: Deduplicator | None = None,
    ) -> None:
        if not app_id or not app_password:
            raise ValueError(
                "Canal Teams : « app_id » et « app_password » sont obligatoires (voir docs/channels.md)."
            )
        if not tenant_id:
            raise ValueError(
                "Canal Teams : « tenant_id » est vide (« botframework.com » pour un bot multi-locataire)."
            )
        if button_style not in BUTTON_STYLES:
            raise ValueError(
                f"Canal Teams : button_style doit valoir {' ou '.join(BUTTON_STYLES)}, reçu {button_style!r}."
            )
        self.app_id = app_id
        self.tenant_id = tenant_id
        self.button_style = button_style
        self.greeting_payload = greeting_payload
        self.max_body_bytes = parse_limit(max_body_bytes)
        self.session = LazySession()
        cache_options = {} if key_refresh_seconds is None else {"refresh_seconds": key_refresh_seconds}
        self.keys = OpenIdKeyCache(openid_metadata_url, self.session.get, **cache_options)
        self.authenticator = ChannelAuthenticator(app_id, self.keys, tuple(issuers), leeway)
        self.tokens = ConnectorTokenProvider(app_id, app_password, tenant_id, login_url, self.session)
        self.tasks = BackgroundTasks("Teams")
        if dedup is None:
            from bot.settings import Settings

            dedup = Deduplicator(TEAMS, Settings.from_env().lock_store_url)
        self.dedup = dedup

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rasa_patches.install()
        webhook_bp = Blueprint("teams_webhook", __name__)
        # A database outage must fail the turn (answered politely), not be papered over.
        rasa_patches.strict_tracker_store_on_start(webhook_bp)
        health_route(webhook_bp)

        @webhook_bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await guarded("Teams", lambda: self._receive(request, on_new_message))

        @webhook_bp.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            await self.tasks.drain()

        @webhook_bp.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.session.close()
            await self.dedup.close()

        return webhook_bp

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        body = await read_body(request, self.max_body_bytes)
        try:
            claims, key = await self.authenticator.authenticate(request.headers.get("Authorization"))
        except AuthError as error:
            self._refuse(request, error)
        except KeysUnavailable as error:
            logger.error("Teams : requête refusée, clés de signature indisponibles (%s).", error)
            raise WebhookError(
                503, "Clés de signature Microsoft indisponibles, réessayez plus tard."
            ) from error
        activity = parse_json_object(body)
        try:
            check_activity(claims, key, activity)
        except AuthError as error:
            self._refuse(request, error)
        self._check_tenant(request, activity)
        kind = activity.get("type")
        if kind == "message":
            await self._on_message(activity, on_new_message)
        elif kind == "conversationUpdate":
            await self._on_conversation_update(activity, on_new_message)
        return response.json({})

    def _check_tenant(self, request: Request, activity: dict[str, Any]) -> None:
        """A single-tenant bot answers its own organisation only.

        The token proves the activity comes from the Bot Connector, not from which tenant:
        any Teams organisation can install a bot whose app id it knows.
        """
        if self.tenant_id == MULTI_TENANT:
            return
        tenant = activity_tenant(activity)
        if tenant != self.tenant_id:
            logger.warning(
                "Teams : activité d'un autre locataire refusée (%s), adresse %s.",
                tenant or "absent",
                request.remote_addr or request.ip,
            )
            raise WebhookError(403, "Locataire Microsoft 365 non autorisé pour ce bot.")

    def _spawn_turn(
        self,
        message: UserMessage,
        output: TeamsOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        async def turn() -> None:
            try:
                await on_new_message(message)
            except Exception:
                # Already acknowledged, so the Bot Connector will not redeliver: tell the
                # user rather than leave the message unanswered.
                logger.exception("Teams : échec du traitement d'un message.")
                await output.send_text_message(message.sender_id, UNAVAILABLE_TEXT)

        self.tasks.spawn(turn())

    @staticmethod
    def _refuse(request: Request, error: Exception) -> NoReturn:
        logger.warning("Teams : requête refusée (%s), adresse %s.", error, request.remote_addr or request.ip)
        raise WebhookError(401, f"Authentification refusée : {error}.")

    async def _on_message(
        self, activity: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        if not await self.dedup.first_time(_activity_key(activity)):
            return
        conversation = Conversation.from_activity(activity)
        sender_id = _sender_id(activity)
        raw_text = activity.get("text") if isinstance(activity.get("text"), str) else ""
        text = strip_bot_mentions(raw_text, activity.get("entities"), str(conversation.bot.get("id") or ""))
        output = TeamsOutput(conversation, self.tokens, self.session, self.button_style)
        if not text:
            if activity.get("attachments"):
                self.tasks.spawn(output.send_text_message(sender_id, ATTACHMENT_REPLY))
            return
        message = UserMessage(
            text,
            output,
            sender_id,
            input_channel=self.name(),
            message_id=str(activity.get("id") or "") or None,
            metadata=_metadata(activity),
        )
        self._spawn_turn(message, output, on_new_message)

    async def _on_conversation_update(
        self, activity: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        conversation = Conversation.from_activity(activity)
        bot_id = conversation.bot.get("id")
        added = activity.get("membersAdded")
        # Greet once, when the bot itself joins (installed in a chat or a team); users
        # joining a team later are not interrupted.
        if not bot_id or not isinstance(added, list):
            return
        if not any(isinstance(m, dict) and m.get("id") == bot_id for m in added):
            return
        if not await self.dedup.first_time(_activity_key(activity)):
            return
        # A reply to a conversationUpdate is posted as a new message, not a thread reply.
        conversation.reply_to_id = None
        output = TeamsOutput(conversation, self.tokens, self.session, self.button_style)
        message = UserMessage(
            self.greeting_payload,
            output,
            _sender_id(activity),
            input_channel=self.name(),
            metadata=_metadata(activity),
        )
        self._spawn_turn(message, output, on_new_message)


def _activity_key(activity: dict[str, Any]) -> str | None:
    activity_id = activity.get("id")
    if not activity_id:
        return None
    conversation = activity.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else ""
    return f"{conversation_id}|{activity_id}"


def activity_tenant(activity: dict[str, Any]) -> str:
    """The Microsoft 365 tenant an activity comes from (``channelData.tenant.id``, or the
    conversation's ``tenantId``), or "" when it names none."""
    channel_data = activity.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    conversation = activity.get("conversation")
    if isinstance(conversation, dict) and conversation.get("tenantId"):
        return str(conversation["tenantId"])
    return ""


def _sender_id(activity: dict[str, Any]) -> str:
    """One tracker per Teams conversation: a user's 1:1 chat with the bot, a group chat and
    each channel thread are separate conversations, with their own slots and history."""
    conversation = activity.get("conversation")
    if isinstance(conversation, dict) and conversation.get("id"):
        return namespaced(TEAMS, str(conversation["id"]))
    sender = activity.get("from")
    if isinstance(sender, dict) and sender.get("id"):
        return namespaced(TEAMS, str(sender["id"]))
    return namespaced(TEAMS, "inconnu")


def _metadata(activity: dict[str, Any]) -> dict[str, Any]:
    conversation = activity.get("conversation") if isinstance(activity.get("conversation"), dict) else {}
    return {
        "channel_id": activity.get("channelId"),
        "conversation_type": conversation.get("conversationType"),
        "locale": activity.get("locale"),
    }
