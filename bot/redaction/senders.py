"""Sender ids: the pseudonym a personal sender id is stored under, and its key."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from bot.redaction.finding import apply_redactions, find_redactions
from bot.redaction.kinds import SENDER_KINDS

KEY_VARIABLES = ("REDACTION_KEY", "WEBCHAT_SECRET_KEY", "REVIEW_SECRET_KEY")


def redaction_key(env: Mapping[str, str] | None = None, secret_file: str | None = None) -> bytes:
    """The key of sender-id pseudonyms, the same in every process that stores or deletes.

    REDACTION_KEY, else WEBCHAT_SECRET_KEY (already identical on every Rasa instance), else
    REVIEW_SECRET_KEY, else the web chat's generated key file (var/webchat_secret, shared by
    the processes of one machine), else empty.
    """
    env = os.environ if env is None else env
    for name in KEY_VARIABLES:
        if env.get(name):
            return env[name].encode("utf-8")
    if secret_file is None:
        from bot.settings import VAR_DIR

        secret_file = str(VAR_DIR / "webchat_secret")
    try:
        with open(secret_file, encoding="ascii") as handle:
            return handle.read().strip().encode("ascii")
    except (OSError, UnicodeDecodeError):
        return b""


def stored_sender_id(sender_id: str, key: bytes = b"") -> str:
    """The id a conversation is stored under: itself, unless it holds an e-mail or a phone.

    A personal sender id (a web page passing the visitor's e-mail, a channel keyed on phone
    numbers) becomes its redacted form plus a keyed hash, so the conversation stays one
    conversation without the address: "rest:[e-mail]#3fa2…". Without a key the hash of a phone
    number could be found by trying every number: deployments set REDACTION_KEY.
    """
    redactions = find_redactions(sender_id)
    if not any(item.placeholder in SENDER_KINDS for item in redactions):
        return sender_id
    digest = hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return f"{apply_redactions(sender_id, redactions)[:200]}#{digest}"
