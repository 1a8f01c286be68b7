"""Account creation from the command line."""

from __future__ import annotations

import io

import pytest

from bot.review import schema, users
from bot.review.cli import main
from bot.review.security import Passwords

STRONG = "un-mot-de-passe-solide\n"


def create(settings, *args: str, password: str = STRONG) -> tuple[int, str]:
    out = io.StringIO()
    code = main(
        ["create-user", *args, "--password-stdin"], settings=settings, stdin=io.StringIO(password), stdout=out
    )
    return code, out.getvalue()


def test_create_user_then_sign_in_with_it(settings, engine) -> None:
    code, out = create(settings, "camille", "--role", "admin")
    assert code == 0
    assert "Compte « camille » créé (rôle : admin)." in out
    with engine.connect() as connection:
        account = users.find_by_name(connection, "camille")
        stored = users.password_hash(connection, "camille")
    assert account.role == "admin" and account.active
    assert stored.startswith("$argon2id$")
    assert Passwords().verify(stored, "un-mot-de-passe-solide")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["camille", "--role", "reviewer"], "court\n", "au moins 12 caractères"),
        (["camille à", "--role", "reviewer"], "un-mot-de-passe-solide\n", "Nom d'utilisateur invalide"),
        (["camille", "--role", "reviewer"], "", "Aucun mot de passe reçu"),
    ],
)
def test_create_user_refusals(settings, capsys, args: list[str], password: str, message: str) -> None:
    code, _ = create(settings, *args, password=password)
    assert code == 1
    assert message in capsys.readouterr().err


def test_existing_account_needs_update_flag(settings, engine, capsys) -> None:
    assert create(settings, "camille", "--role", "reviewer")[0] == 0
    assert create(settings, "camille", "--role", "admin")[0] == 1
    assert "existe déjà. Ajoutez --update" in capsys.readouterr().err
    code, out = create(settings, "camille", "--role", "admin", "--update", password="nouveau-mot-de-passe\n")
    assert code == 0 and "mis à jour" in out
    with engine.connect() as connection:
        account = users.find_by_name(connection, "camille")
        assert account.role == "admin" and account.epoch == 1
        assert Passwords().verify(users.password_hash(connection, "camille"), "nouveau-mot-de-passe")


def test_the_last_active_admin_cannot_be_demoted(settings, engine, capsys) -> None:
    assert create(settings, "camille", "--role", "admin")[0] == 0
    assert create(settings, "camille", "--role", "reviewer", "--update")[0] == 1
    assert "« camille » est le dernier administrateur actif" in capsys.readouterr().err
    assert create(settings, "dominique", "--role", "admin")[0] == 0
    assert create(settings, "camille", "--role", "reviewer", "--update")[0] == 0
    with engine.begin() as connection:
        assert users.find_by_name(connection, "camille").role == "reviewer"
        # A reviewer's account can still be changed when no administrator is active.
        connection.execute(schema.users.update().values(active=False))
    assert create(settings, "camille", "--role", "reviewer", "--update")[0] == 0


def test_unknown_role_is_refused_by_the_parser(settings) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["create-user", "camille", "--role", "chef"], settings=settings)
    assert stop.value.code == 2


def test_prompt_needs_a_terminal(settings, capsys) -> None:
    code = main(["create-user", "camille", "--role", "admin"], settings=settings, stdin=io.StringIO("x"))
    assert code == 1
    assert "--password-stdin" in capsys.readouterr().err
