"""Redaction of personal identifiers: each kind, what must stay readable, and event structure."""

from __future__ import annotations

import pytest

from bot.redaction import (
    ADELI,
    BIRTH_DATE,
    CARD,
    EMAIL,
    IBAN,
    NAME,
    NIR,
    NUMBER,
    PHONE,
    RPPS,
    iban_valid,
    luhn_valid,
    nir_key_valid,
    redact,
    redact_event,
)

REDACTED = [
    # e-mail addresses
    ("écrivez à jean.dupont@exemple.fr svp", f"écrivez à {EMAIL} svp"),
    ("MAIL: Marie-Claire.O'Neil+cpts@sante.gouv.fr.", f"MAIL: {EMAIL}."),
    ("contact@msp-blois.org", EMAIL),
    # French phone numbers, every usual way of writing them
    ("appelez le 06 12 34 56 78", f"appelez le {PHONE}"),
    ("0612345678 ou 02.54.12.34.56", f"{PHONE} ou {PHONE}"),
    ("tel: 06-12-34-56-78", f"tel: {PHONE}"),
    ("+33 6 12 34 56 78", PHONE),
    ("+33612345678", PHONE),
    ("+33 (0)2 54 12 34 56", PHONE),
    ("0033 6 12 34 56 78", PHONE),
    ("mon portable belge +32 470 12 34 56", f"mon portable belge {PHONE}"),
    # NIR, with or without key and spaces, Corsica included
    ("mon numéro de sécu 1 85 05 78 006 084 36", f"mon numéro de sécu {NIR}"),
    ("NIR 185057800608436", f"NIR {NIR}"),
    ("2 69 11 2A 004 123", NIR),
    ("2850578006084", NIR),
    # IBAN, checked or with the French shape
    ("IBAN FR76 3000 6000 0112 3456 7890 189", f"IBAN {IBAN}"),
    ("fr7630006000011234567890189", IBAN),
    ("DE89 3704 0044 0532 0130 00", IBAN),
    # payment cards (Luhn)
    ("carte 4111 1111 1111 1111 exp 12/27", f"carte {CARD} exp 12/27"),
    ("5500-0000-0000-0004", CARD),
    ("amex 378282246310005", f"amex {CARD}"),
    # RPPS / ADELI
    ("mon RPPS : 10003456789", f"mon RPPS : {RPPS}"),
    ("rpps n° 10 00 34 56 789", f"rpps n° {RPPS}"),
    ("numéro 10003456786", f"numéro {RPPS}"),
    ("ADELI 751234567", f"ADELI {ADELI}"),
    ("mon numéro adeli est 41 12 3456 7", f"mon numéro adeli est {ADELI}"),
    # other long numbers
    ("dossier 123456789012", f"dossier {NUMBER}"),
    # names given after an introduction or a title
    ("je m'appelle marie dupont et je suis infirmière", f"je m'appelle {NAME} et je suis infirmière"),
    ("Bonjour, mon nom est Martin.", f"Bonjour, mon nom est {NAME}."),
    ("je suis le Dr Jean Martin de Blois", f"je suis le Dr {NAME} de Blois"),
    ("Madame Le Goff m'a dit", f"Madame {NAME} m'a dit"),
    ("M. Durand, pharmacien", f"M. {NAME}, pharmacien"),
    # birth dates
    ("née le 12/03/1985", f"née le {BIRTH_DATE}"),
    ("date de naissance : 3 mars 1985", f"date de naissance : {BIRTH_DATE}"),
]

KEPT = [
    "ESP-CVL 7 500 €/an, MSP ACI ~80 000 € + FIR 15 000 €",
    "la CPTS reçoit 50–90 000 € sur 5 ans pour 120 000 habitants",
    "en 2019 à 41000 Blois, le 12/12/2024 à 14h30",
    "article L. 6323-3 du code de la santé publique",
    "docteur en médecine, monsieur le maire, madame la directrice",
    "je suis médecin généraliste",
    "<script>alert(1)</script>",
    "quelle différence entre une MSP et une CPTS ?",
    "c koi une cpts",
    "3 médecins et 2 infirmières",
    "",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_identifiers_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "_"), REDACTED)
def test_redaction_is_idempotent(text: str, _: str) -> None:
    once = redact(text)
    assert redact(once) == once


