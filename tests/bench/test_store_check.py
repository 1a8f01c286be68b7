"""The load test's storage check: what it accepts and every fault it must catch."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bench.client import TurnResult, percentile
from bench.store_check import StoredConversation, StoredTurn, conversation_problems, load_conversation
from bot.channels.wording import UNAVAILABLE_TEXT


def sent(text: str, answers: list[str], status: int = 200) -> TurnResult:
    return TurnResult("s", text, "http://a", status, [{"recipient_id": "s", "text": a} for a in answers], 0.1)


def stored(*turns: tuple[str, list[str]], ids: list[int] | None = None) -> StoredConversation:
    items = [StoredTurn(text, f"m{index}", list(bots)) for index, (text, bots) in enumerate(turns)]
    return StoredConversation("s", items, ids or list(range(len(items))), {})


CONVERSATION = [sent("bonjour", ["Bonjour !"]), sent("c'est quoi une MSP ?", ["Une MSP…", "Source : …"])]


def test_a_whole_conversation_passes() -> None:
    assert (
        conversation_problems(
            CONVERSATION,
            stored(("bonjour", ["Bonjour !"]), ("c'est quoi une MSP ?", ["Une MSP…\n\nSource : …"])),
        )
        == []
    )


def test_personal_data_is_compared_redacted() -> None:
    turns = [sent("écrivez-moi à jean.dupont@example.org", ["Merci."])]
    assert conversation_problems(turns, stored(("écrivez-moi à [e-mail]", ["Merci."]))) == []


def test_the_unavailable_notice_is_not_expected_in_storage() -> None:
    turns = [sent("combien pour une ESS ?", [UNAVAILABLE_TEXT])]
    assert conversation_problems(turns, stored(("combien pour une ESS ?", []))) == []


@pytest.mark.parametrize(
    ("conversation", "fragment"),
    [
        (stored(("bonjour", ["Bonjour !"])), "accepté mais absent"),
        (stored(("c'est quoi une MSP ?", ["Une MSP…\n\nSource : …"]), ("bonjour", ["Bonjour !"])), "stocké"),
        (stored(("bonjour", ["Bonjour !"]), ("c'est quoi une MSP ?", ["Une MSP…"])), "réponses stockées"),
        (
            stored(
                ("bonjour", ["Bonjour !"]),
                ("c'est quoi une MSP ?", ["Une MSP…\n\nSource : …"]),
                ("bonjour", []),
            ),
            "en trop",
        ),
        (
            stored(
                ("bonjour", ["Bonjour !"]), ("c'est quoi une MSP ?", ["Une MSP…\n\nSource : …"]), ids=[2, 1]
            ),
            "non croissants",
        ),
    ],
)
def test_missing_reordered_altered_or_extra_messages_are_caught(
    conversation: StoredConversation, fragment: str
) -> None:
    problems = conversation_problems(CONVERSATION, conversation)
    assert any(fragment in problem for problem in problems), problems


def test_a_duplicated_user_message_is_caught() -> None:
    conversation = stored(("bonjour", ["Bonjour !"]), ("c'est quoi une MSP ?", ["Une MSP…\n\nSource : …"]))
    conversation.turns[1].message_id = conversation.turns[0].message_id
    assert any("deux fois" in problem for problem in conversation_problems(CONVERSATION, conversation))


def test_refused_turns_must_leave_nothing_unless_uncertain() -> None:
    turns = [
        sent("bonjour", ["Bonjour !"]),
        sent("merci", [UNAVAILABLE_TEXT], status=503),
        sent("au revoir", ["Au revoir"]),
    ]
    clean = stored(("bonjour", ["Bonjour !"]), ("au revoir", ["Au revoir"]))
    leaked = stored(("bonjour", ["Bonjour !"]), ("merci", []), ("au revoir", ["Au revoir"]))
    assert conversation_problems(turns, clean) == []
    assert any("refusé (503)" in problem for problem in conversation_problems(turns, leaked))
    assert conversation_problems(turns, leaked, uncertain_statuses=frozenset({503})) == []
    assert conversation_problems(turns, clean, uncertain_statuses=frozenset({503})) == []


def test_a_retry_with_the_same_text_is_not_mistaken_for_the_refused_turn() -> None:
    turns = [sent("1", [UNAVAILABLE_TEXT], status=503), sent("1", ["Combien d'auxiliaires médicaux ?"])]
    assert conversation_problems(turns, stored(("1", ["Combien d'auxiliaires médicaux ?"]))) == []
    doubled = stored(("1", []), ("1", ["Combien d'auxiliaires médicaux ?"]))
    assert any("refusé (503)" in problem for problem in conversation_problems(turns, doubled))


def test_percentile_is_an_observed_value() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50.0, 95.0, 99.0)
    assert percentile([3.0], 0.99) == 3.0


def events_engine(rows: list[tuple[str, dict]]) -> sa.engine.Engine:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE events (id INTEGER, sender_id TEXT, type_name TEXT, data TEXT)")
        )
        for index, (kind, data) in enumerate(rows, start=1):
            connection.execute(
                sa.text("INSERT INTO events VALUES (:id, 's', :kind, :data)"),
                {"id": index, "kind": kind, "data": json.dumps(data)},
            )
    return engine


def test_a_rephrasing_replayed_by_the_two_stage_fallback_is_one_turn() -> None:
    # What Rasa stores when the user rephrases after "did you mean…?" (rasa/core/actions/
    # two_stage_fallback.py): two reverts, then the same message (same id) again.
    rows = [
        ("user", {"text": "🙂🙂🙂", "message_id": "m1"}),
        ("bot", {"text": "Je ne suis pas sûr d'avoir compris."}),
        ("user", {"text": "c'est quoi une MSP ?", "message_id": "m2"}),
        ("rewind", {}),
        ("rewind", {}),
        ("user", {"text": "c'est quoi une MSP ?", "message_id": "m2"}),
        ("bot", {"text": "Une MSP…"}),
    ]
    conversation = [
        sent("🙂🙂🙂", ["Je ne suis pas sûr d'avoir compris."]),
        sent("c'est quoi une MSP ?", ["Une MSP…"]),
    ]
    loaded = load_conversation(events_engine(rows), "s")
    assert [turn.user_text for turn in loaded.turns] == ["🙂🙂🙂", "c'est quoi une MSP ?"]
    assert conversation_problems(conversation, loaded) == []
    # Without the reverts, the same message stored twice is a fault.
    doubled = load_conversation(events_engine([row for row in rows if row[0] != "rewind"]), "s")
    assert any("deux fois" in problem for problem in conversation_problems(conversation, doubled))
