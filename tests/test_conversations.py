"""Whole conversations through the REST channel of the running assistant (``stack`` fixture).

The test stories (tests/test_stories.yml) check which action the dialogue predicts; these check
what the user reads once the real NLU, dialogue, actions and knowledge base have all run:
context carried from one question to the next, the region remembered, the fallback's two
stages, the hand-off to a person.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from actions.fallback import suggested_intents
from actions.formatting import MAX_BUTTONS

pytestmark = pytest.mark.rasa

WEBHOOK = "/webhooks/rest/webhook"
# The first turns of a freshly loaded model are slow on 2 cores.
TURN_TIMEOUT = aiohttp.ClientTimeout(total=90)


class Conversation:
    def __init__(self, http: aiohttp.ClientSession, rasa_url: str) -> None:
        self.http = http
        self.url = rasa_url + WEBHOOK
        self.sender = f"conv-{uuid.uuid4().hex[:12]}"

    async def say(self, text: str) -> list[dict[str, Any]]:
        async with self.http.post(
            self.url, json={"sender": self.sender, "message": text}, timeout=TURN_TIMEOUT
        ) as response:
            assert response.status == 200, await response.text()
            answers = await response.json()
        assert answers, f"no answer to {text!r}"
        return answers


def text_of(answers: list[dict[str, Any]]) -> str:
    return (
        "\n".join(answer.get("text", "") for answer in answers).replace("\u202f", " ").replace("\u00a0", " ")
    )


def buttons_of(answers: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [button for answer in answers for button in answer.get("buttons", [])]


@pytest.fixture
async def chat(stack) -> AsyncIterator[Conversation]:
    async with aiohttp.ClientSession() as http:
        yield Conversation(http, stack.rasa_url)


async def test_a_follow_up_question_keeps_the_structure(chat: Conversation) -> None:
    first = text_of(await chat.say("c'est quoi une MSP ?"))
    assert "Maison de santé pluriprofessionnelle (MSP)" in first and "Source : " in first
    funding = text_of(await chat.say("et comment elle est financée ?"))
    assert "Financement – Maison de santé pluriprofessionnelle (MSP)" in funding
    assert "Source : " in funding


async def test_a_follow_up_switches_structure_and_keeps_the_topic(chat: Conversation) -> None:
    ess = text_of(await chat.say("combien de financement pour une ESS ?"))
    assert "80 000 €" in ess and "Centre-Val de Loire" in ess
    cpts = text_of(await chat.say("et pour une CPTS ?"))
    assert "Financement – Communauté professionnelle territoriale de santé (CPTS)" in cpts
    assert "50 000 à 90 000 €" in cpts


async def test_a_department_given_once_shapes_the_later_answers(chat: Conversation) -> None:
    noted = text_of(await chat.say("je suis dans le Loiret"))
    assert "C'est noté : Centre-Val de Loire" in noted
    answer = text_of(await chat.say("combien de financement pour une ESP ?"))
    # The Centre-Val de Loire figure comes first, with its region and date.
    assert "7 500 €" in answer
    assert answer.index("7 500 €") < answer.index("Source : ")
    assert "(Centre-Val de Loire, 2025)" in answer


# Keyboard mash: which of these the model is unsure about changes with every retraining.
MASHED_KEYS = ("qsdf jklm", "zzkq vbrlw ptx", "blablabla xyz", "xkcd plop", "fghj", "wxcv bnnn")


async def test_fallback_offers_questions_then_asks_to_rephrase(
    chat: Conversation, nlu_agent, domain_dict: dict
) -> None:
    unsure = []
    for text in MASHED_KEYS:
        parsed = await nlu_agent.parse_message(text)
        if parsed["intent"]["name"] == "nlu_fallback" and suggested_intents(
            parsed["intent_ranking"], MAX_BUTTONS - 1, domain_dict
        ):
            unsure.append(text)
    assert unsure, "the model is confident about every mashed-key message: no fallback left to test"
    first = await chat.say(unsure[0])
    assert "Je ne suis pas sûr d'avoir compris" in text_of(first)
    other = buttons_of(first)[-1]
    assert other["title"] == "Autre chose"
    second = text_of(await chat.say(other["payload"]))
    assert "Pourriez-vous reformuler votre question ?" in second
    third = text_of(await chat.say("c'est quoi une CPTS ?"))
    assert "Communauté professionnelle territoriale de santé (CPTS)" in third


async def test_asking_for_a_person_then_giving_the_region(chat: Conversation) -> None:
    first = await chat.say("je veux parler à un conseiller")
    assert "Je transmets votre demande à l'équipe d'accompagnement" in text_of(first)
    assert "Bretagne" in [button["title"] for button in buttons_of(first)]
    contacts = text_of(await chat.say("en Bretagne"))
    assert "Agence régionale de santé Bretagne" in contacts
    assert "Source : " in contacts and "(Bretagne, 2019)" in contacts


async def test_a_comparison_cites_each_line_and_grows_by_one_structure(chat: Conversation) -> None:
    first = text_of(await chat.say("quelle différence entre une MSP et une CPTS ?"))
    assert "MSP / CPTS" in first
    assert "Sources : [1] " in first and "] " in first
    more = text_of(await chat.say("et une ESS ?"))
    assert "MSP / CPTS / ESS" in more


async def test_medical_advice_is_declined_with_the_emergency_number(chat: Conversation) -> None:
    answer = text_of(await chat.say("j'ai mal à la poitrine, que dois-je faire ?"))
    assert "15" in answer and "médecin" in answer


async def test_a_hostile_message_does_not_hold_up_other_conversations(stack) -> None:
    """ "rpps" and forty colons used to take hours in redaction, on Rasa's event loop."""
    import asyncio
    import time

    async with aiohttp.ClientSession() as http:
        attacker, bystander = Conversation(http, stack.rasa_url), Conversation(http, stack.rasa_url)
        await bystander.say("bonjour")  # the first turn of a conversation may load things
        hostile = asyncio.create_task(attacker.say("rpps" + ":" * 40 + "?"))
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        assert await bystander.say("c'est quoi une MSP ?")
        assert time.perf_counter() - started < 1.0
        assert await asyncio.wait_for(hostile, timeout=5)
