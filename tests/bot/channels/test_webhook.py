"""Helpers shared by the channels' HTTP endpoints."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.webhook import (
    DEFAULT_MAX_BODY_BYTES,
    BackgroundTasks,
    RecentIds,
    WebhookError,
    parse_json_object,
    parse_limit,
)


@pytest.mark.parametrize(
    ("value", "limit"),
    [(None, DEFAULT_MAX_BODY_BYTES), ("", DEFAULT_MAX_BODY_BYTES), ("2048", 2048), (4096, 4096)],
)
def test_parse_limit(value: object, limit: int) -> None:
    assert parse_limit(value) == limit


@pytest.mark.parametrize("value", ["64k", "0", -1, "1.5"])
def test_parse_limit_refuses_nonsense(value: object) -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        parse_limit(value)


def test_parse_json_object() -> None:
    assert parse_json_object('{"a": "é"}'.encode()) == {"a": "é"}


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"text"', b"\xff", b"null"])
def test_parse_json_object_refusals_are_400(body: bytes) -> None:
    with pytest.raises(WebhookError) as caught:
        parse_json_object(body)
    assert caught.value.status == 400


def test_recent_ids_remembers_a_bounded_number() -> None:
    recent = RecentIds(size=2)
    assert [recent.seen(i) for i in ("a", "a", "b", "c", "a")] == [False, True, False, False, False]
    assert recent.seen(None) is False
    assert recent.seen(None) is False


async def test_background_tasks_log_failures_and_drain(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("Essai")
    done: list[str] = []

    async def works() -> None:
        await asyncio.sleep(0.01)
        done.append("ok")

    async def fails() -> None:
        raise RuntimeError("boom")

    async def hangs() -> None:
        await asyncio.sleep(60)

    with caplog.at_level(logging.WARNING, logger="bot.channels.webhook"):
        tasks.spawn(works())
        tasks.spawn(fails())
        hanging = tasks.spawn(hangs())
        await tasks.drain(timeout=0.2)
    assert done == ["ok"]
    assert hanging.cancelled()
    messages = [r.getMessage() for r in caplog.records]
    assert any("échec du traitement" in m for m in messages)
    assert any("abandonnée" in m for m in messages)
    await asyncio.sleep(0)
    assert len(tasks) == 0
