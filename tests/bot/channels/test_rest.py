"""The guarded REST channel's request parsing and limits, without a server."""

from __future__ import annotations

import json

import pytest

from bot.channels.rest import ChannelLimits, parse_message
from bot.channels.webhook import WebhookError, declared_length

LIMITS = ChannelLimits()


def body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "sender", "text"),
    [
        (body({"sender": "a", "message": "c'est quoi une MSP ?"}), "a", "c'est quoi une MSP ?"),
        (body({"sender": 42, "message": "bonjour"}), "42", "bonjour"),
        (body({"sender": "  b  ", "message": "🙂🙂"}), "b", "🙂🙂"),
        (
            body({"sender": "c", "message": "<b>x</b>'; DROP TABLE events; --"}),
            "c",
            "<b>x</b>'; DROP TABLE events; --",
        ),
        (body({"sender": "d", "message": "ligne 1\nligne 2\tfin"}), "d", "ligne 1\nligne 2\tfin"),
    ],
)
def test_accepts_well_formed_messages(raw: bytes, sender: str, text: str) -> None:
    message = parse_message(raw, LIMITS)
    assert (message.sender, message.text) == (sender, text)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"", 400, "empty_body"),
        (b"\xff\xfe{}", 400, "invalid_utf8"),
        (b'{"sender": "a", "message": "caf\xe9"}', 400, "invalid_utf8"),
        (b'{"sender": "a", "message": "\\ud800"}', 400, "invalid_utf8"),
        (b"{sender: a}", 400, "invalid_json"),
        (b"[1, 2]", 400, "not_an_object"),
        (b'"bonjour"', 400, "not_an_object"),
        (b"null", 400, "not_an_object"),
        (body({"message": "bonjour"}), 400, "missing_sender"),
        (body({"sender": "   ", "message": "bonjour"}), 400, "empty_sender"),
        (body({"sender": ["a"], "message": "bonjour"}), 400, "invalid_sender"),
        (body({"sender": True, "message": "bonjour"}), 400, "invalid_sender"),
        (body({"sender": "x" * 129, "message": "bonjour"}), 400, "sender_too_long"),
        (body({"sender": "a"}), 400, "missing_message"),
        (body({"sender": "a", "message": ""}), 400, "empty_message"),
        (body({"sender": "a", "message": " \n\t "}), 400, "empty_message"),
        (body({"sender": "a", "message": 12}), 400, "invalid_message"),
        (body({"sender": "a", "message": "nul\x00"}), 400, "control_characters"),
        (body({"sender": "a", "message": "x" * 2_001}), 413, "message_too_long"),
        (body({"sender": "a", "message": "x" * 100_000}), 413, "body_too_large"),
        (body({"sender": "a", "message": "ok", "metadata": [1]}), 400, "invalid_metadata"),
    ],
)
def test_rejects_bad_input_with_a_french_reason(raw: bytes, status: int, code: str) -> None:
    with pytest.raises(WebhookError) as caught:
        parse_message(raw, LIMITS)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.reason.endswith(".") and caught.value.reason[0].isupper()


def test_declared_size_must_be_a_number() -> None:
    assert declared_length(str(LIMITS.max_body_bytes)) == LIMITS.max_body_bytes
    with pytest.raises(WebhookError) as caught:
        declared_length("beaucoup")
    assert (caught.value.status, caught.value.code) == (400, "invalid_length")


def test_limits_come_from_the_credentials_block() -> None:
    assert ChannelLimits.from_credentials(None) == ChannelLimits()
    limits = ChannelLimits.from_credentials({"turn_timeout": "2.5", "max_body_bytes": 4096})
    assert (limits.turn_timeout, limits.max_body_bytes, limits.max_message_chars) == (2.5, 4096, 2_000)
    with pytest.raises(ValueError, match="inconnus"):
        ChannelLimits.from_credentials({"bursts": 3})
    with pytest.raises(ValueError, match="RATE_LIMIT_SENDER"):
        ChannelLimits.from_credentials({"burst": 3})
    with pytest.raises(ValueError, match="strictement positif"):
        ChannelLimits.from_credentials({"max_body_bytes": 0})
    with pytest.raises(ValueError, match="nombre"):
        ChannelLimits.from_credentials({"turn_timeout": "vite"})
