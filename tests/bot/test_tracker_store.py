"""RedactingTrackerStore: built by Rasa from endpoints.yml, stores only redacted events,
keeps the review summary, and shares one PostgreSQL between several instances."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException

from bot.review import schema
from bot.review.db import make_engine
from bot.runtime import runtime_env
from bot.settings import ROOT, Settings
from bot.tracker_store import RedactingTrackerStore
from tests.bot.review.pg import pg_url  # noqa: F401 - fixture
from tests.bot.review.scenarios import PII_TEXT, Scenario, Turn, save

RAW_VALUES = ["jean.dupont@exemple.fr", "06 12 34 56 78", "0612345678", "1 85 05 78 006 084 91", "FR76"]
PII_MESSAGE = (
    "mail jean.dupont@exemple.fr, tel 0612345678, "
    "sécu 1 85 05 78 006 084 91, IBAN FR7630006000011234567890189"
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def pii_tracker(domain: Domain, sender_id: str = "pii") -> DialogueStateTracker:
    start = PII_MESSAGE.index("jean")
    return DialogueStateTracker.from_events(
        sender_id,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                PII_MESSAGE,
                {"name": "human_handoff", "confidence": 0.9},
                [{"entity": "contact", "value": "jean.dupont@exemple.fr", "start": start, "end": start + 22}],
                input_channel="rest",
                metadata={"user": {"phone": "06 12 34 56 78"}},
            ),
            ActionExecuted("action_human_handoff"),
            ActionExecuted("action_listen"),
        ],
        domain.slots,
    )


def test_rasa_builds_it_from_the_project_endpoints(tmp_path: Path, domain: Domain, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    env = runtime_env(Settings.from_env({"TRACKER_STORE_URL": url, "DB_POOL_SIZE": "3"}), base={})
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    store = TrackerStore.create(endpoints.tracker_store, domain)
    # Rasa may wrap the store (AwaitableTrackerStore); what it wraps must be ours, not a fallback.
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, RedactingTrackerStore)
    assert str(inner.engine.url) == url
    inner.dispose()


async def test_raw_identifiers_never_reach_the_database(tmp_path: Path, domain: Domain) -> None:
    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    await store.save(pii_tracker(domain))
    with store.engine.connect() as connection:
        stored = [json.loads(data) for data in connection.execute(sa.select(schema.events.c.data)).scalars()]
        turn_text = connection.execute(sa.select(schema.turns.c.text)).scalar()
    store.dispose()
    user = next(event for event in stored if event["event"] == "user")
    expected = "mail [e-mail], tel [téléphone], sécu [NIR], IBAN [IBAN]"
    assert user["text"] == user["parse_data"]["text"] == turn_text == expected
    assert user["parse_data"]["entities"][0]["value"] == "[e-mail]"
    entity = user["parse_data"]["entities"][0]
    assert expected[entity["start"] : entity["end"]] == "[e-mail]"
    assert user["metadata"] == {"user": {"phone": "[téléphone]"}}
    # Not in any file of the database either (main file, WAL, shared memory).
    for path in tmp_path.iterdir():
        content = path.read_bytes()
        for raw in RAW_VALUES:
            assert raw.encode() not in content, (path.name, raw)


async def test_retrieve_and_save_again_append_only_new_events(tmp_path: Path, domain: Domain) -> None:
    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    await save(
        store, domain, Scenario("suite", "rest", 0, [Turn(PII_TEXT, "human_handoff", 0.8)]), 1_700_000_000.0
    )
    tracker = await store.retrieve("suite")
    assert tracker.latest_message.text == "mon mail est [e-mail] et mon tel [téléphone], rappelez-moi"
    with store.engine.connect() as connection:
        before = connection.execute(sa.select(sa.func.count()).select_from(schema.events)).scalar()
    tracker.update(UserUttered("merci", {"name": "thanks", "confidence": 0.99}, input_channel="rest"))
    await store.save(tracker)
    await store.save(tracker)
    with store.engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(schema.events)).scalar()
        turns = connection.execute(sa.select(schema.conversations.c.turns)).scalar()
    store.dispose()
    assert count == before + 1
    assert turns == 2


async def test_event_broker_receives_redacted_events(tmp_path: Path, domain: Domain) -> None:
    broker = SQLEventBroker(dialect="sqlite", db=str(tmp_path / "broker.db"))
    store = RedactingTrackerStore(
        domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}", event_broker=broker
    )
    await store.save(pii_tracker(domain))
    store.dispose()
    with broker.session_scope() as session:
        published = [json.loads(row.data) for row in session.query(broker.SQLBrokerEvent).all()]
    assert any(event.get("text", "").startswith("mail [e-mail]") for event in published)
    assert "jean.dupont" not in json.dumps(published)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "mysql://user@localhost/rasa"}, "non prise en charge"),
        ({"url": "pas une url"}, "URL du tracker store invalide"),
        ({"url": "sqlite:///x.db", "pool_size": "beaucoup"}, "pool_size doit être un nombre entier"),
        ({"url": "postgresql://postgres@127.0.0.1:1/absent", "connect_attempts": 1}, "injoignable"),
        ({"url": "${TRACKER_STORE_URL}"}, "sans guillemets"),
    ],
)
def test_bad_configuration_stops_with_a_reason(domain: Domain, kwargs: dict, message: str) -> None:
    with pytest.raises(ConnectionException, match=message):
        RedactingTrackerStore(domain=domain, **kwargs)


def _save_in_thread(store: RedactingTrackerStore, domain: Domain, scenario: Scenario) -> None:
    asyncio.run(save(store, domain, scenario, 1_700_000_000.0))


@pytest.mark.services
def test_several_instances_share_one_postgresql(pg_url: str, domain: Domain) -> None:  # noqa: F811
    # Two Rasa instances starting together on an empty database: both must come up.
    with ThreadPoolExecutor(max_workers=2) as pool:
        stores = list(
            pool.map(lambda _: RedactingTrackerStore(domain=domain, url=pg_url, pool_size=2), range(2))
        )
    scenarios = [
        Scenario(
            f"pg-{index}",
            "rest",
            index / 10,
            [Turn("une msp ?", "ask_definition", 0.9), Turn("merci", "thanks", 0.6)],
        )
        for index in range(12)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(lambda pair: _save_in_thread(stores[pair[0] % 2], domain, pair[1]), enumerate(scenarios))
        )
    # One conversation continued by the other instance, as behind a load balancer.
    tracker = asyncio.run(stores[1].retrieve("pg-0"))
    tracker.update(
        UserUttered("et la cpts ?", {"name": "ask_definition", "confidence": 0.4}, input_channel="rest")
    )
    asyncio.run(stores[1].save(tracker))
    engine = make_engine(pg_url)
    with engine.connect() as connection:
        rows = {row.sender_id: row for row in connection.execute(sa.select(schema.conversations))}
        turns = connection.execute(sa.select(sa.func.count()).select_from(schema.turns)).scalar()
    engine.dispose()
    for store in stores:
        store.dispose()
    assert set(rows) == {scenario.sender_id for scenario in scenarios}
    assert rows["pg-0"].turns == 3 and rows["pg-0"].min_confidence == pytest.approx(0.4)
    assert all(rows[f"pg-{index}"].turns == 2 for index in range(1, 12))
    assert turns == 25
