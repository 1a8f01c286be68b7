"""The widget in headless Chromium, against the real portal app and the real webchat
channel (scripted bot: see echo_channel.py). The full stack with the trained model is
test_browser_stack.py."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from tests.bot.web.conftest import AXE, Portal
from tests.bot.web.echo_channel import free_port, start_echo_server
from tests.bot.web.widget_page import bot, open_widget, say, stored_session_id, user

pytestmark = pytest.mark.browser

expect.set_options(timeout=10_000)

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def test_conversation_survives_reload_and_navigation(browser, portal: Portal, echo_rasa) -> None:
    page = await browser.new_page()
    await open_widget(page, portal.url)
    await expect(page.locator("#cw-input")).to_be_focused()

    # Greeting on open (initial payload /greet), with its Markdown and suggestions.
    await expect(bot(page)).to_have_count(1)
    await expect(bot(page).first.locator("strong")).to_have_text("test")
    replies = page.locator(".cw-reply")
    await expect(replies).to_have_text(["Différence MSP / CPTS", "Financer une ESS"])

    # A suggestion sends its payload and shows its title.
    await replies.first.click()
    await expect(user(page)).to_have_text(["Différence MSP / CPTS"])
    await expect(bot(page).nth(1)).to_have_text("Réponse au bouton MSP / CPTS.")
    await expect(replies).to_have_count(0)
    await expect(page.locator("#cw-input")).to_be_focused()

    # Typing indicator while the turn is processed, gone once it is acknowledged.
    await say(page, "/slow")
    await expect(page.locator(".cw-typing")).to_be_visible()
    await expect(bot(page).nth(2)).to_have_text("Réponse lente.")
    await expect(page.locator(".cw-typing")).to_be_hidden()
    session_id = await stored_session_id(page)
    assert session_id

    history = ["Différence MSP / CPTS", "/slow"]
    await page.reload()
    await expect(page.locator("#cw-panel")).to_be_visible()  # stays open
    await expect(user(page)).to_have_text(history)
    await expect(bot(page)).to_have_count(3)

    await page.get_by_role("navigation").get_by_role("link", name="Sources de l'assistant").click()
    await expect(page).to_have_url(f"{portal.url}/sources")
    await expect(user(page)).to_have_text(history)
    await expect(bot(page)).to_have_count(3)
    assert await stored_session_id(page) == session_id
    # Same conversation on the server too: the new socket joined the old session.
    await say(page, "encore là")
    await expect(bot(page).nth(3)).to_have_text("Vous avez écrit : encore là")

    await page.get_by_role("button", name="Nouvelle conversation").click()
    await expect(user(page)).to_have_count(0)
    await expect(bot(page)).to_have_count(1)  # the new greeting
    await expect(bot(page).first).to_contain_text("Bonjour")
    await expect(page.locator("#cw-input")).to_be_focused()
    assert await stored_session_id(page) not in (None, session_id)


async def test_keyboard_only_use_with_aria_roles(browser, portal: Portal, echo_rasa) -> None:
    page = await browser.new_page()
    await page.goto(portal.url)
    launcher = page.locator(".cw-launcher")
    for _ in range(30):
        if await launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
        await page.keyboard.press("Tab")
    await expect(launcher).to_be_focused()
    await expect(launcher).to_have_attribute("aria-expanded", "false")

    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Assistant exercice coordonné")
    await expect(dialog).to_be_visible()
    await expect(page.locator("#cw-input")).to_be_focused()
    log = page.get_by_role("log", name="Conversation")
    await expect(log).to_have_attribute("aria-live", "polite")
    await expect(page.get_by_role("textbox", name="Votre message")).to_be_focused()

    await expect(page.get_by_role("group", name="Suggestions de réponse")).to_be_visible()
    # Back from the input to the last suggestion, activate it with the keyboard.
    await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_role("button", name="Financer une ESS")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(user(page)).to_have_text(["Financer une ESS"])
    await expect(page.locator("#cw-input")).to_be_focused()

    await page.keyboard.type("bonjour")
    await page.keyboard.press("Enter")
    await expect(bot(page).last).to_have_text("Vous avez écrit : bonjour")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Envoyer")).to_be_focused()

    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(launcher).to_be_focused()
    await expect(launcher).to_have_attribute("aria-expanded", "false")


HOSTILE_INPUTS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "[clic](javascript:window.__pwned=3)",
    "[clic](JaVaScRiPt:window.__pwned=3)",
    '<a href="javascript:window.__pwned=4">lien</a>',
    "**<svg onload=window.__pwned=5>**",
    '[x](https://a.fr/"onmouseover="window.__pwned=6)',
    'https://exemple.fr/"><img src=x onerror=window.__pwned=7>',
    "- <iframe src=javascript:window.__pwned=8>",
    "\u00000\u0000 **a** \u00001\u0000",
]


async def test_hostile_text_is_displayed_never_executed(browser, portal: Portal, echo_rasa) -> None:
    # CSP off on purpose: the renderer alone must make these harmless.
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await open_widget(page, portal.url)
    await expect(bot(page)).to_have_count(1)
    hostile = " ".join(HOSTILE_INPUTS[:8])
    await say(page, hostile)
    echoed = f"Vous avez écrit : {hostile}"
    await expect(user(page).last).to_have_text(hostile)
    await expect(bot(page).last).to_contain_text('<img src=x onerror="window.__pwned=1">')
    await expect(bot(page).last).to_contain_text("<script>window.__pwned=2</script>")
    assert echoed.startswith("Vous avez écrit")
    log = page.locator(".cw-log")
    assert await log.locator("img, script, svg, iframe").count() == 0
    hrefs = await log.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith("https://") for href in hrefs), hrefs
    await page.wait_for_timeout(300)  # let any onerror/onload fire, if one existed
    assert await page.evaluate("() => window.__pwned") is None

    # The renderer on each input: only whitelisted tags and attributes come out.
    report = await page.evaluate(
        """(inputs) => inputs.map((text) => {
            const doc = new DOMParser().parseFromString(
                '<div>' + window.CoordoWebchat.renderMarkdown(text) + '</div>', 'text/html');
            const bad = [];
            doc.body.querySelectorAll('*').forEach((el) => {
                const tag = el.tagName.toLowerCase();
                if (!['div', 'p', 'br', 'ul', 'ol', 'li', 'strong', 'em', 'a', 'span'].includes(tag))
                    bad.push('tag ' + tag);
                for (const attr of el.attributes) {
                    if (!['href', 'target', 'rel', 'class'].includes(attr.name))
                        bad.push('attr ' + attr.name);
                }
                if (tag === 'a' && !/^(https?:|mailto:|tel:)/i.test(el.getAttribute('href')))
                    bad.push('href ' + el.getAttribute('href'));
            });
            return bad;
        })""",
        HOSTILE_INPUTS,
    )
    assert report == [[] for _ in HOSTILE_INPUTS]
    await context.close()


async def test_markdown_subset(browser, portal: Portal, echo_rasa) -> None:
    page = await browser.new_page()
    await open_widget(page, portal.url)
    await say(page, "/markdown")
    answer = bot(page).last
    await expect(answer.locator("strong")).to_have_text("Points clés")
    await expect(answer.locator("ul > li")).to_have_count(2)
    link = answer.get_by_role("link", name="un lien")
    await expect(link).to_have_attribute("href", "https://exemple.fr/page")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await expect(link).to_contain_text("(s'ouvre dans un nouvel onglet)")


async def test_connection_loss_keeps_messages_and_retries(browser, portal: Portal) -> None:
    page = await browser.new_page()
    await open_widget(page, portal.url)  # nothing listens on the Rasa port yet
    status = page.locator(".cw-status-text")
    await expect(status).to_contain_text("Connexion à l'assistant impossible")
    retry = page.get_by_role("button", name="Réessayer maintenant")
    await expect(retry).to_be_visible()

    await say(page, "Bonjour, qui finance une CPTS ?")
    await expect(user(page)).to_have_text(["Bonjour, qui finance une CPTS ?"])
    pending = page.locator(".cw-msg--user .cw-msg-status")
    await expect(pending).to_contain_text("sera envoyé automatiquement")
    await expect(status).to_contain_text("Vos messages en attente seront envoyés")
    await expect(page.locator("#cw-input")).to_have_value("")

    await page.reload()  # still kept, still pending
    await expect(user(page)).to_have_text(["Bonjour, qui finance une CPTS ?"])
    await expect(pending).to_contain_text("sera envoyé automatiquement")

    echo = await start_echo_server(portal.rasa_port, portal.settings.cors_origins)
    try:
        await retry.click()
        await expect(bot(page)).to_have_text(["Vous avez écrit : Bonjour, qui finance une CPTS ?"])
        await expect(pending).to_have_text("")
        await expect(status).to_have_text("Connexion rétablie.")
        await expect(retry).to_be_hidden()
    finally:
        await echo.stop()


async def test_answer_lost_by_leaving_the_page_can_be_resent(browser, portal: Portal, echo_rasa) -> None:
    page = await browser.new_page()
    await open_widget(page, portal.url)
    await expect(bot(page)).to_have_count(1)
    await say(page, "/slow")
    await expect(page.locator(".cw-typing")).to_be_visible()
    await page.reload()  # before the answer (1.5 s)
    status = page.locator(".cw-msg--user .cw-msg-status")
    await expect(status).to_contain_text("Pas de réponse reçue pour ce message.")
    await page.get_by_role("button", name="Renvoyer").click()
    await expect(status).to_have_text("")
    await expect(bot(page).filter(has_text="Réponse lente.").first).to_be_visible()


async def test_phone_sized_screen(browser, portal: Portal, echo_rasa) -> None:
    context = await browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    await page.goto(portal.url)
    await page.locator(".cw-launcher").tap()
    panel = page.locator("#cw-panel")
    await expect(panel).to_be_visible()
    assert await panel.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 667}
    for selector in ("#cw-input", ".cw-send", ".cw-close", ".cw-restart"):
        await expect(page.locator(selector)).to_be_in_viewport()
    await say(page, "une question un peu longue pour voir si le texte passe à la ligne")
    await expect(bot(page).last).to_contain_text("passe à la ligne")
    overflow = await page.locator(".cw-log").evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0
    await context.close()


async def run_axe(page: Page) -> list[dict[str, Any]]:
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}));
        }""",
        WCAG_AA,
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 667}])
async def test_axe_finds_no_wcag_21_aa_violation(browser, portal: Portal, echo_rasa, viewport) -> None:
    context = await browser.new_context(bypass_csp=True, viewport=viewport)  # to inject axe
    page = await context.new_page()
    await open_widget(page, portal.url)
    await expect(page.locator(".cw-reply")).to_have_count(2)
    await say(page, "/markdown")
    await expect(bot(page).last.locator("li")).to_have_count(2)
    assert await run_axe(page) == []
    await page.get_by_role("button", name="Fermer l'assistant").click()
    for path in ("/", "/sources", "/confidentialite"):
        await page.goto(portal.url + path)
        assert await run_axe(page) == [], path
    await context.close()