def test_checksums() -> None:
    assert iban_valid("FR76 3000 6000 0112 3456 7890 189")
    assert not iban_valid("FR76 3000 6000 0112 3456 7890 188")
    assert nir_key_valid("1 85 05 78 006 084 91")
    assert not nir_key_valid("1 85 05 78 006 084 36")
    assert nir_key_valid("2 69 11 2A 004 123 13")
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111 1111 1111 1112")
    # A card-shaped number that fails Luhn is still hidden as a long number only if unspaced.
    assert redact("4111111111111112") == NUMBER


def test_user_event_text_parse_data_and_entities() -> None:
    text = "mail a@b.fr pour la MSP, tel 0612345678"
    event = {
        "event": "user",
        "text": text,
        "input_channel": "rest",
        "metadata": {"from": {"email": "x@y.fr", "ids": ["0612345678", 3]}},
        "parse_data": {
            "text": text,
            "intent": {"name": "human_handoff", "confidence": 0.9},
            "entities": [
                {
                    "entity": "structure",
                    "value": "msp",
                    "start": text.index("MSP"),
                    "end": text.index("MSP") + 3,
                },
                {"entity": "contact", "value": "a@b.fr", "start": 5, "end": 11},
            ],
            "metadata": {"phone": "06 12 34 56 78"},
        },
    }
    cleaned = redact_event(event)
    expected = f"mail {EMAIL} pour la MSP, tel {PHONE}"
    assert cleaned["text"] == cleaned["parse_data"]["text"] == expected
    structure, contact = cleaned["parse_data"]["entities"]
    assert expected[structure["start"] : structure["end"]] == "MSP" and structure["value"] == "msp"
    assert expected[contact["start"] : contact["end"]] == EMAIL and contact["value"] == EMAIL
    assert cleaned["metadata"] == {"from": {"email": EMAIL, "ids": [PHONE, 3]}}
    assert cleaned["parse_data"]["metadata"] == {"phone": PHONE}
    assert cleaned["parse_data"]["intent"] == event["parse_data"]["intent"]
    # The original is left untouched: Rasa keeps using it for the current turn.
    assert event["text"] == text and event["parse_data"]["entities"][1]["value"] == "a@b.fr"


def test_slot_entities_and_bot_events() -> None:
    slot = redact_event({"event": "slot", "name": "note", "value": {"tel": "06 12 34 56 78", "n": 2}})
    assert slot["value"] == {"tel": PHONE, "n": 2}
    entities = redact_event({"event": "entities", "entities": [{"entity": "e", "value": "a@b.fr"}]})
    assert entities["entities"] == [{"entity": "e", "value": EMAIL}]
    bot = {"event": "bot", "text": "ARS Centre-Val de Loire : 02 38 77 32 32", "data": {}}
    assert redact_event(bot) == bot
    assert redact_event({"event": "user", "text": None, "parse_data": None}) == {
        "event": "user",
        "text": None,
        "parse_data": None,
    }


# --------------------------------------------------------------------------- time bounds
# Redaction runs on Rasa's event loop for every stored event: one slow message stalls every
# conversation. These inputs took exponential or quadratic time with the former patterns.
ADVERSARIAL = [
    "rpps" + ":" * 40 + "?",
    "RPPS" + " :" * 500 + "x",
    "adeli" + "::?" * 300,
    "rpps n°" * 400,
    "né" + " " * 4000 + "x",
    "née :" + " " * 2000 + ":" + " " * 2000,
    "date de naissance" + " le" * 1300,
    "1 " * 2000,
    "06" + " 12" * 1300,
    "a@b." * 1000,
    "je m'appelle " + "Jean " * 800,
    "docteur " * 500,
    "FR76 " * 800,
    "+33 " * 1000,
]


def _slowest_redaction_ms(text: str, repeat: int = 3) -> float:
    import time

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        redact(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_hostile_text_is_redacted_in_bounded_time(text: str) -> None:
    assert len(text) <= 4096
    assert _slowest_redaction_ms(text) < 20


def test_the_freezing_rpps_message_still_redacts_a_real_number() -> None:
    assert redact("rpps : : : 10003456789") == f"rpps : : : {RPPS}"
    assert redact("RPPS n° : 10003456789") == f"RPPS n° : {RPPS}"


def test_any_text_up_to_4_kb_is_redacted_within_20_ms() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    # Alphabet of the characters the patterns care about, so that generated text hits them.
    pieces = st.sampled_from(
        ["rpps", "adeli", "né", "le", " ", ":", "?", "n°", "0", "6", "1", "@", ".", "-", "+33", "FR", "a"]
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(pieces, max_size=1500).map("".join))
    def check(text: str) -> None:
        text = text[:4096]
        assert _slowest_redaction_ms(text, repeat=2) < 20, text[:80]

    check()
