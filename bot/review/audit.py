"""The audit log: who viewed, exported, deleted or changed what, and when."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema

VIEW = "view"
EXPORT = "export"
DELETE = "delete"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
RETENTION = "retention"
ACTION_LABELS = {
    VIEW: "consultation",
    EXPORT: "export",
    DELETE: "suppression",
    LOGIN: "connexion",
    LOGIN_FAILED: "connexion refusée",
    USER_CREATED: "compte créé",
    USER_UPDATED: "compte modifié",
    RETENTION: "purge (durée de conservation)",
}
# Commands run from a shell have no signed-in user.
COMMAND_ACTOR = "(commande)"


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


def entries(connection: Connection, *, limit: int, offset: int = 0) -> list[Entry]:
    query = (
        sa.select(schema.audit)
        .order_by(schema.audit.c.at.desc(), schema.audit.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [Entry(row.at, row.actor, row.action, row.target, row.detail) for row in connection.execute(query)]
