"""Benchmark of the review inbox on 100,000 conversations.

    .venv/bin/python bench/review_inbox.py                       # SQLite file in a temp dir
    .venv/bin/python bench/review_inbox.py --url postgresql://postgres@127.0.0.1:5432/bench_review

Fills the tracker database with synthetic conversations (events as Rasa serialises them,
redacted and summarised by the same functions as RedactingTrackerStore, bulk-inserted for
speed), saves a few hundred more through the real store to time `save`, then times inbox
pages (first, deep, every filter), counts, the misunderstood queue, the dashboard, one
conversation and the inbox over HTTP. Prints a Markdown table (median of the runs, ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.review_fill import fill  # noqa: E402
from bot.review import conversation, inbox, queue, schema, stats  # noqa: E402
from bot.review.db import ensure_schema, make_engine  # noqa: E402
from bot.review.facts import day_of  # noqa: E402
from bot.review.filters import Cursor, InboxFilters  # noqa: E402


def timed(function: Callable[[], Any], runs: int) -> float:
    samples = []
    function()  # warm the caches once: the figures are for a running server
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(engine: sa.engine.Engine, now: float, runs: int) -> list[tuple[str, float]]:
    results: list[tuple[str, float]] = []
    today = date.fromisoformat(day_of(now))

    def page(filters: InboxFilters, **kwargs: Any) -> Callable[[], Any]:
        def run() -> Any:
            with engine.connect() as connection:
                return inbox.page(connection, filters, **kwargs)

        return run

    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(schema.conversations)).scalar()
        middle = connection.execute(
            sa.select(schema.conversations.c.started_at, schema.conversations.c.sender_id)
            .order_by(schema.conversations.c.started_at.desc(), schema.conversations.c.sender_id.desc())
            .offset(total // 2)
            .limit(1)
        ).first()
        last = connection.execute(
            sa.select(schema.conversations.c.started_at, schema.conversations.c.sender_id)
            .order_by(schema.conversations.c.started_at.asc(), schema.conversations.c.sender_id.asc())
            .limit(1)
        ).first()
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("first page, no filter (page + count)", page(InboxFilters())),
        (f"page after {total // 2:,} rows (keyset)", page(InboxFilters(), after=Cursor(*middle))),
        ("last page (keyset)", page(InboxFilters(), after=Cursor(last[0] + 1e-6, last[1]))),
        ("channel = facebook", page(InboxFilters(channel="facebook"))),
        ("date range: 7 days", page(InboxFilters(date_from=today - timedelta(days=7), date_to=today))),
        ("fallback = yes", page(InboxFilters(fallback=True))),
        ("lowest confidence < 0.5", page(InboxFilters(max_confidence=0.5))),
        ("human asked = yes", page(InboxFilters(handoff=True))),
        ("eligibility completed = yes", page(InboxFilters(eligibility=True))),
        ("status = later", page(InboxFilters(status="later"))),
        ("intent = ask_contact", page(InboxFilters(intent="ask_contact"))),
        ("intent = never_predicted (no match)", page(InboxFilters(intent="never_predicted"))),
        ("structure = ess", page(InboxFilters(structure="ess"))),
        ("tag = formation", page(InboxFilters(tag="formation"))),
        ("text search 'urgente'", page(InboxFilters(q="urgente"))),
        ("text search, no match", page(InboxFilters(q="introuvable"))),
        (
            "combined: socketio + fallback + 30 days",
            page(InboxFilters(channel="socketio", fallback=True, date_from=today - timedelta(days=30))),
        ),
    ]
    for label, function in cases:
        results.append((label, timed(function, runs)))

    def queue_page() -> Any:
        with engine.connect() as connection:
            return queue.groups(connection, limit=30)

    def dashboard() -> Any:
        with engine.connect() as connection:
            return stats.dashboard(connection, today - timedelta(days=29), today)

    def one_conversation() -> Any:
        with engine.connect() as connection:
            return conversation.load(connection, "bench-000123")

    results.append(("misunderstood queue, first 30 groups", timed(queue_page, runs)))
    results.append(("dashboard, 30 days", timed(dashboard, runs)))
    results.append(("one conversation view (load + build turns)", timed(one_conversation, runs)))
    return results


async def measure_http(url: str, engine: sa.engine.Engine, runs: int) -> list[tuple[str, float]]:
    """The inbox as a browser gets it: middlewares, session, query, template."""
    import re

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer
    from argon2 import PasswordHasher

    from bot.review import users
    from bot.review.app import create_app
    from bot.review.security import Passwords
    from bot.settings import Settings

    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    with engine.begin() as connection:
        if users.find_by_name(connection, "bench") is None:
            users.create_user(connection, passwords, "bench", "mot-de-passe-du-bench", users.ADMIN)
    settings = Settings.from_env({"TRACKER_STORE_URL": url, "REVIEW_SECRET_KEY": "b" * 40})
    root = web.Application()
    root.add_subapp(
        "/review",
        create_app(
            settings, engine=engine, passwords=passwords, secret_file=Path(tempfile.mkdtemp()) / "secret"
        ),
    )
    results = []
    async with TestClient(TestServer(root)) as client:
        page = await (await client.get("/review/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        await client.post(
            "/review/login", data={"csrf_token": token, "name": "bench", "password": "mot-de-passe-du-bench"}
        )
        for label, query in [
            ("HTTP GET /review/ (first page)", {}),
            ("HTTP GET /review/?fallback=yes&channel=socketio", {"fallback": "yes", "channel": "socketio"}),
            ("HTTP GET /review/?q=urgente", {"q": "urgente"}),
        ]:
            samples = []
            for _ in range(runs + 1):
                start = time.perf_counter()
                response = await client.get("/review/", params=query)
                await response.read()
                assert response.status == 200
                samples.append((time.perf_counter() - start) * 1000)
            results.append((label, statistics.median(samples[1:])))
    return results


async def measure_store_save(url: str, saves: int) -> float:
    """Median ms of RedactingTrackerStore.save for one new turn (redaction + events + summary)."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import RedactingTrackerStore

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingTrackerStore(domain=domain, url=url)
    samples = []
    for index in range(saves):
        tracker = DialogueStateTracker.from_events(
            f"store-{index}", [ActionExecuted("action_listen")], domain.slots
        )
        tracker.update(
            UserUttered("mon mail est a@b.fr, une msp ?", {"name": "ask_definition", "confidence": 0.8})
        )
        tracker.update(ActionExecuted("action_answer_topic"))
        tracker.update(BotUttered("Une MSP est…"))
        tracker.update(ActionExecuted("action_listen"))
        start = time.perf_counter()
        await store.save(tracker)
        samples.append((time.perf_counter() - start) * 1000)
    store.dispose()
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="tracker database (default: a new SQLite file in a temp dir)")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365, help="conversations spread over this many days")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse an already filled database")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-review-')) / 'tracker.db'}"
    engine = make_engine(url, pool_size=4, max_overflow=4)
    ensure_schema(engine)
    now = time.time()
    with engine.connect() as connection:
        existing = connection.execute(sa.select(sa.func.count()).select_from(schema.conversations)).scalar()
    if existing and not args.keep:
        print(
            f"{url} already holds {existing} conversations: use --keep or an empty database.", file=sys.stderr
        )
        return 1
    if not existing:
        print(f"Filling {url} with {args.conversations} conversations…", file=sys.stderr)
        seconds = fill(engine, args.conversations, now, args.days)
        print(f"Filled in {seconds:.0f} s.", file=sys.stderr)
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in (schema.conversations, schema.turns, schema.events)
        }
    results = measure(engine, now, args.runs)
    results += asyncio.run(measure_http(url, engine, args.runs))
    save_ms = asyncio.run(measure_store_save(url, 200))
    print(f"\nDatabase: {engine.dialect.name}; " + ", ".join(f"{name}: {n:,}" for name, n in counts.items()))
    print(f"RedactingTrackerStore.save (one turn, 4 events, median of 200): {save_ms:.1f} ms\n")
    print("| query | median ms |\n| --- | ---: |")
    for label, value in results:
        print(f"| {label} | {value:.1f} |")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
