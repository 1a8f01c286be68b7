"""Retention and deletion of one person's conversations, by function, by command and by process."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import sqlalchemy as sa
import time_machine

from bot.review import audit, maintenance, schema
from bot.review.cli import main
from bot.settings import ROOT
from tests.bot.review.scenarios import DAY, SENDERS


def remaining(engine) -> dict[str, set[str]]:
    with engine.connect() as connection:
        return {
            table.name: set(connection.execute(sa.select(table.c.sender_id).distinct()).scalars())
            for table in schema.PER_CONVERSATION
        }


def test_retention_deletes_only_inactive_conversations(engine, seeded: float) -> None:
    conversations, events = maintenance.apply_retention(engine, 365, "test")
    assert conversations == 1 and events > 0
    left = remaining(engine)
    assert left["events"] == SENDERS - {"conv-old"}
    assert left["review_conversations"] == SENDERS - {"conv-old"}
    assert "conv-old" not in left["review_turns"]
    assert maintenance.apply_retention(engine, 365, "test") == (0, 0)
    # Half a day later, the 2-day cutoff falls between the 1-day-old and the 2-day-old conversations.
    with time_machine.travel(seeded + 0.5 * DAY, tick=False):
        conversations, _ = maintenance.apply_retention(engine, 2, "test")
    assert remaining(engine)["events"] == {"conv-fallback", "conv-xss"}
    assert conversations == 5
    with engine.connect() as connection:
        entries = audit.entries(connection, limit=5)
    assert entries[0].action == audit.RETENTION and entries[0].target == "2 jours"


def test_retention_command_uses_the_configured_default(engine, seeded: float, settings) -> None:
    out = io.StringIO()
    assert settings.retention_days == 365
    assert main(["retention"], settings=settings, stdout=out) == 0
    assert "1 conversation(s) sans activité depuis plus de 365 jours" in out.getvalue()
    assert "conv-old" not in remaining(engine)["events"]
    assert main(["retention", "--days", "0"], settings=settings, stdout=io.StringIO()) == 1


def test_delete_sender_command(engine, seeded: float, settings, capsys) -> None:
    out = io.StringIO()
    assert main(["delete-sender", "conv-pii"], settings=settings, stdout=out) == 0
    assert "Conversation « conv-pii » supprimée" in out.getvalue()
    assert all("conv-pii" not in senders for senders in remaining(engine).values())
    assert main(["delete-sender", "conv-pii"], settings=settings, stdout=io.StringIO()) == 1
    assert "Aucune conversation trouvée pour « conv-pii »" in capsys.readouterr().err
    with engine.connect() as connection:
        entry = audit.entries(connection, limit=1)[0]
    assert (entry.actor, entry.action, entry.target) == (audit.COMMAND_ACTOR, audit.DELETE, "conv-pii")


def test_commands_run_as_a_module(db_url: str, seeded: float) -> None:
    env = {**os.environ, "TRACKER_STORE_URL": db_url, "RETENTION_DAYS": "30", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "bot.review", "retention"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "depuis plus de 30 jours supprimée(s)" in run.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "bot.review", "delete-sender", "personne"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("Erreur : Aucune conversation trouvée")
