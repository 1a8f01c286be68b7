"""Staff accounts: creation, look-up, role and activation changes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review import schema
from bot.review.security import Passwords

REVIEWER = "reviewer"
ADMIN = "admin"
ROLES = (REVIEWER, ADMIN)
ROLE_LABELS = {REVIEWER: "relecteur", ADMIN: "administrateur"}
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")


class AccountError(ValueError):
    """A refused account operation; the message is shown to the person who asked."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    epoch: int
    created_at: float

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def _user(row: sa.engine.Row) -> User:
    return User(row.id, row.name, row.role, bool(row.active), int(row.epoch), float(row.created_at))


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            "Nom d'utilisateur invalide : 2 à 64 caractères parmi lettres non accentuées, chiffres, "
            "« . », « _ », « - » et « @ »."
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : {role!r} (reviewer ou admin).")
    return role


def create_user(connection: Connection, passwords: Passwords, name: str, password: str, role: str) -> User:
    check_name(name)
    check_role(role)
    weakness = Passwords.check_strength(password)
    if weakness:
        raise AccountError(weakness)
    if find_by_name(connection, name) is not None:
        raise AccountError(f"Le compte « {name} » existe déjà.")
    now = time.time()
    try:
        result = connection.execute(
            schema.users.insert().values(
                name=name,
                password_hash=passwords.hash(password),
                role=role,
                active=True,
                epoch=0,
                created_at=now,
            )
        )
    except sa.exc.IntegrityError as error:
        raise AccountError(f"Le compte « {name} » existe déjà.") from error
    return User(int(result.inserted_primary_key[0]), name, role, True, 0, now)


def find_by_name(connection: Connection, name: str) -> User | None:
    row = connection.execute(sa.select(schema.users).where(schema.users.c.name == name)).first()
    return _user(row) if row else None


def password_hash(connection: Connection, name: str) -> str | None:
    return connection.execute(
        sa.select(schema.users.c.password_hash).where(schema.users.c.name == name)
    ).scalar()


def get_user(connection: Connection, user_id: int) -> User | None:
    row = connection.execute(sa.select(schema.users).where(schema.users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(connection: Connection) -> list[User]:
    return [_user(row) for row in connection.execute(sa.select(schema.users).order_by(schema.users.c.name))]


def update_user(
    connection: Connection,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
    password_hash_value: str | None = None,
) -> User:
    """Change an account; bumping `epoch` signs the account out everywhere.

    Raises:
        AccountError: unknown account, unknown role, or a change that would leave no active
            administrator (nobody could then manage accounts from the review app).
    """
    values: dict[str, object] = {"epoch": schema.users.c.epoch + 1}
    if role is not None:
        values["role"] = check_role(role)
    if active is not None:
        values["active"] = active
    if password_hash_value is not None:
        values["password_hash"] = password_hash_value
    demoting = active is False or (role is not None and role != ADMIN)
    if demoting:
        # Locked before the change, so that two administrators demoting each other at the same
        # time on PostgreSQL wait for one another instead of each seeing the other still there.
        active_admins(connection, lock=True)
    before = get_user(connection, user_id)
    if before is None:
        raise AccountError("Compte introuvable.")
    connection.execute(schema.users.update().where(schema.users.c.id == user_id).values(**values))
    user = get_user(connection, user_id)
    assert user is not None
    # Counted after the update, in the same transaction: on SQLite the update holds the write
    # lock, so a concurrent change lands wholly before or wholly after this count. Raising
    # rolls the update back.
    if demoting and before.is_admin and before.active and not active_admins(connection):
        raise AccountError(
            f"Le compte « {user.name} » est le dernier administrateur actif : nommez d'abord "
            "un autre administrateur, sans quoi plus personne ne pourrait gérer les comptes."
        )
    return user


def active_admins(connection: Connection, *, lock: bool = False) -> list[int]:
    """Ids of the active administrators; with `lock`, their rows stay locked until the
    transaction ends (PostgreSQL; SQLite has no row locks and leaves the clause out)."""
    query = (
        sa.select(schema.users.c.id)
        .where(schema.users.c.role == ADMIN, schema.users.c.active.is_(True))
        .order_by(schema.users.c.id)
    )
    if lock:
        query = query.with_for_update()
    return list(connection.execute(query).scalars())


def bump_epoch(connection: Connection, user_id: int) -> None:
    connection.execute(
        schema.users.update().where(schema.users.c.id == user_id).values(epoch=schema.users.c.epoch + 1)
    )
