"""SQL tracker store that redacts personal identifiers before anything is written.

Configured in endpoints.yml::

    tracker_store:
      type: bot.tracker_store.RedactingTrackerStore
      url: ${TRACKER_STORE_URL}          # any SQLAlchemy URL; SQLite file by default
      pool_size: ${DB_POOL_SIZE}
      max_overflow: ${DB_MAX_OVERFLOW}

Every event passes through :func:`bot.redaction.redact_event` on its way to the database and
to the event broker, so raw e-mail addresses, phone numbers, NIR… exist only in the memory of
the Rasa process during a turn. In the same transaction the store updates the summary tables
the review app reads (see :mod:`bot.review.facts`).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy.exc
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot.redaction import redact_event
from bot.review.db import UnsupportedDatabase, ensure_schema, make_engine
from bot.review.facts import record, summarise

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///rasa.db"
CONNECT_ATTEMPTS = 12
CONNECT_PAUSE_SECONDS = 5.0


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
                pool_size=_positive_int(pool_size, 5, "pool_size"),
                max_overflow=_positive_int(max_overflow, 5, "max_overflow"),
            )
        except (UnsupportedDatabase, sqlalchemy.exc.ArgumentError) as error:
            # Rasa turns ImportError/AttributeError into a silent in-memory store: raise
            # something that stops the server with the reason instead.
            raise ConnectionException(f"URL du tracker store invalide : {error}") from error
        self._wait_for_database(max(1, connect_attempts))
        self.sessionmaker = sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

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
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new_events = [
                redact_event(event.as_dict()) for event in self._additional_events(session, tracker)
            ]
            for data in new_events:
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data.get("event"),
                        timestamp=data.get("timestamp"),
                        intent_name=_intent_name(data),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.flush()
            record(session.connection(), summarise(tracker.sender_id, new_events))
            session.commit()

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """Publish redacted events only: the broker's consumers are storage too."""
        for event in new_events:
            body: dict[str, Any] = {"sender_id": sender_id}
            body.update(redact_event(event.as_dict()))
            event_broker.publish(body)

    def dispose(self) -> None:
        """Close the pool (tests and commands that build a store for a short while)."""
        self.engine.dispose()


def _intent_name(data: dict[str, Any]) -> str | None:
    intent = (data.get("parse_data") or {}).get("intent") or {}
    return intent.get(INTENT_NAME_KEY)


def _positive_int(value: int | str | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ConnectionException(f"{name} doit être un nombre entier, reçu {value!r}") from error
    if number < 0:
        raise ConnectionException(f"{name} doit être positif, reçu {value!r}")
    return number
