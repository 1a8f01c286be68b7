"""Replies to Messenger: Rasa's responses as Send API messages, sent with aiohttp.

Messenger shows ``**bold**`` as asterisks and refuses texts over 2,000 characters, button
templates with more than 3 buttons and template texts over 640 characters: the answer is
cleaned, split at natural breaks, and more than 3 buttons become quick replies. Errors of the
Send API are logged, never raised to Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.identity import MESSENGER, platform_id
from bot.channels.webhook import LazySession

logger = logging.getLogger(__name__)

# Limits of the Send API (developers.facebook.com/docs/messenger-platform/reference/send-api).
MAX_TEXT_CHARS = 2000
MAX_TEMPLATE_TEXT_CHARS = 640
MAX_TEMPLATE_BUTTONS = 3
MAX_QUICK_REPLIES = 13
MAX_TITLE_CHARS = 20
MAX_PAYLOAD_CHARS = 1000


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the access token, required by apps with "Require App Secret" on."""
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"), hashlib.sha256).hexdigest()


BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def plain_text(text: str) -> str:
    """The answer without its ``**bold**`` marks, which Messenger would show as asterisks."""
    return BOLD.sub(r"\1", text)


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` characters, at the most natural break.

    Paragraph breaks are preferred, then line breaks, then sentence ends, then spaces; a
    word longer than ``limit`` is cut where it must be.
    """
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            position = window.rfind(separator)
            # A break in the first quarter would leave a stub; look for a coarser one.
            if position > limit // 4:
                cut = position + (1 if separator == ". " else 0)
                break
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def _short(value: str, limit: int) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _button_title(button: dict[str, Any]) -> str:
    return _short(str(button.get("title") or button.get("payload") or ""), MAX_TITLE_CHARS)


def _button_payload(button: dict[str, Any]) -> str:
    return str(button.get("payload") or button.get("title") or "")[:MAX_PAYLOAD_CHARS]


def template_button(button: dict[str, Any]) -> dict[str, Any]:
    """A Rasa button as a button-template button: a link if it has a URL, else a postback."""
    if button.get("url"):
        return {"type": "web_url", "url": str(button["url"]), "title": _button_title(button)}
    return {"type": "postback", "title": _button_title(button), "payload": _button_payload(button)}


def quick_reply(button: dict[str, Any]) -> dict[str, Any]:
    return {"content_type": "text", "title": _button_title(button), "payload": _button_payload(button)}


def messages_for_buttons(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Send API ``message`` objects that show ``text`` with ``buttons``.

    Up to 3 buttons fit in a button template; more become quick replies (at most 13, the
    platform's limit), which cannot carry links. Text too long for the template or for one
    message goes first, as plain messages.
    """
    text = text or ""
    usable = [b for b in buttons if isinstance(b, dict) and (b.get("title") or b.get("payload"))]
    if not usable:
        return [{"text": part} for part in split_text(text)]
    if len(usable) <= MAX_TEMPLATE_BUTTONS:
        # Plain messages may be long; only the part shown with the buttons has the
        # template's shorter limit.
        parts = split_text(text) or [""]
        parts = parts[:-1] + (split_text(parts[-1], MAX_TEMPLATE_TEXT_CHARS) or [""])
        head, last = parts[:-1], parts[-1]
        messages: list[dict[str, Any]] = [{"text": part} for part in head]
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        # The template requires a non-empty text.
                        "text": last or "…",
                        "buttons": [template_button(b) for b in usable],
                    },
                }
            }
        )
        return messages
    replies = [b for b in usable if not b.get("url")]
    if len(replies) > MAX_QUICK_REPLIES:
        logger.warning(
            "Messenger : %d boutons, seuls les %d premiers sont envoyés.", len(replies), MAX_QUICK_REPLIES
        )
    parts = split_text(text) or ["…"]
    messages = [{"text": part} for part in parts]
    if replies:
        messages[-1]["quick_replies"] = [quick_reply(b) for b in replies[:MAX_QUICK_REPLIES]]
    return messages


class GraphClient:
    """Calls the Send API with the page token; errors are logged, never raised to Rasa."""

    def __init__(self, page_access_token: str, app_secret: str, graph_api_url: str) -> None:
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.graph_api_url = graph_api_url.rstrip("/")
        self.session = LazySession()

    async def send_message(self, recipient_id: str, message: dict[str, Any]) -> bool:
        """Send one ``message`` object to a page-scoped user id; True when Meta accepted it.

        ``recipient_id`` may be the conversation's namespaced sender id (``messenger:<PSID>``).
        """
        body = {
            "recipient": {"id": platform_id(MESSENGER, recipient_id)},
            "messaging_type": "RESPONSE",
            "message": message,
        }
        params = {
            "access_token": self.page_access_token,
            "appsecret_proof": appsecret_proof(self.page_access_token, self.app_secret),
        }
        try:
            async with self.session.get().post(
                f"{self.graph_api_url}/me/messages", params=params, json=body
            ) as answer:
                if answer.status < 300:
                    return True
                detail = (await answer.text())[:500]
                logger.error("Messenger : envoi refusé (HTTP %s) : %s", answer.status, detail)
        except Exception as exc:
            # The URL holds the token: log the error's kind only.
            logger.error("Messenger : envoi impossible (%s).", type(exc).__name__)
        return False

    async def close(self) -> None:
        await self.session.close()


class MessengerOutput(OutputChannel):
    """Sends Rasa's responses through the Send API."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, client: GraphClient) -> None:
        self.client = client

    async def _send_all(self, recipient_id: str, messages: Iterable[dict[str, Any]]) -> None:
        for message in messages:
            await self.client.send_message(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_all(recipient_id, ({"text": part} for part in split_text(plain_text(text or ""))))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_all(recipient_id, messages_for_buttons(plain_text(text or ""), buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        messages = [{"text": part} for part in split_text(plain_text(text or ""))] or [{"text": "…"}]
        replies = [quick_reply(b) for b in quick_replies if isinstance(b, dict)][:MAX_QUICK_REPLIES]
        if replies:
            messages[-1]["quick_replies"] = replies
        await self._send_all(recipient_id, messages)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.client.send_message(
            recipient_id,
            {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}},
        )

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        cards = []
        for element in elements:
            card = dict(element)
            if isinstance(card.get("buttons"), list):
                card["buttons"] = [template_button(b) for b in card["buttons"][:MAX_TEMPLATE_BUTTONS]]
            cards.append(card)
        await self.client.send_message(
            recipient_id,
            {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": cards}}},
        )

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        # A custom response is a ready-made Send API ``message`` object.
        await self.client.send_message(recipient_id, json_message)
