"""The knowledge base's own settings, read from the environment without importing `bot`.

`knowledge/` sits below `bot/` and `actions/`; it reads the variables it needs here, and
`bot.settings` takes the same names, defaults and number parser from this module so each is
spelled once. Nothing is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
# The five source documents, beside the project (see ../shared/seeds/README.md).
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

DB_URL_VARIABLE = "KNOWLEDGE_DB_URL"
POOL_SIZE_VARIABLE = "DB_POOL_SIZE"
MAX_OVERFLOW_VARIABLE = "DB_MAX_OVERFLOW"


Number = TypeVar("Number", int, float)


def config_number(
    value: Any,
    name: str,
    default: Number,
    *,
    kind: type[Number] = int,
    positive: bool = False,
) -> Number:
    """A number from the environment or a channel's block in credentials.yml.

    The one parser of numeric settings (bot.settings re-exports it): absent or empty means
    ``default``; ``kind`` is int (the default) or float.

    Raises:
        ValueError: ``value`` is not a number of that kind, or is not above zero when
            ``positive`` is asked.
    """
    if value is None or value == "":
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError) as exc:
        noun = "un nombre entier" if kind is int else "un nombre"
        raise ValueError(f"{name} doit être {noun}, reçu {value!r}") from exc
    if positive and not number > 0:
        raise ValueError(f"{name} doit être strictement positif, reçu {number}")
    return number


@dataclass(frozen=True)
class KnowledgeSettings:
    """Where the knowledge base lives and how large each process's connection pool is."""

    # SQLite file under var/ by default; any SQLAlchemy URL (postgresql://…) at scale.
    db_url: str = f"sqlite:///{VAR_DIR / 'knowledge.db'}"
    # Shared with the tracker store: one pool size per process (docs/deployment.md).
    pool_size: int = 5
    max_overflow: int = 5

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KnowledgeSettings:
        env = os.environ if env is None else env
        return cls(
            db_url=env.get(DB_URL_VARIABLE) or cls.db_url,
            pool_size=config_number(env.get(POOL_SIZE_VARIABLE), POOL_SIZE_VARIABLE, cls.pool_size),
            max_overflow=config_number(
                env.get(MAX_OVERFLOW_VARIABLE), MAX_OVERFLOW_VARIABLE, cls.max_overflow
            ),
        )
