"""Scripted users through the running REST channel: does the eligibility dialogue reach the right verdict?

Each persona (`bench.eligibility_personas`) is a team whose truth is a `Team`; the expected verdicts
are `eligibility.rules.assess_all(team)`. The scripted user opens the conversation (with or without
details up front), answers each question the assistant asks in natural words, in one of three
styles (formal, chatty, SMS: `bench.eligibility_wording`), and clicks a button (or types a bare
value) only when the same question is asked again. A conversation is *reached* when the verdict
arrives, *correct* when its line per structure equals the expected verdict; every question asked
again counts as a re-ask.

    python -m bench.eligibility_users --url http://127.0.0.1:5005            # full set
    python -m bench.eligibility_users --url … --reduced --markdown out.md  # the pytest subset
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bench.eligibility_personas import REDUCED, personas
from bench.eligibility_wording import OPENINGS, STYLES, Persona, answer, plain_answer
from eligibility.rules import ASSESSED_STRUCTURES, Verdict, assess_all

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK = "/webhooks/rest/webhook"
MAX_TURNS = 25
TIMEOUT = aiohttp.ClientTimeout(total=120)
VERDICT_MARK = {"✅": Verdict.ACCESSIBLE, "❌": Verdict.NOT_ACCESSIBLE, "❔": Verdict.TO_CHECK}
VERDICT_HEADER = "**Résultat pour votre équipe**"

QUESTION_PREFIX = 25  # characters that tell the questions apart, however their end is reworded


def question_texts(domain_path: Path = ROOT / "domain.yml") -> dict[str, str]:
    """The opening words of each form question -> its slot, from domain.yml."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    questions = {}
    for name, variants in domain["responses"].items():
        if name.startswith("utter_ask_") and name != "utter_ask_rephrase":
            slot = name[len("utter_ask_") :]
            if slot in domain["slots"]:
                questions[variants[0]["text"][:QUESTION_PREFIX]] = slot
    return questions


def read_verdict(text: str) -> dict[str, Verdict]:
    """The verdict per structure, from the lines "✅ MSP : accessible." in structure order."""
    marks = [VERDICT_MARK[line[0]] for line in text.splitlines() if line[:1] in VERDICT_MARK]
    return dict(zip(ASSESSED_STRUCTURES, marks, strict=False))


@dataclass
class Outcome:
    persona: str
    style: str
    reached: bool = False
    correct: bool = False
    reasks: int = 0
    offers: int = 0  # the check started from an offer button rather than from the opening
    turns: int = 0
    transcript: list[str] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)
    got: dict[str, str] = field(default_factory=dict)


async def converse(
    http: aiohttp.ClientSession, url: str, persona: Persona, style: str, questions: dict[str, str]
) -> Outcome:
    sender = f"elig-{uuid.uuid4().hex[:12]}"
    outcome = Outcome(persona.name, style)
    outcome.expected = {
        item.structure: item.verdict.name.lower()
        for item in assess_all(persona.team, persona.place["region"])
    }

    async def say(message: str) -> list[dict[str, Any]]:
        outcome.transcript.append(f"> {message}")
        async with http.post(
            url + WEBHOOK, json={"sender": sender, "message": message}, timeout=TIMEOUT
        ) as reply:
            reply.raise_for_status()
            answers = await reply.json()
        for item in answers:
            outcome.transcript.append(f"< {item.get('text', '')}")
        return answers

    answers = await say(persona.opening.get(style) or OPENINGS[style])
    last_question: str | None = None
    for _ in range(MAX_TURNS):
        outcome.turns += 1
        texts = [item.get("text") or "" for item in answers]
        start = next((index for index, text in enumerate(texts) if text.startswith(VERDICT_HEADER)), None)
        if start is not None:
            # The channel may split the verdict into one message per structure.
            verdict = "\n".join(texts[start:])
            got = read_verdict(verdict)
            outcome.reached = True
            outcome.got = {key: value.name.lower() for key, value in got.items()}
            outcome.correct = outcome.got == outcome.expected
            return outcome
        asked = [questions[text[:QUESTION_PREFIX]] for text in texts if text[:QUESTION_PREFIX] in questions]
        if not asked:
            # An answer that offers the check (a button) is taken up once; anything else means the
            # dialogue never started or left the form: not reached.
            offer = next(
                (
                    button["payload"]
                    for item in answers
                    for button in item.get("buttons") or []
                    if str(button.get("payload", "")).startswith("/check_eligibility")
                ),
                None,
            )
            if offer is None or outcome.offers:
                return outcome
            outcome.offers += 1
            answers = await say(offer)
            continue
        question = asked[-1]
        again = question == last_question
        if again:
            outcome.reasks += 1
            buttons = [button for item in answers for button in item.get("buttons") or []]
            wanted = plain_answer(persona, question)
            chosen = next(
                (b["payload"] for b in buttons if b.get("title", "").casefold() == wanted.casefold()), None
            )
            message = chosen or wanted
        else:
            message = answer(persona, question, style)
        last_question = question
        answers = await say(message)
    return outcome


