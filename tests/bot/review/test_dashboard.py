"""Dashboard figures computed by the database, and charts drawn as SVG without any CDN."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.review import charts, stats
from bot.review.facts import day_of
from tests.bot.review.conftest import signed_in
from tests.bot.review.scenarios import SCENARIOS


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


def test_charts_escape_labels_and_handle_empty_data() -> None:
    bars = charts.horizontal_bars([("<b>intention</b>", 3), ("autre", 1)], title="Top <i>")
    assert "<b>" not in bars and "&lt;b&gt;intention&lt;/b&gt;" in bars and "Top &lt;i&gt;" in bars
    assert "Aucune donnée" in charts.columns([], title="vide")
    cols = charts.columns(
        [("2025-01-01", 0.5), ("2025-01-02", 1.0)], title="t", formatter=charts.percent, ceiling=1.0
    )
    assert "50,0 %" in cols and "100,0 %" in cols
    stacked = charts.stacked_bars(
        {"msp": {"accessible": 2, "inconnu": 1}}, title="t", order=stats.OUTCOMES, labels={}
    )
    assert "MSP" in stacked and "inconnu : 1" in stacked
