"""A short run of the load test on the two-instance stack: the same code as bench/load_test.py,
so the benchmark's storage check and figures are exercised by every test run."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bench.load_test import run_users, summarise
from bench.scaled import ScaledStack, rasa_urls
from bench.scenarios import load_scenarios
from bench.store_check import all_problems

pytestmark = pytest.mark.services


async def test_concurrent_conversations_hop_instances_and_are_stored_whole(
    scaled_stack: ScaledStack, tracker_engine: Engine
) -> None:
    urls = rasa_urls(scaled_stack)
    conversations, window_start, elapsed = await run_users(
        urls, load_scenarios(), users=4, duration=6.0, think_time=(1.1, 1.5), seed=3
    )
    problems = all_problems(tracker_engine, conversations)
    result = summarise(2, 4, conversations, (window_start, 6.0), elapsed, problems)
    assert result.conversations >= 4 and result.turns >= 8
    assert result.errors == {} and result.unavailable_notices == 0
    assert result.storage_problems == 0, result.storage_examples
    assert result.ok_turns == result.turns and result.messages_per_s > 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    # Turns are spread over both instances (round-robin), so conversations hop between them.
    assert {turn.instance for conversation in conversations for turn in conversation} == set(urls)
