"""Realistic conversations, written turn by turn through the real RedactingTrackerStore."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions import names
from bot.tracker_store import RedactingTrackerStore

DAY = 86_400.0


@dataclass
class Turn:
    text: str
    intent: str
    confidence: float
    # (entity, literal text in the message, value)
    entities: list[tuple[str, str, str]] = field(default_factory=list)
    ranking: list[tuple[str, float]] = field(default_factory=list)
    actions: list[str] = field(default_factory=lambda: ["action_answer_topic"])
    answers: list[str] = field(default_factory=lambda: ["Voici ce que disent mes sources."])
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    sender_id: str
    channel: str
    days_ago: float
    turns: list[Turn]

    def start(self, now: float) -> float:
        return now - self.days_ago * DAY


def user_event(turn: Turn, timestamp: float, channel: str) -> UserUttered:
    entities = []
    for name, literal, value in turn.entities:
        start = turn.text.index(literal)
        entities.append({"entity": name, "value": value, "start": start, "end": start + len(literal)})
    ranking = [{"name": name, "confidence": score} for name, score in turn.ranking] or [
        {"name": turn.intent, "confidence": turn.confidence}
    ]
    return UserUttered(
        turn.text,
        {"name": turn.intent, "confidence": turn.confidence},
        entities,
        parse_data={"intent_ranking": ranking},
        timestamp=timestamp,
        input_channel=channel,
    )


async def save(store: RedactingTrackerStore, domain: Domain, scenario: Scenario, now: float) -> None:
    """Save the conversation after every turn, as Rasa does."""
    clock = scenario.start(now)
    tracker = DialogueStateTracker.from_events(
        scenario.sender_id,
        [
            ActionExecuted("action_session_start", timestamp=clock),
            SessionStarted(timestamp=clock + 0.001),
            ActionExecuted("action_listen", timestamp=clock + 0.002),
        ],
        domain.slots,
    )
    for index, turn in enumerate(scenario.turns):
        at = clock + 1 + index * 30
        tracker.update(user_event(turn, at, scenario.channel))
        step = 0.01
        for position, action in enumerate(turn.actions):
            tracker.update(ActionExecuted(action, timestamp=at + step))
            step += 0.01
            if position == 0:
                for answer in turn.answers:
                    tracker.update(BotUttered(answer, timestamp=at + step))
                    step += 0.01
        for name, value in turn.slots.items():
            tracker.update(SlotSet(name, value, timestamp=at + step))
            step += 0.01
        tracker.update(ActionExecuted("action_listen", timestamp=at + step))
        await store.save(tracker)


ELIGIBILITY_RESULT = json.dumps({"esp": "accessible", "msp": "to_check", "cpts": "not_accessible"})
XSS_TEXT = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
PII_TEXT = "mon mail est jean.dupont@exemple.fr et mon tel 06 12 34 56 78, rappelez-moi"

SCENARIOS = [
    Scenario(
        "conv-funding",
        "rest",
        2,
        [
            Turn(
                "Combien de financement pour une MSP ?",
                "ask_funding",
                0.93,
                entities=[("structure", "MSP", "msp")],
                answers=["Voici les financements d'une MSP selon mes sources."],
            )
        ],
    ),
    Scenario(
        "conv-fallback",
        "socketio",
        1,
        [
            Turn(
                "blablabla xyz",
                names.NLU_FALLBACK,
                0.5,
                ranking=[(names.NLU_FALLBACK, 0.5), ("ask_fees", 0.31), ("ask_funding", 0.2)],
                actions=["action_default_ask_affirmation"],
                answers=["Vouliez-vous parler de l'un de ces sujets ?"],
            ),
            Turn(
                "/deny",
                "deny",
                1.0,
                actions=[names.ACTION_DEFAULT_FALLBACK],
                answers=["Pouvez-vous reformuler ?"],
            ),
            Turn("c koi une cpts", "ask_definition", 0.55, entities=[("structure", "cpts", "cpts")]),
        ],
    ),
    Scenario(
        "conv-handoff",
        "rest",
        3,
        [
            Turn(
                "je veux parler à un humain",
                names.HUMAN_HANDOFF,
                0.97,
                actions=[names.ACTION_HUMAN_HANDOFF],
                answers=["Je vous mets en relation avec l'équipe."],
                slots={names.HANDOFF_REQUESTED: True},
            )
        ],
    ),
    Scenario(
        "conv-eligibility",
        "socketio",
        5,
        [
            Turn(
                "est-ce que mon équipe peut créer une MSP ?",
                names.CHECK_ELIGIBILITY,
                0.9,
                entities=[("structure", "MSP", "msp")],
                actions=["action_start_eligibility"],
                answers=["Combien de médecins généralistes compte votre équipe ?"],
            ),
            Turn(
                "3 médecins et 2 infirmières en Bretagne",
                "inform",
                0.82,
                actions=[names.ACTION_ELIGIBILITY_VERDICT],
                answers=["Voici les structures accessibles à votre équipe."],
                slots={names.ELIGIBILITY_RESULT: ELIGIBILITY_RESULT, "structure": "msp"},
            ),
        ],
    ),
    Scenario(
        "conv-pii",
        "rest",
        4,
        [
            Turn(
                PII_TEXT,
                names.HUMAN_HANDOFF,
                0.8,
                actions=[names.ACTION_HUMAN_HANDOFF],
                answers=["C'est noté."],
            )
        ],
    ),
    Scenario(
        "conv-xss",
        "rest",
        1.05,
        [
            Turn(
                XSS_TEXT,
                names.NLU_FALLBACK,
                0.4,
                ranking=[(names.NLU_FALLBACK, 0.5), ("ask_missions", 0.2)],
                actions=[names.ACTION_DEFAULT_FALLBACK],
                answers=["Pouvez-vous reformuler ?"],
            )
        ],
    ),
    Scenario(
        "conv-old",
        "rest",
        400,
        [Turn("bonjour", "greet", 0.99, actions=["utter_greet"], answers=["Bonjour !"])],
    ),
    Scenario(
        "conv-fallback-2",
        "socketio",
        6,
        [
            Turn(
                "Blablabla, XYZ !",
                names.NLU_FALLBACK,
                0.5,
                ranking=[(names.NLU_FALLBACK, 0.5), ("ask_fees", 0.35)],
                actions=["action_default_ask_affirmation"],
                answers=["Vouliez-vous parler de l'un de ces sujets ?"],
            )
        ],
    ),
]
SENDERS = {scenario.sender_id for scenario in SCENARIOS}


async def save_all(store: RedactingTrackerStore, domain: Domain, now: float | None = None) -> float:
    now = time.time() if now is None else now
    for scenario in SCENARIOS:
        await save(store, domain, scenario, now)
    return now
