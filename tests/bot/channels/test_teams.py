"""Teams / Bot Framework channel end to end: a real Sanic server with the channel, and a
stand-in on loopback for Microsoft's OpenID metadata, JWKS, token endpoint and Bot
Connector. Tokens are signed with a test RSA key published in that JWKS.

Activity shapes follow Microsoft's Teams and Bot Connector documentation.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.teams import TeamsInput, strip_bot_mentions
from bot.channels.teams_output import CONNECTOR_SCOPE, activity_with_buttons
from bot.channels.wording import ATTACHMENT_REPLY, UNAVAILABLE_TEXT
from tests.bot.channels.conftest import APP_ID, TENANT_ID, KeyPair, StandIn, make_token, serve_channel

BOT_ID = f"28:{APP_ID}"
USER_ID = "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw"
CONVERSATION_ID = "a:1Bfq5UKcC8RDbs6mZ1vP0Z4uXl3nYvXw-9x5n_oUMW3p4zKr1wQTY8gSdZ2MQnEj6bgXz7yHqvQ"
BOT_SECRET = "bot-client-secret-for-tests"


def message_activity(
    service_url: str, text: str, activity_id: str = "1732269600123", **extra: Any
) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "text": text,
        "textFormat": "plain",
        "type": "message",
        "timestamp": "2024-11-22T10:00:00.1234567Z",
        "localTimestamp": "2024-11-22T11:00:00.1234567+01:00",
        "id": activity_id,
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {
            "id": USER_ID,
            "name": "Dr Claire Martin",
            "aadObjectId": "6be4a4a1-3c1f-4b7e-9d2e-0f5a1c2b3d4e",
        },
        "conversation": {"conversationType": "personal", "tenantId": TENANT_ID, "id": CONVERSATION_ID},
        "recipient": {"id": BOT_ID, "name": "Assistant exercice coordonné"},
        "entities": [
            {
                "locale": "fr-FR",
                "country": "FR",
                "platform": "Web",
                "timezone": "Europe/Paris",
                "type": "clientInfo",
            }
        ],
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": "fr-FR",
        "localTimezone": "Europe/Paris",
    }
    activity.update(extra)
    return activity


def mention_activity(service_url: str) -> dict[str, Any]:
    activity = message_activity(service_url, "<at>Assistant</at> c'est quoi une CPTS ?")
    activity["entities"].insert(
        0,
        {"mentioned": {"id": BOT_ID, "name": "Assistant"}, "text": "<at>Assistant</at>", "type": "mention"},
    )
    return activity


def conversation_update(service_url: str, members: list[str]) -> dict[str, Any]:
    return {
        "membersAdded": [{"id": member} for member in members],
        "type": "conversationUpdate",
        "timestamp": "2024-11-22T09:59:00.000Z",
        "id": "f:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": USER_ID, "aadObjectId": "6be4a4a1-3c1f-4b7e-9d2e-0f5a1c2b3d4e"},
        "conversation": {"conversationType": "personal", "tenantId": TENANT_ID, "id": CONVERSATION_ID},
        "recipient": {"id": BOT_ID, "name": "Assistant exercice coordonné"},
        "channelData": {"tenant": {"id": TENANT_ID}},
    }


def channel(stand_in: StandIn, **options: Any) -> TeamsInput:
    return TeamsInput(
        APP_ID,
        BOT_SECRET,
        tenant_id=TENANT_ID,
        openid_metadata_url=stand_in.openid_url,
        login_url=stand_in.base_url,
        **options,
    )


@pytest.fixture
def jwks(stand_in: StandIn, trusted_key: KeyPair, webchat_key: KeyPair) -> StandIn:
    stand_in.jwks = {"keys": [trusted_key.jwk(["msteams", "skype"]), webchat_key.jwk(["webchat"])]}
    return stand_in


async def post(
    http: aiohttp.ClientSession, url: str, activity: Any, token: str | None, *, raw: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = raw if raw is not None else json.dumps(activity).encode()
    async with http.post(f"{url}/webhook", data=body, headers=headers) as answer:
        return answer.status, await answer.json(content_type=None)


def connector_path(activity_id: str | None = "1732269600123") -> str:
    path = f"/emea/v3/conversations/{quote(CONVERSATION_ID, safe='')}/activities"
    return f"{path}/{activity_id}" if activity_id else path


# --- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        (
            "<at>Assistant</at> c'est quoi une CPTS ?",
            [
                {
                    "type": "mention",
                    "mentioned": {"id": BOT_ID, "name": "Assistant"},
                    "text": "<at>Assistant</at>",
                }
            ],
            "c'est quoi une CPTS ?",
        ),
        (
            "Bonjour <at>Assistant</at>, et pour une MSP ?",
            [
                {
                    "type": "mention",
                    "mentioned": {"id": BOT_ID, "name": "Assistant"},
                    "text": "<at>Assistant</at>",
                }
            ],
            "Bonjour , et pour une MSP ?",
        ),
        (
            "<at>Assistant</at> demande à <at>Paul</at>",
            [
                {
                    "type": "mention",
                    "mentioned": {"id": BOT_ID, "name": "Assistant"},
                    "text": "<at>Assistant</at>",
                },
                {"type": "mention", "mentioned": {"id": "29:paul", "name": "Paul"}, "text": "<at>Paul</at>"},
            ],
            "demande à <at>Paul</at>",
        ),
        ("sans mention", None, "sans mention"),
        ("", [], ""),
    ],
)
def test_strip_bot_mentions(text: str, entities: Any, expected: str) -> None:
    assert strip_bot_mentions(text, entities, BOT_ID) == expected


BUTTONS = [
    {"title": "Différence MSP / CPTS", "payload": '/ask_difference{"structure": ["msp", "cpts"]}'},
    {"title": "Financements", "payload": "/ask_funding"},
]


def test_hero_card_buttons_send_the_payload_and_show_the_title() -> None:
    fields = activity_with_buttons("Que souhaitez-vous savoir ?", BUTTONS, "hero_card")
    (card,) = fields["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["text"] == "Que souhaitez-vous savoir ?"
    assert card["content"]["buttons"][0] == {
        "type": "messageBack",
        "title": "Différence MSP / CPTS",
        "text": '/ask_difference{"structure": ["msp", "cpts"]}',
        "displayText": "Différence MSP / CPTS",
    }


def test_suggested_actions_use_imback_and_fall_back_to_a_card_beyond_three() -> None:
    fields = activity_with_buttons("Choisissez :", BUTTONS, "suggested_actions")
    assert fields["text"] == "Choisissez :"
    assert fields["suggestedActions"]["actions"] == [
        {"type": "imBack", "title": b["title"], "value": b["payload"]} for b in BUTTONS
    ]
    many = BUTTONS + [{"title": f"Choix {i}", "payload": f"/c{i}"} for i in range(3)]
    assert "attachments" in activity_with_buttons("Choisissez :", many, "suggested_actions")


def test_configuration_errors_are_explicit() -> None:
    with pytest.raises(ValueError, match="app_password"):
        TeamsInput.from_credentials({"app_id": APP_ID, "app_password": ""})
    with pytest.raises(ValueError, match="button_style"):
        TeamsInput.from_credentials({"app_id": APP_ID, "app_password": "x", "button_style": "carrousel"})
    built = TeamsInput.from_credentials({"app_id": APP_ID, "app_password": "x", "tenant_id": TENANT_ID})
    assert isinstance(built, TeamsInput)
    assert built.tokens.token_url == f"https://login.microsoftonline.com/{TENANT_ID}/oauth2/v2.0/token"
    multi = TeamsInput.from_credentials({"app_id": APP_ID, "app_password": "x"})
    assert multi.tokens.token_url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"  # type: ignore[attr-defined]


# --- the webhook, end to end -------------------------------------------------------------


async def test_message_with_mention_is_answered_in_its_conversation(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    async with serve_channel(channel(jwks)) as served:
        token = make_token(trusted_key, service_url=jwks.service_url)
        status, _ = await post(http, served.url, mention_activity(jwks.service_url), token)
        assert status == 200
        (reply,) = await jwks.wait_for("/emea/", 1)

    (message,) = served.received
    assert message.text == "c'est quoi une CPTS ?"
    # One tracker per Teams conversation, in the Teams namespace (not the user across conversations).
    assert message.sender_id == f"teams:{CONVERSATION_ID}"
    assert message.input_channel == "botframework"

    (token_request,) = jwks.calls(f"/{TENANT_ID}/oauth2/v2.0/token")
    assert token_request.form() == {
        "grant_type": "client_credentials",
        "client_id": APP_ID,
        "client_secret": BOT_SECRET,
        "scope": CONNECTOR_SCOPE,
    }
    assert reply.raw_path == connector_path()
    assert reply.headers["Authorization"] == "Bearer bot-token-1"
    assert reply.json() == {
        "type": "message",
        "from": {"id": BOT_ID, "name": "Assistant exercice coordonné"},
        "recipient": {"id": USER_ID, "name": "Dr Claire Martin"},
        "conversation": {"conversationType": "personal", "tenantId": TENANT_ID, "id": CONVERSATION_ID},
        "replyToId": "1732269600123",
        "text": "Bonjour ! Vous avez écrit : c'est quoi une CPTS ?",
    }


async def test_buttons_are_sent_as_hero_card_or_suggested_actions(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": "Que souhaitez-vous savoir ?", "buttons": copy.deepcopy(BUTTONS)}
        )

    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(channel(jwks), reply) as served:
        assert (await post(http, served.url, message_activity(jwks.service_url, "aide"), token))[0] == 200
        (card,) = await jwks.wait_for("/emea/", 1)
    async with serve_channel(channel(jwks, button_style="suggested_actions"), reply) as served:
        activity = message_activity(jwks.service_url, "aide", activity_id="1732269600999")
        assert (await post(http, served.url, activity, token))[0] == 200
        _, suggested = await jwks.wait_for("/emea/", 2)

    assert card.json()["attachments"][0]["content"]["buttons"][1]["text"] == "/ask_funding"
    assert suggested.json()["suggestedActions"]["actions"][1] == {
        "type": "imBack",
        "title": "Financements",
        "value": "/ask_funding",
    }
    # The connector token is reused, not asked for each reply.
    assert len(jwks.calls(f"/{TENANT_ID}/oauth2/v2.0/token")) == 2  # one per channel instance


async def test_greeting_when_the_bot_joins_not_when_a_user_does(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(channel(jwks)) as served:
        user_joins = conversation_update(jwks.service_url, ["29:someone-else"])
        user_joins["id"] = "f:user-joined"
        assert (await post(http, served.url, user_joins, token))[0] == 200
        assert (await post(http, served.url, conversation_update(jwks.service_url, [BOT_ID]), token))[
            0
        ] == 200
        (greeting,) = await jwks.wait_for("/emea/", 1)
        # A sentinel message: when its answer is in, an answer to the first update would be too.
        assert (await post(http, served.url, message_activity(jwks.service_url, "merci"), token))[0] == 200
        await jwks.wait_for("/emea/", 2)

    assert [m.text for m in served.received] == ["/greet", "merci"]
    assert greeting.raw_path == connector_path(None)
    assert "replyToId" not in greeting.json()
    assert greeting.json()["text"] == "Bonjour ! Vous avez écrit : /greet"


async def test_attachment_only_message_gets_a_polite_answer(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    activity = message_activity(
        jwks.service_url,
        "",
        attachments=[
            {
                "contentType": "image/*",
                "contentUrl": "https://smba.trafficmanager.net/emea/v3/attachments/0-weu-d1-abc/views/original",
            }
        ],
    )
    async with serve_channel(channel(jwks)) as served:
        token = make_token(trusted_key, service_url=jwks.service_url)
        assert (await post(http, served.url, activity, token))[0] == 200
        (reply,) = await jwks.wait_for("/emea/", 1)
    assert served.received == []
    assert reply.json()["text"] == ATTACHMENT_REPLY


async def test_every_forged_request_is_refused_and_unanswered(
    jwks: StandIn,
    trusted_key: KeyPair,
    webchat_key: KeyPair,
    attacker_key: KeyPair,
    http: aiohttp.ClientSession,
) -> None:
    service_url = jwks.service_url
    attacker_url = f"{jwks.base_url}/attacker/"
    activity = message_activity(service_url, "message falsifié")
    cases: list[tuple[str, dict[str, Any], str | None]] = [
        ("no token", activity, None),
        ("forged signature", activity, make_token(attacker_key, service_url=service_url)),
        ("expired", activity, make_token(trusted_key, service_url=service_url, expires_in=-600)),
        ("wrong audience", activity, make_token(trusted_key, service_url=service_url, audience="autre-bot")),
        (
            "wrong issuer",
            activity,
            make_token(trusted_key, service_url=service_url, issuer="https://sts.windows.net/attacker/"),
        ),
        ("unendorsed key", activity, make_token(webchat_key, service_url=service_url)),
        (
            "serviceUrl mismatch",
            message_activity(attacker_url, "message falsifié"),
            make_token(trusted_key, service_url=service_url),
        ),
        ("no serviceUrl claim", activity, make_token(trusted_key, service_url=None)),
        ("unknown key", activity, make_token(trusted_key, service_url=service_url, kid="rotated-away")),
        ("not a JWT", activity, "abc.def"),
    ]
    async with serve_channel(channel(jwks)) as served:
        for label, body, token in cases:
            status, answer = await post(http, served.url, body, token)
            assert status == 401, label
            assert answer["error"].startswith("Authentification refusée"), label
        # Junk without a valid token is refused as unauthenticated, not parsed.
        status, _ = await post(http, served.url, None, None, raw=b"{junk")
        assert status == 401

        # The same key endorsed for webchat is accepted on a webchat activity: the refusal
        # above was the endorsement, not an unknown key.
        webchat = message_activity(service_url, "depuis le web chat", channelId="webchat")
        assert (await post(http, served.url, webchat, make_token(webchat_key, service_url=service_url)))[
            0
        ] == 200
        await jwks.wait_for("/emea/", 1)

    assert [m.text for m in served.received] == ["depuis le web chat"]
    assert len(jwks.calls("/emea/")) == 1
    assert jwks.calls("/attacker/") == []
    # Only the legitimate reply asked for a connector token.
    assert len(jwks.calls(f"/{TENANT_ID}/oauth2/v2.0/token")) == 1
    # Keys were fetched once; the forged kid did not trigger a refetch storm.
    assert jwks.jwks_fetches == 1


async def test_size_limit_and_malformed_json(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(channel(jwks, max_body_bytes=4096)) as served:
        big = message_activity(jwks.service_url, "x" * 5000)
        status, answer = await post(http, served.url, big, token)
        assert status == 413
        assert "4096" in answer["error"]
        for raw in (b"{not json", b"[]", b"\xff\xfe"):
            status, answer = await post(http, served.url, None, token, raw=raw)
            assert status == 400, raw
        no_conversation = message_activity(jwks.service_url, "bonjour")
        del no_conversation["conversation"]
        status, _ = await post(http, served.url, no_conversation, token)
        assert status == 400
        # Other activity types are acknowledged and ignored.
        typing = message_activity(jwks.service_url, "", type="typing")
        assert (await post(http, served.url, typing, token))[0] == 200
        assert (await post(http, served.url, message_activity(jwks.service_url, "encore là ?"), token))[
            0
        ] == 200
        await jwks.wait_for("/emea/", 1)
    assert [m.text for m in served.received] == ["encore là ?"]


async def test_keys_unavailable_answers_503(
    trusted_key: KeyPair, http: aiohttp.ClientSession, closed_url: str
) -> None:
    unreachable = TeamsInput(
        APP_ID,
        BOT_SECRET,
        tenant_id=TENANT_ID,
        openid_metadata_url=f"{closed_url}/openid",
        login_url=closed_url,
    )
    async with serve_channel(unreachable) as served:
        token = make_token(trusted_key, service_url=f"{closed_url}/emea/")
        status, answer = await post(
            http, served.url, message_activity(f"{closed_url}/emea/", "bonjour"), token
        )
    assert status == 503
    assert "Clés de signature" in answer["error"]
    assert served.received == []


async def test_connector_failures_do_not_crash_the_webhook(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession, closed_url: str
) -> None:
    # The token endpoint is unreachable: the answer cannot be sent, the webhook stays up.
    broken = TeamsInput(
        APP_ID,
        BOT_SECRET,
        tenant_id=TENANT_ID,
        openid_metadata_url=jwks.openid_url,
        login_url=closed_url,
    )
    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(broken) as served:
        assert (await post(http, served.url, message_activity(jwks.service_url, "un"), token))[0] == 200
        second = message_activity(jwks.service_url, "deux", activity_id="1732269600124")
        assert (await post(http, served.url, second, token))[0] == 200
    assert [m.text for m in served.received] == ["un", "deux"]
    assert jwks.calls("/emea/") == []


# --- issue 14: tenant check, one tracker per conversation, failures answered ---------------

OTHER_TENANT = "0badc0de-3333-4f00-9c77-fedcba987654"


def from_tenant(activity: dict[str, Any], tenant: str) -> dict[str, Any]:
    activity["channelData"] = {"tenant": {"id": tenant}}
    activity["conversation"]["tenantId"] = tenant
    return activity


async def test_activity_from_another_tenant_is_refused(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    """A valid Bot Connector token says nothing of the organisation: anyone who installs the
    bot in their own tenant could talk to a single-tenant bot."""
    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(channel(jwks)) as served:
        foreign = from_tenant(message_activity(jwks.service_url, "bonjour"), OTHER_TENANT)
        status, body = await post(http, served.url, foreign, token)
        assert status == 403 and "Locataire" in body["error"]
        without = message_activity(jwks.service_url, "bonjour", activity_id="2")
        del without["channelData"], without["conversation"]["tenantId"]
        assert (await post(http, served.url, without, token))[0] == 403
        assert (await post(http, served.url, message_activity(jwks.service_url, "ok", "3"), token))[0] == 200
        await jwks.wait_for("/emea/", 1)
    assert [m.text for m in served.received] == ["ok"]


async def test_multi_tenant_bot_accepts_every_tenant(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    multi = TeamsInput(APP_ID, BOT_SECRET, openid_metadata_url=jwks.openid_url, login_url=jwks.base_url)
    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(multi) as served:
        foreign = from_tenant(message_activity(jwks.service_url, "bonjour"), OTHER_TENANT)
        assert (await post(http, served.url, foreign, token))[0] == 200
        await jwks.wait_for("/emea/", 1)
    assert [m.text for m in served.received] == ["bonjour"]


async def test_personal_chat_and_channel_thread_have_separate_trackers(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    token = make_token(trusted_key, service_url=jwks.service_url)
    in_channel = message_activity(jwks.service_url, "et dans l'équipe ?", activity_id="1732269600999")
    in_channel["conversation"] = {
        "conversationType": "channel",
        "tenantId": TENANT_ID,
        "isGroup": True,
        "id": "19:0f3c2a9e8d7b4c1a@thread.tacv2;messageid=1732269600999",
    }
    async with serve_channel(channel(jwks)) as served:
        assert (await post(http, served.url, message_activity(jwks.service_url, "en privé"), token))[0] == 200
        assert (await post(http, served.url, in_channel, token))[0] == 200
        await jwks.wait_for("/emea/", 2)
    senders = {m.text: m.sender_id for m in served.received}
    assert senders == {
        "en privé": f"teams:{CONVERSATION_ID}",
        "et dans l'équipe ?": "teams:19:0f3c2a9e8d7b4c1a@thread.tacv2;messageid=1732269600999",
    }


async def test_a_failed_turn_is_answered_politely(
    jwks: StandIn, trusted_key: KeyPair, http: aiohttp.ClientSession
) -> None:
    async def database_down(message: UserMessage) -> None:
        raise ConnectionError("tracker store unreachable")

    token = make_token(trusted_key, service_url=jwks.service_url)
    async with serve_channel(channel(jwks), database_down) as served:
        assert (await post(http, served.url, message_activity(jwks.service_url, "bonjour"), token))[0] == 200
        (reply,) = await jwks.wait_for("/emea/", 1)
    assert reply.json()["text"] == UNAVAILABLE_TEXT
    assert reply.raw_path == connector_path()
