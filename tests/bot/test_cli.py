"""The README's run command: it answers "bonjour" in French, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.settings import ROOT
from tests.conftest import free_port

pytestmark = pytest.mark.rasa


def processes_with_marker(marker: str) -> list[int]:
    """PIDs whose environment carries the marker (children inherit it, whatever their name)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_run_answers_bonjour_and_ctrl_c_stops_every_process(tmp_path: Path, model_path: Path) -> None:
    marker = f"COORDO_RUN_TEST={uuid.uuid4().hex}"
    rasa_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        marker.split("=")[0]: marker.split("=")[1],
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(web_port),
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "KNOWLEDGE_DB_URL": f"sqlite:///{tmp_path / 'knowledge.db'}",
        "REVIEW_SECRET_KEY": "k" * 40,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    drain: threading.Thread | None = None
    try:
        deadline = time.monotonic() + 300
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Ctrl-C pour arrêter" in line:  # the last line of the ready message
                break
        assert any("Assistant prêt" in line for line in output), "".join(output)
        # Keep reading, as a terminal does: the three processes write to this pipe, and once
        # its 64 KiB buffer is full every writer blocks, `bot run` included, and could not stop.
        drain = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
        drain.start()
        assert any(f"http://127.0.0.1:{web_port}/" in line for line in output)

        request = urllib.request.Request(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            data=json.dumps({"sender": "x", "message": "bonjour"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            replies = json.loads(response.read())
        assert replies and replies[0]["text"].startswith("Bonjour"), replies
    finally:
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)  # bot run prints its threads' stacks (faulthandler)
            time.sleep(2)
            process.kill()
            if drain is not None:
                drain.join(5)
            pytest.fail("bot run ne s'est pas arrêté en 60 s :\n" + "".join(output[-80:]))
        finally:
            if drain is not None:
                drain.join(5)
            process.stdout.close()
    assert process.returncode == 0, "".join(output[-40:])
    stopping_seconds = time.monotonic() - interrupted
    # Ctrl-C stops everything within 10 s (Stack.stop waits 7 s for a clean exit, then kills).
    assert stopping_seconds < 10, (stopping_seconds, "".join(output[-40:]))
    time.sleep(0.5)
    assert processes_with_marker(marker) == []


def test_serve_web_runs_one_process_in_the_foreground(tmp_path: Path) -> None:
    web_port = free_port()
    env = {
        **os.environ,
        "WEB_PORT": str(web_port),
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "REVIEW_SECRET_KEY": "k" * 40,
    }
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "web"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=2) as response:
                    body = response.read()
            except OSError:
                assert process.poll() is None, "serve web exited"
                time.sleep(0.3)
        assert body, "the web process never answered /healthz"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_serve_rejects_an_unknown_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "nonsense"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr
