"""Screenshot of the portal page with a conversation (docs/webchat.png).

Needs the running assistant (``make run`` or the test stack) and Debian's Chromium::

    .venv/bin/python -m bot.web.screenshot --url http://127.0.0.1:8080 --out docs/webchat.png
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.web.chromium import CHROMIUM, CHROMIUM_ARGS

TURN_MS = 60_000


async def take(url: str, out: Path, question: str, width: int, height: int) -> None:
    """Open the widget on ``url``, ask ``question``, save a PNG of the page to ``out``."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": height})
            await page.goto(url)
            await page.locator(".cw-launcher").click()
            bot = page.locator(".cw-msg--bot")
            await expect(bot.first).to_be_visible(timeout=TURN_MS)
            await expect(page.locator(".cw-typing")).to_be_hidden(timeout=TURN_MS)
            await page.locator("#cw-input").fill(question)
            await page.locator("#cw-input").press("Enter")
            await expect(page.locator(".cw-msg--user")).to_have_count(1)
            await expect(page.locator(".cw-typing")).to_be_hidden(timeout=TURN_MS)
            # Show the question and the start of the answer rather than its last lines.
            await page.locator(".cw-msg--user").last.evaluate(
                "el => { const log = el.closest('.cw-log');"
                " log.scrollTop = el.offsetTop - log.offsetTop - 8; }"
            )
            await page.locator("#cw-input").blur()
            out.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(out))
        finally:
            await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="page du portail")
    parser.add_argument("--out", type=Path, default=Path("docs/webchat.png"))
    parser.add_argument("--question", default="quelle différence MSP CPTS")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args()
    asyncio.run(take(args.url, args.out, args.question, args.width, args.height))
    print(f"Capture enregistrée : {args.out}")


if __name__ == "__main__":
    main()
