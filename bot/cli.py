"""Command-line entry points: `python -m bot run | serve | train | load-knowledge | shell`."""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.runtime import (
    SetupError,
    ensure_knowledge,
    ensure_model,
    model_path,
    python_executable,
    runtime_env,
    write_credentials,
)
from bot.settings import ROOT, VAR_DIR, Settings
from bot.stack import Stack


def prepare(settings: Settings) -> tuple[dict[str, str], Path]:
    env = runtime_env(settings)
    if ensure_knowledge(settings):
        print("Base de connaissances chargée.", flush=True)
    return env, ensure_model(env)


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    env, model = prepare(settings)
    credentials, skipped = write_credentials(env)
    for channel in skipped:
        print(f"Canal désactivé : {channel}.", flush=True)
    stack = Stack(settings, model, env, credentials, log_dir=None)
    print("Démarrage du serveur d'actions, de Rasa et du portail…", flush=True)
    started = time.monotonic()
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    # Python turns SIGINT into KeyboardInterrupt only if it was not ignored when the process
    # started; a command launched from a background job or some CI runners inherits it ignored,
    # and Ctrl-C (or the test that sends SIGINT) would then do nothing.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # `kill -USR1 <pid>` prints where every thread is, should stopping ever hang.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        stack.start()
        print(
            f"\nAssistant prêt en {time.monotonic() - started:.0f} s.\n"
            f"  Portail et chat : {stack.web_url}/\n"
            f"  Relecture (équipe support) : {stack.web_url}/review\n"
            f"  API REST : {stack.rasa_url}/webhooks/rest/webhook\n"
            "Ctrl-C pour arrêter.",
            flush=True,
        )
        while not stopping:
            crashed = stack.crashed()
            if crashed is not None:
                print(f"Le processus « {crashed.name} » s'est arrêté : arrêt de l'assistant.", flush=True)
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nArrêt…", flush=True)
        stack.stop()
    return 0


def serve(args: argparse.Namespace) -> int:
    """One process of the stack in the foreground, for a supervisor (systemd, a container).

    Several machines run the same command with the same environment (docs/deployment.md);
    unlike `run`, nothing is trained here: the model must already be in models/.
    """
    settings = Settings.from_env()
    env = runtime_env(settings)
    model = model_path()
    if args.process == "rasa" and not model.exists():
        raise SetupError(f"modèle absent ({model.name}) : lancez d'abord `make train` et copiez models/.")
    credentials, skipped = write_credentials(env)
    for channel in skipped:
        print(f"Canal désactivé : {channel}.", flush=True)
    stack = Stack(settings, model, env, credentials)
    (child,) = [child for child in stack.plan() if child.name.split(":")[0] == args.process]
    sys.stdout.flush()
    # Replaced by the process itself so the supervisor signals it directly; no shell involved.
    os.execvpe(child.command[0], child.command, env)  # noqa: S606


def train(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    print(ensure_model(runtime_env(settings)))
    return 0


def load_knowledge(_: argparse.Namespace) -> int:
    from knowledge.db import make_engine
    from knowledge.loader import load

    settings = Settings.from_env()
    if settings.knowledge_db_url.startswith("sqlite:///"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    report = load(make_engine(settings.knowledge_db_url))
    print(report)
    return 0


def shell_command(settings: Settings, model: Path) -> list[str]:
    """`rasa shell`, whose own server listens on BIND_HOST (Rasa's default is 0.0.0.0)."""
    rasa = str(Path(python_executable()).with_name("rasa"))
    return [
        rasa,
        "shell",
        "--model",
        str(model),
        "--endpoints",
        "endpoints.yml",
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
    ]


def shell(_: argparse.Namespace) -> int:
    """`rasa shell` with the action server running, for a quick chat in the terminal."""
    settings = Settings.from_env()
    env, model = prepare(settings)
    stack = Stack(settings, model, env, credentials=ROOT / "credentials.yml")
    stack.children = [child for child in stack.plan(web=False) if child.name == "actions"]
    for child in stack.children:
        stack._spawn(child)
    try:
        stack.wait_ready(60)
        return subprocess.call(shell_command(settings, model), cwd=ROOT, env=env)
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="démarre l'assistant (actions, Rasa, portail) jusqu'à Ctrl-C"
    ).set_defaults(func=run)
    serve_parser = commands.add_parser(
        "serve", help="un seul processus (actions, rasa ou web) au premier plan, pour un superviseur"
    )
    serve_parser.add_argument("process", choices=("actions", "rasa", "web"))
    serve_parser.set_defaults(func=serve)
    commands.add_parser(
        "train", help="entraîne le modèle si la configuration ou les données ont changé"
    ).set_defaults(func=train)
    commands.add_parser("load-knowledge", help="recharge la base de connaissances").set_defaults(
        func=load_knowledge
    )
    commands.add_parser("shell", help="discute avec l'assistant dans le terminal").set_defaults(func=shell)
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        return args.func(args)
    except SetupError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
