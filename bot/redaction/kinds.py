"""What replaces a hidden identifier, and the span it hides."""

from __future__ import annotations

from dataclasses import dataclass

EMAIL = "[e-mail]"
PHONE = "[téléphone]"
NIR = "[NIR]"
IBAN = "[IBAN]"
CARD = "[carte bancaire]"
RPPS = "[RPPS]"
ADELI = "[ADELI]"
NAME = "[nom]"
BIRTH_DATE = "[date de naissance]"
ADDRESS = "[adresse]"
NUMBER = "[numéro]"
TRUNCATED = " [texte tronqué]"

PLACEHOLDERS = (EMAIL, PHONE, NIR, IBAN, CARD, RPPS, ADELI, NAME, BIRTH_DATE, ADDRESS, NUMBER)
# Kinds whose presence in a sender id makes it personal (see stored_sender_id).
SENDER_KINDS = frozenset({EMAIL, PHONE})

# Longer strings are cut before redaction: the patterns are linear, but a bound keeps one
# message's cost fixed whatever a client sends. The REST channel caps messages far below this.
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Redaction:
    """One hidden span of the original text and what replaced it."""

    start: int
    end: int
    placeholder: str
