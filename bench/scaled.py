"""Start the assistant scaled out: N Rasa instances sharing PostgreSQL and Redis, one action server.

Used by the scale-out tests and by the load test, so both run the deployment of
docs/deployment.md: every setting comes from `Settings`, the tracker store is the PII-redacting
SQL store on PostgreSQL, the lock store is Redis and the knowledge base is loaded into
PostgreSQL by the project's loader.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.runtime import SetupError, effective_credentials, ensure_knowledge, runtime_env
from bot.settings import ROOT, Settings
from bot.stack import Stack, is_up

GUARDED_REST = "bot.channels.rest.GuardedRestInput"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scaled_settings(
    tracker_url: str,
    lock_url: str,
    knowledge_url: str | None = None,
    *,
    pool_size: int = 2,
    max_overflow: int = 3,
) -> Settings:
    """Settings on free ports for a scaled-out stack (the pool sizes of docs/deployment.md)."""
    web_port = free_port()
    return Settings.from_env(
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(web_port),
            "TRACKER_STORE_URL": tracker_url,
            "KNOWLEDGE_DB_URL": knowledge_url or tracker_url,
            "LOCK_STORE_URL": lock_url,
            "DB_POOL_SIZE": str(pool_size),
            "DB_MAX_OVERFLOW": str(max_overflow),
            "CORS_ORIGINS": f"http://127.0.0.1:{web_port}",
            # Every simulated user writes from 127.0.0.1: only the per-sender limit applies.
            "RATE_LIMIT_ADDRESS": "1000000 per minute",
            "RATE_LIMIT_GLOBAL": "1000000 per minute",
        }
    )


def write_guarded_credentials(env: dict[str, str], target: Path, **limits: Any) -> Path:
    """credentials.yml's channels with the guarded REST channel in place of Rasa's `rest`.

    Once credentials.yml registers the guarded channel itself this only adds `limits`.
    """
    kept, _ = effective_credentials(ROOT / "credentials.yml", env)
    block = kept.pop("rest", None) or kept.pop(GUARDED_REST, None) or {}
    block = dict(block or {})
    block.update({key: value for key, value in limits.items() if value is not None})
    kept[GUARDED_REST] = block or None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


# Rasa substitutes ${VAR} only in unquoted YAML values; a quoted placeholder reaches the
# tracker store as literal text.
_QUOTED_PLACEHOLDER = re.compile(r"""(["'])(\$\{[A-Z0-9_]+\})\1""")


def write_endpoints(target: Path) -> Path:
    """endpoints.yml with its placeholders unquoted (identical once endpoints.yml is)."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_QUOTED_PLACEHOLDER.sub(r"\2", text), encoding="utf-8")
    return target


@dataclass
class ScaledStack(Stack):
    """A Stack whose Rasa instances read `endpoints` instead of the repository's file."""

    endpoints: Path | None = None
    ready_seconds: dict[str, float] = field(default_factory=dict)

    def start_timed(self, *, web: bool = False, timeout: float = 300.0) -> ScaledStack:
        """Start every child at once and note how long each takes to answer (cold start)."""
        self.children = self.plan(web=web)
        started = time.monotonic()
        try:
            for child in self.children:
                self._spawn(child)
            while len(self.ready_seconds) < len(self.children):
                for child in self.children:
                    if child.name in self.ready_seconds:
                        continue
                    if child.process is not None and child.process.poll() is not None:
                        raise SetupError(f"« {child.name} » s'est arrêté au démarrage.")
                    if is_up(child.health_url):
                        self.ready_seconds[child.name] = time.monotonic() - started
                if time.monotonic() - started > timeout:
                    raise SetupError(f"Démarrage trop long (plus de {timeout:.0f} s).")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def _rasa_command(self, port: int) -> list[str]:
        command = super()._rasa_command(port)
        if self.endpoints is not None:
            command[command.index("--endpoints") + 1] = str(self.endpoints)
        return command

    def respawn(self, name: str, timeout: float = 300.0) -> None:
        """Start a killed child again with the same command, and wait until it answers."""
        child = next(child for child in self.children if child.name == name)
        if child.process is not None and child.process.poll() is None:
            raise RuntimeError(f"{name} tourne encore")
        self._spawn(child)
        pending, self.children = self.children, [child]
        try:
            self.wait_ready(timeout)
        finally:
            self.children = pending


def start_scaled_stack(
    settings: Settings,
    model: Path,
    log_dir: Path,
    *,
    instances: int = 2,
    extra_env: dict[str, str] | None = None,
    channel_limits: dict[str, Any] | None = None,
    timeout: float = 300.0,
) -> ScaledStack:
    """Load the knowledge base, then start the action server and `instances` Rasa servers."""
    ensure_knowledge(settings)
    env = runtime_env(settings)
    env.update(extra_env or {})
    limits = dict(channel_limits or {})
    # The sender's token bucket of old, as a moving window: `burst` messages per `burst / rate`
    # seconds allows at most burst + rate × elapsed messages, the same bound.
    burst, rate = limits.pop("burst", None), limits.pop("rate_per_second", None)
    if burst is not None or rate is not None:
        burst, rate = int(burst or 10), float(rate or 1.0)
        env["RATE_LIMIT_SENDER"] = f"{burst} per {max(1, round(burst / rate))} seconds"
    credentials = write_guarded_credentials(env, log_dir / "credentials.yml", **limits)
    ports: Sequence[int] = [settings.rasa_port] + [free_port() for _ in range(instances - 1)]
    stack = ScaledStack(
        settings,
        model,
        env,
        credentials,
        log_dir=log_dir,
        rasa_instances=ports,
        endpoints=write_endpoints(log_dir / "endpoints.yml"),
    )
    try:
        stack.start_timed(web=False, timeout=timeout)
    except Exception:
        for log in sorted(log_dir.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    return stack


def rasa_urls(stack: Stack) -> list[str]:
    """Base URLs of the stack's Rasa instances, in start order."""
    return [child.health_url.rstrip("/") for child in stack.children if child.name.startswith("rasa:")]


def process_group_rss_mb(pid: int) -> float:
    """Resident memory of a process and every process of its group (Linux /proc), in MiB."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Fields after the command name (which may contain spaces): state, ppid, pgrp.
            pgrp = int(stat.rsplit(")", 1)[1].split()[2])
            if pgrp != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024
