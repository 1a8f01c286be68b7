"""Fixtures of the portal and widget tests: the real app on loopback, headless Chromium,
and the real webchat channel served by Sanic with a scripted bot (see echo_channel.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from bot.settings import ROOT, Settings
from bot.web.app import create_app
from bot.web.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.bot.web.echo_channel import free_port, start_echo_server

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Portal:
    """The portal app listening on loopback, and the port its widget expects Rasa on."""

    url: str
    rasa_port: int
    settings: Settings


def portal_settings(web_port: int, rasa_port: int) -> Settings:
    return Settings.from_env({"WEB_PORT": str(web_port), "RASA_PORT": str(rasa_port)})


@pytest.fixture
def settings() -> Settings:
    return portal_settings(free_port(), free_port())


@pytest.fixture
async def portal(aiohttp_server) -> Portal:  # type: ignore[no-untyped-def]
    """The portal on a real port. Nothing listens on its Rasa port yet."""
    web_port, rasa_port = free_port(), free_port()
    settings = portal_settings(web_port, rasa_port)
    app: web.Application = create_app(settings)
    await aiohttp_server(app, port=web_port)
    return Portal(f"http://127.0.0.1:{web_port}", rasa_port, settings)


@pytest.fixture
async def echo_rasa(portal: Portal) -> AsyncIterator[None]:
    """The webchat channel on the portal's Rasa port, accepting the portal's origins."""
    echo = await start_echo_server(portal.rasa_port, portal.settings.cors_origins)
    yield
    await echo.stop()


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} absent : apt-get install -y chromium chromium-driver")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()
