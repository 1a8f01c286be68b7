"""Replies to Microsoft Teams: Rasa's responses as Bot Framework activities, posted to the
Bot Connector with the bot's own token.

Buttons become a hero card or suggested actions; the token comes from
``https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`` and is cached until shortly
before it expires. The conversation a reply goes to is taken from an authenticated activity
(bot/channels/teams.py checks it first).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import yarl
from rasa.core.channels.channel import OutputChannel

from bot.channels.webhook import LazySession, WebhookError

logger = logging.getLogger(__name__)

CONNECTOR_SCOPE = "https://api.botframework.com/.default"
BUTTON_STYLES = ("hero_card", "suggested_actions")
# Teams shows at most three suggested actions; beyond that a hero card keeps every button.
MAX_SUGGESTED_ACTIONS = 3
# Renew the connector token this long before it expires.
TOKEN_MARGIN_SECONDS = 300


def card_action(button: dict[str, Any], *, hidden_payload: bool) -> dict[str, Any]:
    """A Rasa button as a Bot Framework card action.

    ``messageBack`` sends the payload to the bot while the chat shows the title; Teams
    suggested actions accept only ``imBack``, which posts (and shows) the payload itself.
    """
    title = str(button.get("title") or button.get("payload") or "")
    if button.get("url"):
        return {"type": "openUrl", "title": title, "value": str(button["url"])}
    payload = str(button.get("payload") or title)
    if hidden_payload:
        return {"type": "messageBack", "title": title, "text": payload, "displayText": title}
    return {"type": "imBack", "title": title, "value": payload}


def activity_with_buttons(text: str, buttons: list[dict[str, Any]], style: str) -> dict[str, Any]:
    """The fields of a reply showing ``text`` with ``buttons`` in the chosen ``style``."""
    usable = [b for b in buttons if isinstance(b, dict) and (b.get("title") or b.get("payload"))]
    if not usable:
        return {"text": text}
    fits_suggestions = len(usable) <= MAX_SUGGESTED_ACTIONS and not any(b.get("url") for b in usable)
    if style == "suggested_actions" and fits_suggestions:
        return {
            "text": text,
            "suggestedActions": {"actions": [card_action(b, hidden_payload=False) for b in usable]},
        }
    return {
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.hero",
                "content": {"text": text, "buttons": [card_action(b, hidden_payload=True) for b in usable]},
            }
        ]
    }


class ConnectorTokenProvider:
    """The bot's own access token for the Bot Connector, cached until shortly before expiry."""

    def __init__(
        self,
        app_id: str,
        app_password: str,
        tenant_id: str,
        login_url: str,
        session: LazySession,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.tenant_id = tenant_id
        self.token_url = f"{login_url.rstrip('/')}/{quote(tenant_id, safe='')}/oauth2/v2.0/token"
        self._session = session
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock_instance: asyncio.Lock | None = None

    async def token(self) -> str | None:
        """A valid access token, or None (logged) when Microsoft refuses to issue one."""
        if self._lock_instance is None:
            self._lock_instance = asyncio.Lock()
        async with self._lock_instance:
            if self._token and self._clock() < self._expires_at:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.app_password,
                "scope": CONNECTOR_SCOPE,
            }
            try:
                async with self._session.get().post(self.token_url, data=form) as answer:
                    data = await answer.json(content_type=None)
                    if answer.status >= 300 or not isinstance(data, dict) or not data.get("access_token"):
                        error = data.get("error") if isinstance(data, dict) else None
                        logger.error(
                            "Teams : jeton refusé par %s (HTTP %s, %s).", self.token_url, answer.status, error
                        )
                        return None
            except Exception as exc:
                logger.error("Teams : jeton non obtenu de %s (%s).", self.token_url, type(exc).__name__)
                return None
            self._token = str(data["access_token"])
            lifetime = float(data.get("expires_in") or 3600)
            self._expires_at = self._clock() + max(lifetime - TOKEN_MARGIN_SECONDS, 30)
            return self._token


