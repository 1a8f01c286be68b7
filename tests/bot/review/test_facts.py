"""Conversation facts derived from events, and their incremental merge into the summary."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, UserUttered

from actions import names
from bot.review import schema
from bot.review.facts import classifier_confidence, normalise, parse_eligibility, summarise
from tests.bot.review.scenarios import Scenario, Turn, save


def test_summarise_reads_every_fact() -> None:
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": 10.0},
        {
            "event": "user",
            "timestamp": 11.0,
            "text": "financement msp",
            "input_channel": "facebook",
            "parse_data": {
                "intent": {"name": "ask_funding", "confidence": 0.8},
                "entities": [
                    {"entity": "structure", "value": "MSP", "start": 12, "end": 15, "extractor": "DIET"}
                ],
            },
        },
        {"event": "slot", "name": "structure", "value": "cpts", "timestamp": 11.1},
        {
            "event": "user",
            "timestamp": 20.0,
            "text": "un humain",
            "parse_data": {"intent": {"name": names.HUMAN_HANDOFF, "confidence": 0.6}},
        },
        {"event": "action", "name": names.ACTION_TWO_STAGE_FALLBACK, "timestamp": 20.1},
        {
            "event": "slot",
            "name": names.ELIGIBILITY_RESULT,
            "value": json.dumps({"esp": "accessible"}),
            "timestamp": 21.0,
        },
        {"event": "action", "name": names.ACTION_ELIGIBILITY_VERDICT, "timestamp": 21.1},
    ]
    delta = summarise("s", events)
    assert (delta.started_at, delta.last_event_at, delta.channel) == (10.0, 21.1, "facebook")
    assert [turn.text for turn in delta.turns] == ["financement msp", "un humain"]
    assert delta.turns[0].entities == [{"entity": "structure", "value": "MSP", "start": 12, "end": 15}]
    assert not delta.turns[0].fallback and delta.turns[1].fallback and delta.turns[1].doubtful
    assert delta.fallback and delta.handoff and delta.eligibility_done
    assert delta.structures == {"msp", "cpts"}
    assert delta.eligibility == {"esp": "accessible"}
    assert delta.min_confidence == 0.6
    assert not delta.fallback_on_stored_turn


def test_the_handoff_action_flags_the_conversation_whatever_the_intent() -> None:
    events = [
        {
            "event": "user",
            "timestamp": 1.0,
            "text": "appelez-moi",
            "parse_data": {"intent": {"name": "inform"}},
        },
        {"event": "slot", "name": names.HANDOFF_REQUESTED, "value": True, "timestamp": 1.1},
    ]
    assert summarise("s", events).handoff
    events[1]["value"] = None
    assert not summarise("s", events).handoff


def test_fallback_before_any_message_points_at_the_stored_turn() -> None:
    delta = summarise("s", [{"event": "action", "name": names.ACTION_DEFAULT_FALLBACK, "timestamp": 1.0}])
    assert delta.fallback and delta.fallback_on_stored_turn and not delta.turns


@pytest.mark.parametrize(
    ("parse_data", "expected"),
    [
        ({"intent": {"name": "greet", "confidence": 0.9}}, ("greet", 0.9)),
        (
            {
                "intent": {"name": names.NLU_FALLBACK, "confidence": 0.5},
                "intent_ranking": [
                    {"name": names.NLU_FALLBACK, "confidence": 0.5},
                    {"name": "ask_fees", "confidence": 0.3},
                ],
            },
            (names.NLU_FALLBACK, 0.3),
        ),
        ({"intent": {"name": names.NLU_FALLBACK, "confidence": 0.5}}, (names.NLU_FALLBACK, 0.5)),
        ({}, (None, None)),
    ],
)
def test_classifier_confidence(parse_data: dict, expected: tuple) -> None:
    assert classifier_confidence(parse_data) == expected


def test_normalise_and_eligibility_parsing() -> None:
    assert normalise("  C'est QUOI une CPTS ?! ") == "c est quoi une cpts"
    assert normalise("Équipe_de  soins") == "equipe de soins"
    assert parse_eligibility('{"msp": "to_check", "x": 3}') == {"msp": "to_check"}
    assert parse_eligibility("pas du json") is None
    assert parse_eligibility(["liste"]) is None


async def test_summary_merges_incremental_saves(store, domain, engine) -> None:
    scenario = Scenario(
        "merge",
        "rest",
        1,
        [
            Turn("une msp ?", "ask_definition", 0.95, entities=[("structure", "msp", "msp")]),
            Turn("et la cpts", "ask_definition", 0.5, entities=[("structure", "cpts", "cpts")]),
            Turn("merci", "thanks", 0.99),
        ],
    )
    await save(store, domain, scenario, 1_700_000_000.0)
    with engine.connect() as connection:
        row = connection.execute(sa.select(schema.conversations)).one()
        structures = set(connection.execute(sa.select(schema.structures.c.structure)).scalars())
        turns = connection.execute(
            sa.select(schema.turns.c.text, schema.turns.c.doubtful).order_by(schema.turns.c.id)
        ).all()
    assert row.turns == 3 and row.min_confidence == 0.5 and not row.fallback
    assert row.started_at == pytest.approx(1_700_000_000.0 - 86_400)
    assert structures == {"msp", "cpts"}
    assert [(text, bool(doubtful)) for text, doubtful in turns] == [
        ("une msp ?", False),
        ("et la cpts", True),
        ("merci", False),
    ]


async def test_fallback_saved_after_the_message_marks_it(store, domain, engine) -> None:
    await save(store, domain, Scenario("late", "rest", 1, [Turn("hum", "greet", 0.9)]), 1_700_000_000.0)
    tracker = await store.retrieve("late")
    tracker.update(
        UserUttered("autre chose", {"name": "affirm", "confidence": 0.95}, timestamp=1_700_000_100.0)
    )
    await store.save(tracker)
    tracker.update(ActionExecuted(names.ACTION_DEFAULT_FALLBACK, timestamp=1_700_000_101.0))
    await store.save(tracker)
    with engine.connect() as connection:
        turns = connection.execute(
            sa.select(schema.turns.c.text, schema.turns.c.fallback).order_by(schema.turns.c.id)
        ).all()
        fallback = connection.execute(sa.select(schema.conversations.c.fallback)).scalar()
    assert [(text, bool(flag)) for text, flag in turns] == [("hum", False), ("autre chose", True)]
    assert fallback
