"""End to end in headless Chromium: sign in, filter the fallbacks, open one, tag it, screenshot."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from bot.review import users
from bot.settings import ROOT
from bot.web.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.bot.review.conftest import REVIEWER

DOCS_SCREENSHOT = ROOT / "docs" / "review.png"
# The test run leaves the committed screenshot alone unless asked to refresh it.
UPDATE_DOCS = os.environ.get("UPDATE_SCREENSHOTS") == "1"

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


async def test_reviewer_tags_a_fallback_conversation(served: str, tmp_path: Path) -> None:
    screenshot = tmp_path / "review.png"
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium absent : apt-get install -y chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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

        await page.screenshot(path=str(screenshot), full_page=True)
        await browser.close()
    assert screenshot.stat().st_size > 10_000
    if UPDATE_DOCS:
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)
