"""Dashboard figures computed by the database, and charts drawn as SVG without any CDN."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient
from markupsafe import escape
from rasa.shared.core.domain import Domain

from bot.review import charts, stats
from bot.review.app import create_app
from bot.review.facts import day_of
from bot.review.keys import JINJA
from bot.settings import Settings
from bot.tracker_store import RedactingTrackerStore
from tests.bot.review.conftest import signed_in
from tests.bot.review.scenarios import SCENARIOS, Scenario, Turn, save


def test_dashboard_figures(engine, seeded: float) -> None:
    last = date.fromisoformat(day_of(seeded))
    first = last - timedelta(days=29)
    with engine.connect() as connection:
        figures = stats.dashboard(connection, first, last)
    recent = [s for s in SCENARIOS if s.days_ago < 29]
    typed = [t for s in recent for t in s.turns if not t.text.startswith("/")]
    assert figures.conversations == len(recent)
    assert figures.messages == len(typed)
    assert len(figures.messages_per_day) == 30
    assert sum(n for _, n in figures.messages_per_day) == len(typed)
    assert sum(n for _, n in figures.conversations_per_day) == len(recent)
    # Fallback: "blablabla xyz", the XSS message and "Blablabla, XYZ !" (the /deny payload is not counted).
    assert figures.fallback_messages == 3
    assert figures.fallback_rate == pytest.approx(3 / len(typed))
    assert dict(figures.top_intents)["nlu_fallback"] == 3
    assert dict(figures.top_intents)["human_handoff"] == 2
    assert dict(figures.channels) == {"rest": 4, "socketio": 3}
    assert figures.eligibility == {
        "esp": {"accessible": 1},
        "msp": {"to_check": 1},
        "cpts": {"not_accessible": 1},
    }


def test_dashboard_period_is_bounded(engine, seeded: float) -> None:
    with engine.connect() as connection:
        with pytest.raises(ValueError, match="postérieure"):
            stats.dashboard(connection, date(2025, 2, 1), date(2025, 1, 1))
        with pytest.raises(ValueError, match="366 jours"):
            stats.dashboard(connection, date(2020, 1, 1), date(2025, 1, 1))


async def test_dashboard_page_draws_inline_svg_only(client: TestClient) -> None:
    await signed_in(client)
    response = await client.get("/review/dashboard")
    assert response.status == 200
    page = html.unescape(await response.text())
    assert page.count("<svg") == 6
    assert "<script" not in page
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', page) if not u.startswith("/review")]
    assert external == []
    assert "Taux de repli" in page and "nlu_fallback" in page and "à vérifier" in page


async def test_dashboard_refuses_bad_dates(client: TestClient) -> None:
    await signed_in(client)
    response = await client.get("/review/dashboard", params={"from": "hier"})
    assert response.status == 400
    assert "AAAA-MM-JJ" in await response.text()


HOSTILE_INTENT = '<script>alert("intention")</script>'
HOSTILE_CHANNEL = "\"><script>alert('canal')</script>"
SVG = re.compile(r"<svg .*?</svg>", re.S)


@pytest.fixture(scope="module")
def draw() -> Callable[[charts.Chart], str]:
    """The review app's own Jinja environment drawing one chart with `_charts.html`."""
    macro = create_app(Settings.from_env({}))[JINJA].get_template("_charts.html").module.chart
    return lambda chart: str(macro(chart))


def test_charts_escape_labels_and_handle_empty_data(draw: Callable[[charts.Chart], str]) -> None:
    bars = draw(charts.horizontal_bars([("<b>intention</b>", 3), ('autre "q"', 1)], title="Top <i>"))
    assert "<b>" not in bars and "&lt;b&gt;intention&lt;/b&gt;" in bars and "Top &lt;i&gt;" in bars
    assert "autre &#34;q&#34; : 1" in bars
    assert "Aucune donnée" in draw(charts.columns([], title="vide"))
    cols = draw(
        charts.columns(
            [("2025-01-01", 0.5), ("2025-01-02", 1.0)], title="t", formatter=charts.percent, ceiling=1.0
        )
    )
    assert "50,0 %" in cols and "100,0 %" in cols
    stacked = draw(
        charts.stacked_bars(
            {"msp": {"accessible": 2, "inconnu": 1}}, title="t", order=stats.OUTCOMES, labels={}
        )
    )
    assert "MSP" in stacked and "inconnu : 1" in stacked


def test_chart_numbers_use_french_thousands(draw: Callable[[charts.Chart], str]) -> None:
    drawn = draw(charts.horizontal_bars([("rest", 12_345)], title="Canaux"))
    assert "rest : 12\u202f345" in drawn


async def test_hostile_labels_come_out_escaped_in_the_charts(
    client: TestClient, store: RedactingTrackerStore, domain: Domain, seeded: float
) -> None:
    hostile = Scenario("conv-hostile", HOSTILE_CHANNEL, 1, [Turn("bonjour", HOSTILE_INTENT, 0.9)])
    await save(store, domain, hostile, seeded)
    await signed_in(client)
    response = await client.get("/review/dashboard")
    assert response.status == 200
    page = await response.text()
    assert "<script" not in page
    drawn = "".join(SVG.findall(page))
    # Jinja's escaping, quotes included: "&#34;" and "&#39;".
    assert f"<title>{escape(HOSTILE_INTENT)} : 1</title>" in drawn
    assert f"<title>{escape(HOSTILE_CHANNEL)} : 1</title>" in drawn
