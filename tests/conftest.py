"""Fixtures shared by the whole suite.

The trained model and the running stack are expensive, so they are built once per session:
the model by `scripts/test.sh` before pytest starts (or here, if missing), the stack on first
use by a test that needs it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.runtime import ensure_model, runtime_env, write_credentials
from bot.settings import ROOT, Settings
from bot.stack import Stack

SEEDS_DIR = ROOT.parent / "shared" / "seeds"


def require_services() -> None:
    """Skip a test that needs PostgreSQL and Redis when they are absent; under CI, fail."""
    from bench.services import postgres_problem, redis_problem

    problems = [problem for problem in (postgres_problem(), redis_problem()) if problem]
    if not problems:
        return
    message = " ; ".join(problems)
    if os.environ.get("CI") == "true":
        pytest.fail(f"Services requis absents sous CI : {message}")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS_DIR.is_dir(), f"source documents missing: {SEEDS_DIR}"
    return SEEDS_DIR


@pytest.fixture(scope="session")
def domain_dict() -> dict:
    """domain.yml as the action server receives it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def knowledge_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite knowledge base loaded from the real data files."""
    from knowledge.loader import ensure_loaded

    url = f"sqlite:///{tmp_path_factory.mktemp('knowledge') / 'knowledge.db'}"
    ensure_loaded(url)
    return url


@pytest.fixture(scope="session")
def kb(knowledge_url: str):
    from knowledge.query import KnowledgeBase

    return KnowledgeBase.from_url(knowledge_url)


@pytest.fixture(scope="session")
def model_path() -> Path:
    configured = os.environ.get("RASA_MODEL")
    if configured and Path(configured).exists():
        return Path(configured)
    return ensure_model(runtime_env(Settings.from_env()), quiet=True)


@pytest.fixture(scope="session")
def nlu_agent(model_path: Path):
    """A Rasa Agent holding the trained model, to parse messages in the test process."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    if not agent.is_ready():
        pytest.fail(f"Le modèle {model_path} n'a pas pu être chargé.")
    return agent


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory, knowledge_url: str) -> Settings:
    """Settings for a private stack: free ports, its own tracker database."""
    var = tmp_path_factory.mktemp("stack")
    web_port = free_port()
    env = {
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(web_port),
        "TRACKER_STORE_URL": f"sqlite:///{var / 'tracker.db'}",
        "KNOWLEDGE_DB_URL": knowledge_url,
        "REVIEW_SECRET_KEY": "test-secret-key-for-the-review-app-0123456789",
        "CORS_ORIGINS": f"http://127.0.0.1:{web_port},http://localhost:{web_port}",
        # Every test client comes from 127.0.0.1: the per-address and global limits are
        # tested on their own (tests/bot/channels/test_ratelimit.py), not here.
        "RATE_LIMIT_ADDRESS": "1000000 per minute",
        "RATE_LIMIT_GLOBAL": "1000000 per minute",
    }
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def stack(
    stack_settings: Settings, model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The real assistant: action server, Rasa with the trained model, portal + review app."""
    logs = tmp_path_factory.mktemp("stack-logs")
    env = runtime_env(stack_settings)
    env["REVIEW_SECRET_KEY"] = stack_settings.review_secret_key
    credentials, _ = write_credentials(env, logs / "credentials.yml")
    running = Stack(stack_settings, model_path, env, credentials, log_dir=logs)
    try:
        running.start()
    except Exception:
        for log in sorted(logs.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")
        raise
    yield running
    running.stop()
