"""Does personal data reach the database? Recall of the redaction and its false alarms.

    python -m bench.pii_eval [--model PATH] [--offline] [--out FILE] [--show N]

Every message of bench/pii_corpus.yml is sent through the REST channel of the running
assistant (action server + Rasa with the trained model, started here on free ports with its own
SQLite tracker database), each from its own sender; then the tracker database is searched, row
by row for that conversation (events with every string of their JSON, sender ids, the review
summary tables), for each value the corpus lists: the raw value (case, accents and spacing
folded, on word boundaries) and any run of 6 of its digits (separators allowed between them).
Recall is the share of values found nowhere. Then every user message of bench/qa/questions.yml
(the tuning part; never heldout.yml) is sent the same way, and a *false redaction* is a stored
user message that carries a placeholder although the question holds no personal data; bot
answers that lost something to the redaction are counted too.

Without a model (`--offline`), the same messages go through the redacting tracker store
directly: each becomes the turn a Rasa server would save (user event with parse data, an
entity over the first value, metadata; a bot answer and a slot that echo the message), saved
by `RedactingTrackerStore` into a temporary SQLite database, and searched the same way. Without
--model, the model is $RASA_MODEL, else the newest models/*.tar.gz here or in /work/main.

Figures go to stdout and, as JSON, to --out (default var/pii_eval.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.redaction import PLACEHOLDERS, fold_separators, stored_sender_id
from textnorm import fold

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "pii_corpus.yml"
QUESTIONS = ROOT / "bench" / "qa" / "questions.yml"
DEFAULT_OUT = ROOT / "var" / "pii_eval.json"
DIGIT_WINDOW = 6


@dataclass
class Message:
    id: str
    kind: str
    sender: str
    turns: list[str]
    find: list[str] = field(default_factory=list)


def load_corpus(path: Path = CORPUS) -> list[Message]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [
        Message(
            item["id"], item["kind"], item.get("sender") or f"pii-{item['id']}", [item["text"]], item["find"]
        )
        for item in data
    ]


def load_questions(path: Path = QUESTIONS) -> list[Message]:
    """Every question of the tuning set, follow-ups as several turns of one conversation."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        Message(item["id"], "question", f"qa-{item['id']}", list(item.get("turns") or [item["question"]]))
        for item in data
    ]


# --------------------------------------------------------------------------- searching
def _norm(text: str) -> str:
    return " ".join(fold(fold_separators(text)).split())


def leak(value: str, texts: list[str]) -> str | None:
    """How `value` shows in `texts`: "raw", "digits 123456", or None when it is nowhere."""
    folded = _norm(value)
    raw = re.compile(r"(?<!\w)" + re.escape(folded) + r"(?!\w)")
    digits = "".join(char for char in value if char.isdigit())
    windows = {digits[i : i + DIGIT_WINDOW] for i in range(len(digits) - DIGIT_WINDOW + 1)}
    window_res = [(w, re.compile(r"[^\w]{0,3}".join(w))) for w in sorted(windows)]
    for text in texts:
        if raw.search(_norm(text)):
            return "raw"
        for window, pattern in window_res:
            if pattern.search(text):
                return f"digits {window}"
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def stored_texts(engine: Any, sender_id: str) -> dict[str, list[str]]:
    """Every string stored for one conversation: {"user": [...], "bot": [...], "all": [...]}."""
    import sqlalchemy as sa

    from bot.review import schema

    found: dict[str, list[str]] = {"user": [], "bot": [], "all": [sender_id]}
    with engine.connect() as connection:
        for data in connection.execute(
            sa.select(schema.events.c.data)
            .where(schema.events.c.sender_id == sender_id)
            .order_by(schema.events.c.id)
        ).scalars():
            event = json.loads(data)
            found["all"].extend(_strings(event))
            if event.get("event") in ("user", "bot") and isinstance(event.get("text"), str):
                found[event["event"]].append(event["text"])
        turns = schema.turns.c
        for row in connection.execute(
            sa.select(turns.text, turns.search, turns.group_key, turns.entities).where(
                turns.sender_id == sender_id
            )
        ):
            found["all"].extend(str(cell) for cell in row if cell)
        for table in (schema.conversations, schema.structures, schema.eligibility):
            for row in connection.execute(sa.select(table).where(table.c.sender_id == sender_id)):
                found["all"].extend(str(cell) for cell in row if isinstance(cell, str))
    return found


def all_sender_ids(engine: Any) -> list[str]:
    import sqlalchemy as sa

    from bot.review import schema

    with engine.connect() as connection:
        ids = set(connection.execute(sa.select(schema.events.c.sender_id).distinct()).scalars())
        ids |= set(connection.execute(sa.select(schema.conversations.c.sender_id)).scalars())
    return sorted(ids)


def stored_id(sender: str, key: bytes) -> str:
    """The id the conversation of a REST `sender` is stored under (namespace, then pseudonym)."""
    from bot.channels.identity import REST, namespaced

    return stored_sender_id(namespaced(REST, sender), key)


def has_placeholder(text: str) -> bool:
    return any(placeholder in text for placeholder in PLACEHOLDERS)


