"""The French sentences the channels say themselves, without asking the dialogue.

Every answer of the dialogue lives in domain.yml. These few cannot: they are sent before a
turn starts (a rate limit), after a turn failed (the agent or its database is what failed, so
its domain is no help), or for a message kept out of the dialogue on purpose (an attachment,
which carries nothing the NLU can read and must not reach the conversation store).
"""

from __future__ import annotations

from enum import Enum


class Notice(str, Enum):
    """What a channel tells the user on its own; each has exactly one text in TEXTS."""

    UNAVAILABLE = "unavailable"
    RATE_LIMITED = "rate_limited"
    BUSY = "busy"
    ATTACHMENT = "attachment"

    @property
    def text(self) -> str:
        return TEXTS[self]


TEXTS: dict[Notice, str] = {
    Notice.UNAVAILABLE: (
        "Le service est momentanément indisponible et je ne peux pas vous répondre pour l'instant. "
        "Merci de réessayer dans quelques instants."
    ),
    Notice.RATE_LIMITED: (
        "Vous envoyez des messages plus vite que je ne peux y répondre. "
        "Merci de patienter quelques secondes avant de m'écrire à nouveau."
    ),
    Notice.BUSY: (
        "Le service reçoit beaucoup de messages en ce moment. Merci de réessayer dans quelques instants."
    ),
    Notice.ATTACHMENT: (
        "Merci pour votre envoi. Je ne comprends que les messages écrits : "
        "pourriez-vous formuler votre question par écrit ?"
    ),
}

# The names the tests, benchmarks and scale checks compare answers with.
UNAVAILABLE_TEXT = TEXTS[Notice.UNAVAILABLE]
RATE_LIMITED_TEXT = TEXTS[Notice.RATE_LIMITED]
BUSY_TEXT = TEXTS[Notice.BUSY]
ATTACHMENT_REPLY = TEXTS[Notice.ATTACHMENT]
