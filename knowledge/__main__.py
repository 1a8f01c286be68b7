"""Command line: `python -m knowledge load [--url URL]`, `check` and `conflicts`.

`load` validates the data files and replaces the knowledge base (default URL: KNOWLEDGE_DB_URL,
read by knowledge.config); `check` only validates, and also checks every quote against the source
documents when they are available, and that no text is firmer than its quote
(`knowledge.modality`). Both exit with status 1 on bad data. `conflicts` lists the
disagreements between documents (Markdown, see knowledge/conflicts.py); `--write FILE` writes it,
`--check FILE` exits with status 1 when FILE is not up to date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from knowledge.config import SEEDS_DIR, KnowledgeSettings
from knowledge.db import make_engine
from knowledge.loader import DEFAULT_DATA_DIR, KnowledgeDataError, load, read_data
from knowledge.modality import dataset_problems


def _load(args: argparse.Namespace) -> int:
    url = args.url
    if url is None:
        url = KnowledgeSettings.from_env().db_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = make_engine(url)
    except ArgumentError as exc:
        print(f"URL de base de données invalide ({url}) : {exc}", file=sys.stderr)
        return 1
    try:
        report = load(engine, args.data_dir)
    except KnowledgeDataError as exc:
        print(f"Chargement refusé, la base n'a pas été modifiée.\n{exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"Erreur de base de données, la base n'a pas été modifiée : {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(report)
    return 0


def _check(args: argparse.Namespace) -> int:
    seeds = args.seeds if args.seeds is not None else SEEDS_DIR
    if not seeds.is_dir():
        print(f"Documents sources introuvables ({seeds}) : citations non vérifiées.")
        seeds = None
    try:
        dataset = read_data(args.data_dir, seeds_dir=seeds)
    except KnowledgeDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    # A verbatim quote can still be overstated by its text ("préférable" written as "doit").
    firmer = dataset_problems(dataset.sourced_rows())
    if firmer:
        print(f"{len(firmer)} texte(s) plus affirmatif(s) que leur citation :", file=sys.stderr)
        print("\n".join(f"- {line}" for line in firmer), file=sys.stderr)
        return 1
    print("Données valides" + (" ; chaque citation a été retrouvée dans son document." if seeds else "."))
    for name, count in dataset.counts().items():
        print(f"  {name} : {count}")
    print("Lignes par document source :")
    for file, count in dataset.per_source().items():
        print(f"  {file} : {count}")
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    from knowledge.conflicts import find_conflicts, render_markdown
    from knowledge.query import KnowledgeBase

    # A private in-memory copy of the data files: the list describes the data, not a database
    # that may be stale, and needs no configuration.
    engine = make_engine("sqlite://")
    try:
        load(engine, args.data_dir)
        text = render_markdown(find_conflicts(KnowledgeBase(engine))) + "\n"
    except KnowledgeDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current != text:
            print(
                f"{args.check} n'est pas à jour : python -m knowledge conflicts --write {args.check}",
                file=sys.stderr,
            )
            return 1
        return 0
    if args.write is not None:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        print(f"Écrit : {args.write}")
        return 0
    sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dossier des fichiers YAML")
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Base de connaissances")
    commands = parser.add_subparsers(dest="command", required=True)
    load_parser = commands.add_parser("load", parents=[common], help="valide les données et recharge la base")
    load_parser.add_argument("--url", help="URL SQLAlchemy (défaut : KNOWLEDGE_DB_URL)")
    load_parser.set_defaults(func=_load)
    check_parser = commands.add_parser(
        "check", parents=[common], help="valide les fichiers de données sans rien écrire"
    )
    check_parser.add_argument("--seeds", type=Path, help="dossier des documents sources")
    check_parser.set_defaults(func=_check)
    conflicts_parser = commands.add_parser(
        "conflicts", parents=[common], help="liste les désaccords entre documents sources"
    )
    target = conflicts_parser.add_mutually_exclusive_group()
    target.add_argument("--write", type=Path, help="écrit la liste dans ce fichier Markdown")
    target.add_argument("--check", type=Path, help="échoue si ce fichier n'est pas à jour")
    conflicts_parser.set_defaults(func=_conflicts)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
