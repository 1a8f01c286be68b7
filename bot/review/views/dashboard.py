"""The dashboard: activity, intents, fallback rate, eligibility outcomes, channels."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from aiohttp import web

from bot.review import charts, stats
from bot.review.facts import local_zone
from bot.review.pages import bad_request, render, resources

DEFAULT_DAYS = 30


def _period(query: web.Request) -> tuple[date, date]:
    today = datetime.now(local_zone()).date()
    try:
        last = date.fromisoformat(query.query["to"]) if query.query.get("to") else today
        first = (
            date.fromisoformat(query.query["from"])
            if query.query.get("from")
            else last - timedelta(days=DEFAULT_DAYS - 1)
        )
    except ValueError as error:
        raise bad_request("Date invalide : format AAAA-MM-JJ attendu.") from error
    return first, last


async def view(request: web.Request) -> web.Response:
    first, last = _period(request)
    try:
        figures = await resources(request).read(stats.dashboard, first, last)
    except ValueError as error:
        raise bad_request(str(error)) from error
    # Laid out here, drawn by the template (_charts.html) so that autoescape covers every label.
    layouts = {
        "messages": charts.columns(figures.messages_per_day, title="Messages par jour"),
        "conversations": charts.columns(figures.conversations_per_day, title="Conversations par jour"),
        "fallback": charts.columns(
            figures.fallback_per_day, title="Taux de repli par jour", formatter=charts.percent, ceiling=1.0
        ),
        "intents": charts.horizontal_bars(figures.top_intents, title="Intentions les plus fréquentes"),
        "channels": charts.horizontal_bars(figures.channels, title="Conversations par canal"),
        "eligibility": charts.stacked_bars(
            figures.eligibility,
            title="Résultats des tests d'éligibilité",
            order=stats.OUTCOMES,
            labels=stats.OUTCOME_LABELS,
        ),
    }
    return render(request, "dashboard.html", {"figures": figures, "charts": layouts})
