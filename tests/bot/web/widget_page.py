"""Locators and actions on a page that embeds the widget (Playwright, async)."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect


def bot(page: Page) -> Locator:
    return page.locator(".cw-msg--bot .cw-bubble")


def user(page: Page) -> Locator:
    return page.locator(".cw-msg--user .cw-bubble")


async def open_widget(page: Page, url: str) -> None:
    await page.goto(url)
    await page.locator(".cw-launcher").click()
    await expect(page.locator("#cw-panel")).to_be_visible()


async def say(page: Page, text: str) -> None:
    await page.locator("#cw-input").fill(text)
    await page.locator("#cw-input").press("Enter")


async def stored_session_id(page: Page) -> str | None:
    return await page.evaluate(
        """() => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith('coordo-webchat:'));
            return key ? JSON.parse(sessionStorage.getItem(key)).sessionId : null;
        }"""
    )
