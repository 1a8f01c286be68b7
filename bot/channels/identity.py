"""Whose conversation a message belongs to: sender ids namespaced per channel, and the web
chat's signed session ids.

Every channel stores its conversations under ``<channel>:<id on that platform>`` (``rest:``,
``webchat:``, ``messenger:``, ``teams:``). A REST client chooses its sender freely, but can
only ever reach ``rest:…`` conversations: it cannot write into a Messenger user's, a Teams
conversation or a visitor's web chat by naming their id.

The web chat's session id is issued by the server: a random room name followed by an HMAC of
it under a server secret. A browser resumes its conversation by sending that id back; an id
it did not receive (another visitor's room name, read over a shoulder or in the review app,
or a made-up one) fails the check and gets a fresh conversation. Only the room name is
stored, never the signature, so the tracker store and the review app hold nothing that
would let anyone resume a visitor's conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from pathlib import Path

from bot.settings import VAR_DIR, Settings

REST, WEBCHAT, MESSENGER, TEAMS = "rest", "webchat", "messenger", "teams"
NAMESPACES = (REST, WEBCHAT, MESSENGER, TEAMS)

WEBCHAT_SECRET_FILE = VAR_DIR / "webchat_secret"
MIN_SECRET_LENGTH = 32
_ROOM_HEX = 32
_SIGNATURE_HEX = 32


def namespaced(channel: str, platform_id: str) -> str:
    """The sender id under which ``channel`` stores the conversation of ``platform_id``."""
    if channel not in NAMESPACES:
        raise ValueError(f"Canal inconnu : {channel!r}")
    return f"{channel}:{platform_id}"


def platform_id(channel: str, sender_id: str) -> str:
    """The platform's own id back from a namespaced sender id (unchanged if not namespaced)."""
    prefix = f"{channel}:"
    return sender_id[len(prefix) :] if sender_id.startswith(prefix) else sender_id


def load_webchat_secret(settings: Settings, path: Path = WEBCHAT_SECRET_FILE) -> str:
    """``WEBCHAT_SECRET_KEY``, else a key kept in ``path`` and created (0600) on first use.

    Several Rasa instances on several machines must share ``WEBCHAT_SECRET_KEY``; on one
    machine they share the file.
    """
    if settings.webchat_secret_key:
        if len(settings.webchat_secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(f"WEBCHAT_SECRET_KEY doit contenir au moins {MIN_SECRET_LENGTH} caractères.")
        return settings.webchat_secret_key
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two instances start together, one writes the key and both read it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise ValueError(f"La clé de {path} est trop courte : supprimez le fichier pour la régénérer.")
    return key


class SessionSigner:
    """Issues and checks the web chat's session ids (64 hex characters: room + HMAC)."""

    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"Le secret du web chat doit contenir au moins {MIN_SECRET_LENGTH} caractères.")
        self._key = hashlib.sha256(b"bot.channels.webchat session|" + secret.encode("utf-8")).digest()

    def _signature(self, room: str) -> str:
        return hmac.new(self._key, room.encode("ascii"), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]

    def issue(self) -> str:
        """A new session id for a browser (the room name is random)."""
        room = uuid.uuid4().hex
        return room + self._signature(room)

    def room(self, session_id: object) -> str | None:
        """The room name of a session id this server issued, else None."""
        if not isinstance(session_id, str) or len(session_id) != _ROOM_HEX + _SIGNATURE_HEX:
            return None
        if any(char not in "0123456789abcdef" for char in session_id):
            return None
        room, signature = session_id[:_ROOM_HEX], session_id[_ROOM_HEX:]
        if not hmac.compare_digest(signature, self._signature(room)):
            return None
        return room
