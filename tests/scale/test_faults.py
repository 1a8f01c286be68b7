"""Faults while two Rasa instances serve conversations: the action server down or frozen,
PostgreSQL restarted under traffic, a Rasa instance killed mid-conversation.

Timings are bounds that separate "answers" from "hangs" (five minutes in Rasa), never
performance assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import uuid
from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.client import RestClient, TurnResult
from bench.scaled import ScaledStack, rasa_urls
from bench.scenarios import load_scenarios, scenario
from bench.services import ensure_postgres_running, postgres_restart_problem, restart_postgres
from bench.store_check import conversation_problems, load_conversation
from bot.channels.wording import UNAVAILABLE_TEXT
from tests.scale.conftest import TURN_TIMEOUT

pytestmark = pytest.mark.services

# What "within a few seconds" allows on a loaded 2-core machine, against Rasa's 300 s.
ANSWER_BOUND = TURN_TIMEOUT + 5
OUTAGE_SECONDS = 4.0
THINK_SECONDS = 1.1


def answered(turn: TurnResult) -> bool:
    return turn.ok and bool(turn.texts) and UNAVAILABLE_TEXT not in turn.texts


def child(stack: ScaledStack, name: str):  # type: ignore[no-untyped-def]
    return next(item for item in stack.children if item.name == name)


def postmaster_start(engine: Engine) -> object:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar()


async def say(client: RestClient, sender: str, text: str, url: str | None = None) -> TurnResult:
    """One turn after a short pause, as a person types: under the per-sender rate limit."""
    await asyncio.sleep(THINK_SECONDS)
    return await client.send(sender, text, url=url)


async def control(client: RestClient, turns: Sequence[str], url: str | None = None) -> list[TurnResult]:
    """The same turns in a fresh conversation, without any fault: what the answers should be."""
    sender = f"control-{uuid.uuid4().hex[:12]}"
    return [await say(client, sender, text, url) for text in turns]


async def test_action_server_down_answers_politely_then_resumes(
    client: RestClient, scaled_stack: ScaledStack, tracker_engine: Engine, sender: str
) -> None:
    question = "combien de financement pour une ESS ?"
    expected = await control(client, ["c'est quoi une MSP ?", question])
    sent = [await client.send(sender, "c'est quoi une MSP ?")]
    scaled_stack.kill("actions")
    try:
        down = [await client.send(sender, question), await client.send(sender, question)]
    finally:
        scaled_stack.respawn("actions")
    for turn in down:
        assert turn.status == 200 and turn.texts[-1] == UNAVAILABLE_TEXT
        assert turn.latency < ANSWER_BOUND
    sent += [*down, await client.send(sender, question)]
    assert [turn.texts for turn in (sent[0], sent[-1])] == [turn.texts for turn in expected]
    assert all(answered(turn) for turn in expected)
    assert conversation_problems(sent, load_conversation(tracker_engine, sender)) == []


async def test_frozen_action_server_does_not_hang_a_form(
    client: RestClient, scaled_stack: ScaledStack, tracker_engine: Engine, sender: str
) -> None:
    turns = scenario("eligibilite-esp").turns[:4]
    expected = await control(client, turns)
    sent = [await say(client, sender, text) for text in turns[:2]]
    actions = child(scaled_stack, "actions").process
    os.killpg(actions.pid, signal.SIGSTOP)
    try:
        stalled = await client.send(sender, turns[2])
    finally:
        os.killpg(actions.pid, signal.SIGCONT)
    assert stalled.status == 503 and stalled.texts == [UNAVAILABLE_TEXT]
    assert stalled.latency < ANSWER_BOUND
    # The abandoned turn left nothing behind: the user repeats it and the form goes on.
    resumed = [await say(client, sender, text) for text in turns[2:]]
    assert [turn.texts for turn in sent + resumed] == [turn.texts for turn in expected]
    assert all(answered(turn) for turn in expected)
    stored = load_conversation(tracker_engine, sender)
    assert conversation_problems([*sent, stalled, *resumed], stored) == []
    assert stored.slots == load_conversation(tracker_engine, expected[0].sender).slots
    assert stored.slots["general_practitioners"] == 1


async def test_postgres_restart_during_traffic_fails_cleanly_and_recovers(
    client: RestClient, scaled_stack: ScaledStack, tracker_engine: Engine
) -> None:
    # Restarting needs the local cluster's own tool: a managed or containerised server is a
    # service that runs, but not one this test may restart.
    problem = postgres_restart_problem()
    if problem:
        pytest.skip(problem)
    pids = {item.name: item.process.pid for item in scaled_stack.children}
    started_before = postmaster_start(tracker_engine)
    questions = [item for item in load_scenarios() if item.kind == "questions"]
    stop = asyncio.Event()

    async def converse(index: int) -> list[TurnResult]:
        sender = f"pg-restart-{index}-{uuid.uuid4().hex[:8]}"
        results: list[TurnResult] = []
        turns = questions[index % len(questions)].turns
        while not stop.is_set():
            results.append(await client.send(sender, turns[len(results) % len(turns)]))
            # Under the per-sender rate limit (1 message/s): the faults here are the database's.
            await asyncio.sleep(1.1)
        return results

    tasks = [asyncio.create_task(converse(index)) for index in range(4)]
    await asyncio.sleep(2)
    try:
        # Down for a few seconds, so that turns do hit the outage.
        await asyncio.to_thread(restart_postgres, OUTAGE_SECONDS)
    finally:
        await asyncio.to_thread(ensure_postgres_running)
    await asyncio.sleep(6)
    stop.set()
    conversations = await asyncio.gather(*tasks)

    assert postmaster_start(tracker_engine) != started_before, "PostgreSQL n'a pas redémarré"
    turns = [turn for conversation in conversations for turn in conversation]
    assert {turn.status for turn in turns} <= {200, 503}, {(t.status, t.error) for t in turns}
    assert any(turn.status == 503 for turn in turns), "aucun tour n'a rencontré la coupure"
    assert all(turn.texts == [UNAVAILABLE_TEXT] for turn in turns if turn.status == 503)
    # Recovered without restarting anything: same processes, every instance answers again.
    assert {item.name: item.process.pid for item in scaled_stack.children} == pids
    assert scaled_stack.crashed() is None
    probe = f"pg-after-{uuid.uuid4().hex[:8]}"
    after = [await client.send(probe, "c'est quoi une CPTS ?", url=url) for url in rasa_urls(scaled_stack)]
    assert all(answered(turn) for turn in after), [(t.status, t.texts) for t in after]
    for conversation in conversations:
        stored = load_conversation(tracker_engine, conversation[0].sender)
        assert conversation_problems(conversation, stored, uncertain_statuses=frozenset({503})) == []


async def test_killed_instance_conversation_continues_on_the_other(
    client: RestClient, scaled_stack: ScaledStack, tracker_engine: Engine, sender: str
) -> None:
    dialogue = scenario("eligibilite-centre-de-sante")
    first, second = rasa_urls(scaled_stack)
    expected = await control(client, dialogue.turns, url=second)
    victim = next(item.name for item in scaled_stack.children if item.health_url.rstrip("/") == first)
    sent = [await say(client, sender, text) for text in dialogue.turns[:4]]
    assert {turn.instance for turn in sent} == {first, second}
    scaled_stack.kill(victim)
    try:
        sent += [await say(client, sender, text, second) for text in dialogue.turns[4:]]
        assert [turn.texts for turn in sent] == [turn.texts for turn in expected]
        assert all(answered(turn) for turn in expected)
        stored = load_conversation(tracker_engine, sender)
        assert conversation_problems(sent, stored) == []
        assert stored.slots == load_conversation(tracker_engine, expected[0].sender).slots
        assert (stored.slots["general_practitioners"], stored.slots["paramedicals"]) == (2, 1)
    finally:
        with contextlib.suppress(Exception):
            scaled_stack.respawn(victim)
    # The restarted instance picks the conversation up from the database as well.
    thanks = await say(client, sender, "merci", first)
    assert answered(thanks)
    assert conversation_problems([*sent, thanks], load_conversation(tracker_engine, sender)) == []
