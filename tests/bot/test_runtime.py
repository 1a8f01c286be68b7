"""Start-up helpers: environment for endpoints.yml, channel filtering, training fingerprint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.runtime import (
    SetupError,
    TrainingProgress,
    effective_credentials,
    runtime_env,
    training_fingerprint,
    write_credentials,
)
from bot.settings import ROOT, Settings


def test_embedded_defaults_use_sqlite_and_in_memory_lock_store() -> None:
    env = runtime_env(Settings.from_env({}), base={})
    assert env["TRACKER_STORE_URL"].startswith("sqlite:///")
    assert env["TRACKER_STORE_URL"].endswith("var/tracker.db")
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"


def test_redis_lock_store_url_is_split_for_endpoints_yml() -> None:
    settings = Settings.from_env({"LOCK_STORE_URL": "redis://10.0.0.7:6380/2"})
    env = runtime_env(settings, base={})
    assert (env["LOCK_STORE_TYPE"], env["LOCK_STORE_HOST"], env["LOCK_STORE_PORT"], env["LOCK_STORE_DB"]) == (
        "bot.lock_store.AtomicRedisLockStore",
        "10.0.0.7",
        "6380",
        "2",
    )
    # Passed on whole as well: the REST channel of each Rasa process shares its rate limit there.
    assert env["LOCK_STORE_URL"] == "redis://10.0.0.7:6380/2"


def test_a_lock_store_that_is_not_redis_is_refused() -> None:
    with pytest.raises(SetupError, match="redis://"):
        runtime_env(Settings.from_env({"LOCK_STORE_URL": "memcached://x"}), base={})


def test_bad_port_names_the_variable() -> None:
    with pytest.raises(ValueError, match="RASA_PORT"):
        Settings.from_env({"RASA_PORT": "cinq"})


def test_every_placeholder_of_endpoints_yml_is_provided() -> None:
    env = runtime_env(Settings.from_env({}), base={})
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    for name in re.findall(r"\$\{([A-Z0-9_]+)\}", text):
        assert name in env, name


def test_channels_without_their_secrets_are_left_out(tmp_path: Path) -> None:
    source = tmp_path / "credentials.yml"
    source.write_text(
        "rest:\n"
        "bot.channels.messenger.MessengerInput:\n"
        "  app_secret: ${FB_APP_SECRET}\n"
        "  verify: ${FB_VERIFY_TOKEN}\n"
    )
    kept, skipped = effective_credentials(source, {"FB_VERIFY_TOKEN": "x"})
    assert list(kept) == ["rest"]
    assert skipped == ["bot.channels.messenger.MessengerInput (variables absentes : FB_APP_SECRET)"]
    kept, skipped = effective_credentials(source, {"FB_VERIFY_TOKEN": "x", "FB_APP_SECRET": "s"})
    assert list(kept) == ["rest", "bot.channels.messenger.MessengerInput"]
    assert skipped == []


def test_written_credentials_keep_placeholders_for_rasa(tmp_path: Path) -> None:
    env = runtime_env(Settings.from_env({}), base={})
    target, _ = write_credentials(env, tmp_path / "credentials.yml")
    written = yaml.safe_load(target.read_text())
    assert "rest" in written or "bot.channels.rest.GuardedRestInput" in written
    assert "${CORS_ORIGINS}" in target.read_text()


def test_fingerprint_changes_with_training_data(tmp_path: Path) -> None:
    for name in ("config.yml", "domain.yml", "requirements/lock.txt", "data/nlu/a.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    before = training_fingerprint(tmp_path)
    assert training_fingerprint(tmp_path) == before
    (tmp_path / "data/nlu/a.yml").write_text("changed")
    assert training_fingerprint(tmp_path) != before


def test_every_process_listens_on_bind_host() -> None:
    """rasa_sdk reads SANIC_HOST (0.0.0.0 when unset) and `rasa shell` its --interface
    (0.0.0.0 by default): both follow BIND_HOST like the Rasa server and the portal."""
    from bot.cli import shell_command
    from bot.stack import Stack

    settings = Settings.from_env({"BIND_HOST": "10.1.2.3"})
    env = runtime_env(settings, base={})
    assert env["SANIC_HOST"] == "10.1.2.3"
    command = shell_command(settings, Path("models/m.tar.gz"))
    assert command[command.index("--interface") + 1] == "10.1.2.3"
    stack = Stack(settings, Path("models/m.tar.gz"), env, credentials=ROOT / "credentials.yml")
    for child in stack.plan():
        if child.name.startswith("rasa"):
            assert child.command[child.command.index("--interface") + 1] == "10.1.2.3"
        assert "0.0.0.0" not in child.command  # noqa: S104 - checking it is absent


def test_training_progress_names_each_step_and_thins_out_epochs() -> None:
    now = [0.0]
    progress = TrainingProgress(every_seconds=10, clock=lambda: now[0])
    assert progress.feed("/site-packages/x.py:3: DeprecationWarning: pkg_resources") is None
    now[0] = 65
    line = "2026-12-02 17:16:35 INFO hooks - Starting to train component 'DIETClassifier'."
    assert progress.feed(line) == "  [1 min 05 s] DIETClassifier…"
    bar = "Epochs:  {pct}%|██        | {done}/50 [00:50<03:21, 50.37s/it, t_loss=13.2]"
    assert progress.feed(bar.format(pct=2, done=1)) == "  [1 min 05 s] DIETClassifier : époque 1/50"
    now[0] = 70
    assert progress.feed(bar.format(pct=4, done=2)) is None  # less than 10 s since the last line
    now[0] = 76
    assert progress.feed(bar.format(pct=6, done=3)) == "  [1 min 16 s] DIETClassifier : époque 3/50"
    now[0] = 77
    assert progress.feed(bar.format(pct=100, done=50)) == "  [1 min 17 s] DIETClassifier : époque 50/50"
