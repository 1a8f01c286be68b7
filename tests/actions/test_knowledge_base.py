"""The action server's knowledge base follows the deployment's pool settings."""

from __future__ import annotations

import pytest

from actions.knowledge_base import default_knowledge_base


def test_pool_follows_db_pool_size_and_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_DB_URL", "postgresql://coordo@127.0.0.1:5432/test")
    monkeypatch.setenv("DB_POOL_SIZE", "2")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "3")
    default_knowledge_base.cache_clear()
    try:
        pool = default_knowledge_base().engine.pool
        # Nothing is connected yet: building the pool opens no connection.
        assert (pool.size(), pool._max_overflow, pool.checkedout()) == (2, 3, 0)
    finally:
        default_knowledge_base.cache_clear()
