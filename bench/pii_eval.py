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
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.pii_scoring import CORPUS, Message, load_corpus, load_questions, score

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "var" / "pii_eval.json"


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
