"""bot.channels.identity: namespaced sender ids and the web chat's signed session ids."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.channels.identity import SessionSigner, load_webchat_secret, namespaced, platform_id
from bot.settings import Settings

SECRET = "un-secret-de-test-assez-long-0123456789"


def test_namespaces() -> None:
    assert namespaced("rest", "messenger:123") == "rest:messenger:123"
    assert platform_id("messenger", "messenger:6789012345678901") == "6789012345678901"
    assert platform_id("messenger", "6789012345678901") == "6789012345678901"
    with pytest.raises(ValueError, match="Canal inconnu"):
        namespaced("sms", "0612345678")


def test_only_issued_session_ids_are_accepted() -> None:
    signer = SessionSigner(SECRET)
    issued = signer.issue()
    room = signer.room(issued)
    assert room is not None and issued.startswith(room) and len(issued) == 64
    assert signer.issue() != issued
    # Another server's secret, the room alone, a flipped signature character, odd values.
    assert SessionSigner(SECRET + "x").room(issued) is None
    flipped = issued[:-1] + ("0" if issued[-1] != "0" else "1")
    for forged in (room, flipped, issued.upper(), issued + "0", None, 42, ""):
        assert signer.room(forged) is None
    with pytest.raises(ValueError, match="32"):
        SessionSigner("court")


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "webchat_secret"
    first = load_webchat_secret(Settings.from_env({}), path)
    assert load_webchat_secret(Settings.from_env({}), path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_webchat_secret(Settings.from_env({"WEBCHAT_SECRET_KEY": SECRET}), path) == SECRET
    with pytest.raises(ValueError, match="WEBCHAT_SECRET_KEY"):
        load_webchat_secret(Settings.from_env({"WEBCHAT_SECRET_KEY": "court"}), path)
