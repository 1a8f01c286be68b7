"""Profile one turn of a conversation inside a Rasa agent (cProfile), to see what dominates it.

    .venv/bin/python -m bench.profile_turn --scenario eligibilite-ess --turn 1
    .venv/bin/python -m bench.profile_turn --text "c'est quoi une MSP ?" --repeat 30

The agent is loaded in this process with the project's endpoints (SQLite tracker store in a
temporary folder, in-memory lock store) and a real action server; the turns before the
profiled one are played unprofiled, in a fresh conversation each time. Time spent waiting for
the action server shows up as the event loop's select/epoll: the action server's own share is
given separately by timing its HTTP calls.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.scaled import free_port, scaled_settings, write_endpoints
from bench.scenarios import scenario as find_scenario
from bot.runtime import ensure_knowledge, python_executable, runtime_env
from bot.runtime import model_path as current_model_path
from bot.settings import ROOT
from bot.stack import is_up


async def profile(
    model: Path, endpoints: Path, before: list[str], text: str, repeat: int, rasa_default: bool
) -> tuple[str, dict]:
    import rasa.utils.endpoints
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    if not rasa_default:
        # What every channel installs in the Rasa server process.
        from bot import rasa_patches

        rasa_patches.install()
    agent = await load_agent(
        model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints))
    )
    measured = {"on": False, "actions": 0.0, "calls": 0}
    original = rasa.utils.endpoints.EndpointConfig.request

    async def timed_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await original(self, *args, **kwargs)
        finally:
            if measured["on"]:
                measured["actions"] += time.perf_counter() - started
                measured["calls"] += 1

    # Timing only, in this measuring script: Rasa's behaviour is unchanged.
    rasa.utils.endpoints.EndpointConfig.request = timed_request  # type: ignore[method-assign]

    async def turn(sender: str, message: str) -> None:
        await agent.handle_message(
            UserMessage(message, CollectingOutputChannel(), sender, input_channel="rest")
        )

    # Warm-up: the first turns pay one-off costs (lazy imports, connections).
    for _ in range(3):
        sender = f"warm-{uuid.uuid4().hex[:8]}"
        for message in [*before, text]:
            await turn(sender, message)
    profiler = cProfile.Profile()
    total = 0.0
    for _ in range(repeat):
        sender = f"prof-{uuid.uuid4().hex[:8]}"
        for message in before:
            await turn(sender, message)
        measured["on"] = True
        started = time.perf_counter()
        profiler.enable()
        await turn(sender, text)
        profiler.disable()
        total += time.perf_counter() - started
        measured["on"] = False
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue(), {
        "mean_turn_ms": 1000 * total / repeat,
        "mean_action_server_ms": 1000 * measured["actions"] / repeat,
        "action_calls_per_turn": measured["calls"] / repeat,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", help="conversation de bench/scenarios.yml")
    parser.add_argument("--turn", type=int, default=0, help="index du tour profilé dans la conversation")
    parser.add_argument("--text", help="message isolé à profiler (à la place de --scenario)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument(
        "--rasa-default",
        action="store_true",
        help="sans la validation mise en cache des réponses du serveur d'actions (bot/channels/rest.py)",
    )
    args = parser.parse_args(argv)
    if args.text:
        before, text = [], args.text
    elif args.scenario:
        turns = list(find_scenario(args.scenario).turns)
        before, text = turns[: args.turn], turns[args.turn]
    else:
        parser.error("--scenario ou --text")
    model = args.model or current_model_path()

    with tempfile.TemporaryDirectory(prefix="coordo-profile-") as var:
        settings = scaled_settings(f"sqlite:///{var}/tracker.db", "", f"sqlite:///{var}/knowledge.db")
        settings = type(settings)(**{**settings.__dict__, "action_port": free_port()})
        settings = type(settings)(
            **{**settings.__dict__, "action_endpoint_url": f"http://127.0.0.1:{settings.action_port}/webhook"}
        )
        ensure_knowledge(settings)
        env = runtime_env(settings)
        actions = subprocess.Popen(
            [
                python_executable(),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.action_port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while not is_up(f"http://127.0.0.1:{settings.action_port}/health"):
                if time.monotonic() > deadline or actions.poll() is not None:
                    raise RuntimeError("Le serveur d'actions ne démarre pas.")
                time.sleep(0.2)
            # The agent reads endpoints.yml's ${VARIABLES} from this process' environment.
            os.environ.update(env)
            report, summary = asyncio.run(
                profile(
                    model,
                    write_endpoints(Path(var) / "endpoints.yml"),
                    before,
                    text,
                    args.repeat,
                    args.rasa_default,
                )
            )
        finally:
            actions.terminate()
            actions.wait(10)
    print(report)
    print(
        f"Tour profilé : {text!r} après {len(before)} tour(s) ; moyenne {summary['mean_turn_ms']:.1f} ms, "
        f"dont {summary['mean_action_server_ms']:.1f} ms d'appels au serveur d'actions "
        f"({summary['action_calls_per_turn']:.1f} appel(s) par tour)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
