"""Play the question set of bench/qa through the assistant and score its answers (issue 13).

    python -m bench.qa_eval                  # tuning part, through a stack started here
    python -m bench.qa_eval --heldout        # the frozen held-out part, reported separately
    python -m bench.qa_eval --url http://127.0.0.1:5005   # an assistant already running
    python -m bench.qa_eval --search-only    # the search alone, no Rasa (seconds)

Figures:
- search top-1 / top-3 recall: an expected row is among the first 1 / 3 results of the search
  for the question (its last turn, with the earlier turns of a follow-up prepended);
- answers containing an expected fact: the assistant's reply, read through the REST channel,
  contains the line an answer prints for one of the expected rows;
- honesty: for questions whose answer is not in the documents, the reply says so (or asks to
  rephrase) instead of answering something else;
- latency of each turn through the REST channel (p50, p95) and of the search alone.

An expected row is a row of the search index whose source is the anchor's and whose quote
contains the anchor (whitespace and case folded), as tests/bench/test_qa_set.py checks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import socket
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bench.client import RestClient
from bot.runtime import ensure_model, runtime_env, write_credentials
from bot.settings import Settings
from bot.stack import Stack
from knowledge import names
from knowledge.query import KnowledgeBase
from knowledge.search import Entry, SearchIndex
from textnorm import fold

ROOT = Path(__file__).resolve().parent.parent
QA_DIR = ROOT / "bench" / "qa"
SOURCES = ROOT / "knowledge" / "data" / "sources.yml"

# The fixed words of every reply that declines to answer (domain.yml): not in the documents,
# no contact for that region, out of scope, or "please rephrase" (the two-stage fallback).
HONEST_MARKERS = (
    "ne repondent pas a cette question",
    "ne repondent pas precisement",
    "je n'ai pas cette information",
    "ne peux pas vous aider sur ce sujet",
    "pourriez-vous reformuler",
    "je n'ai pas compris",
    "vouliez-vous dire",
    "aucun document",
    "je n'ai pas de contact pour la region",
)


# The fixed words of the reply that shows rows as the closest, not as the answer.
HEDGE_MARKER = "ne repondent pas precisement"


def squash(text: str) -> str:
    return " ".join(fold(text).split())


def load_questions(heldout: bool) -> list[dict[str, Any]]:
    name = "heldout.yml" if heldout else "questions.yml"
    return yaml.safe_load((QA_DIR / name).read_text(encoding="utf-8"))["questions"]


def source_files() -> dict[str, str]:
    sources = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))["sources"]
    return {item["key"]: item["file"] for item in sources}


def turns(question: dict[str, Any]) -> list[str]:
    return list(question.get("turns") or [question["question"]])


def expected_entries(index: SearchIndex, question: dict[str, Any], files: dict[str, str]) -> list[Entry]:
    found = []
    for anchor in question.get("expect") or []:
        wanted_file, needle = files[anchor["source"]], squash(anchor["quote"])
        found += [
            entry
            for entry in index.entries
            if entry.source.file == wanted_file and needle in squash(entry.quote) and entry not in found
        ]
    return found


def shows(answer: str, entry: Entry) -> bool:
    """Whether a reply prints the row: its line, or for long lines their first 80 characters.

    Bold marks are ignored: "**SAAD** : Services…" prints the glossary line "SAAD : Services…".
    """
    line = squash(entry.text.replace("**", ""))
    return line[:80] in squash(answer.replace("**", ""))


def is_honest(answer: str) -> bool:
    folded = squash(answer)
    return any(marker in folded for marker in HONEST_MARKERS)


@dataclass
class Outcome:
    id: str
    answerable: bool
    # The document answers but no knowledge-base row quotes it (missing_in_kb): counted apart.
    missing: bool = False
    top1: bool = False
    top3: bool = False
    answered: bool = False
    honest: bool = False
    hedged: bool = False  # the reply shows rows as "the closest the documents come"
    answer: str = ""
    latencies: list[float] = field(default_factory=list)


def absent(outcome: Outcome) -> bool:
    """A question whose answer is in none of the documents."""
    return not outcome.answerable and not outcome.missing


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def search_figures(index: SearchIndex, questions: list[dict[str, Any]], files: dict[str, str]) -> dict:
    outcomes: dict[str, Outcome] = {}
    timings = []
    for question in questions:
        outcome = Outcome(question["id"], "expect" in question, missing="missing_in_kb" in question)
        outcomes[outcome.id] = outcome
        if not outcome.answerable:
            continue
        expected = {entry.key for entry in expected_entries(index, question, files)}
        text = " ".join(turns(question))
        # What the actions would pass as boosts, read from the text as they do without the NLU.
        structures, region = names.find_structures(text), names.find_region_name(text)
        started = time.perf_counter()
        hits = index.search(text, structures=structures, region=region, limit=3)
        timings.append(time.perf_counter() - started)
        keys = [hit.entry.key for hit in hits]
        outcome.top1 = bool(keys[:1]) and keys[0] in expected
        outcome.top3 = any(key in expected for key in keys)
    answerable = [item for item in outcomes.values() if item.answerable]
    return {
        "outcomes": outcomes,
        "search_top1": sum(item.top1 for item in answerable) / len(answerable),
        "search_top3": sum(item.top3 for item in answerable) / len(answerable),
        "search_p50_ms": 1000 * percentile(timings, 0.5),
        "search_p95_ms": 1000 * percentile(timings, 0.95),
    }


async def play(
    url: str,
    questions: list[dict[str, Any]],
    outcomes: dict[str, Outcome],
    index: SearchIndex,
    files: dict[str, str],
    concurrency: int,
) -> None:
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as session:
        client = RestClient([url], session, timeout=60)

        async def one(question: dict[str, Any]) -> None:
            outcome = outcomes[question["id"]]
            sender = f"qa-{question['id']}-{uuid.uuid4().hex[:8]}"
            async with semaphore:
                result = None
                for text in turns(question):
                    result = await client.send(sender, text)
                    outcome.latencies.append(result.latency)
            outcome.answer = "\n".join(result.texts) if result else ""
            outcome.hedged = HEDGE_MARKER in squash(outcome.answer)
            if outcome.answerable:
                outcome.answered = any(
                    shows(outcome.answer, entry) for entry in expected_entries(index, question, files)
                )
            else:
                outcome.honest = is_honest(outcome.answer)

        await asyncio.gather(*(one(question) for question in questions))


def start_stack(knowledge_url: str, model: Path | None = None) -> Stack:
    """Rasa and the action server with the trained model, on free ports, a fresh tracker store."""
    work = Path(tempfile.mkdtemp(prefix="qa-eval-"))
    settings = Settings.from_env(
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
            "KNOWLEDGE_DB_URL": knowledge_url,
            # Every question comes from 127.0.0.1, several per sender for follow-ups.
            "RATE_LIMIT_ADDRESS": "1000000 per minute",
            "RATE_LIMIT_GLOBAL": "1000000 per minute",
            "RATE_LIMIT_SENDER": "1000 per minute",
        }
    )
    env = runtime_env(settings)
    credentials, _ = write_credentials(env, work / "credentials.yml")
    model = model or ensure_model(env)
    print(f"Modèle {model.name}, journaux dans {work}", file=sys.stderr)
    return Stack(settings, model, env, credentials, log_dir=work).start(web=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import os

    return f"{cpu}, {os.cpu_count()} cœurs, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--heldout", action="store_true", help="the frozen held-out part")
    parser.add_argument("--search-only", action="store_true", help="score the search alone, no Rasa")
    parser.add_argument("--url", help="Rasa already running (else a stack is started here)")
    parser.add_argument("--model", type=Path, help="model archive (default: the one config and data give)")
    parser.add_argument("--knowledge-db", default=f"sqlite:///{ROOT / 'var' / 'knowledge.db'}")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--failures", type=Path, help="write every miss (question, reply) to this file")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    questions = load_questions(args.heldout)
    files = source_files()
    kb = KnowledgeBase.from_url(args.knowledge_db)
    started = time.perf_counter()
    index = SearchIndex.build(kb)
    build_seconds = time.perf_counter() - started
    figures = search_figures(index, questions, files)
    outcomes: dict[str, Outcome] = figures.pop("outcomes")
    report: dict[str, Any] = {
        "part": "held-out" if args.heldout else "tuning",
        "date": date.today().isoformat(),
        "machine": machine(),
        "questions": len(questions),
        "answerable": sum(item.answerable for item in outcomes.values()),
        "not_in_documents": sum(absent(item) for item in outcomes.values()),
        "missing_in_knowledge_base": sum(item.missing for item in outcomes.values()),
        "index_build_s": round(build_seconds, 2),
        "index_entries": len(index.entries),
        **{key: round(value, 3) for key, value in figures.items()},
    }

    if not args.search_only:
        stack = None
        url = args.url
        if url is None:
            stack = start_stack(args.knowledge_db, args.model)
            url = stack.rasa_url
        try:
            asyncio.run(play(url, questions, outcomes, index, files, args.concurrency))
        finally:
            if stack is not None:
                stack.stop()
        answerable = [item for item in outcomes.values() if item.answerable]
        silent = [item for item in outcomes.values() if absent(item)]
        latencies = [value for item in outcomes.values() for value in item.latencies]
        report.update(
            answers_with_expected_fact=round(sum(item.answered for item in answerable) / len(answerable), 3),
            honest_when_not_in_documents=round(sum(item.honest for item in silent) / max(1, len(silent)), 3),
            # Of which the reply showed nearby rows, saying they do not answer precisely.
            hedged_when_not_in_documents=round(sum(item.hedged for item in silent) / max(1, len(silent)), 3),
            hedged_when_answerable=round(sum(item.hedged for item in answerable) / len(answerable), 3),
            turn_p50_ms=round(1000 * statistics.median(latencies), 1),
            turn_p95_ms=round(1000 * percentile(latencies, 0.95), 1),
        )
        if args.failures:
            misses = [
                {"id": item.id, "answer": item.answer}
                for item in outcomes.values()
                if (item.answerable and not item.answered) or (absent(item) and not item.honest)
            ]
            args.failures.write_text(
                yaml.safe_dump(misses, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    elif args.failures:
        misses = [item.id for item in outcomes.values() if item.answerable and not item.top3]
        args.failures.write_text("\n".join(misses) + "\n", encoding="utf-8")

    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
