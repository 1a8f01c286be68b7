"""Redaction of personal identifiers, before anything is stored.

Pure functions, no state: the tracker store calls :func:`redact_event` on every event it
writes (user and bot events alike), so e-mail addresses, phone numbers, NIR, IBAN and RIB,
card numbers, RPPS/ADELI numbers, birth dates, postal addresses and names given with some
context never reach the database. docs/privacy.md lists what is recognised and the figures.

How it works:

* The text is first *folded* character for character (non-breaking and thin spaces become
  spaces, typographic dashes become "-", the full-width "＠" becomes "@"), so offsets stay
  those of the original and every pattern sees one spelling of each separator.
* Numbers are read as *runs*: digits joined by short separators (" ", ".", "-", "/", "(0)").
  A run is cut into identifiers by what its digits say (ten digits starting with 0 is a French
  phone number and whatever digit follows it is not part of it; + or 00 starts an
  international number; 13 or 15 digits shaped like a NIR, 23 like a RIB…). Any other run of
  eight digits or more is hidden as a number: a missed identifier cannot be recalled from a
  backup, an over-hidden number only costs a reviewer a little context. French amounts and
  populations ("175 000", "40 000 – 175 000"), lists of years and dates that are not birth
  dates stay readable.
* Words need context: a birth keyword before a date, an introduction, a title, a closing
  formula or a form label before a name, a street type after a house number.

Every pattern is linear: no repetition nests another over the same characters (a separator
class and a digit class never overlap), bounded repetitions elsewhere, and a length cap per
string (longer strings are cut, see :data:`MAX_TEXT`).

One module per job: `kinds` (placeholders), `checksums`, `folding`, one detector module per
kind of data (`numbers`, `emails`, `dates`, `person_names`, `addresses`), `finding` (all of
them together, :func:`redact`), `events` (Rasa events of a conversation, :class:`Redactor`),
`senders` (sender-id pseudonyms). The names below are the public interface.
"""

from __future__ import annotations

from bot.redaction.checksums import iban_valid, luhn_valid, nir_key_valid, rib_key_valid
from bot.redaction.events import Redactor, map_offset, redact_event
from bot.redaction.finding import (
    PUBLIC_KINDS,
    apply_redactions,
    find_redactions,
    public_identifiers,
    redact,
)
from bot.redaction.folding import fold_separators, identity
from bot.redaction.kinds import (
    ADDRESS,
    ADELI,
    BIRTH_DATE,
    CARD,
    EMAIL,
    IBAN,
    MAX_TEXT,
    NAME,
    NIR,
    NUMBER,
    PHONE,
    PLACEHOLDERS,
    RPPS,
    SENDER_KINDS,
    TRUNCATED,
    Redaction,
)
from bot.redaction.senders import KEY_VARIABLES, redaction_key, stored_sender_id

__all__ = [
    "ADDRESS",
    "ADELI",
    "BIRTH_DATE",
    "CARD",
    "EMAIL",
    "IBAN",
    "KEY_VARIABLES",
    "MAX_TEXT",
    "NAME",
    "NIR",
    "NUMBER",
    "PHONE",
    "PLACEHOLDERS",
    "PUBLIC_KINDS",
    "RPPS",
    "SENDER_KINDS",
    "TRUNCATED",
    "Redaction",
    "Redactor",
    "apply_redactions",
    "find_redactions",
    "fold_separators",
    "iban_valid",
    "identity",
    "luhn_valid",
    "map_offset",
    "nir_key_valid",
    "public_identifiers",
    "redact",
    "redact_event",
    "redaction_key",
    "rib_key_valid",
    "stored_sender_id",
]
