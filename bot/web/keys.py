"""Every ``web.AppKey`` of the portal app, in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.settings import Settings

SETTINGS = web.AppKey("portal_settings", Settings)
# Socket.io browser client installed by `npm ci`, checked at startup.
SOCKETIO_CLIENT = web.AppKey("portal_socketio_client", Path)
