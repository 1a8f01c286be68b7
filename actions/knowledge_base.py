"""How actions reach the knowledge base: one lazily built KnowledgeBase per process."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from knowledge.config import KnowledgeSettings
from knowledge.query import KnowledgeBase
from knowledge.search import SearchIndex

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base named by KNOWLEDGE_DB_URL, built on first use, never at import.

    Its pool follows DB_POOL_SIZE / DB_MAX_OVERFLOW like Rasa's, so docs/deployment.md's
    connection budget holds for the action servers too.
    """
    settings = KnowledgeSettings.from_env()
    return KnowledgeBase.from_url(
        settings.db_url, pool_size=settings.pool_size, max_overflow=settings.max_overflow
    )


_index_lock = threading.Lock()


@lru_cache(maxsize=4)
def _built_index(kb: KnowledgeBase) -> SearchIndex:
    return SearchIndex.build(kb)


def search_index(kb: KnowledgeBase) -> SearchIndex:
    """The search index over `kb`, built once per knowledge base and process (about 1 s).

    The lock makes a question that arrives while the start-up build runs wait for it rather
    than build a second one.
    """
    with _index_lock:
        return _built_index(kb)


def warm_search_index() -> None:
    """Build the process's search index now; a failure is logged and retried on first use."""
    try:
        search_index(default_knowledge_base())
    except Exception:  # the database may not be reachable yet: the first question retries
        logger.exception("Index de recherche non construit au démarrage")


class UsesKnowledgeBase:
    """Mixin for actions: the knowledge base and its search index, passed in or the process default."""

    def __init__(self, kb: KnowledgeBase | None = None, index: SearchIndex | None = None) -> None:
        self._kb = kb
        self._index = index

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = default_knowledge_base()
        return self._kb

    @property
    def index(self) -> SearchIndex:
        """The search index over `kb`, shared by every action of the process."""
        if self._index is None:
            self._index = search_index(self.kb)
        return self._index