def score(engine: Any, corpus: list[Message], questions: list[Message], key: bytes) -> dict[str, Any]:
    """Recall over the corpus values, false redactions over the questions."""
    senders = all_sender_ids(engine)
    values = leaked = 0
    by_kind: Counter[str] = Counter()
    leaked_by_kind: Counter[str] = Counter()
    leaks = []
    missing = []
    for message in corpus:
        texts = stored_texts(engine, stored_id(message.sender, key))
        if len(texts["user"]) < len(message.turns):
            missing.append(message.id)
        for value in message.find:
            values += 1
            by_kind[message.kind] += 1
            # A personal sender id must appear in no sender id column at all.
            where = leak(value, texts["all"] + (senders if message.kind == "sender" else []))
            if where:
                leaked += 1
                leaked_by_kind[message.kind] += 1
                stored = texts["user"][0] if texts["user"] else ""
                leaks.append({"id": message.id, "value": value, "how": where, "stored": stored})
    false_user = []
    false_bot = []
    user_messages = bot_messages = 0
    for question in questions:
        texts = stored_texts(engine, stored_id(question.sender, key))
        if len(texts["user"]) < len(question.turns):
            missing.append(question.id)
        user_messages += len(question.turns)
        for sent, stored in zip(question.turns, texts["user"], strict=False):
            if has_placeholder(stored) and not has_placeholder(sent):
                false_user.append({"id": question.id, "sent": sent, "stored": stored})
        bot_messages += len(texts["bot"])
        false_bot += [{"id": question.id, "stored": text} for text in texts["bot"] if has_placeholder(text)]
    return {
        "values": values,
        "leaked": leaked,
        "recall": round(1 - leaked / values, 4) if values else None,
        "messages": len(corpus),
        "values_by_kind": dict(by_kind),
        "leaked_by_kind": dict(leaked_by_kind),
        "leaks": leaks,
        "question_messages": user_messages,
        "false_redactions": len(false_user),
        "false_redaction_rate": round(len(false_user) / user_messages, 4) if user_messages else None,
        "false_redaction_examples": false_user,
        "bot_answers": bot_messages,
        "bot_answers_with_placeholder": len(false_bot),
        "bot_answer_examples": false_bot[:20],
        "conversations_missing_turns": missing,
    }


