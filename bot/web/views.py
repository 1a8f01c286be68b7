"""Handlers of the portal demo: one per page, thin, template context only."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.web.keys import SETTINGS, SOCKETIO_CLIENT
from bot.web.rasa_url import rasa_endpoint

# Default look of the demo portal's widget; the portal team picks its own (docs/webchat.md).
WIDGET_TITLE = "Assistant exercice coordonné"
WIDGET_COLOR = "#00557f"
WIDGET_INITIAL_PAYLOAD = "/greet"

_ERRORS: dict[int, tuple[str, str]] = {
    400: ("Requête invalide", "La requête envoyée n'est pas valide."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette adresse."),
    404: ("Page introuvable", "L'adresse demandée n'existe pas sur ce portail."),
    405: ("Méthode non autorisée", "Cette adresse ne répond pas à ce type de requête."),
}


def _widget(request: web.Request) -> dict[str, str]:
    settings = request.app[SETTINGS]
    rasa = rasa_endpoint(settings.rasa_public_url)
    router = request.app.router
    script_path = str(router["widget"].url_for(filename="webchat.js"))
    return {
        "script_path": script_path,
        # What a portal team pastes: absolute URL of the script on this server. Built
        # by hand: with the installed yarl, aiohttp 3.9's request.url fails on "host:port".
        "script_url": f"{request.scheme}://{request.host}{script_path}",
        "server_url": rasa.origin,
        "socket_path": rasa.socket_path,
        "title": WIDGET_TITLE,
        "primary_color": WIDGET_COLOR,
        "initial_payload": WIDGET_INITIAL_PAYLOAD,
        "privacy_path": str(router["privacy"].url_for()),
    }


def _context(request: web.Request, page: str, **extra: Any) -> dict[str, Any]:
    return {"page": page, "widget": _widget(request), **extra}


@aiohttp_jinja2.template("index.html")
async def index(request: web.Request) -> dict[str, Any]:
    """Home page of the demo portal, with the embedding snippet shown to portal teams."""
    return _context(request, "index")


@aiohttp_jinja2.template("sources.html")
async def sources(request: web.Request) -> dict[str, Any]:
    """Second portal page: navigating here keeps the conversation going."""
    return _context(request, "sources")


@aiohttp_jinja2.template("privacy.html")
async def privacy(request: web.Request) -> dict[str, Any]:
    """Privacy notice linked from the widget."""
    settings = request.app[SETTINGS]
    return _context(request, "privacy", retention_days=settings.retention_days)


async def socketio_client(request: web.Request) -> web.FileResponse:
    """Socket.io browser client from node_modules (no CDN at run time)."""
    return web.FileResponse(request.app[SOCKETIO_CLIENT])


def error_context(status: int) -> dict[str, Any]:
    """Title and explanation of an error page, in French, without technical detail."""
    if status >= 500:
        title, detail = "Erreur interne", "Un problème est survenu. Veuillez réessayer plus tard."
    else:
        title, detail = _ERRORS.get(status, ("Erreur", "La requête n'a pas pu aboutir."))
    return {"status": status, "title": title, "detail": detail, "page": "error"}
