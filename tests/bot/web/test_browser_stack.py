"""The portal page and widget against the whole running assistant (``stack`` fixture):
action server, Rasa with the trained model, and ``python -m bot.server``."""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import expect

from tests.bot.web.widget_page import bot, open_widget, say, user

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

TURN = 60_000  # ms; the first turns of a freshly loaded model are slow on 2 cores


async def test_portal_conversation_with_the_real_assistant(browser, stack) -> None:
    page = await browser.new_page()
    await open_widget(page, stack.web_url)
    await expect(bot(page).first).to_contain_text("Bonjour", timeout=TURN)
    typing = page.locator(".cw-typing")
    await expect(typing).to_be_hidden(timeout=TURN)

    before = await bot(page).count()
    await say(page, "quelle différence MSP CPTS")
    await expect(bot(page).nth(before)).to_be_visible(timeout=TURN)
    await expect(typing).to_be_hidden(timeout=TURN)
    answer = " ".join((await bot(page).all_inner_texts())[before:])
    assert "MSP" in answer and "CPTS" in answer, answer

    replies = page.locator(".cw-reply")
    await expect(replies.first).to_be_visible()
    title = await replies.first.inner_text()
    before = await bot(page).count()
    await replies.first.click()
    await expect(user(page).last).to_have_text(title)
    await expect(bot(page).nth(before)).to_be_visible(timeout=TURN)
    await expect(typing).to_be_hidden(timeout=TURN)

    history = await page.locator(".cw-msg").all_inner_texts()
    await page.reload()
    await expect(page.locator("#cw-panel")).to_be_visible()
    await expect(page.locator(".cw-msg")).to_have_count(len(history))
    assert await page.locator(".cw-msg").all_inner_texts() == history
    await expect(user(page)).to_have_text(["quelle différence MSP CPTS", title])


@pytest.mark.parametrize(("allowed", "status"), [(True, 200), (False, 400)])
async def test_rasa_socketio_accepts_only_the_portal_origin(stack, allowed, status) -> None:
    origin = stack.web_url if allowed else "http://pirate.test"
    url = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as http, http.get(url, headers={"Origin": origin}) as response:
        assert response.status == status
        # Exactly one header: two (Engine.IO + Sanic-CORS) would make browsers refuse it.
        expected = [origin] if allowed else []
        assert response.headers.getall("Access-Control-Allow-Origin", []) == expected