# --------------------------------------------------------------------------- offline
async def run_offline(messages: list[Message], url: str) -> None:
    """Save, through the redacting tracker store, the turns a Rasa server would save."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.channels.identity import REST, namespaced
    from bot.settings import ROOT as BOT_ROOT
    from bot.tracker_store import RedactingTrackerStore

    domain = Domain.load(str(BOT_ROOT / "domain.yml"))
    store = RedactingTrackerStore(domain=domain, url=url)
    slot = next(iter(domain.slots)).name
    try:
        for message in messages:
            # The id the REST channel gives the conversation.
            tracker = DialogueStateTracker.from_events(namespaced(REST, message.sender), [], domain.slots)
            for text in message.turns:
                first = next((value for value in message.find if value in text), None)
                entities = []
                if first is not None:
                    start = text.index(first)
                    entities.append(
                        {"entity": "contact", "value": first, "start": start, "end": start + len(first)}
                    )
                tracker.update(ActionExecuted("action_listen"))
                tracker.update(
                    UserUttered(
                        text,
                        {"name": "nlu_fallback", "confidence": 0.3},
                        entities,
                        input_channel="rest",
                        metadata={"client": {"note": text}},
                    )
                )
                # The worst a reply can do: echo the whole message, in text and in a button.
                tracker.update(
                    BotUttered(
                        f"Je n'ai pas compris « {text} ».",
                        {"buttons": [{"title": text, "payload": f'/inform{{"terme": "{text}"}}'}]},
                    )
                )
                tracker.update(SlotSet(slot, text))
                tracker.update(ActionExecuted("action_listen"))
                await store.save(tracker)
    finally:
        store.dispose()


# --------------------------------------------------------------------------- online
def find_model(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    configured = os.environ.get("RASA_MODEL")
    if configured and Path(configured).exists():
        return Path(configured)
    for directory in (ROOT / "models", ROOT.parent.parent / "main" / "models", Path("/work/main/models")):
        candidates = sorted(directory.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
        if candidates:
            return candidates[-1]
    return None


async def send_all(url: str, messages: list[Message], parallel: int = 3) -> dict[str, int]:
    """Send every turn; returns counts of HTTP statuses (429s are retried after a pause)."""
    import aiohttp

    statuses: Counter[str] = Counter()
    gate = asyncio.Semaphore(parallel)

    async def conversation(http: aiohttp.ClientSession, message: Message) -> None:
        async with gate:
            for text in message.turns:
                for attempt in range(6):
                    try:
                        async with http.post(
                            url + "/webhooks/rest/webhook",
                            json={"sender": message.sender, "message": text},
                            timeout=aiohttp.ClientTimeout(total=60),
                        ) as response:
                            await response.read()
                            status = response.status
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        status = 0
                    if status != 429:
                        break
                    await asyncio.sleep(1 + attempt)
                statuses[str(status)] += 1

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(conversation(http, message) for message in messages))
    return dict(statuses)


def run_online(messages: list[Message], model: Path, workdir: Path, key: str) -> tuple[str, dict[str, int]]:
    from bench.scaled import free_port, write_guarded_credentials
    from bot.runtime import runtime_env
    from bot.settings import Settings
    from bot.stack import Stack
    from knowledge.loader import ensure_loaded

    knowledge_url = f"sqlite:///{workdir / 'knowledge.db'}"
    ensure_loaded(knowledge_url)
    tracker_url = f"sqlite:///{workdir / 'tracker.db'}"
    settings = Settings.from_env(
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "TRACKER_STORE_URL": tracker_url,
            "KNOWLEDGE_DB_URL": knowledge_url,
            # Every message comes from 127.0.0.1, several per sender for follow-ups.
            "RATE_LIMIT_ADDRESS": "1000000 per minute",
            "RATE_LIMIT_GLOBAL": "1000000 per minute",
            "RATE_LIMIT_SENDER": "1000 per minute",
        }
    )
    env = runtime_env(settings)
    env["REDACTION_KEY"] = key
    # A loaded 2-core machine can take longer than the channel's 6 s for a turn.
    credentials = write_guarded_credentials(env, workdir / "credentials.yml", turn_timeout=120)
    stack = Stack(settings, model, env, credentials, log_dir=workdir / "logs")
    print(f"Démarrage de l'assistant (modèle {model.name})…", flush=True)
    stack.start(web=False, timeout=600)
    try:
        statuses = asyncio.run(send_all(stack.rasa_url, messages))
    finally:
        stack.stop()
    return tracker_url, statuses


# --------------------------------------------------------------------------- report
def machine() -> str:
    return f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"


def print_report(result: dict[str, Any], show: int) -> None:
    print(
        f"\nRecall: {result['recall']:.2%} ({result['values'] - result['leaked']}/{result['values']} values "
        f"of {result['messages']} messages not found in storage)"
    )
    for kind, count in sorted(result["values_by_kind"].items()):
        print(f"  {kind:12} {count - result['leaked_by_kind'].get(kind, 0):4}/{count}")
    for item in result["leaks"][:show]:
        print(f"  LEAK {item['id']:14} {item['how']:14} {item['value']!r} -> {item['stored']!r}")
    if not result["question_messages"]:
        return
    print(
        f"False redaction: {result['false_redaction_rate']:.2%} ({result['false_redactions']}/"
        f"{result['question_messages']} user messages of bench/qa/questions.yml)"
    )
    for item in result["false_redaction_examples"][:show]:
        print(f"  {item['id']}: {item['stored']}")
    print(f"Bot answers with a placeholder: {result['bot_answers_with_placeholder']}/{result['bot_answers']}")
    for item in result["bot_answer_examples"][:show]:
        print(f"  {item['id']}: {item['stored'][:160]!r}")
    if result["conversations_missing_turns"]:
        print(
            f"Conversations with fewer stored turns than sent: {len(result['conversations_missing_turns'])}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model archive (default: $RASA_MODEL or the newest one)")
    parser.add_argument("--offline", action="store_true", help="no Rasa server: save the turns directly")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="personal-data messages (YAML)")
    parser.add_argument("--no-questions", action="store_true", help="skip the false-redaction part")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--show", type=int, default=10, help="examples printed per list")
    parser.add_argument("--min-recall", type=float, default=None, help="exit 1 below this recall")
    args = parser.parse_args(argv)

    corpus = load_corpus(args.corpus)
    questions = [] if args.no_questions else load_questions()
    key = secrets.token_hex(16)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="pii-eval-") as tmp:
        workdir = Path(tmp)
        if args.offline:
            mode, statuses = "offline (RedactingTrackerStore.save, no Rasa)", {}
            url = f"sqlite:///{workdir / 'tracker.db'}"
            os.environ["REDACTION_KEY"] = key
            asyncio.run(run_offline(corpus + questions, url))
        else:
            model = find_model(args.model)
            if model is None or not model.exists():
                print("Aucun modèle entraîné : passez --model, RASA_MODEL, ou --offline.", file=sys.stderr)
                return 2
            mode = f"REST channel of the running assistant, model {model.name}"
            url, statuses = run_online(corpus + questions, model, workdir, key)
        from bot.review.db import make_engine

        engine = make_engine(url)
        result = score(engine, corpus, questions, key.encode("utf-8"))
        engine.dispose()
    result.update(
        {
            "mode": mode,
            "http_statuses": statuses,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
            "seconds": round(time.time() - started, 1),
            "machine": machine(),
            "command": " ".join(["python -m bench.pii_eval", *(argv if argv is not None else sys.argv[1:])]),
        }
    )
    print(f"{result['command']} — {mode} — {result['date']} — {result['machine']}")
    if statuses:
        print(f"HTTP statuses: {statuses}")
    print_report(result, args.show)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nDétails : {args.out}")
    if args.min_recall is not None and (result["recall"] or 0) < args.min_recall:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
