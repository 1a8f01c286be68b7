"""What a run needs before it starts: the environment, the channels, a trained model, the data.

Shared by `python -m bot run`, the test fixtures and the benchmarks, so all of them start the
assistant the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.settings import ROOT, VAR_DIR, Settings

MODEL_PREFIX = "coordo-"
# Everything a trained model depends on: change one and the model is retrained.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "requirements/lock.txt")
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")


class SetupError(RuntimeError):
    """The assistant cannot start; the message says why and what to do."""


def python_executable() -> str:
    return sys.executable


def runtime_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for Rasa, the action server and the web process.

    endpoints.yml reads every value from here, so the embedded defaults (SQLite, in-memory
    lock store) need no file edits and a deployment changes only variables.
    """
    env = dict(os.environ if base is None else base)
    lock = urlsplit(settings.lock_store_url) if settings.lock_store_url else None
    if lock is not None and lock.scheme not in ("redis", "rediss"):
        raise SetupError(f"LOCK_STORE_URL doit commencer par redis:// (reçu {settings.lock_store_url!r})")
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
            "RASA_PORT": str(settings.rasa_port),
            # The action server (rasa_sdk) listens on SANIC_HOST, 0.0.0.0 when unset.
            "SANIC_HOST": settings.host,
            "ACTION_PORT": str(settings.action_port),
            "WEB_PORT": str(settings.web_port),
            "ACTION_ENDPOINT_URL": settings.action_endpoint_url,
            "TRACKER_STORE_URL": settings.tracker_store_url,
            "KNOWLEDGE_DB_URL": settings.knowledge_db_url,
            "DB_POOL_SIZE": str(settings.db_pool_size),
            "DB_MAX_OVERFLOW": str(settings.db_max_overflow),
            "CORS_ORIGINS": ",".join(settings.cors_origins),
            # The REST channel reads it too: its rate limit is shared through Redis when set.
            "LOCK_STORE_URL": settings.lock_store_url,
            "RASA_PUBLIC_URL": settings.rasa_public_url,
            # Read by the REST channel and the web chat (bot/channels/ratelimit.py).
            "TRUSTED_PROXIES": ",".join(settings.trusted_proxies),
            "RATE_LIMIT_SENDER": settings.rate_limit_sender,
            "RATE_LIMIT_ADDRESS": settings.rate_limit_address,
            "RATE_LIMIT_GLOBAL": settings.rate_limit_global,
            # Rasa's own "redis" type updates its ticket queue non-atomically (bot/lock_store.py).
            "LOCK_STORE_TYPE": "bot.lock_store.AtomicRedisLockStore" if lock else "in_memory",
            "LOCK_STORE_HOST": (lock.hostname or "127.0.0.1") if lock else "",
            "LOCK_STORE_PORT": str(lock.port or 6379) if lock else "",
            "LOCK_STORE_DB": (lock.path.strip("/") or "0") if lock else "",
        }
    )
    return env


def effective_credentials(source: Path, env: dict[str, str]) -> tuple[dict, list[str]]:
    """Channels from credentials.yml whose variables are all set, and the names of the others.

    Messenger and Teams must not start without their secrets; leaving them out (and saying
    so) keeps the web chat and REST channels usable on a machine that has none.
    """
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    kept: dict = {}
    skipped: list[str] = []
    for channel, block in raw.items():
        text = yaml.safe_dump(block) if block is not None else ""
        missing = [name for name in PLACEHOLDER.findall(text) if not env.get(name)]
        if missing:
            skipped.append(f"{channel} (variables absentes : {', '.join(sorted(set(missing)))})")
            continue
        kept[channel] = block
    return kept, skipped


def write_credentials(env: dict[str, str], target: Path | None = None) -> tuple[Path, list[str]]:
    """Write the credentials Rasa will read (placeholders left for Rasa to substitute)."""
    kept, skipped = effective_credentials(ROOT / "credentials.yml", env)
    target = target or VAR_DIR / "credentials.runtime.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target, skipped


def training_fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"{MODEL_PREFIX}{training_fingerprint(root)}.tar.gz"


def train_command(out: Path, name: str) -> list[str]:
    """`rasa train` on the project's config, domain and data, into out/<name>.tar.gz."""
    rasa = str(Path(python_executable()).with_name("rasa"))
    return [rasa, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
            "--out", str(out), "--fixed-model-name", name]


class TrainingProgress:
    """Turns `rasa train`'s output into a few French lines: which step, which epoch, how long.

    Rasa prints pages of third-party warnings and a progress bar redrawn with carriage returns;
    whoever ran `make run` only needs to know what is happening and that it moves. The full
    output goes to a log file.
    """

    _COMPONENT = re.compile(r"Starting to train component '(\w+)'")
    _EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+) ")

    def __init__(self, every_seconds: float = 15.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._every = every_seconds
        self._component = ""
        self._last_epoch_report = -every_seconds

    def feed(self, line: str) -> str | None:
        """The line to print for one line (or progress-bar frame) of Rasa's output, if any."""
        if found := self._COMPONENT.search(line):
            self._component = found.group(1)
            self._last_epoch_report = -self._every
            return f"  [{self.elapsed()}] {self._component}…"
        if found := self._EPOCHS.search(line):
            done, total = int(found.group(1)), int(found.group(2))
            now = self._clock() - self._started
            if done == total or now - self._last_epoch_report >= self._every:
                self._last_epoch_report = now
                return f"  [{self.elapsed()}] {self._component} : époque {done}/{total}"
        return None

    def elapsed(self) -> str:
        seconds = int(self._clock() - self._started)
        return f"{seconds // 60} min {seconds % 60:02d} s"


def _run_training(command: list[str], root: Path, env: dict[str, str], log: Path, quiet: bool) -> int:
    progress = TrainingProgress()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink, subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as process:
        assert process.stdout is not None
        pending = b""
        try:
            while chunk := process.stdout.read1(65536):
                sink.write(chunk)
                sink.flush()  # the log is read while training runs (and after a crash)
                # A progress bar ends its frames with "\r", a log line with "\n".
                *frames, pending = re.split(rb"[\r\n]", pending + chunk)
                for frame in frames:
                    message = progress.feed(frame.decode("utf-8", "replace"))
                    if message and not quiet:
                        print(message, flush=True)
        except BaseException:
            # Ctrl-C (or any error here) stops the training too, as subprocess.run would.
            process.kill()
            raise
        returncode = process.wait()
    if not quiet and returncode == 0:
        print(f"Modèle entraîné en {progress.elapsed()} (journal : {log}).", flush=True)
    return returncode


def ensure_model(env: dict[str, str], *, root: Path = ROOT, quiet: bool = False) -> Path:
    """Train only when config, domain, data or the locked packages changed."""
    target = model_path(root)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"Entraînement du modèle ({target.name}), quelques minutes…", flush=True)
    command = train_command(target.parent, target.name.removesuffix(".tar.gz"))
    log = VAR_DIR / "train.log"
    if _run_training(command, root, env, log, quiet) != 0 or not target.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SetupError(f"L'entraînement du modèle a échoué ; fin du journal {log} :\n{tail}")
    for old in target.parent.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def ensure_knowledge(settings: Settings) -> bool:
    """Load the knowledge base when it is empty or older than its data files."""
    from knowledge.loader import ensure_loaded

    if settings.knowledge_db_url.startswith("sqlite:///"):
        Path(settings.knowledge_db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return ensure_loaded(settings.knowledge_db_url)
