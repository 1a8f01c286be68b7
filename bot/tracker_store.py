"""SQL tracker store that redacts personal identifiers before anything is written.

Configured in endpoints.yml::

    tracker_store:
      type: bot.tracker_store.RedactingTrackerStore
      url: ${TRACKER_STORE_URL}          # any SQLAlchemy URL; SQLite file by default
      pool_size: ${DB_POOL_SIZE}
      max_overflow: ${DB_MAX_OVERFLOW}

Every event, the user's and the assistant's, passes through :func:`bot.redaction.redact_event`
on its way to the database and to the event broker, so raw e-mail addresses, phone numbers,
NIR… exist only in the memory of the Rasa process during a turn. What a user message hid is
hidden again where the assistant echoes it; a sender id that is an e-mail or a phone number is
stored as a keyed pseudonym (REDACTION_KEY, else REVIEW_SECRET_KEY); the public contacts of the
knowledge base stay readable. In the same transaction the store updates the summary tables
the review app reads (see :mod:`bot.review.facts`), and it refuses to write back a
conversation a reviewer deleted while one of its turns was running (see
``bot.review.schema.erasures``). docs/privacy.md describes all of it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot.redaction import Redactor, public_identifiers, redact_event, redaction_key, stored_sender_id
from bot.review import schema
from bot.review.db import UnsupportedDatabase, ensure_schema, make_engine
from bot.review.facts import record, summarise
from bot.settings import ROOT, config_number

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///rasa.db"
CONNECT_ATTEMPTS = 12
CONNECT_PAUSE_SECONDS = 5.0
KNOWLEDGE_DATA = ROOT / "knowledge" / "data"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@lru_cache(maxsize=4)
def knowledge_contacts(data_dir: Path = KNOWLEDGE_DATA) -> frozenset[str]:
    """Public contacts quoted in the knowledge base files (read once per process)."""
    texts: list[str] = []
    for path in sorted(data_dir.rglob("*.yml")):
        texts.extend(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return public_identifiers(texts)



class RedactingTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore built from one URL, storing only redacted events."""

    def __init__(
        self,
        domain: Domain | None = None,
        url: str | None = None,
        event_broker: EventBroker | None = None,
        pool_size: int | str | None = None,
        max_overflow: int | str | None = None,
        host: str | None = None,
        connect_attempts: int = CONNECT_ATTEMPTS,
        **kwargs: Any,
    ) -> None:
        # Rasa passes the endpoint's `url` as `host`; the parent's dialect/host/db assembly is
        # skipped on purpose: a single URL covers SQLite files and PostgreSQL alike.
        target = url or host or DEFAULT_URL
        for name, value in (("url", target), ("pool_size", pool_size), ("max_overflow", max_overflow)):
            if isinstance(value, str) and "${" in value:
                # Rasa substitutes ${VAR} only in unquoted YAML values.
                raise ConnectionException(
                    f"{name} du tracker store non substitué ({value}) : dans endpoints.yml, écrivez "
                    "la variable sans guillemets (url: ${TRACKER_STORE_URL})."
                )
        try:
            self.engine = make_engine(
                target,
                pool_size=_pool_number(pool_size, 5, "pool_size"),
                max_overflow=_pool_number(max_overflow, 5, "max_overflow"),
            )
        except (UnsupportedDatabase, sqlalchemy.exc.ArgumentError) as error:
            # Rasa turns ImportError/AttributeError into a silent in-memory store: raise
            # something that stops the server with the reason instead.
            raise ConnectionException(f"URL du tracker store invalide : {error}") from error
        self._wait_for_database(max(1, connect_attempts))
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.key = redaction_key()
        # Built at start-up (a second or two), not on the first conversation's turn.
        self.public = knowledge_contacts()
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    def stored_id(self, sender_id: str) -> str:
        """The id this conversation's rows carry (a pseudonym when the id is personal)."""
        return stored_sender_id(sender_id, self.key)

    def _event_query(self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        # Every read (retrieve, the count of stored events) goes through here: map the id once.
        return super()._event_query(session, self.stored_id(sender_id), fetch_events_from_all_sessions)

    def _redactor(self, events: Iterable[Event]) -> Redactor:
        """A redactor that knows what every user message among `events` hides."""
        redactor = Redactor(self.public)
        for event in events:
            if isinstance(event, UserUttered) and event.text:
                redactor.text(event.text, learn=True)
        return redactor

    def _wait_for_database(self, attempts: int) -> None:
        """Create the tables, waiting for a database that is still starting up."""
        for attempt in range(1, attempts + 1):
            try:
                ensure_schema(self.engine, extra=SQLTrackerStore.Base.metadata)
                return
            except sqlalchemy.exc.OperationalError as error:
                if attempt == attempts:
                    raise ConnectionException(
                        f"Base de conversations injoignable ({self.engine.url!r}) : {error}"
                    ) from error
                logger.warning("Tracker database not ready (%s); retrying.", error.__class__.__name__)
                time.sleep(CONNECT_PAUSE_SECONDS)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, redacted, and update the review summary in one transaction."""
        stored_id = self.stored_id(tracker.sender_id)
        with self.session_scope() as session:
            if self._erased_since_loaded(session, stored_id, tracker):
                logger.info("Conversation deleted during a turn: its events are not written back.")
                return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            # Only the new events carry raw text: the rest of the tracker was read back from
            # the database, redacted.
            additional = list(self._additional_events(session, tracker))
            redactor = self._redactor(additional)
            new_events = [redact_event(event.as_dict(), redactor) for event in additional]
            for data in new_events:
                session.add(
                    self.SQLEvent(
                        sender_id=stored_id,
                        type_name=data.get("event"),
                        timestamp=data.get("timestamp"),
                        intent_name=_intent_name(data),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.flush()
            record(session.connection(), summarise(stored_id, new_events))
            session.commit()

    @staticmethod
    def _erased_since_loaded(session: Any, stored_id: str, tracker: DialogueStateTracker) -> bool:
        """Whether a reviewer deleted this conversation after some of the tracker's events.

        Rasa counts the stored events to know which are new: after a deletion the count is 0
        and the whole tracker of a turn in flight would be written back. A tracker with an
        event older than the tombstone was loaded before the deletion; the next turn starts
        from an empty tracker, all of whose events are newer.
        """
        erased_at = session.execute(
            sa.select(schema.erasures.c.erased_at).where(schema.erasures.c.sender_id == stored_id)
        ).scalar()
        if erased_at is None:
            return False
        return any((event.timestamp or 0) <= erased_at for event in tracker.events)

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """Publish redacted events only: the broker's consumers are storage too."""
        redactor = self._redactor(new_events)
        for event in new_events:
            body: dict[str, Any] = {"sender_id": self.stored_id(sender_id)}
            body.update(redact_event(event.as_dict(), redactor))
            event_broker.publish(body)

    def dispose(self) -> None:
        """Close the pool (tests and commands that build a store for a short while)."""
        self.engine.dispose()


def _intent_name(data: dict[str, Any]) -> str | None:
    intent = (data.get("parse_data") or {}).get("intent") or {}
    return intent.get(INTENT_NAME_KEY)


def _pool_number(value: int | str | None, default: int, name: str) -> int:
    """`pool_size` or `max_overflow` from endpoints.yml, read by the project's one number parser.

    Zero is accepted, so ``config_number(..., positive=True)`` does not fit: ``max_overflow: 0``
    means "no connection beyond the pool" (the review command line uses it), and SQLAlchemy
    reads ``pool_size: 0`` as "no limit". Only negative values are refused.
    """
    try:
        number = config_number(value, name, default)
    except ValueError as error:
        raise ConnectionException(str(error)) from error
    if number < 0:
        raise ConnectionException(f"{name} doit être positif, reçu {value!r}")
    return number
