"""Start and stop the assistant's processes: action server, Rasa server, web (portal + review).

Each child runs in its own process group so that stopping the stack leaves nothing behind,
whichever way it ends (Ctrl-C, a crashed child, a test session that finishes). Being in its own
group also shields a child from the terminal's signals, so on Linux each one also asks the
kernel to send it SIGTERM when the command that started it dies (killed, crashed, terminal
closed): children never outlive their parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.runtime import SetupError, python_executable
from bot.settings import ROOT, Settings


@dataclass
class Child:
    name: str
    command: list[str]
    health_url: str
    process: subprocess.Popen | None = None


@dataclass
class Stack:
    settings: Settings
    model: Path
    env: dict[str, str]
    credentials: Path
    log_dir: Path | None = None
    rasa_instances: Sequence[int] = ()
    children: list[Child] = field(default_factory=list)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.web_port}"

    def _rasa_command(self, port: int) -> list[str]:
        rasa = str(Path(python_executable()).with_name("rasa"))
        command = [
            rasa,
            "run",
            "--model",
            str(self.model),
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            str(self.credentials),
            "--interface",
            self.settings.host,
            "--port",
            str(port),
            "--cors",
            *self.settings.cors_origins,
        ]
        token = self.env.get("RASA_API_TOKEN")
        if token:
            command += ["--enable-api", "--auth-token", token]
        return command

    def plan(self, *, web: bool = True) -> list[Child]:
        python = python_executable()
        host = self.settings.host
        children = [
            Child(
                "actions",
                [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.settings.action_port)],
                f"http://{host}:{self.settings.action_port}/health",
            ),
        ]
        for port in self.rasa_instances or (self.settings.rasa_port,):
            children.append(Child(f"rasa:{port}", self._rasa_command(port), f"http://{host}:{port}/"))
        if web:
            children.append(
                Child("web", [python, "-m", "bot.server"], f"http://{host}:{self.settings.web_port}/healthz")
            )
        return children

    def start(self, *, web: bool = True, timeout: float = 240.0) -> Stack:
        self.children = self.plan(web=web)
        try:
            for child in self.children:
                self._spawn(child)
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, child: Child) -> None:
        stdout: int | IO[bytes] | None = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log = (self.log_dir / f"{child.name.replace(':', '-')}.log").open("ab")
            self._logs.append(log)
            stdout = log
        child.process = subprocess.Popen(
            child.command,
            cwd=ROOT,
            env=self.env,
            stdout=stdout,
            stderr=subprocess.STDOUT if stdout is not None else None,
            start_new_session=True,
            preexec_fn=die_with_parent(os.getpid()),
        )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.children)
        while pending:
            for child in list(pending):
                if child.process and child.process.poll() is not None:
                    raise SetupError(
                        f"Le processus « {child.name} » s'est arrêté au démarrage "
                        f"(code {child.process.returncode})."
                    )
                if is_up(child.health_url):
                    pending.remove(child)
            if pending and time.monotonic() > deadline:
                names = ", ".join(child.name for child in pending)
                raise SetupError(f"Démarrage trop long : {names} ne répond pas après {timeout:.0f} s.")
            if pending:
                time.sleep(0.5)

    def crashed(self) -> Child | None:
        return next(
            (c for c in self.children if c.process is not None and c.process.poll() is not None),
            None,
        )

    def stop(self, timeout: float = 7.0) -> None:
        """Terminate every child's process group, then kill what is still there.

        Nothing is lost by a kill after `timeout`: every turn is stored when it is answered. So
        Ctrl-C stops the assistant within 10 s even on a busy machine (tests/bot/test_cli.py).
        """
        for child in self.children:
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait(5)
            # Grandchildren (Sanic workers) share the group: make sure none survives.
            _signal_group(child.process, signal.SIGKILL)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def kill(self, name: str) -> None:
        """Kill one child abruptly (fault-tolerance tests)."""
        for child in self.children:
            if child.name == name:
                _signal_group(child.process, signal.SIGKILL)
                if child.process:
                    child.process.wait(10)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A Popen preexec_fn that makes the child receive SIGTERM when `parent_pid` dies.

    Only on Linux (prctl); elsewhere children are stopped by Stack.stop() alone. If the parent
    died between fork and prctl, the child exits at once rather than run orphaned.
    """
    if not sys.platform.startswith("linux"):
        return None

    def set_death_signal() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:
            os._exit(1)

    return set_death_signal


def _signal_group(process: subprocess.Popen | None, sig: int) -> None:
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def is_up(url: str) -> bool:
    """Whether a health URL answers without a server error."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
            return response.status < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
