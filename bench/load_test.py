"""Load test: N concurrent conversations against 1 then 2 Rasa instances sharing PostgreSQL + Redis.

Each simulated user plays the conversations of bench/scenarios.yml (knowledge questions and
complete eligibility dialogues), one after another, with a think time between turns; every turn
goes to the next instance in turn (round-robin), so one conversation hops between instances.
At the end the tracker database is read back: every accepted user message and every bot answer
of every conversation must be there, once, in order.

    .venv/bin/python -m bench.load_test                       # 1 vs 2 instances, 20 users, 30 s
    .venv/bin/python -m bench.load_test --instances 2 --users 50 --duration 60

Prints a table and writes the figures as JSON (--out, default var/bench/load_test.json).
Needs PostgreSQL and Redis (see bench/services.py) and a trained model (make train).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bench.client import RestClient, TurnResult, percentile, play
from bench.scaled import rasa_urls, scaled_settings, start_scaled_stack
from bench.scenarios import Scenario, load_scenarios
from bench.services import REDIS_URL, TemporaryDatabase, postgres_problem, redis_problem
from bench.store_check import all_problems
from bot.channels.wording import UNAVAILABLE_TEXT
from bot.runtime import model_path as current_model_path
from bot.settings import VAR_DIR


@dataclass
class LoadResult:
    instances: int
    users: int
    duration_s: float
    conversations: int
    turns: int
    ok_turns: int
    messages_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    unavailable_notices: int
    storage_problems: int
    storage_examples: list[str]


async def run_users(
    urls: list[str],
    scenarios: list[Scenario],
    users: int,
    duration: float,
    think_time: tuple[float, float],
    seed: int,
) -> tuple[list[list[TurnResult]], float, float]:
    """`users` concurrent users, each starting new conversations until `duration` is over.

    Returns the conversations, the start of the load window and the total elapsed time (the
    conversations under way at the deadline are played to the end).
    """
    window_start = time.monotonic()
    deadline = window_start + duration
    conversations: list[list[TurnResult]] = []
    connector = aiohttp.TCPConnector(limit=users * 2)

    async with aiohttp.ClientSession(connector=connector) as session:
        client = RestClient(urls, session, timeout=60.0)

        async def user(index: int) -> None:
            rng = random.Random(seed * 1000 + index)
            # Users do not all arrive at the same second.
            await asyncio.sleep(rng.uniform(0, think_time[1]))
            while time.monotonic() < deadline:
                chosen = rng.choice(scenarios)
                sender = f"load-{index}-{uuid.uuid4().hex[:10]}"
                conversations.append(await play(client, chosen, sender, think_time=think_time, rng=rng))

        await asyncio.gather(*(user(index) for index in range(users)))
    return conversations, window_start, time.monotonic() - window_start


def summarise(
    instances: int,
    users: int,
    conversations: list[list[TurnResult]],
    window: tuple[float, float],
    elapsed: float,
    problems: list[str],
) -> LoadResult:
    """Throughput: answers received inside the load window (all users active); latency: all turns."""
    turns = [turn for conversation in conversations for turn in conversation]
    ok = [turn for turn in turns if turn.ok]
    window_start, duration = window
    in_window = [turn for turn in ok if turn.finished_at - window_start <= duration]
    latencies = [turn.latency * 1000 for turn in ok]
    errors = Counter(
        f"HTTP {turn.status}" if turn.status else (turn.error or "?").split(":")[0]
        for turn in turns
        if not turn.ok
    )
    return LoadResult(
        instances=instances,
        users=users,
        duration_s=round(elapsed, 1),
        conversations=len(conversations),
        turns=len(turns),
        ok_turns=len(ok),
        messages_per_s=round(len(in_window) / duration, 2),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        errors=dict(errors),
        unavailable_notices=sum(UNAVAILABLE_TEXT in turn.texts for turn in ok),
        storage_problems=len(problems),
        storage_examples=problems[:5],
    )


def run_one(
    model: Path,
    instances: int,
    user_counts: list[int],
    duration: float,
    think: tuple[float, float],
    seed: int,
) -> list[LoadResult]:
    database = TemporaryDatabase.create("coordo_load")
    engine = sa.create_engine(database.url)
    results: list[LoadResult] = []
    try:
        settings = scaled_settings(database.url, REDIS_URL)
        with tempfile.TemporaryDirectory(prefix="coordo-load-") as logs:
            print(f"… démarrage de {instances} instance(s) Rasa", flush=True)
            stack = start_scaled_stack(settings, model, Path(logs), instances=instances)
            try:
                urls = rasa_urls(stack)
                scenarios = load_scenarios()
                # One warm-up conversation per instance: first-turn costs are not the load's.
                asyncio.run(run_users(urls, scenarios[:1], len(urls), 0.1, (0.0, 0.0), seed))
                for users in user_counts:
                    print(
                        f"… {users} utilisateurs pendant {duration:.0f} s sur {instances} instance(s)",
                        flush=True,
                    )
                    conversations, window_start, elapsed = asyncio.run(
                        run_users(urls, scenarios, users, duration, think, seed)
                    )
                    problems = all_problems(engine, conversations)
                    window = (window_start, duration)
                    results.append(summarise(instances, users, conversations, window, elapsed, problems))
                    print(format_table(results[-1:]), flush=True)
                if stack.crashed() is not None:
                    raise RuntimeError(f"{stack.crashed().name} s'est arrêté pendant le test de charge")
            finally:
                stack.stop()
    finally:
        engine.dispose()
        database.drop()
    return results


def format_table(results: list[LoadResult]) -> str:
    lines = [
        "| instances | utilisateurs | conversations | messages/s | p50 ms | p95 ms | p99 ms | erreurs | "
        "avis d'indisponibilité | anomalies en base |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for item in results:
        errors = ", ".join(f"{name} × {count}" for name, count in item.errors.items()) or "0"
        cells = [
            item.instances,
            item.users,
            item.conversations,
            item.messages_per_s,
            item.p50_ms,
            item.p95_ms,
            item.p99_ms,
            errors,
            item.unavailable_notices,
            item.storage_problems,
        ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--users", type=int, nargs="+", default=[20])
    parser.add_argument("--duration", type=float, default=30.0, help="secondes de charge par mesure")
    parser.add_argument("--think", type=float, nargs=2, default=[0.5, 1.5], metavar=("MIN", "MAX"))
    parser.add_argument("--model", type=Path, default=None, help="modèle entraîné (défaut : celui du dépôt)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=VAR_DIR / "bench" / "load_test.json")
    args = parser.parse_args(argv)

    for problem in (postgres_problem(), redis_problem()):
        if problem:
            print(problem, file=sys.stderr)
            return 2
    model = args.model or current_model_path()
    if not model.exists():
        print(f"Modèle introuvable : {model} (lancez make train).", file=sys.stderr)
        return 2
    results: list[LoadResult] = []
    for instances in args.instances:
        results += run_one(model, instances, args.users, args.duration, tuple(args.think), args.seed)
    print(format_table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()} · {platform.processor() or platform.machine()} · {_cpu_count()} cœurs",
        "model": model.name,
        "think_time_s": args.think,
        "results": [asdict(item) for item in results],
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Résultats : {args.out}")
    return 1 if any(item.storage_problems for item in results) else 0


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
