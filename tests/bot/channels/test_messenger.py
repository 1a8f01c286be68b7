"""Messenger channel: signature and handshake checks, event parsing, outgoing formatting, and
the webhook end to end (real Sanic server, real Graph API stand-in on loopback).

Payload shapes follow Meta's webhook reference (messages, messaging_postbacks,
message_echoes, message_deliveries, message_reads).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import uuid
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bench.services import REDIS_URL
from bot.channels.messenger import (
    MessengerInput,
    extract_events,
    handshake_answer,
    messenger_signature,
    verify_signature,
)
from bot.channels.messenger_output import (
    MAX_QUICK_REPLIES,
    MAX_TEXT_CHARS,
    appsecret_proof,
    messages_for_buttons,
    plain_text,
    split_text,
)
from bot.channels.webhook import Deduplicator, WebhookError
from bot.channels.wording import ATTACHMENT_REPLY, UNAVAILABLE_TEXT
from tests.bot.channels.conftest import StandIn, serve_channel
from tests.conftest import require_services

APP_SECRET = "0123456789abcdef0123456789abcdef"
PAGE_TOKEN = "EAAG-page-access-token-for-tests"
VERIFY_TOKEN = "jeton-de-verification-choisi"
PAGE_ID = "104857600000001"
USER = "6789012345678901"
OTHER_USER = "7789012345678902"


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def text_event(sender: str, text: str, mid: str) -> dict[str, Any]:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1732300000000,
        "message": {"mid": mid, "text": text},
    }


def envelope(*entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [
            {"id": PAGE_ID, "time": 1732300000000 + i, "messaging": messaging}
            for i, messaging in enumerate(entries)
        ],
    }


def channel(stand_in: StandIn, **options: Any) -> MessengerInput:
    return MessengerInput(VERIFY_TOKEN, APP_SECRET, PAGE_TOKEN, graph_api_url=stand_in.graph_url, **options)


# --- signature ---------------------------------------------------------------------------


def test_signature_matches_metas_documented_scheme() -> None:
    body = b'{"object":"page","entry":[]}'
    expected = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert messenger_signature(APP_SECRET, body) == f"sha256={expected}"


@pytest.mark.parametrize(
    ("header", "valid"),
    [
        (sign(b"payload"), True),
        (sign(b"payload").upper().replace("SHA256=", "sha256="), True),  # hex case is irrelevant
        (sign(b"payload", secret="another-secret"), False),
        (sign(b"payload!"), False),
        ("sha1=" + hmac.new(APP_SECRET.encode(), b"payload", hashlib.sha1).hexdigest(), False),
        (sign(b"payload")[7:], False),  # digest without the sha256= prefix
        ("sha256=", False),
        ("", False),
        (None, False),
        ("sha256=é" * 10, False),
    ],
)
def test_verify_signature(header: str | None, valid: bool) -> None:
    assert verify_signature(APP_SECRET, b"payload", header) is valid


def test_no_secret_never_validates() -> None:
    assert verify_signature("", b"payload", sign(b"payload", secret="")) is False


def test_appsecret_proof_is_hmac_of_the_token() -> None:
    expected = hmac.new(APP_SECRET.encode(), PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()
    assert appsecret_proof(PAGE_TOKEN, APP_SECRET) == expected


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        (
            {"hub.mode": ["subscribe"], "hub.verify_token": [VERIFY_TOKEN], "hub.challenge": ["1158201444"]},
            "1158201444",
        ),
        ({"hub.mode": ["unsubscribe"], "hub.verify_token": [VERIFY_TOKEN], "hub.challenge": ["1"]}, None),
        ({"hub.mode": ["subscribe"], "hub.verify_token": ["wrong"], "hub.challenge": ["1"]}, None),
        ({"hub.mode": ["subscribe"], "hub.challenge": ["1"]}, None),
        ({"hub.mode": ["subscribe"], "hub.verify_token": [VERIFY_TOKEN]}, None),
        ({}, None),
    ],
)
def test_handshake_answer(args: dict[str, list[str]], answer: str | None) -> None:
    assert handshake_answer(args, VERIFY_TOKEN) == answer


def test_handshake_refused_when_no_verify_token_configured() -> None:
    args = {"hub.mode": ["subscribe"], "hub.verify_token": [""], "hub.challenge": ["1"]}
    assert handshake_answer(args, "") is None


# --- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["app_secret", "page_access_token", "verify_token"])
def test_refuses_to_start_without_a_secret(missing: str) -> None:
    credentials = {"verify_token": VERIFY_TOKEN, "app_secret": APP_SECRET, "page_access_token": PAGE_TOKEN}
    credentials[missing] = ""
    with pytest.raises(ValueError, match=missing):
        MessengerInput.from_credentials(credentials)


def test_from_credentials_reads_every_option() -> None:
    built = MessengerInput.from_credentials(
        {
            "verify_token": VERIFY_TOKEN,
            "app_secret": APP_SECRET,
            "page_access_token": PAGE_TOKEN,
            "graph_api_url": "http://127.0.0.1:9/v19.0",
            "max_body_bytes": "1024",
        }
    )
    assert isinstance(built, MessengerInput)
    assert built.graph_api_url == "http://127.0.0.1:9/v19.0"
    assert built.max_body_bytes == 1024
    assert built.name() == "facebook"


def test_rejects_a_nonsense_size_limit() -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        MessengerInput.from_credentials(
            {"verify_token": "v", "app_secret": "s", "page_access_token": "t", "max_body_bytes": "64k"}
        )


# --- incoming events ---------------------------------------------------------------------


def test_extract_events_keeps_order_and_drops_echoes_and_receipts() -> None:
    payload = envelope(
        [
            text_event(USER, "c'est quoi une CPTS ?", "m_1"),
            {  # echo of the page's own answer
                "sender": {"id": PAGE_ID},
                "recipient": {"id": USER},
                "timestamp": 1732300000001,
                "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m_echo", "text": "Bonjour"},
            },
            {
                "sender": {"id": USER},
                "recipient": {"id": PAGE_ID},
                "delivery": {"mids": ["m_echo"], "watermark": 1732300000001},
            },
        ],
        [
            {
                "sender": {"id": OTHER_USER},
                "recipient": {"id": PAGE_ID},
                "timestamp": 1732300000002,
                "message": {
                    "mid": "m_2",
                    "text": "Financements",
                    "quick_reply": {"payload": "/ask_funding"},
                },
            },
            {"sender": {"id": USER}, "recipient": {"id": PAGE_ID}, "read": {"watermark": 1732300000002}},
            {
                "sender": {"id": USER},
                "recipient": {"id": PAGE_ID},
                "timestamp": 1732300000003,
                "postback": {"title": "Créer une MSP", "payload": "/ask_creation", "mid": "m_3"},
            },
            {
                "sender": {"id": USER},
                "recipient": {"id": PAGE_ID},
                "timestamp": 1732300000004,
                "message": {
                    "mid": "m_4",
                    "attachments": [
                        {"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/v/x.jpg"}}
                    ],
                },
            },
        ],
    )
    events = extract_events(payload)
    assert [(e.sender_id, e.kind, e.text, e.event_id) for e in events] == [
        (USER, "text", "c'est quoi une CPTS ?", "m_1"),
        (OTHER_USER, "text", "/ask_funding", "m_2"),
        (USER, "text", "/ask_creation", "m_3"),
        (USER, "attachment", "", "m_4"),
    ]


@pytest.mark.parametrize("entry", [None, "x", {"id": 1}])
def test_extract_events_rejects_a_malformed_envelope(entry: Any) -> None:
    with pytest.raises(WebhookError) as caught:
        extract_events({"object": "page", "entry": entry})
    assert caught.value.status == 400


def test_extract_events_skips_malformed_items() -> None:
    payload = {
        "object": "page",
        "entry": [
            "not an entry",
            {"id": PAGE_ID, "messaging": "not a list"},
            {"id": PAGE_ID, "messaging": [42, {"message": {"text": "sans expéditeur"}}]},
            {"id": PAGE_ID, "messaging": [text_event(USER, "   ", "m_blank")]},
        ],
    }
    assert extract_events(payload) == []


# --- outgoing formatting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**Financement – MSP**\n• ACI", "Financement – MSP\n• ACI"),
        ("**a** et **b**", "a et b"),
        # A lone pair of asterisks is not markup: it stays.
        ("5 ** 2", "5 ** 2"),
    ],
)
def test_plain_text_drops_bold_marks(text: str, expected: str) -> None:
    assert plain_text(text) == expected


def test_split_text_keeps_short_texts_whole() -> None:
    text = "Une CPTS regroupe des professionnels d'un territoire.\n\nSource : ARS Bretagne, 2019."
    assert split_text(text) == [text]


def test_split_text_cuts_under_the_limit_at_paragraphs() -> None:
    paragraphs = [f"Paragraphe {i} : " + "mot " * 120 for i in range(10)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_TEXT_CHARS for part in parts)
    assert all(part.startswith("Paragraphe") for part in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_split_text_cuts_a_word_longer_than_the_limit() -> None:
    parts = split_text("x" * 4500)
    assert [len(p) for p in parts] == [2000, 2000, 500]


def buttons(count: int) -> list[dict[str, str]]:
    return [{"title": f"Choix {i}", "payload": f'/inform{{"n": {i}}}'} for i in range(count)]


def test_up_to_three_buttons_use_the_button_template() -> None:
    (message,) = messages_for_buttons("Que souhaitez-vous savoir ?", buttons(3))
    template = message["attachment"]["payload"]
    assert template["template_type"] == "button"
    assert template["text"] == "Que souhaitez-vous savoir ?"
    assert template["buttons"] == [
        {"type": "postback", "title": f"Choix {i}", "payload": f'/inform{{"n": {i}}}'} for i in range(3)
    ]


def test_more_than_three_buttons_become_quick_replies_capped_at_13() -> None:
    (message,) = messages_for_buttons("Choisissez une structure.", buttons(15))
    assert message["text"] == "Choisissez une structure."
    assert len(message["quick_replies"]) == MAX_QUICK_REPLIES
    assert message["quick_replies"][0] == {
        "content_type": "text",
        "title": "Choix 0",
        "payload": '/inform{"n": 0}',
    }


def test_long_titles_are_shortened_to_messengers_20_characters() -> None:
    (message,) = messages_for_buttons("Texte", [{"title": "Différence MSP / CPTS", "payload": "/x"}])
    title = message["attachment"]["payload"]["buttons"][0]["title"]
    assert len(title) <= 20
    assert title.endswith("…")


def test_long_text_with_buttons_is_split_and_buttons_go_last() -> None:
    text = ("Une phrase sur les financements des MSP. " * 80).strip()
    messages = messages_for_buttons(text, buttons(5))
    assert len(messages) >= 2
    assert all(len(m["text"]) <= MAX_TEXT_CHARS for m in messages)
    assert "quick_replies" not in messages[0]
    assert len(messages[-1]["quick_replies"]) == 5


def test_long_text_with_few_buttons_keeps_the_template_text_under_640() -> None:
    text = ("Une phrase sur les financements des CPTS. " * 60).strip()
    messages = messages_for_buttons(text, buttons(2))
    plain, template = messages[:-1], messages[-1]["attachment"]["payload"]
    assert all(len(m["text"]) <= MAX_TEXT_CHARS for m in plain)
    assert len(template["text"]) <= 640
    shown = [m["text"] for m in plain] + [template["text"]]
    assert " ".join(" ".join(shown).split()) == " ".join(text.split())


def test_url_buttons_become_links_in_the_template() -> None:
    (message,) = messages_for_buttons("Contact", [{"title": "Site ARS", "url": "https://www.ars.sante.fr"}])
    assert message["attachment"]["payload"]["buttons"] == [
        {"type": "web_url", "url": "https://www.ars.sante.fr", "title": "Site ARS"}
    ]


# --- the webhook, end to end -------------------------------------------------------------


async def post(
    http: aiohttp.ClientSession, url: str, body: bytes, signature: str | None
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    async with http.post(f"{url}/webhook", data=body, headers=headers) as answer:
        return answer.status, await answer.json(content_type=None)


async def test_handshake_over_http(stand_in: StandIn, http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(stand_in)) as served:
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
        async with http.get(f"{served.url}/webhook", params=query) as answer:
            assert (answer.status, await answer.text()) == (200, "1158201444")
        for bad in (
            {**query, "hub.verify_token": "devine"},
            {**query, "hub.mode": "unsubscribe"},
            {"hub.challenge": "1"},
        ):
            async with http.get(f"{served.url}/webhook", params=bad) as answer:
                assert answer.status == 403
                assert "1" not in await answer.text()


async def test_batched_post_with_three_events_gets_three_answers(
    stand_in: StandIn, http: aiohttp.ClientSession
) -> None:
    payload = envelope(
        [
            text_event(USER, "c'est quoi une CPTS ?", "m_a1"),
            {"sender": {"id": USER}, "recipient": {"id": PAGE_ID}, "read": {"watermark": 1732300000000}},
            {
                "sender": {"id": PAGE_ID},
                "recipient": {"id": USER},
                "timestamp": 1732300000001,
                "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m_echo", "text": "Bonjour"},
            },
        ],
        [
            {
                "sender": {"id": OTHER_USER},
                "recipient": {"id": PAGE_ID},
                "timestamp": 1732300000002,
                "message": {
                    "mid": "m_a2",
                    "text": "Financements",
                    "quick_reply": {"payload": "/ask_funding"},
                },
            },
            {
                "sender": {"id": USER},
                "recipient": {"id": PAGE_ID},
                "delivery": {"mids": ["m_echo"], "watermark": 1732300000001},
            },
            {
                "sender": {"id": USER},
                "recipient": {"id": PAGE_ID},
                "timestamp": 1732300000003,
                "postback": {"title": "Créer une MSP", "payload": "/ask_creation", "mid": "m_a3"},
            },
        ],
    )
    body = json.dumps(payload).encode()
    async with serve_channel(channel(stand_in)) as served:
        status, _ = await post(http, served.url, body, sign(body))
        assert status == 200
        sent = await stand_in.wait_for("/v19.0/me/messages", 3)
        assert [m.text for m in served.received] == ["c'est quoi une CPTS ?", "/ask_funding", "/ask_creation"]
        # Stored in the Messenger namespace; Meta still gets the bare page-scoped ids.
        assert [m.sender_id for m in served.received] == [f"messenger:{u}" for u in (USER, OTHER_USER, USER)]
        assert {m.input_channel for m in served.received} == {"facebook"}

    assert len(stand_in.calls("/v19.0/me/messages")) == 3
    assert [s.json() for s in sent] == [
        {
            "recipient": {"id": recipient},
            "messaging_type": "RESPONSE",
            "message": {"text": f"Bonjour ! Vous avez écrit : {text}"},
        }
        for recipient, text in [
            (USER, "c'est quoi une CPTS ?"),
            (OTHER_USER, "/ask_funding"),
            (USER, "/ask_creation"),
        ]
    ]
    for call in sent:
        assert call.query == {
            "access_token": PAGE_TOKEN,
            "appsecret_proof": appsecret_proof(PAGE_TOKEN, APP_SECRET),
        }


async def test_redelivered_event_is_answered_once(stand_in: StandIn, http: aiohttp.ClientSession) -> None:
    body = json.dumps(envelope([text_event(USER, "bonjour", "m_same")])).encode()
    async with serve_channel(channel(stand_in)) as served:
        for _ in range(2):
            assert (await post(http, served.url, body, sign(body)))[0] == 200
        sentinel = json.dumps(envelope([text_event(USER, "merci", "m_next")])).encode()
        assert (await post(http, served.url, sentinel, sign(sentinel)))[0] == 200
        await stand_in.wait_for("/v19.0/me/messages", 2)
    assert [m.text for m in served.received] == ["bonjour", "merci"]


async def test_forged_or_unsigned_posts_are_refused_logged_and_unanswered(
    stand_in: StandIn, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(envelope([text_event(USER, "message falsifié", "m_forged")])).encode()
    legacy = "sha1=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha1).hexdigest()
    attempts = [
        None,
        "",
        legacy,
        sign(body, secret="not-the-app-secret"),
        sign(body + b" "),
        sign(body)[:-2],
    ]
    async with serve_channel(channel(stand_in)) as served:
        with caplog.at_level(logging.WARNING, logger="bot.channels.messenger"):
            for signature in attempts:
                status, answer = await post(http, served.url, body, signature)
                assert status == 403, signature
                assert "X-Hub-Signature-256" in answer["error"]
        # A valid request afterwards: once its answer is out, no earlier one can still come.
        good = json.dumps(envelope([text_event(USER, "message authentique", "m_good")])).encode()
        assert (await post(http, served.url, good, sign(good)))[0] == 200
        await stand_in.wait_for("/v19.0/me/messages", 1)

    assert [m.text for m in served.received] == ["message authentique"]
    assert len(stand_in.calls("/v19.0/me/messages")) == 1
    refusals = [r for r in caplog.records if "signature" in r.getMessage()]
    assert len(refusals) == len(attempts)


async def test_size_limit_and_malformed_json(stand_in: StandIn, http: aiohttp.ClientSession) -> None:
    async with serve_channel(channel(stand_in, max_body_bytes=2048)) as served:
        big = json.dumps(envelope([text_event(USER, "x" * 4000, "m_big")])).encode()
        status, answer = await post(http, served.url, big, sign(big))
        assert status == 413
        assert "2048" in answer["error"]

        async def chunked() -> Any:
            for _ in range(10):
                yield b" " * 1024

        async with http.post(
            f"{served.url}/webhook", data=chunked(), headers={"X-Hub-Signature-256": "sha256=00"}
        ) as response:
            assert response.status == 413

        # Broken chunked encoding: a clear 400, not a 500.
        reader, writer = await asyncio.open_connection(*served.url.split("//")[1].split("/")[0].split(":"))
        writer.write(
            b"POST /webhooks/facebook/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
        )
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 400"), status_line

        for malformed in (b"{not json", b"[1, 2]", '"é"'.encode("latin-1")):
            status, answer = await post(http, served.url, malformed, sign(malformed))
            assert status == 400, malformed
            assert "JSON" in answer["error"]

        status, _ = await post(
            http, served.url, b'{"object": "page", "entry": 3}', sign(b'{"object": "page", "entry": 3}')
        )
        assert status == 400

        # The server is still up and answers a normal request.
        good = json.dumps(envelope([text_event(USER, "toujours là ?", "m_alive")])).encode()
        assert (await post(http, served.url, good, sign(good)))[0] == 200
        await stand_in.wait_for("/v19.0/me/messages", 1)
    assert [m.text for m in served.received] == ["toujours là ?"]


async def test_attachment_gets_a_polite_text_only_answer(
    stand_in: StandIn, http: aiohttp.ClientSession
) -> None:
    event = {
        "sender": {"id": USER},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1732300000000,
        "message": {
            "mid": "m_img",
            "attachments": [
                {"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/v/photo.jpg"}}
            ],
        },
    }
    body = json.dumps(envelope([event])).encode()
    async with serve_channel(channel(stand_in)) as served:
        assert (await post(http, served.url, body, sign(body)))[0] == 200
        (sent,) = await stand_in.wait_for("/v19.0/me/messages", 1)
    assert served.received == []
    assert sent.json()["message"] == {"text": ATTACHMENT_REPLY}
    assert sent.json()["recipient"] == {"id": USER}


async def test_other_objects_are_acknowledged_and_ignored(
    stand_in: StandIn, http: aiohttp.ClientSession
) -> None:
    body = json.dumps({"object": "instagram", "entry": [{"id": "1", "messaging": []}]}).encode()
    async with serve_channel(channel(stand_in)) as served:
        status, answer = await post(http, served.url, body, sign(body))
    assert (status, answer) == (200, {"status": "ignored"})
    assert served.received == []


async def test_buttons_and_long_answers_reach_the_graph_api_in_messenger_shapes(
    stand_in: StandIn, http: aiohttp.ClientSession
) -> None:
    long_text = "\n\n".join(f"Point {i} : " + "les MSP reçoivent des financements. " * 20 for i in range(6))

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": "Quelle structure ?", "buttons": buttons(5)}
        )
        await message.output_channel.send_response(
            message.sender_id, {"text": "**MSP / CPTS** en bref :", "buttons": buttons(2)}
        )
        await message.output_channel.send_response(message.sender_id, {"text": long_text})

    body = json.dumps(envelope([text_event(USER, "aide", "m_help")])).encode()
    async with serve_channel(channel(stand_in), reply) as served:
        assert (await post(http, served.url, body, sign(body)))[0] == 200
        expected_parts = len(split_text(long_text))
        sent = await stand_in.wait_for("/v19.0/me/messages", 2 + expected_parts)
    assert expected_parts >= 2
    messages = [s.json()["message"] for s in sent]
    assert messages[0]["text"] == "Quelle structure ?"
    assert [q["payload"] for q in messages[0]["quick_replies"]] == [b["payload"] for b in buttons(5)]
    assert messages[1]["attachment"]["payload"]["template_type"] == "button"
    # Messenger shows Markdown as typed: the bold marks are dropped, the words kept.
    assert messages[1]["attachment"]["payload"]["text"] == "MSP / CPTS en bref :"
    assert len(messages[1]["attachment"]["payload"]["buttons"]) == 2
    texts = [m["text"] for m in messages[2:]]
    assert all(len(t) <= MAX_TEXT_CHARS for t in texts)
    assert " ".join(" ".join(texts).split()) == " ".join(long_text.split())


async def test_graph_api_errors_do_not_crash_the_webhook(
    http: aiohttp.ClientSession, closed_url: str
) -> None:
    # Nothing listens there: every send fails, the webhook still answers.
    broken = MessengerInput(VERIFY_TOKEN, APP_SECRET, PAGE_TOKEN, graph_api_url=f"{closed_url}/v19.0")
    body = json.dumps(envelope([text_event(USER, "bonjour", "m_x")])).encode()
    async with serve_channel(broken) as served:
        assert (await post(http, served.url, body, sign(body)))[0] == 200
        assert (
            await post(http, served.url, body.replace(b"m_x", b"m_y"), sign(body.replace(b"m_x", b"m_y")))
        )[0] == 200
    assert [m.text for m in served.received] == ["bonjour", "bonjour"]


# --- issue 14: namespaced ids, shared de-duplication, failures answered --------------------


async def test_a_failed_turn_is_answered_politely(stand_in: StandIn, http: aiohttp.ClientSession) -> None:
    """The webhook has already said 200, so Meta will not redeliver: the user is told."""

    async def database_down(message: UserMessage) -> None:
        raise ConnectionError("tracker store unreachable")

    body = json.dumps(envelope([text_event(USER, "bonjour", "m_down")])).encode()
    async with serve_channel(channel(stand_in), database_down) as served:
        assert (await post(http, served.url, body, sign(body)))[0] == 200
        (sent,) = await stand_in.wait_for("/v19.0/me/messages", 1)
    assert served.received[0].sender_id == f"messenger:{USER}"
    assert sent.json()["recipient"] == {"id": USER}
    assert sent.json()["message"] == {"text": UNAVAILABLE_TEXT}


@pytest.mark.services
async def test_redelivery_to_another_instance_is_ignored(
    stand_in: StandIn, http: aiohttp.ClientSession
) -> None:
    require_services()
    label = f"messenger-test-{uuid.uuid4().hex}"
    first = channel(stand_in, dedup=Deduplicator(label, REDIS_URL))
    second = channel(stand_in, dedup=Deduplicator(label, REDIS_URL))
    body = json.dumps(envelope([text_event(USER, "une seule réponse", "m_once")])).encode()
    async with serve_channel(first) as one, serve_channel(second) as two:
        assert (await post(http, one.url, body, sign(body)))[0] == 200
        assert (await post(http, two.url, body, sign(body)))[0] == 200
        await stand_in.wait_for("/v19.0/me/messages", 1)
        await asyncio.sleep(0.3)
    assert len(one.received) + len(two.received) == 1
    assert len(stand_in.calls("/v19.0/me/messages")) == 1


async def test_deduplication_falls_back_to_memory_without_redis(
    closed_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    dedup = Deduplicator("messenger", closed_url.replace("http", "redis"))
    try:
        assert [await dedup.first_time(i) for i in ("a", "a", "b", None, None)] == [
            True,
            False,
            True,
            True,
            True,
        ]
    finally:
        await dedup.close()
    assert "Redis injoignable" in caplog.text
