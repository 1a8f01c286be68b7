"""Runtime configuration, read from environment variables only.

Every process (Rasa server, action server, portal and review app, commands) builds its
settings with :func:`Settings.from_env`; nothing is read at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# knowledge/ may not import bot/, so the settings it needs live in knowledge.config: the paths,
# the knowledge base's variables and the one parser of numeric settings. They are re-exported
# here, so every module of bot/ keeps importing them from bot.settings.
from knowledge.config import ROOT, VAR_DIR, KnowledgeSettings, config_number

__all__ = ["ROOT", "VAR_DIR", "Settings", "config_number"]


def _int(env: dict[str, str], name: str, default: int) -> int:
    return config_number(env.get(name), name, default)


def _list(env: dict[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    """Every knob of the deployment, with the embedded defaults of a single machine."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    host: str = "127.0.0.1"
    # SQLite files under var/ by default; any SQLAlchemy URL (postgresql://…) at scale.
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'tracker.db'}"
    knowledge_db_url: str = KnowledgeSettings.db_url
    # Empty means Rasa's in-memory lock store; redis://host:port/db at scale.
    lock_store_url: str = ""
    db_pool_size: int = KnowledgeSettings.pool_size
    db_max_overflow: int = KnowledgeSettings.max_overflow
    action_endpoint_url: str = "http://127.0.0.1:5055/webhook"
    cors_origins: list[str] = field(
        default_factory=lambda: ["http://127.0.0.1:8080", "http://localhost:8080"]
    )
    review_secret_key: str = ""
    retention_days: int = 365
    rasa_public_url: str = "http://127.0.0.1:5005"
    # Proxies whose X-Forwarded-For is believed (addresses or networks). Loopback by default:
    # the documented nginx runs on the same machine and nothing else can connect from there.
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    # Rate limits of the REST channel and the web chat together (syntax of the `limits`
    # library: "10 per 10 seconds", several separated by ";").
    rate_limit_sender: str = "10 per 10 seconds; 60 per hour"
    rate_limit_address: str = "120 per minute"
    rate_limit_global: str = "30 per second"
    # Signs the web chat's session ids; generated under var/ when empty (one machine).
    webchat_secret_key: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        rasa_port = _int(env, "RASA_PORT", cls.rasa_port)
        action_port = _int(env, "ACTION_PORT", cls.action_port)
        web_port = _int(env, "WEB_PORT", cls.web_port)
        host = env.get("BIND_HOST", cls.host)
        knowledge = KnowledgeSettings.from_env(env)
        default_origins = [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"]
        return cls(
            rasa_port=rasa_port,
            action_port=action_port,
            web_port=web_port,
            host=host,
            tracker_store_url=env.get("TRACKER_STORE_URL") or cls.tracker_store_url,
            knowledge_db_url=knowledge.db_url,
            lock_store_url=env.get("LOCK_STORE_URL", ""),
            db_pool_size=knowledge.pool_size,
            db_max_overflow=knowledge.max_overflow,
            action_endpoint_url=env.get("ACTION_ENDPOINT_URL") or f"http://127.0.0.1:{action_port}/webhook",
            cors_origins=_list(env, "CORS_ORIGINS", default_origins),
            review_secret_key=env.get("REVIEW_SECRET_KEY", ""),
            retention_days=_int(env, "RETENTION_DAYS", cls.retention_days),
            rasa_public_url=env.get("RASA_PUBLIC_URL") or f"http://127.0.0.1:{rasa_port}",
            # Set but empty: no proxy is trusted, X-Forwarded-For is never read.
            trusted_proxies=(
                _list(env, "TRUSTED_PROXIES", []) if "TRUSTED_PROXIES" in env else ["127.0.0.1", "::1"]
            ),
            rate_limit_sender=env.get("RATE_LIMIT_SENDER") or cls.rate_limit_sender,
            rate_limit_address=env.get("RATE_LIMIT_ADDRESS") or cls.rate_limit_address,
            rate_limit_global=env.get("RATE_LIMIT_GLOBAL") or cls.rate_limit_global,
            webchat_secret_key=env.get("WEBCHAT_SECRET_KEY", ""),
        )
