"""The audit log: who viewed, exported, deleted or changed what, and when."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema

T = TypeVar("T")

VIEW = "view"
EXPORT = "export"
DELETE = "delete"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
TAG_ADDED = "tag_added"
TAG_REMOVED = "tag_removed"
NOTE_ADDED = "note_added"
STATUS_CHANGED = "status_changed"
LABEL_SET = "label_set"
LABEL_REMOVED = "label_removed"
USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
RETENTION = "retention"
ACTION_LABELS = {
    VIEW: "consultation",
    EXPORT: "export",
    DELETE: "suppression",
    LOGIN: "connexion",
    LOGIN_FAILED: "connexion refusée",
    LOGOUT: "déconnexion",
    TAG_ADDED: "étiquette ajoutée",
    TAG_REMOVED: "étiquette retirée",
    NOTE_ADDED: "note ajoutée",
    STATUS_CHANGED: "statut modifié",
    LABEL_SET: "intention attribuée",
    LABEL_REMOVED: "intention retirée",
    USER_CREATED: "compte créé",
    USER_UPDATED: "compte modifié",
    RETENTION: "purge (durée de conservation)",
}
# Commands run from a shell have no signed-in user.
COMMAND_ACTOR = "(commande)"
# A failed sign-in with a name that is no account: what was typed may be a password.
UNKNOWN_ACTOR = "(inconnu)"


@dataclass(frozen=True)
class Entry:
    at: float
    actor: str
    action: str
    target: str
    detail: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def log(connection: Connection, actor: str, action: str, target: str = "", **detail: Any) -> None:
    connection.execute(
        schema.audit.insert().values(
            at=time.time(),
            actor=actor[:64],
            action=action,
            target=target[:255],
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "",
        )
    )


def audited(
    function: Callable[..., T], actor: str, action: str, target: str, **detail: Any
) -> Callable[..., T]:
    """``function(connection, …)`` followed by its audit entry, in the same transaction: a
    change is never stored without its entry, nor an entry without its change."""

    def run(connection: Connection, *args: Any, **kwargs: Any) -> T:
        result = function(connection, *args, **kwargs)
        log(connection, actor, action, target, **detail)
        return result

    return run


def entries(connection: Connection, *, limit: int, offset: int = 0) -> list[Entry]:
    query = (
        sa.select(schema.audit)
        .order_by(schema.audit.c.at.desc(), schema.audit.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [Entry(row.at, row.actor, row.action, row.target, row.detail) for row in connection.execute(query)]
