"""What the review app opens at start-up and closes at shutdown, and how handlers reach it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from bot.review.security import LoginThrottle, Passwords, SessionCodec
from bot.settings import Settings

T = TypeVar("T")
CHOICES_TTL_SECONDS = 60.0


class NotStarted(RuntimeError):
    """A resource was used before the app's start-up (outside a running server)."""


@dataclass
class Resources:
    """Filled by the app's cleanup context; one instance per application."""

    settings: Settings
    nlu_dir: Path
    domain_path: Path
    secret_file: Path
    given_engine: Engine | None = None
    engine_: Engine | None = None
    codec_: SessionCodec | None = None
    passwords_: Passwords | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    intents: list[str] = field(default_factory=list)
    stylesheet: bytes = b""
    _choices: tuple[float, dict[str, list[str]]] | None = None

    @property
    def engine(self) -> Engine:
        if self.engine_ is None:
            raise NotStarted("review app not started")
        return self.engine_

    @property
    def codec(self) -> SessionCodec:
        if self.codec_ is None:
            raise NotStarted("review app not started")
        return self.codec_

    @property
    def passwords(self) -> Passwords:
        if self.passwords_ is None:
            raise NotStarted("review app not started")
        return self.passwords_

    def cached_choices(self) -> dict[str, list[str]] | None:
        if self._choices and time.monotonic() - self._choices[0] < CHOICES_TTL_SECONDS:
            return self._choices[1]
        return None

    def remember_choices(self, choices: dict[str, list[str]]) -> None:
        self._choices = (time.monotonic(), choices)

    def forget_choices(self) -> None:
        self._choices = None

    async def read(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `function(connection, …)` in a worker thread: the drivers are blocking."""
        engine = self.engine

        def call() -> T:
            with engine.connect() as connection:
                return function(connection, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(None, call)

    async def write(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like :meth:`read`, inside one transaction."""
        engine = self.engine

        def call() -> T:
            with engine.begin() as connection:
                return function(connection, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(None, call)

    async def blocking(self, function: Callable[..., T], *args: Any) -> T:
        """Run CPU-heavy work (password hashing) off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)