@dataclass
class Conversation:
    """Where a reply goes: taken from an authenticated activity."""

    service_url: str
    conversation: dict[str, Any]
    bot: dict[str, Any]
    user: dict[str, Any]
    reply_to_id: str | None = None

    @classmethod
    def from_activity(cls, activity: dict[str, Any]) -> Conversation:
        conversation = activity.get("conversation")
        if not isinstance(conversation, dict) or not conversation.get("id"):
            raise WebhookError(400, "Activité sans conversation.")
        bot = activity.get("recipient") if isinstance(activity.get("recipient"), dict) else {}
        user = activity.get("from") if isinstance(activity.get("from"), dict) else {}
        reply_to = activity.get("id")
        return cls(
            service_url=str(activity["serviceUrl"]),
            conversation={
                k: v
                for k, v in conversation.items()
                if k in ("id", "isGroup", "conversationType", "tenantId")
            },
            bot={k: v for k, v in bot.items() if k in ("id", "name")},
            user={k: v for k, v in user.items() if k in ("id", "name")},
            reply_to_id=str(reply_to) if reply_to else None,
        )

    def activities_url(self) -> str:
        base = (
            f"{self.service_url.rstrip('/')}/v3/conversations/{quote(str(self.conversation['id']), safe='')}"
        )
        base += "/activities"
        if self.reply_to_id:
            base += f"/{quote(self.reply_to_id, safe='')}"
        return base


class TeamsOutput(OutputChannel):
    """Posts Rasa's responses to the conversation an activity came from."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    def __init__(
        self,
        conversation: Conversation,
        tokens: ConnectorTokenProvider,
        session: LazySession,
        button_style: str = "hero_card",
    ) -> None:
        self.conversation = conversation
        self.tokens = tokens
        self.session = session
        self.button_style = button_style

    async def send_activity(self, fields: dict[str, Any]) -> bool:
        """Post one message activity; True when the Bot Connector accepted it."""
        token = await self.tokens.token()
        if token is None:
            return False
        activity = {
            "type": "message",
            "from": self.conversation.bot,
            "recipient": self.conversation.user,
            "conversation": self.conversation.conversation,
            **({"replyToId": self.conversation.reply_to_id} if self.conversation.reply_to_id else {}),
            **fields,
        }
        url = self.conversation.activities_url()
        try:
            async with self.session.get().post(
                # Already percent-encoded: yarl would otherwise turn %3A back into ":".
                yarl.URL(url, encoded=True),
                json=activity,
                headers={"Authorization": f"Bearer {token}"},
            ) as answer:
                if answer.status < 300:
                    return True
                logger.error(
                    "Teams : réponse refusée par le Bot Connector (HTTP %s) : %s",
                    answer.status,
                    (await answer.text())[:500],
                )
        except Exception as exc:
            logger.error("Teams : réponse non envoyée à %s (%s).", url, type(exc).__name__)
        return False

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if text and text.strip():
            await self.send_activity({"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_activity(activity_with_buttons((text or "").strip(), buttons, self.button_style))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_activity(
            {
                "attachments": [
                    {
                        "contentType": "application/vnd.microsoft.card.hero",
                        "content": {"images": [{"url": image}]},
                    }
                ]
            }
        )

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        cards = []
        for element in elements:
            content = {k: element[k] for k in ("title", "subtitle", "text") if element.get(k)}
            buttons = element.get("buttons")
            if isinstance(buttons, list):
                content["buttons"] = [
                    card_action(b, hidden_payload=True) for b in buttons if isinstance(b, dict)
                ]
            if element.get("image_url"):
                content["images"] = [{"url": element["image_url"]}]
            cards.append({"contentType": "application/vnd.microsoft.card.hero", "content": content})
        if cards:
            await self.send_activity({"attachmentLayout": "carousel", "attachments": cards})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        # A custom response holds ready-made activity fields (an Adaptive Card, say).
        await self.send_activity(dict(json_message))
