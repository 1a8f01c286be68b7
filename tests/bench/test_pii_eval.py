"""The personal-data benchmark: its corpus is well formed and its search finds what leaks."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from bench.pii_scoring import CORPUS, leak, load_corpus, load_questions, score, stored_texts
from bot.review import schema
from bot.review.db import ensure_schema, make_engine

KINDS = {"phone", "email", "nir", "iban", "birth_date", "name", "rpps", "address", "mixed"}


def test_the_corpus_covers_every_kind_with_at_least_250_messages() -> None:
    messages = load_corpus(CORPUS)
    assert len(messages) >= 250
    assert len({message.id for message in messages}) == len(messages)
    assert {message.kind for message in messages} >= KINDS
    for message in messages:
        assert message.find, message.id
        if message.kind != "sender":
            for value in message.find:
                assert value in message.turns[0], (message.id, value)


def test_questions_are_the_tuning_part_only() -> None:
    questions = load_questions()
    assert len(questions) == 471
    assert all(question.sender.startswith("qa-") for question in questions)


def test_a_value_is_found_raw_folded_or_by_six_of_its_digits() -> None:
    assert leak("06 12 34 56 78", ["appelez le 06.12.34.56.78"]) == "digits 061234"
    assert leak("06\u00a012\u00a034\u00a056\u00a078", ["tel 0612345678"]) == "digits 061234"
    assert leak("Marie Dupont", ["je suis MARIE  DUPONT"]) == "raw"
    assert leak("Émilie Robin", ["ici emilie robin"]) == "raw"
    # A short value inside another word is no leak; placeholders hold no digit.
    assert leak("Hugo", ["Victor-Hugolien"]) is None
    assert leak("06 12 34 56 78", ["appelez le [téléphone]", "[numéro] 1 2"]) is None


def test_the_search_reads_every_stored_string_of_the_conversation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    ensure_schema(engine)
    redacted = {"event": "user", "text": "[e-mail]"}
    other = {"event": "user", "text": "x@y.fr"}
    leaked = {"event": "bot", "text": "ok", "data": {"buttons": [{"payload": '/x{"mail": "a.b@c.fr"}'}]}}
    with engine.begin() as connection:
        connection.execute(
            schema.events.insert(),
            [
                {"sender_id": "pii-x", "type_name": "user", "data": json.dumps(redacted)},
                {"sender_id": "pii-x", "type_name": "bot", "data": json.dumps(leaked)},
                {"sender_id": "other", "type_name": "user", "data": json.dumps(other)},
            ],
        )
        count = connection.execute(sa.select(sa.func.count()).select_from(schema.events)).scalar()
    texts = stored_texts(engine, "pii-x")
    assert count == 3 and texts["user"] == ["[e-mail]"]
    assert leak("a.b@c.fr", texts["all"]) == "raw"
    assert leak("x@y.fr", texts["all"]) is None  # another conversation's row
    result = score(engine, [m for m in load_corpus(CORPUS) if m.id == "email-001"], [], b"")
    engine.dispose()
    assert result["values"] == 1 and result["conversations_missing_turns"] == ["email-001"]
