"""Each check of a Bot Connector token on its own, and the key cache against a real JWKS
served on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import aiohttp
import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.channels.botframework_auth import (
    AuthError,
    ChannelAuthenticator,
    KeysUnavailable,
    OpenIdKeyCache,
    SigningKey,
    bearer_token,
    check_activity,
    decode_token,
    parse_jwks,
    token_key_id,
)
from tests.bot.channels.conftest import APP_ID, ISSUER, KeyPair, StandIn, make_token

SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def signing_key(pair: KeyPair, endorsements: tuple[str, ...] = ("msteams", "webchat")) -> SigningKey:
    return SigningKey(pair.kid, pair.private_key.public_key(), frozenset(endorsements))


# --- header and algorithm ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer   abc.def.ghi ", "abc.def.ghi")],
)
def test_bearer_token(header: str, token: str) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "abc.def.ghi"])
def test_bearer_token_refused(header: str | None) -> None:
    with pytest.raises(AuthError):
        bearer_token(header)


def test_token_key_id_accepts_rs256(trusted_key: KeyPair) -> None:
    assert token_key_id(make_token(trusted_key, service_url=SERVICE_URL)) == trusted_key.kid


@pytest.mark.parametrize("algorithm", ["HS256", "RS512", "PS256", "none"])
def test_token_key_id_refuses_other_algorithms(algorithm: str) -> None:
    key = "a-shared-secret-long-enough-for-hs256-000000" if algorithm.startswith("HS") else None
    if algorithm in ("RS512", "PS256"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        {"iss": ISSUER, "aud": APP_ID, "exp": int(time.time()) + 600},
        key,
        algorithm=algorithm,
        headers={"kid": "k"},
    )
    with pytest.raises(AuthError, match="algorithme"):
        token_key_id(token)


def test_token_key_id_requires_a_kid(trusted_key: KeyPair) -> None:
    token = jwt.encode({"aud": APP_ID}, trusted_key.private_key, algorithm="RS256")
    with pytest.raises(AuthError, match="kid"):
        token_key_id(token)


def test_token_key_id_refuses_garbage() -> None:
    with pytest.raises(AuthError, match="illisible"):
        token_key_id("not-a-jwt")


def test_hs256_signed_with_the_public_key_is_refused(trusted_key: KeyPair) -> None:
    """The algorithm-confusion attack: the public key used as an HMAC secret."""
    public_pem = trusted_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    # PyJWT refuses to HMAC-sign with a PEM key, so the token is built by hand.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": trusted_key.kid}).encode())
    claims = b64(json.dumps({"iss": ISSUER, "aud": APP_ID, "exp": int(time.time()) + 600}).encode())
    signature = b64(hmac.new(public_pem, f"{header}.{claims}".encode(), hashlib.sha256).digest())
    forged = f"{header}.{claims}.{signature}"
    with pytest.raises(AuthError, match="algorithme"):
        token_key_id(forged)
    # Even if the header check were skipped, decoding with RS256 only would refuse it.
    with pytest.raises(AuthError):
        decode_token(forged, signing_key(trusted_key), app_id=APP_ID)


# --- claims ------------------------------------------------------------------------------


def test_decode_token_returns_the_claims(trusted_key: KeyPair) -> None:
    claims = decode_token(
        make_token(trusted_key, service_url=SERVICE_URL), signing_key(trusted_key), app_id=APP_ID
    )
    assert claims["aud"] == APP_ID
    assert claims["serviceurl"] == SERVICE_URL


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"audience": "another-bot-app-id"}, "audience"),
        ({"issuer": "https://sts.windows.net/attacker/"}, "émetteur"),
        ({"expires_in": -301 - 60}, "expiré"),
    ],
)
def test_decode_token_refusals(trusted_key: KeyPair, options: dict[str, Any], reason: str) -> None:
    token = make_token(trusted_key, service_url=SERVICE_URL, **options)
    with pytest.raises(AuthError, match=reason):
        decode_token(token, signing_key(trusted_key), app_id=APP_ID)


def test_decode_token_refuses_another_keys_signature(trusted_key: KeyPair, attacker_key: KeyPair) -> None:
    forged = make_token(attacker_key, service_url=SERVICE_URL)
    with pytest.raises(AuthError, match="signature"):
        decode_token(forged, signing_key(trusted_key), app_id=APP_ID)


def test_decode_token_requires_expiry(trusted_key: KeyPair) -> None:
    token = jwt.encode({"iss": ISSUER, "aud": APP_ID}, trusted_key.private_key, algorithm="RS256")
    with pytest.raises(AuthError, match="exp"):
        decode_token(token, signing_key(trusted_key), app_id=APP_ID)


def test_decode_token_accepts_small_clock_skew(trusted_key: KeyPair) -> None:
    # Expired two minutes ago: within the five minutes Microsoft allows.
    token = make_token(trusted_key, service_url=SERVICE_URL, expires_in=-120)
    assert decode_token(token, signing_key(trusted_key), app_id=APP_ID)["aud"] == APP_ID
    with pytest.raises(AuthError, match="expiré"):
        decode_token(token, signing_key(trusted_key), app_id=APP_ID, leeway=60)


@pytest.mark.parametrize(
    ("claim", "offset", "refusal"),
    [("exp", 299, None), ("exp", 301, "expiré"), ("nbf", -299, None), ("nbf", -301, "pas encore valide")],
)
def test_dates_allow_five_minutes_of_clock_skew(
    trusted_key: KeyPair, claim: str, offset: int, refusal: str | None
) -> None:
    token = make_token(trusted_key, service_url=SERVICE_URL, expires_in=600)
    moment = jwt.decode(token, options={"verify_signature": False})[claim]
    with time_machine.travel(moment + offset, tick=False):
        if refusal is None:
            decode_token(token, signing_key(trusted_key), app_id=APP_ID)
        else:
            with pytest.raises(AuthError, match=refusal):
                decode_token(token, signing_key(trusted_key), app_id=APP_ID)


def test_dates_that_are_not_numbers_are_refused(trusted_key: KeyPair) -> None:
    token = make_token(trusted_key, service_url=SERVICE_URL, extra={"exp": "demain"})
    with pytest.raises(AuthError, match="jeton invalide"):
        decode_token(token, signing_key(trusted_key), app_id=APP_ID)


# --- binding to the activity -------------------------------------------------------------


ACTIVITY = {"type": "message", "channelId": "msteams", "serviceUrl": SERVICE_URL}


def test_check_activity_accepts_endorsed_key_and_matching_service_url(trusted_key: KeyPair) -> None:
    check_activity({"serviceurl": SERVICE_URL}, signing_key(trusted_key), ACTIVITY)


@pytest.mark.parametrize(
    ("claims", "endorsements", "activity", "reason"),
    [
        ({"serviceurl": SERVICE_URL}, ("webchat",), ACTIVITY, "approuvée"),
        ({"serviceurl": SERVICE_URL}, (), ACTIVITY, "approuvée"),
        ({"serviceurl": "https://attacker.example/"}, ("msteams",), ACTIVITY, "serviceUrl"),
        ({}, ("msteams",), ACTIVITY, "serviceUrl"),
        (
            {"serviceurl": SERVICE_URL},
            ("msteams",),
            {**ACTIVITY, "serviceUrl": "https://attacker.example/"},
            "serviceUrl",
        ),
        ({"serviceurl": SERVICE_URL}, ("msteams",), {**ACTIVITY, "serviceUrl": None}, "serviceUrl"),
        (
            {"serviceurl": SERVICE_URL},
            ("msteams",),
            {"type": "message", "serviceUrl": SERVICE_URL},
            "channelId",
        ),
    ],
)
def test_check_activity_refusals(
    trusted_key: KeyPair,
    claims: dict[str, Any],
    endorsements: tuple[str, ...],
    activity: dict[str, Any],
    reason: str,
) -> None:
    with pytest.raises(AuthError, match=reason):
        check_activity(claims, signing_key(trusted_key, endorsements), activity)


# --- JWKS and key cache ------------------------------------------------------------------


def test_parse_jwks_keeps_rsa_signing_keys_with_endorsements(trusted_key: KeyPair) -> None:
    document = {
        "keys": [
            trusted_key.jwk(["msteams", "webchat"]),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "x", "y": "y"},
            {**trusted_key.jwk([]), "kid": "enc", "use": "enc"},
            {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
            "garbage",
        ]
    }
    keys = parse_jwks(document)
    assert list(keys) == [trusted_key.kid]
    assert keys[trusted_key.kid].endorsements == {"msteams", "webchat"}


def test_parse_jwks_refuses_a_document_without_keys() -> None:
    with pytest.raises(ValueError):
        parse_jwks({"nope": []})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_key_cache_fetches_once_then_refreshes(
    stand_in: StandIn, trusted_key: KeyPair, webchat_key: KeyPair
) -> None:
    stand_in.jwks = {"keys": [trusted_key.jwk(["msteams"])]}
    clock = Clock()
    async with aiohttp.ClientSession() as session:
        cache = OpenIdKeyCache(stand_in.openid_url, lambda: session, clock=clock, min_refresh_seconds=300)
        assert (await cache.get(trusted_key.kid)).kid == trusted_key.kid  # type: ignore[union-attr]
        assert (await cache.get(trusted_key.kid)) is not None
        assert stand_in.jwks_fetches == 1

        # A new key appears (rotation): an unknown kid soon after a fetch is not refetched…
        stand_in.jwks = {"keys": [trusted_key.jwk(["msteams"]), webchat_key.jwk(["webchat"])]}
        clock.now += 10
        assert await cache.get(webchat_key.kid) is None
        assert stand_in.jwks_fetches == 1
        # …but is once the minimum interval has passed.
        clock.now += 300
        assert (await cache.get(webchat_key.kid)).endorsements == {"webchat"}  # type: ignore[union-attr]
        assert stand_in.jwks_fetches == 2

        # Forged kids cannot make it refetch in a loop.
        for i in range(5):
            assert await cache.get(f"forged-{i}") is None
        assert stand_in.jwks_fetches == 2

        # After a day the list is refreshed even for known keys.
        clock.now += 24 * 3600
        await cache.get(trusted_key.kid)
        assert stand_in.jwks_fetches == 3


async def test_key_cache_keeps_old_keys_when_a_refresh_fails(stand_in: StandIn, trusted_key: KeyPair) -> None:
    stand_in.jwks = {"keys": [trusted_key.jwk(["msteams"])]}
    clock = Clock()
    async with aiohttp.ClientSession() as session:
        cache = OpenIdKeyCache(stand_in.openid_url, lambda: session, clock=clock)
        await cache.get(trusted_key.kid)
        stand_in.jwks = {"not": "a jwks"}
        clock.now += 24 * 3600 + 1
        assert (await cache.get(trusted_key.kid)) is not None


async def test_key_cache_unreachable_raises(trusted_key: KeyPair, closed_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        cache = OpenIdKeyCache(f"{closed_url}/openid", lambda: session)
        with pytest.raises(KeysUnavailable):
            await cache.get(trusted_key.kid)


async def test_authenticator_end_to_end(
    stand_in: StandIn, trusted_key: KeyPair, attacker_key: KeyPair
) -> None:
    stand_in.jwks = {"keys": [trusted_key.jwk(["msteams"])]}
    async with aiohttp.ClientSession() as session:
        authenticator = ChannelAuthenticator(APP_ID, OpenIdKeyCache(stand_in.openid_url, lambda: session))
        claims, key = await authenticator.authenticate(
            "Bearer " + make_token(trusted_key, service_url=SERVICE_URL)
        )
        assert claims["serviceurl"] == SERVICE_URL
        assert key.kid == trusted_key.kid
        with pytest.raises(AuthError, match="signature"):
            await authenticator.authenticate("Bearer " + make_token(attacker_key, service_url=SERVICE_URL))
        with pytest.raises(AuthError, match="inconnue"):
            await authenticator.authenticate(
                "Bearer " + make_token(trusted_key, service_url=SERVICE_URL, kid="unknown")
            )
