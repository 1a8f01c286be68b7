"""Commands of the review tool: `python -m bot.review create-user|retention|delete-sender|export-nlu`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import sqlalchemy.exc
from sqlalchemy.engine import Engine

from bot.review import audit, maintenance, nlu_export, queue, users
from bot.review.db import UnsupportedDatabase, ensure_schema, make_engine
from bot.review.security import Passwords
from bot.settings import ROOT, Settings

NLU_DIR = ROOT / "data" / "nlu"


class CommandError(RuntimeError):
    """A command cannot do what was asked; the message says why."""


def _engine(settings: Settings) -> Engine:
    try:
        engine = make_engine(settings.tracker_store_url, pool_size=1, max_overflow=0)
        ensure_schema(engine)
    except UnsupportedDatabase as error:
        raise CommandError(str(error)) from error
    except sqlalchemy.exc.OperationalError as error:
        raise CommandError(f"Base de conversations injoignable : {error.orig}") from error
    return engine


def _read_password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.password_stdin:
        line = stdin.readline()
        if not line:
            raise CommandError("Aucun mot de passe reçu sur l'entrée standard.")
        return line.rstrip("\r\n")
    if not stdin.isatty():
        raise CommandError("Pas de terminal pour saisir le mot de passe : utilisez --password-stdin.")
    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    second = getpass.getpass("Mot de passe, à nouveau : ")
    if first != second:
        raise CommandError("Les deux mots de passe diffèrent.")
    return first


def create_user(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    password = _read_password(args, stdin)
    engine = _engine(settings)
    passwords = Passwords()
    try:
        with engine.begin() as connection:
            existing = users.find_by_name(connection, args.name)
            if existing is not None and args.update:
                weakness = Passwords.check_strength(password)
                if weakness:
                    raise CommandError(weakness)
                users.update_user(
                    connection,
                    existing.id,
                    role=args.role,
                    active=True,
                    password_hash_value=passwords.hash(password),
                )
                audit.log(connection, audit.COMMAND_ACTOR, audit.USER_UPDATED, args.name, role=args.role)
                print(f"Compte « {args.name} » mis à jour (rôle : {args.role}).", file=stdout)
                return
            users.create_user(connection, passwords, args.name, password, args.role)
            audit.log(connection, audit.COMMAND_ACTOR, audit.USER_CREATED, args.name, role=args.role)
    except users.AccountError as error:
        hint = " Ajoutez --update pour changer son mot de passe." if "existe déjà" in str(error) else ""
        raise CommandError(f"{error}{hint}") from error
    finally:
        engine.dispose()
    print(f"Compte « {args.name} » créé (rôle : {args.role}).", file=stdout)


def retention(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    days = settings.retention_days if args.days is None else args.days
    if days < 1:
        raise CommandError("La durée de conservation doit être d'au moins 1 jour.")
    engine = _engine(settings)
    try:
        conversations, events = maintenance.apply_retention(engine, days, audit.COMMAND_ACTOR)
    finally:
        engine.dispose()
    print(
        f"{conversations} conversation(s) sans activité depuis plus de {days} jours supprimée(s) "
        f"({events} événement(s)).",
        file=stdout,
    )


def delete_sender(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    engine = _engine(settings)
    try:
        removed = maintenance.delete_sender(engine, args.sender_id, audit.COMMAND_ACTOR)
    finally:
        engine.dispose()
    if removed == 0:
        raise CommandError(f"Aucune conversation trouvée pour « {args.sender_id} ».")
    print(f"Conversation « {args.sender_id} » supprimée ({removed} événement(s)).", file=stdout)


def export_nlu(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    engine = _engine(settings)
    try:
        with engine.connect() as connection:
            examples = queue.labelled_examples(connection)
        text, stats = nlu_export.render(examples, nlu_export.existing_examples(Path(args.nlu_dir)))
        with engine.begin() as connection:
            audit.log(
                connection,
                audit.COMMAND_ACTOR,
                audit.EXPORT,
                "nlu.yml",
                intents=stats.intents,
                examples=stats.examples,
            )
    finally:
        engine.dispose()
    if args.out:
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {out} : {error.strerror}") from error
    else:
        stdout.write(text)
    print(
        f"{stats.examples} exemple(s) pour {stats.intents} intention(s) ; écartés : "
        f"{stats.already_in_data} déjà dans data/nlu, {stats.with_personal_data} avec donnée masquée.",
        file=sys.stderr,
    )


Command = Callable[[argparse.Namespace, Settings, TextIO, TextIO], None]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot.review", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create-user", help="crée un compte de l'équipe support")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--role", choices=users.ROLES, required=True)
    create.add_argument(
        "--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard"
    )
    create.add_argument(
        "--update", action="store_true", help="si le compte existe, change son mot de passe et son rôle"
    )
    create.set_defaults(func=create_user)

    keep = commands.add_parser("retention", help="supprime les conversations inactives depuis N jours")
    keep.add_argument("--days", type=int, default=None, help="par défaut RETENTION_DAYS (365)")
    keep.set_defaults(func=retention)

    erase = commands.add_parser("delete-sender", help="supprime toutes les conversations d'un utilisateur")
    erase.add_argument("sender_id", metavar="SENDER_ID")
    erase.set_defaults(func=delete_sender)

    export = commands.add_parser("export-nlu", help="exporte les intentions attribuées en YAML NLU Rasa")
    export.add_argument("--out", help="fichier à écrire (par défaut : sortie standard)")
    export.add_argument("--nlu-dir", default=str(NLU_DIR), help=argparse.SUPPRESS)
    export.set_defaults(func=export_nlu)
    return root


def main(
    argv: list[str] | None = None,
    *,
    settings: Settings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    args = parser().parse_args(argv)
    command: Command = args.func
    try:
        command(args, settings or Settings.from_env(), stdin or sys.stdin, stdout or sys.stdout)
    except (CommandError, ValueError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    return 0
