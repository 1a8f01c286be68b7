"""The app as the web process builds it: its own engine from the settings and a generated secret."""

from __future__ import annotations

import stat
from pathlib import Path

from aiohttp import web

from bot.review.app import create_app, domain_intents
from bot.review.keys import RESOURCES
from bot.settings import ROOT, Settings


async def test_app_opens_and_closes_its_own_resources(aiohttp_client, tmp_path: Path) -> None:
    settings = Settings.from_env({"TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'sub' / 'tracker.db'}"})
    secret = tmp_path / "var" / "review_secret"
    review = create_app(settings, secret_file=secret)
    root = web.Application()
    root.add_subapp("/review", review)
    client = await aiohttp_client(root)
    response = await client.get("/review/login")
    assert response.status == 200
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert (tmp_path / "sub" / "tracker.db").exists()
    state = review[RESOURCES]
    assert "human_handoff" in state.intents
    css = await client.get("/review/static/review.css")
    assert css.status == 200 and css.content_type == "text/css"
    await client.close()
    assert state.engine_ is None


def test_domain_intents_are_the_label_choices() -> None:
    intents = domain_intents(ROOT / "domain.yml")
    assert {"ask_definition", "check_eligibility", "human_handoff"} <= set(intents)
    assert intents == sorted(intents)
    assert domain_intents(ROOT / "absent.yml") == []
