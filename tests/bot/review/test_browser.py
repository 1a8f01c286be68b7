"""End to end in headless Chromium: sign in, filter the fallbacks, open one, tag it, screenshot."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from bot.review import users
from bot.settings import ROOT
from tests.bot.review.conftest import REVIEWER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = ROOT / "docs" / "review.png"

pytestmark = pytest.mark.browser


@pytest.fixture
async def served(
    review_app: web.Application, seeded: float, accounts: dict[str, users.User]
) -> AsyncIterator[str]:
    root = web.Application()
    root.add_subapp("/review", review_app)
    runner = web.AppRunner(root)
    await runner.setup()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_reviewer_tags_a_fallback_conversation(served: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Chromium absent : apt-get install -y chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        await page.goto(f"{served}/review/")
        await expect(page.get_by_role("heading", name="Connexion de l'équipe support")).to_be_visible()
        await page.get_by_label("Nom d'utilisateur").fill(REVIEWER[0])
        await page.get_by_label("Mot de passe").fill(REVIEWER[1])
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("heading", name="Conversations")).to_be_visible()

        await page.get_by_label("Repli déclenché").select_option("yes")
        await page.get_by_role("button", name="Filtrer").click()
        await expect(page.locator("p.count")).to_contain_text("3 conversations correspondant aux filtres")
        rows = page.locator("table.inbox tbody tr")
        await expect(rows).to_have_count(3)
        assert "fallback=yes" in page.url

        await page.get_by_role("link", name="conv-fallback", exact=True).click()
        await expect(page.get_by_role("heading", name="Conversation conv-fallback")).to_be_visible()
        await expect(page.locator("li.turn.low").first).to_contain_text("blablabla xyz")
        await page.get_by_label("Nouvelle étiquette").fill("À reformuler")
        await page.get_by_role("button", name="Ajouter l'étiquette").click()
        await expect(page.locator(".tags span.tag")).to_have_text(["à reformuler"])

        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOT), full_page=True)
        await browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
