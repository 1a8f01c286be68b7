"""Benchmarks of the assistant, results for docs/performance.md.

    .venv/bin/python -m bench.benchmark                 # latency, cold start, memory, throughput
    .venv/bin/python -m bench.benchmark --train         # … and the training time (a few minutes)
    .venv/bin/python -m bench.benchmark --skip-throughput

1. One instance with the embedded defaults (SQLite, in-memory lock store), no load: cold start
   of each process, latency of every turn through the REST channel (knowledge questions and
   eligibility-form turns, played in order as real conversations), resident memory per process.
2. The same on PostgreSQL + Redis (the scaled-out configuration, one instance).
3. Throughput at 20 and 50 concurrent users, 1 and 2 instances (bench/load_test.py).
4. With --train, the time of `rasa train` on the project's data (into a temporary folder).

Writes var/bench/benchmark.json; docs/performance.md reports and explains the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp

from bench.client import RestClient, TurnResult, percentile
from bench.load_test import run_one
from bench.scaled import ScaledStack, process_group_rss_mb, rasa_urls, scaled_settings, start_scaled_stack
from bench.scenarios import load_scenarios
from bench.services import REDIS_URL, TemporaryDatabase, postgres_problem, redis_problem
from bot.runtime import model_path as current_model_path
from bot.runtime import runtime_env, train_command
from bot.settings import ROOT, VAR_DIR, Settings

SMALL_TALK = {"bonjour", "merci", "merci beaucoup", "au revoir", "tu es un robot ?"}


@dataclass
class LatencyFigures:
    kind: str
    samples: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    slowest: list[tuple[str, float]]


def turn_kind(scenario_kind: str, text: str) -> str:
    if text in SMALL_TALK:
        return "small talk"
    return "knowledge" if scenario_kind == "questions" else "form"


async def measure_latency(urls: list[str], rounds: int) -> tuple[dict[str, list[TurnResult]], float]:
    """Every scenario played `rounds` times, sequentially: per-turn latency with no load."""
    by_kind: dict[str, list[TurnResult]] = {}
    scenarios = load_scenarios()
    async with aiohttp.ClientSession() as session:
        client = RestClient(urls, session, timeout=60.0)
        first = await client.send(f"bench-first-{uuid.uuid4().hex[:8]}", "c'est quoi une MSP ?")
        for _ in range(rounds):
            for scenario in scenarios:
                sender = f"bench-{uuid.uuid4().hex[:10]}"
                for text in scenario.turns:
                    # Think time, so that a turn does not wait on the previous one's lock poll.
                    await asyncio.sleep(0.05)
                    result = await client.send(sender, text)
                    by_kind.setdefault(turn_kind(scenario.kind, text), []).append(result)
    return by_kind, first.latency


def figures(kind: str, turns: list[TurnResult]) -> LatencyFigures:
    ok = [turn for turn in turns if turn.ok]
    latencies = [turn.latency * 1000 for turn in ok]
    slowest: dict[str, float] = {}
    for turn in sorted(ok, key=lambda item: item.latency, reverse=True):
        slowest.setdefault(turn.text, round(turn.latency * 1000, 1))
    return LatencyFigures(
        kind=kind,
        samples=len(ok),
        p50_ms=round(percentile(latencies, 0.5), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        slowest=list(slowest.items())[:3],
    )


def memory(stack: ScaledStack) -> dict[str, float]:
    return {
        child.name.split(":")[0]: round(process_group_rss_mb(child.process.pid), 1)
        for child in stack.children
        if child.process is not None
    }


def single_instance(model: Path, settings: Settings, label: str, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="coordo-bench-") as logs:
        print(f"… {label} : démarrage", flush=True)
        # The latency run types a turn every 50 ms, faster than the per-sender rate limit lets
        # anyone write (a 429 is not a latency): lift the limit for this run only.
        stack = start_scaled_stack(
            settings, model, Path(logs), instances=1, channel_limits={"rate_per_second": 100, "burst": 100}
        )
        try:
            cold = {name.split(":")[0]: round(seconds, 1) for name, seconds in stack.ready_seconds.items()}
            idle = memory(stack)
            by_kind, first_turn = asyncio.run(measure_latency(rasa_urls(stack), rounds))
            loaded = memory(stack)
        finally:
            stack.stop()
    failed = [turn for turns in by_kind.values() for turn in turns if not turn.ok]
    result = {
        "label": label,
        "cold_start_s": cold,
        "first_turn_ms": round(first_turn * 1000, 1),
        "rss_mb_after_start": idle,
        "rss_mb_after_latency_run": loaded,
        "latency": [asdict(figures(kind, turns)) for kind, turns in sorted(by_kind.items())],
        "errors": len(failed),
        "error_statuses": sorted({turn.status for turn in failed}),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2), flush=True)
    return result


def training_time(keep_in: Path | None = None) -> float:
    """Wall time of `rasa train` on the project's data, into a throw-away folder (or `keep_in`)."""
    env = runtime_env(Settings.from_env())
    with tempfile.TemporaryDirectory(prefix="coordo-train-") as scratch:
        out = keep_in or Path(scratch)
        # An empty cache: Rasa would otherwise restore components trained earlier on this machine.
        env["RASA_CACHE_DIRECTORY"] = str(Path(scratch) / "cache")
        command = train_command(out, "bench")
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started


def machine_description() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0))
    return f"{cpu} · {cores} cœurs · {memory_gib} Gio · Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="passes over bench/scenarios.yml")
    parser.add_argument("--train", action="store_true", help="mesurer aussi la durée d'entraînement")
    parser.add_argument(
        "--train-out", type=Path, default=None, help="garder le modèle entraîné dans ce dossier"
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--duration", type=float, default=30.0, help="secondes par mesure de débit")
    parser.add_argument("--out", type=Path, default=VAR_DIR / "bench" / "benchmark.json")
    args = parser.parse_args(argv)

    model = args.model or current_model_path()
    if not model.exists():
        print(f"Modèle introuvable : {model} (lancez make train).", file=sys.stderr)
        return 2
    report: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine_description(),
        "load_average_at_start": os.getloadavg(),
        "model": model.name,
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="coordo-bench-var-") as var:
        embedded = scaled_settings(f"sqlite:///{var}/tracker.db", "", f"sqlite:///{var}/knowledge.db")
        report["runs"].append(single_instance(model, embedded, "SQLite, verrous en mémoire", args.rounds))

    problems = [problem for problem in (postgres_problem(), redis_problem()) if problem]
    if problems:
        print("PostgreSQL/Redis absents, mesures correspondantes sautées : " + " ; ".join(problems))
    else:
        database = TemporaryDatabase.create("coordo_bench")
        try:
            settings = scaled_settings(database.url, REDIS_URL)
            report["runs"].append(single_instance(model, settings, "PostgreSQL + Redis", args.rounds))
        finally:
            database.drop()
        if not args.skip_throughput:
            report["throughput"] = [
                asdict(item)
                for instances in (1, 2)
                for item in run_one(model, instances, [20, 50], args.duration, (0.5, 1.5), seed=11)
            ]
    if args.train:
        print("… entraînement", flush=True)
        report["training_s"] = round(training_time(args.train_out), 1)
    report["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Résultats : {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
