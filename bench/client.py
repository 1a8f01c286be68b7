"""An asyncio REST client for the assistant: one turn, one conversation, many conversations.

Requests are spread round-robin over the Rasa instances, turn by turn, so consecutive turns of
one conversation land on different instances, as behind a load balancer without sticky
sessions: only the shared tracker store and the Redis lock store keep the conversation whole.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.scenarios import Scenario

WEBHOOK = "/webhooks/rest/webhook"


@dataclass
class TurnResult:
    sender: str
    text: str
    instance: str
    status: int
    answers: list[dict[str, Any]]
    latency: float
    error: str | None = None
    # time.monotonic() when the answer arrived: throughput is counted inside the load window.
    finished_at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    @property
    def texts(self) -> list[str]:
        return [answer["text"] for answer in self.answers if isinstance(answer, dict) and "text" in answer]


@dataclass
class RestClient:
    urls: Sequence[str]
    session: aiohttp.ClientSession
    timeout: float = 30.0
    _cycle: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.urls:
            raise ValueError("Aucune instance Rasa à contacter.")
        self._cycle = itertools.cycle(self.urls)

    def next_url(self) -> str:
        return next(self._cycle)

    async def send(self, sender: str, text: str, url: str | None = None) -> TurnResult:
        """One user message; transport failures are reported in the result, never raised."""
        base = url or self.next_url()
        started = time.perf_counter()
        try:
            async with self.session.post(
                base + WEBHOOK,
                json={"sender": sender, "message": text},
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await response.json(content_type=None)
                answers = body if isinstance(body, list) else []
                error = None if isinstance(body, list) else str(body)
                return TurnResult(
                    sender, text, base, response.status, answers, time.perf_counter() - started, error
                )
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            return TurnResult(
                sender, text, base, 0, [], time.perf_counter() - started, f"{exc.__class__.__name__}: {exc}"
            )

    async def post_raw(
        self, body: bytes, url: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST an arbitrary body (bad-input tests); returns (status, decoded JSON or text)."""
        base = url or self.next_url()
        async with self.session.post(
            base + WEBHOOK,
            data=body,
            headers=headers or {"Content-Type": "application/json"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        ) as response:
            raw = await response.read()
            try:
                return response.status, await response.json(content_type=None)
            except ValueError:
                return response.status, raw.decode("utf-8", "replace")


async def play(
    client: RestClient,
    scenario: Scenario,
    sender: str,
    *,
    think_time: tuple[float, float] = (0.0, 0.0),
    rng: random.Random | None = None,
) -> list[TurnResult]:
    """Every turn of `scenario` in order, each sent once the previous answer has arrived."""
    rng = rng or random.Random()
    results = []
    for index, text in enumerate(scenario.turns):
        if index and think_time[1] > 0:
            await asyncio.sleep(rng.uniform(*think_time))
        results.append(await client.send(sender, text))
    return results


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): a latency that was actually observed."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]