async def test_snippet_on_another_site_with_its_own_options(browser, portal: Portal, aiohttp_server) -> None:
    """A portal team's site (another origin) pastes the snippet with its own options."""
    site_port = free_port()
    site_origin = f"http://127.0.0.1:{site_port}"
    rasa_url = f"http://127.0.0.1:{portal.rasa_port}"
    html = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Autre portail</title></head><body><main><h1>Autre portail</h1></main>
<script src="{portal.url}/widget/webchat.js" data-server-url="{rasa_url}"
  data-title="Mon assistant" data-primary-color="#ffd700" data-initial-payload="/markdown"
  data-storage="local" defer></script></body></html>"""

    async def page_handler(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    site = web.Application()
    site.router.add_get("/", page_handler)
    await aiohttp_server(site, port=site_port)
    echo = await start_echo_server(portal.rasa_port, [site_origin])
    try:
        page = await browser.new_page()
        await page.goto(site_origin + "/")
        launcher = page.locator(".cw-launcher")
        # Yellow background: the widget picks dark text to keep 4.5:1.
        colours = await launcher.evaluate(
            "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
        )
        assert colours == ["rgb(255, 215, 0)", "rgb(17, 17, 17)"]
        await launcher.click()
        await expect(page.get_by_role("dialog", name="Mon assistant")).to_be_visible()
        await expect(bot(page).first.locator("strong")).to_have_text("Points clés")
        privacy = page.get_by_role("link", name="Confidentialité")
        await expect(privacy).to_have_attribute("href", f"{portal.url}/confidentialite")
        stored = await page.evaluate("() => Object.keys(localStorage)")
        assert any(key.startswith("coordo-webchat:") for key in stored)
    finally:
        await echo.stop()
