"""Secrets, sessions, CSRF tokens, password hashing and sign-in throttling.

Sessions live in an encrypted, authenticated cookie (Fernet: AES-CBC + HMAC, with its own
timestamp), so the server keeps no session table and an expired or tampered cookie simply
fails to decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.keys import configured_or_stored_key
from bot.settings import VAR_DIR, Settings

SECRET_FILE = VAR_DIR / "review_secret"
# A session ends after this much inactivity, and in any case this long after sign-in.
SESSION_IDLE_SECONDS = 2 * 3600
SESSION_MAX_SECONDS = 12 * 3600
# The cookie is re-issued (sliding expiry) when older than this.
SESSION_REFRESH_SECONDS = 300
LOGIN_FORM_SECONDS = 3600


class SecretKeyError(RuntimeError):
    """The configured or stored secret key cannot be used."""


def load_secret_key(settings: Settings, path: Path = SECRET_FILE) -> str:
    """`settings.review_secret_key`, else the key stored in `path`, created (0600) on first use."""
    return configured_or_stored_key(settings.review_secret_key, "REVIEW_SECRET_KEY", path, SecretKeyError)


def _derive(secret: str, purpose: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class Session:
    user_id: int
    epoch: int
    csrf: str
    login_at: float
    issued_at: float


class SessionCodec:
    """Turns a :class:`Session` into a cookie value and back."""

    def __init__(self, secret: str) -> None:
        self._session = _derive(secret, b"bot.review session")
        self._login = _derive(secret, b"bot.review login form")
        self._name_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"bot.review failed name"
        ).derive(secret.encode())

    def encode(self, session: Session) -> str:
        payload = {"u": session.user_id, "e": session.epoch, "c": session.csrf, "l": session.login_at}
        return self._session.encrypt(json.dumps(payload).encode()).decode("ascii")

    def decode(self, token: str) -> Session | None:
        """The session in `token`, or None if it is forged, expired or malformed."""
        # One reading of the clock for both limits (idle time and time since sign-in).
        current = int(time.time())
        try:
            raw = self._session.decrypt_at_time(token.encode("ascii"), SESSION_IDLE_SECONDS, current)
            issued = self._session.extract_timestamp(token.encode("ascii"))
            payload: dict[str, Any] = json.loads(raw)
            session = Session(
                user_id=int(payload["u"]),
                epoch=int(payload["e"]),
                csrf=str(payload["c"]),
                login_at=float(payload["l"]),
                issued_at=float(issued),
            )
        except (InvalidToken, UnicodeError, ValueError, KeyError, TypeError):
            return None
        if current - session.login_at > SESSION_MAX_SECONDS:
            return None
        return session

    def login_token(self, csrf: str) -> str:
        return self._login.encrypt(csrf.encode("ascii")).decode("ascii")

    def name_digest(self, name: str) -> str:
        """A keyed digest of a name typed at a failed sign-in, for the audit log.

        What was typed may be a password put in the wrong field: the log keeps only this
        digest, which tells repeated attempts with the same name apart without revealing it.
        """
        return hmac.new(self._name_key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    def read_login_token(self, token: str) -> str | None:
        try:
            return self._login.decrypt(token.encode("ascii"), LOGIN_FORM_SECONDS).decode("ascii")
        except (InvalidToken, UnicodeError, ValueError):
            return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class Passwords:
    """Argon2id hashing (argon2-cffi defaults: 64 MiB, 3 passes)."""

    MIN_LENGTH = 12

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Verified when the account does not exist, so that a wrong name costs the same time
        # as a wrong password and does not reveal which names exist.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    @classmethod
    def check_strength(cls, password: str) -> str | None:
        """A French reason why `password` is refused, or None."""
        if len(password) < cls.MIN_LENGTH:
            return f"Le mot de passe doit contenir au moins {cls.MIN_LENGTH} caractères."
        if password.strip() != password:
            return "Le mot de passe ne doit ni commencer ni finir par un espace."
        return None


class LoginThrottle:
    """At most `limit` sign-in attempts per account name and per address in `window` seconds,
    a successful one excepted.

    An attempt is recorded by :meth:`attempt` *before* the slow password check and withdrawn
    by :meth:`clear` when it succeeds: parallel requests all see the attempts of the others,
    so no more than `limit` password checks ever run for a key, however many arrive at once.
    (Checking first and recording the failure after the check let 39 parallel attempts
    through instead of 5.)

    Kept in memory: it slows down guessing against one process, which with Argon2's cost is
    what makes guessing impractical; a multi-process deployment shares nothing here.
    """

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        return self._blocked(keys, time.monotonic())

    def attempt(self, *keys: str) -> bool:
        """Record an attempt for every key, unless one is blocked (then False, nothing recorded).

        Synchronous on purpose: between the check and the record no other request runs.
        """
        current = time.monotonic()
        if self._blocked(keys, current):
            return False
        self._fail(keys, current)
        return True

    def fail(self, *keys: str) -> None:
        self._fail(keys, time.monotonic())

    def _blocked(self, keys: tuple[str, ...], current: float) -> bool:
        return any(len(self._recent(key, current)) >= self.limit for key in keys)

    def _fail(self, keys: tuple[str, ...], current: float) -> None:
        for key in keys:
            self._recent(key, current).append(current)

    def clear(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