async def run_all(
    url: str, people: Sequence[Persona], styles: Sequence[str] = STYLES, concurrency: int = 4
) -> list[Outcome]:
    questions = question_texts()
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def one(persona: Persona, style: str) -> Outcome:
            async with semaphore:
                return await converse(http, url, persona, style, questions)

        return list(await asyncio.gather(*(one(p, s) for p in people for s in styles)))


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    total = len(outcomes)
    by_style = {
        style: {
            "conversations": sum(1 for o in outcomes if o.style == style),
            "correct": sum(1 for o in outcomes if o.style == style and o.correct),
            "reasks": sum(o.reasks for o in outcomes if o.style == style),
        }
        for style in STYLES
    }
    return {
        "personas": len({o.persona for o in outcomes}),
        "conversations": total,
        "reached": sum(o.reached for o in outcomes),
        "correct": sum(o.correct for o in outcomes),
        "reasks_per_conversation": round(sum(o.reasks for o in outcomes) / total, 3) if total else 0.0,
        "started_from_an_offer": sum(1 for o in outcomes if o.offers),
        "by_style": by_style,
    }


def markdown(outcomes: Sequence[Outcome]) -> str:
    figures = summary(outcomes)
    lines = [
        f"- personas: {figures['personas']}, conversations: {figures['conversations']}",
        f"- verdict reached: {figures['reached']}/{figures['conversations']}, "
        f"correct: {figures['correct']}/{figures['conversations']}",
        f"- re-asks per conversation: {figures['reasks_per_conversation']}",
        f"- check started from an offer button (opening not taken as a request): "
        f"{figures['started_from_an_offer']}",
        "",
        "| style | conversations | correct | re-asks |",
        "| --- | --- | --- | --- |",
    ]
    for style, row in figures["by_style"].items():
        lines.append(f"| {style} | {row['conversations']} | {row['correct']} | {row['reasks']} |")
    failures = [o for o in outcomes if not o.correct or o.reasks]
    if failures:
        lines += ["", "Conversations not correct or with a re-ask:", ""]
        for outcome in failures:
            lines.append(
                f"- {outcome.persona} ({outcome.style}): reached={outcome.reached} "
                f"re-asks={outcome.reasks} expected={outcome.expected} got={outcome.got}"
            )
    return "\n".join(lines) + "\n"


def select(names: Sequence[str] | None) -> list[Persona]:
    people = personas()
    if names is None:
        return people
    chosen = [person for person in people if person.name in names]
    missing = set(names) - {person.name for person in chosen}
    if missing:
        raise ValueError(f"unknown personas: {sorted(missing)}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa's URL (REST channel)")
    parser.add_argument("--reduced", action="store_true", help="the subset the pytest runs")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write every outcome with its transcript here")
    parser.add_argument("--markdown", type=Path, help="write the summary table here")
    args = parser.parse_args(argv)
    people = select(REDUCED if args.reduced else None)
    outcomes = asyncio.run(run_all(args.url, people, concurrency=args.concurrency))
    print(json.dumps(summary(outcomes), indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(
            json.dumps([o.__dict__ for o in outcomes], indent=1, ensure_ascii=False), encoding="utf-8"
        )
    if args.markdown:
        args.markdown.write_text(markdown(outcomes), encoding="utf-8")
    else:
        print(markdown(outcomes))
    return 0 if all(o.correct for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
