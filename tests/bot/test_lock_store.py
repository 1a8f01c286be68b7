"""The Redis lock store shared by Rasa instances keeps one ticket queue per conversation."""

from __future__ import annotations

import threading
import uuid

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from tests.conftest import require_services

pytestmark = pytest.mark.services


def store() -> LockStore:
    # Built the way Rasa builds it from endpoints.yml (custom type: module path).
    config = EndpointConfig(url="127.0.0.1", type="bot.lock_store.AtomicRedisLockStore", port=6379, db=0)
    return LockStore.create(config)


def test_rasa_builds_it_from_the_endpoint_config() -> None:
    require_services()
    built = store()
    assert isinstance(built, AtomicRedisLockStore)
    assert built.red.ping()


def test_two_instances_drawing_tickets_at_once_never_share_one() -> None:
    require_services()
    conversation = f"test-lock-{uuid.uuid4().hex}"
    instances = [store(), store()]  # two Redis clients, as two Rasa processes have
    drawn: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def draw(index: int) -> None:
        start.wait()
        for _ in range(150):
            drawn[index].append(instances[index].issue_ticket(conversation, lock_lifetime=60))

    threads = [threading.Thread(target=draw, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        tickets = drawn[0] + drawn[1]
        assert len(tickets) == len(set(tickets)) == 300
        lock = instances[0].get_lock(conversation)
        assert lock is not None and len(lock.tickets) == 300
    finally:
        instances[0].delete_lock(conversation)


def test_finished_tickets_stay_finished_under_concurrent_cleanup() -> None:
    require_services()
    conversation = f"test-lock-{uuid.uuid4().hex}"
    first, second = store(), store()
    tickets = [first.issue_ticket(conversation, lock_lifetime=60) for _ in range(200)]
    start = threading.Barrier(2)

    def finish(instance: LockStore, mine: list[int]) -> None:
        start.wait()
        for ticket in mine:
            instance.cleanup(conversation, ticket)

    threads = [
        threading.Thread(target=finish, args=(first, tickets[0::2])),
        threading.Thread(target=finish, args=(second, tickets[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every ticket served: the lock is gone, not left with tickets that came back.
    assert first.get_lock(conversation) is None
