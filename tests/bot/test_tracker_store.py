"""RedactingTrackerStore: built by Rasa from endpoints.yml, stores only redacted events,
keeps the review summary, and shares one PostgreSQL between several instances."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
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
        ({"url": "sqlite:///x.db", "max_overflow": "-1"}, "max_overflow doit être positif"),
        ({"url": "postgresql://postgres@127.0.0.1:1/absent", "connect_attempts": 1}, "injoignable"),
        ({"url": "${TRACKER_STORE_URL}"}, "sans guillemets"),
    ],
)
def test_bad_configuration_stops_with_a_reason(domain: Domain, kwargs: dict, message: str) -> None:
    with pytest.raises(ConnectionException, match=message):
        RedactingTrackerStore(domain=domain, **kwargs)


def test_pool_numbers_accept_zero_and_strings(domain: Domain, tmp_path: Path) -> None:
    # endpoints.yml gives strings; "max_overflow: 0" means no connection beyond the pool.
    store = RedactingTrackerStore(
        domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}", pool_size="0", max_overflow="0"
    )
    store.dispose()


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


# --------------------------------------------------------------------------- issue 14
def _stored_rows(store: RedactingTrackerStore) -> list[tuple[str, dict]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(schema.events.c.sender_id, schema.events.c.data).order_by(schema.events.c.id)
        ).all()
    return [(sender, json.loads(data)) for sender, data in rows]


def _database_bytes(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in directory.iterdir() if path.is_file())


async def test_bot_answers_slots_and_entities_that_echo_the_user_are_redacted(
    tmp_path: Path, domain: Domain
) -> None:
    text = "je suis Marie Dupont, mon tel 06\u00a047\u00a012\u00a058\u00a090"
    tracker = DialogueStateTracker.from_events(
        "echo",
        [
            ActionExecuted("action_listen"),
            UserUttered(
                text,
                {"name": "nlu_fallback", "confidence": 0.3},
                # The extractor took the first name only: it overlaps the hidden name.
                [{"entity": "person", "value": "Marie", "start": 8, "end": 13}],
                input_channel="rest",
            ),
            BotUttered(
                "Je n'ai pas compris « Marie Dupont ».",
                {"buttons": [{"title": "Oui", "payload": '/inform{"tel": "06\u00a047\u00a012\u00a058\u00a090"}'}]},  # noqa: E501
            ),
            SlotSet("structure", "Marie Dupont"),
            ActionExecuted("action_listen"),
        ],
        domain.slots,
    )
    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    await store.save(tracker)
    rows = [event for _, event in _stored_rows(store)]
    store.dispose()
    user = next(event for event in rows if event["event"] == "user")
    bot = next(event for event in rows if event["event"] == "bot")
    slot = next(event for event in rows if event["event"] == "slot")
    assert user["text"] == "je suis [nom], mon tel [téléphone]"
    assert user["parse_data"]["entities"][0]["value"] == "[nom]"
    assert bot["text"] == "Je n'ai pas compris « [nom] »."
    assert bot["data"]["buttons"][0]["payload"] == '/inform{"tel": "[téléphone]"}'
    assert slot["value"] == "[nom]"
    stored = json.dumps(rows, ensure_ascii=False)
    assert "Marie" not in stored and "Dupont" not in stored and "58\u00a090" not in stored
    content = _database_bytes(tmp_path)
    assert b"Marie" not in content and b"Dupont" not in content


async def test_a_personal_sender_id_is_stored_as_a_pseudonym_and_the_conversation_continues(
    tmp_path: Path, domain: Domain, monkeypatch
) -> None:
    monkeypatch.setenv("REDACTION_KEY", "test-key")
    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    sender = "marie.dupont@gmail.com"
    await save(store, domain, Scenario(sender, "rest", 0, [Turn("une msp ?", "ask_definition", 0.9)]), 1e9)
    # Rasa asks for the raw id; the store finds the conversation under its pseudonym.
    tracker = await store.retrieve(sender)
    assert tracker is not None and tracker.sender_id == sender
    tracker.update(UserUttered("et une cpts ?", {"name": "ask_definition", "confidence": 0.9}))
    await store.save(tracker)
    senders = {row_sender for row_sender, _ in _stored_rows(store)}
    with store.engine.connect() as connection:
        conversations = schema.conversations.c
        summary = connection.execute(sa.select(conversations.sender_id, conversations.turns)).all()
    assert len(senders) == 1
    (stored,) = senders
    assert stored.startswith("[e-mail]#") and summary == [(stored, 2)]
    assert b"marie.dupont" not in _database_bytes(tmp_path)
    # Right to erasure: `delete-sender` with the address the person gives finds the pseudonym.
    from bot.review import maintenance

    assert maintenance.delete_sender(store.engine, sender, "cli") > 0
    assert _stored_rows(store) == []
    store.dispose()


async def test_public_contacts_of_the_knowledge_base_stay_readable(tmp_path: Path, domain: Domain) -> None:
    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    # A real contact row of knowledge/data (the ESS address of the CVL union), quoted in an answer.
    answer = "Écrivez à ess@urpsml-cvdl.org ou appelez le 06 12 47 85 39."
    tracker = DialogueStateTracker.from_events(
        "public", [ActionExecuted("action_listen"), BotUttered(answer)], domain.slots
    )
    await store.save(tracker)
    bot = next(event for _, event in _stored_rows(store) if event["event"] == "bot")
    store.dispose()
    assert bot["text"] == "Écrivez à ess@urpsml-cvdl.org ou appelez le [téléphone]."


async def test_a_deletion_during_a_turn_is_not_undone(tmp_path: Path, domain: Domain) -> None:
    from bot.review import maintenance

    store = RedactingTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    now = time.time()
    scenario = Scenario("erase-me", "rest", 0, [Turn("une msp ?", "ask_definition", 0.9)])
    await save(store, domain, scenario, now)
    # A turn starts: Rasa loads the tracker and the user's message is added...
    tracker = await store.retrieve("erase-me")
    tracker.update(UserUttered("je suis Marie Dupont", {"name": "inform", "confidence": 0.9}))
    # ...a reviewer deletes the conversation meanwhile...
    assert maintenance.delete_sender(store.engine, "erase-me", "reviewer") > 0
    # ...and the turn ends: nothing of the deleted conversation comes back.
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    with store.engine.connect() as connection:
        for table in schema.PER_CONVERSATION:
            count = connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == "erase-me")
            ).scalar()
            assert count == 0, table.name
    # The person writes again later: a new conversation starts and is stored.
    assert await store.retrieve("erase-me") is None
    fresh = DialogueStateTracker.from_events(
        "erase-me",
        [ActionExecuted("action_listen"), UserUttered("bonjour", {"name": "greet", "confidence": 1.0})],
        domain.slots,
    )
    await store.save(fresh)
    kept = [event["text"] for sender, event in _stored_rows(store) if event["event"] == "user"]
    store.dispose()
    assert kept == ["bonjour"]
