"""Where a Rasa instance's start-up time and memory go, phase by phase, for docs/performance.md.

    .venv/bin/python -m bench.startup_profile [--model PATH] [--top 15] [--json FILE]

Runs, in this process and in the order `rasa run` does them: importing TensorFlow, importing
Rasa's agent (which brings Sanic, SQLAlchemy and the NLU and policy code), loading the model
(unpacking the archive, building every graph component: spaCy if the pipeline has it, DIET,
TED, the rules), then the first two predictions (the first one traces TensorFlow's graphs).
Each phase reports its wall time and how much it grew the resident memory. The project's Rasa
patches are installed as the channels install them (--rasa-default leaves them out). With --top, the
model load also runs under cProfile and its most expensive functions are listed.

The figures are those of one process started cold; the operating system's file cache is warm
after the first run, so run it twice and keep the second.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bot.runtime import model_path as current_model_path


def rss_mib() -> float:
    """Current resident memory of this process (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Phases:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def measure(self, name: str, work: Any) -> Any:
        before, started = rss_mib(), time.perf_counter()
        result = work()
        seconds, after = time.perf_counter() - started, rss_mib()
        growth = round(after - before)
        self.rows.append(
            {"phase": name, "seconds": round(seconds, 2), "rss_growth_mib": growth, "rss_mib": round(after)}
        )
        print(f"{name:<40} {seconds:6.2f} s  +{after - before:5.0f} MiB  = {after:5.0f} MiB", flush=True)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--top", type=int, default=0, help="profile the model load, list N functions")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--rasa-default", action="store_true", help="without bot/rasa_patches.py (Rasa's own model loading)"
    )
    args = parser.parse_args(argv)
    model = args.model or current_model_path()
    if not model.exists():
        print(f"Modèle introuvable : {model} (lancez make train).", file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.WARNING)
    phases = Phases()
    print(f"{'python started':<40} {'':>8}  {'':>10} = {rss_mib():5.0f} MiB", flush=True)
    phases.measure("import tensorflow", lambda: __import__("tensorflow"))
    phases.measure("import rasa.core.agent", lambda: __import__("rasa.core.agent"))
    from rasa.core.agent import load_agent

    if not args.rasa_default:
        # What every channel does when Rasa mounts it, before the agent is loaded.
        from bot import rasa_patches

        phases.measure("bot.rasa_patches.install()", rasa_patches.install)

    profiler = cProfile.Profile() if args.top else None

    def load() -> Any:
        if profiler is not None:
            profiler.enable()
        try:
            return asyncio.run(load_agent(model_path=str(model)))
        finally:
            if profiler is not None:
                profiler.disable()

    agent = phases.measure("load the model", load)
    for attempt in ("first", "second"):
        phases.measure(f"{attempt} message parsed", lambda: asyncio.run(agent.parse_message("bonjour")))
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "model": model.name,
        "rasa_patches": not args.rasa_default,
        "load_average": os.getloadavg(),
        "phases": phases.rows,
        "total_seconds": round(sum(row["seconds"] for row in phases.rows), 2),
        "rss_mib": round(rss_mib()),
    }
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        report["profile"] = out.getvalue()
        print(out.getvalue())
    print(f"total {report['total_seconds']} s, {report['rss_mib']} MiB", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
