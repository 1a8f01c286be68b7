"""knowledge.config reads the knowledge base's variables; bot.settings takes the same values."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from knowledge.config import ROOT, KnowledgeSettings


def test_defaults_are_the_local_sqlite_file() -> None:
    settings = KnowledgeSettings.from_env({})
    assert settings.db_url == f"sqlite:///{ROOT / 'var' / 'knowledge.db'}"
    assert (settings.pool_size, settings.max_overflow) == (5, 5)


def test_variables_are_read_and_shared_with_bot_settings() -> None:
    env = {"KNOWLEDGE_DB_URL": "postgresql://kb@db/kb", "DB_POOL_SIZE": "12", "DB_MAX_OVERFLOW": "3"}
    knowledge = KnowledgeSettings.from_env(env)
    assert knowledge == KnowledgeSettings("postgresql://kb@db/kb", 12, 3)
    bot = Settings.from_env(env)
    assert (bot.knowledge_db_url, bot.db_pool_size, bot.db_max_overflow) == ("postgresql://kb@db/kb", 12, 3)
    assert Settings().knowledge_db_url == KnowledgeSettings().db_url


def test_empty_url_means_the_default() -> None:
    assert KnowledgeSettings.from_env({"KNOWLEDGE_DB_URL": ""}).db_url == KnowledgeSettings.db_url


def test_a_pool_size_that_is_not_a_number_is_refused_in_french() -> None:
    with pytest.raises(ValueError, match="DB_POOL_SIZE doit être un nombre entier, reçu 'beaucoup'"):
        KnowledgeSettings.from_env({"DB_POOL_SIZE": "beaucoup"})
