"""Redis lock store whose ticket bookkeeping is atomic across Rasa instances.

Rasa 3.6's RedisLockStore keeps a conversation's ticket queue in one Redis value and updates
it by read-modify-write (`issue_ticket`, `update_lock`, `cleanup`). Two instances that do so
at the same moment overwrite each other: both can draw the same ticket, or a finished ticket
can come back, and two turns of one conversation then run together. The second to save
writes its events after the first one's, minus as many events as the first added, so a user
message answered with 200 is missing from the database (seen in
tests/scale/test_bad_input.py with a burst of messages from one sender on two instances).

Each of those updates runs here under a short Redis mutex (redis-py's Lock, a Lua script),
so the queue stays a queue. Waiting for one's turn is unchanged: it only reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Holding the mutex takes a few Redis round trips; the timeout only matters if a process dies
# holding it, and must stay well under a turn.
MUTEX_TIMEOUT_S = 2.0
MUTEX_WAIT_S = 5.0


class AtomicRedisLockStore(RedisLockStore):
    """`lock_store: type: bot.lock_store.AtomicRedisLockStore` with `url` (host), `port`, `db`."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options: dict[str, Any] = dict(kwargs)
        if endpoint_config is not None:
            options = {**endpoint_config.kwargs, **options}
            if endpoint_config.url:
                options.setdefault("host", endpoint_config.url)
        super().__init__(**options)

    @contextlib.contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        mutex = self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_TIMEOUT_S,
            blocking_timeout=MUTEX_WAIT_S,
        )
        if not mutex.acquire():
            raise LockError(f"Could not update the lock of conversation '{conversation_id}'.")
        try:
            yield
        finally:
            # Expired while held (a stalled process): nothing left to release.
            with contextlib.suppress(Exception):
                mutex.release()

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
