"""The review app and its commands on PostgreSQL (a throw-away database per test)."""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from aiohttp import web

from bot.review import queue, stats, users
from bot.review.app import create_app
from bot.review.cli import main
from bot.review.db import ensure_schema, make_engine
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


def test_two_admins_removing_each_other_wait_for_one_another(pg_url: str, fast_passwords) -> None:
    # PostgreSQL lets two transactions update different rows at once: without the row locks
    # each would count the other as still active and both would commit.
    engine = make_engine(pg_url, pool_size=3)
    ensure_schema(engine)
    with engine.begin() as connection:
        first, second = (
            users.create_user(connection, fast_passwords, name, f"mot-de-passe-de-{name}", users.ADMIN)
            for name in ("admin", "adjointe")
        )

    def remove(user_id: int) -> users.User:
        with engine.begin() as connection:
            return users.update_user(connection, user_id, active=False)

    try:
        with engine.connect() as connection, ThreadPoolExecutor(1) as pool:
            transaction = connection.begin()
            users.update_user(connection, second.id, active=False)
            other = pool.submit(remove, first.id)
            waiting = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            deadline = time.monotonic() + 10
            with engine.connect() as observer:
                while not observer.execute(waiting).scalar():
                    assert time.monotonic() < deadline, "the second removal never waited"
                    time.sleep(0.02)
            transaction.commit()
            with pytest.raises(users.AccountError, match="dernier administrateur actif"):
                other.result(timeout=10)
        with engine.connect() as connection:
            assert users.active_admins(connection) == [first.id]
    finally:
        engine.dispose()
