"""Authentication of requests from the Bot Connector service (Teams, Web Chat…) to the bot.

Implements Microsoft's checklist ("Authenticate requests from the Bot Connector service to
your bot", learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-
authentication): a Bearer JWT signed with RS256 by a key listed in the OpenID metadata's
JWKS, issued by ``https://api.botframework.com``, for the bot's app id, not expired (five
minutes of clock skew), whose signing key is endorsed for the activity's ``channelId`` and
whose ``serviceUrl`` claim is the activity's ``serviceUrl``: the bot posts its replies,
with its own token, to that URL, so it must come from Microsoft, not from the request.

The checks are small functions so each can be tested alone; :class:`OpenIdKeyCache`
fetches and caches the keys with aiohttp, so validation never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_ISSUERS = ("https://api.botframework.com",)
ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 300
# Microsoft asks bots to refresh the key list at least once a day.
KEY_REFRESH_SECONDS = 24 * 3600
# An unknown ``kid`` triggers a refresh, at most this often, so forged tokens cannot make
# the bot hammer Microsoft's endpoints.
MIN_REFRESH_SECONDS = 300
# While no key could be fetched, requests are refused and a new attempt is made at most this often.
RETRY_AFTER_FAILURE_SECONDS = 10


class AuthError(Exception):
    """The request is not authenticated; the message says which check failed."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched and none is cached."""


@dataclass(frozen=True)
class SigningKey:
    """A public key from the JWKS with the channels it is endorsed for."""

    kid: str
    public_key: Any
    endorsements: frozenset[str] = field(default_factory=frozenset)


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header.

    Raises:
        AuthError: no header, another scheme, or an empty token.
    """
    if not header:
        raise AuthError("en-tête Authorization absent")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("en-tête Authorization sans jeton Bearer")
    return token.strip()


def token_key_id(token: str) -> str:
    """The ``kid`` of a token whose header names RS256, the only algorithm accepted.

    Rejecting other algorithms here, before any key is looked up, closes the classic
    attacks where a token says ``none`` or ``HS256`` (signed with the public key as secret).

    Raises:
        AuthError: unreadable header, another algorithm, or no ``kid``.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthError("jeton illisible") from exc
    if header.get("alg") != ALGORITHM:
        raise AuthError(f"algorithme {header.get('alg')!r} refusé (seul {ALGORITHM} est accepté)")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("jeton sans identifiant de clé (kid)")
    return kid


def decode_token(
    token: str,
    key: SigningKey,
    *,
    app_id: str,
    issuers: Iterable[str] = DEFAULT_ISSUERS,
    leeway: int = CLOCK_SKEW_SECONDS,
) -> dict[str, Any]:
    """Verify signature, issuer, audience and validity period; return the claims.

    Raises:
        AuthError: any check fails (the message names which).
    """
    options = {"require": ["exp", "iss", "aud"]}
    try:
        return jwt.decode(
            token,
            key=key.public_key,
            algorithms=[ALGORITHM],
            audience=app_id,
            issuer=list(issuers),
            leeway=leeway,
            options=options,
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("jeton expiré") from exc
    except jwt.InvalidAudienceError as exc:
        raise AuthError("audience du jeton différente de l'identifiant de l'application") from exc
    except jwt.InvalidIssuerError as exc:
        raise AuthError("émetteur du jeton non reconnu") from exc
    except jwt.ImmatureSignatureError as exc:
        raise AuthError("jeton pas encore valide") from exc
    except jwt.InvalidSignatureError as exc:
        raise AuthError("signature du jeton invalide") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"revendication obligatoire absente : {exc.claim}") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"jeton invalide ({type(exc).__name__})") from exc


def check_activity(claims: dict[str, Any], key: SigningKey, activity: dict[str, Any]) -> None:
    """Bind a valid token to the activity it came with.

    The signing key must be endorsed for the activity's ``channelId`` (a key Microsoft
    uses for one channel cannot vouch for another), and the token's ``serviceUrl`` claim
    must equal the activity's ``serviceUrl``, where the reply will be posted.

    Raises:
        AuthError: missing channel, unendorsed key, or ``serviceUrl`` mismatch.
    """
    channel_id = activity.get("channelId")
    if not isinstance(channel_id, str) or not channel_id:
        raise AuthError("activité sans channelId")
    if channel_id not in key.endorsements:
        raise AuthError(f"clé de signature non approuvée pour le canal {channel_id!r}")
    service_url = activity.get("serviceUrl")
    # The Bot Connector writes the claim in lower case; the documentation spells it serviceUrl.
    claimed = claims.get("serviceurl") or claims.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url:
        raise AuthError("activité sans serviceUrl")
    if not isinstance(claimed, str) or claimed != service_url:
        raise AuthError("serviceUrl de l'activité différent de celui du jeton")


