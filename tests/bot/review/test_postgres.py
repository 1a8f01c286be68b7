"""The review app and its commands on PostgreSQL (a throw-away database per test)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from aiohttp import web

from bot.review import queue, stats, users
from bot.review.app import create_app
from bot.review.cli import main
from bot.review.db import make_engine
from bot.review.facts import day_of
from bot.settings import Settings
from bot.tracker_store import RedactingTrackerStore
from tests.bot.review.conftest import ADMIN, SECRET, login
from tests.bot.review.scenarios import SENDERS, save_all

pytestmark = pytest.mark.services
LINK = re.compile(r'href="/review/conversation\?id=([^"]+)"')


async def test_review_app_on_postgresql(
    pg_url: str, domain, aiohttp_client, fast_passwords, tmp_path
) -> None:
    store = RedactingTrackerStore(domain=domain, url=pg_url, pool_size=2)
    now = await save_all(store, domain)
    engine = make_engine(pg_url, pool_size=2)
    with engine.begin() as connection:
        users.create_user(connection, fast_passwords, *ADMIN, users.ADMIN)
    settings = Settings.from_env({"TRACKER_STORE_URL": pg_url, "REVIEW_SECRET_KEY": SECRET})
    root = web.Application()
    root.add_subapp(
        "/review", create_app(settings, engine=engine, passwords=fast_passwords, secret_file=tmp_path / "s")
    )
    client = await aiohttp_client(root)
    assert (await login(client, *ADMIN)).status == 303

    async def listed(query: dict[str, str]) -> set[str]:
        response = await client.get("/review/", params=query)
        assert response.status == 200
        return set(LINK.findall(await response.text()))

    assert await listed({}) == SENDERS
    assert await listed({"fallback": "yes", "channel": "socketio"}) == {"conv-fallback", "conv-fallback-2"}
    assert await listed({"max_confidence": "0.33"}) == {"conv-fallback", "conv-xss"}
    assert await listed({"intent": "human_handoff", "eligibility": "no"}) == {"conv-handoff", "conv-pii"}
    assert await listed({"structure": "msp", "q": "ÉQUIPE"}) == {"conv-eligibility"}
    export = await client.get("/review/export.json", params={"handoff": "yes"})
    assert [item["conversation"] for item in await export.json(content_type=None)] == [
        "conv-handoff",
        "conv-pii",
    ]
    assert (await client.get("/review/dashboard")).status == 200

    with engine.connect() as connection:
        groups, total = queue.groups(connection)
        last = date.fromisoformat(day_of(now))
        figures = stats.dashboard(connection, last - timedelta(days=29), last)
    assert total == 3 and groups[0].count == 2
    assert figures.fallback_messages == 3 and figures.eligibility["msp"] == {"to_check": 1}

    out = io.StringIO()
    assert main(["retention"], settings=settings, stdout=out) == 0
    assert out.getvalue().startswith("1 conversation(s)")
    assert await listed({}) == SENDERS - {"conv-old"}
    await client.close()
    engine.dispose()
    store.dispose()
