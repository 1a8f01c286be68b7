"""Secret key storage, session cookies, password hashing and sign-in throttling."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
import time_machine

from bot.review.security import (
    SESSION_IDLE_SECONDS,
    SESSION_MAX_SECONDS,
    LoginThrottle,
    Passwords,
    SecretKeyError,
    Session,
    SessionCodec,
    load_secret_key,
    tokens_match,
)
from bot.settings import Settings


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "review_secret"
    first = load_secret_key(Settings(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_secret_key(Settings(), path) == first


def test_configured_secret_wins_and_must_be_long(tmp_path: Path) -> None:
    key = "k" * 40
    assert load_secret_key(Settings(review_secret_key=key), tmp_path / "unused") == key
    assert not (tmp_path / "unused").exists()
    with pytest.raises(SecretKeyError, match="au moins 32"):
        load_secret_key(Settings(review_secret_key="court"), tmp_path / "unused")


def test_truncated_secret_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "review_secret"
    path.write_text("abc")
    with pytest.raises(SecretKeyError, match="supprimez le fichier"):
        load_secret_key(Settings(), path)


def test_session_cookie_round_trip_expiry_and_tampering() -> None:
    codec = SessionCodec("s" * 40)
    now = 1_900_000_000
    with time_machine.travel(now, tick=False) as clock:
        session = Session(7, 2, "jeton", now, now)
        token = codec.encode(session)
        old_login = codec.encode(Session(7, 2, "jeton", now - SESSION_MAX_SECONDS - 1, now))
        assert codec.decode(old_login) is None
        assert SessionCodec("t" * 40).decode(token) is None
        assert codec.decode(token[:-3] + "abc") is None
        clock.shift(10)
        decoded = codec.decode(token)
        assert decoded is not None
        assert (decoded.user_id, decoded.epoch, decoded.csrf, decoded.issued_at) == (7, 2, "jeton", now)
        clock.shift(SESSION_IDLE_SECONDS - 5)
        assert codec.decode(token) is None
    assert "jeton" not in token


def test_login_form_tokens_are_separate_from_sessions() -> None:
    codec = SessionCodec("s" * 40)
    form_token = codec.login_token("abc")
    assert codec.read_login_token(form_token) == "abc"
    assert codec.decode(form_token) is None
    assert codec.read_login_token("faux") is None


def test_passwords() -> None:
    passwords = Passwords()
    stored = passwords.hash("un-mot-de-passe-long")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "un-mot-de-passe-long")
    assert not passwords.verify(stored, "un-autre")
    assert not passwords.verify(None, "un-mot-de-passe-long")
    assert not passwords.verify("pas-un-hash", "x")
    assert Passwords.check_strength("court") is not None
    assert Passwords.check_strength(" espace-au-debut") is not None
    assert Passwords.check_strength("assez-long-enfin") is None


def test_throttle_window() -> None:
    # The throttle reads time.monotonic(), which time-machine leaves alone (asyncio needs it):
    # the window is short and really waited for.
    throttle = LoginThrottle(limit=2, window=0.5)
    throttle.fail("a")
    assert not throttle.blocked("a")
    throttle.fail("a")
    assert throttle.blocked("a", "b")
    assert not throttle.attempt("b", "a")
    assert not throttle.blocked("b")
    time.sleep(0.6)
    assert not throttle.blocked("a")
    assert throttle.attempt("a")
    throttle.fail("a")
    throttle.clear("a")
    assert not throttle.blocked("a")


def test_tokens_match() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd")
    assert not tokens_match(None, None)
    assert not tokens_match("", "")