def parse_jwks(document: Any) -> dict[str, SigningKey]:
    """The RSA signing keys of a JWKS document, by ``kid``; other entries are skipped."""
    keys: dict[str, SigningKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("JWKS sans liste « keys »")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
            continue
        if entry.get("use") not in (None, "sig"):
            continue
        try:
            public_key = RSAAlgorithm.from_jwk(entry)
        except (jwt.InvalidKeyError, ValueError, KeyError, TypeError):
            logger.warning("Bot Framework : clé %r illisible dans le JWKS, ignorée.", entry.get("kid"))
            continue
        endorsements = entry.get("endorsements") or []
        keys[str(entry["kid"])] = SigningKey(
            kid=str(entry["kid"]),
            public_key=public_key,
            endorsements=frozenset(str(e) for e in endorsements if isinstance(e, str)),
        )
    return keys


class OpenIdKeyCache:
    """Signing keys from the OpenID metadata's ``jwks_uri``, cached and refreshed.

    Keys are fetched on first use, again after ``refresh_seconds``, and when a token names
    an unknown ``kid`` (Microsoft rotates keys), at most once per ``min_refresh_seconds``.
    If a refresh fails the previous keys stay in use.
    """

    def __init__(
        self,
        metadata_url: str,
        session: Callable[[], aiohttp.ClientSession],
        *,
        refresh_seconds: float = KEY_REFRESH_SECONDS,
        min_refresh_seconds: float = MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metadata_url = metadata_url
        self._session = session
        self.refresh_seconds = refresh_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._generation = 0
        # Created on first use, inside the server's event loop.
        self._lock_instance: asyncio.Lock | None = None
        self.fetch_count = 0

    @property
    def _lock(self) -> asyncio.Lock:
        if self._lock_instance is None:
            self._lock_instance = asyncio.Lock()
        return self._lock_instance

    async def get(self, kid: str) -> SigningKey | None:
        """The key named ``kid``, refreshing the cache when due; None if it is unknown.

        Raises:
            KeysUnavailable: no key could ever be fetched.
        """
        if self._due():
            await self._refresh(self._generation, RETRY_AFTER_FAILURE_SECONDS)
        elif kid not in self._keys:
            await self._refresh(self._generation, self.min_refresh_seconds)
        if self._fetched_at is None:
            raise KeysUnavailable(self.metadata_url)
        return self._keys.get(kid)

    def _due(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self.refresh_seconds

    async def _refresh(self, seen_generation: int, min_gap: float) -> None:
        async with self._lock:
            # Another request refreshed while this one waited for the lock.
            if self._generation != seen_generation:
                return
            now = self._clock()
            if self._attempted_at is not None and now - self._attempted_at < min_gap:
                return
            self._attempted_at = now
            try:
                self._keys = await self._fetch()
            except Exception as exc:
                logger.warning(
                    "Bot Framework : clés de signature non récupérées depuis %s (%s).",
                    self.metadata_url,
                    type(exc).__name__,
                )
                return
            self._fetched_at = self._clock()
            self._generation += 1

    async def _fetch(self) -> dict[str, SigningKey]:
        self.fetch_count += 1
        session = self._session()
        async with session.get(self.metadata_url) as answer:
            answer.raise_for_status()
            metadata = await answer.json(content_type=None)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise ValueError("métadonnées OpenID sans jwks_uri")
        async with session.get(jwks_uri) as answer:
            answer.raise_for_status()
            document = await answer.json(content_type=None)
        return parse_jwks(document)


@dataclass
class ChannelAuthenticator:
    """Every check of an incoming Bot Connector request, in the order that costs least."""

    app_id: str
    keys: OpenIdKeyCache
    issuers: tuple[str, ...] = DEFAULT_ISSUERS
    leeway: int = CLOCK_SKEW_SECONDS

    async def authenticate(self, header: str | None) -> tuple[dict[str, Any], SigningKey]:
        """Claims and signing key of a valid token; the activity is checked afterwards.

        Raises:
            AuthError: the token is missing or fails a check.
            KeysUnavailable: the keys cannot be fetched.
        """
        token = bearer_token(header)
        kid = token_key_id(token)
        key = await self.keys.get(kid)
        if key is None:
            raise AuthError(f"clé de signature inconnue ({kid})")
        claims = decode_token(token, key, app_id=self.app_id, issuers=self.issuers, leeway=self.leeway)
        return claims, key
