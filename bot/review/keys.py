"""Every application key of the review app, and the request keys its middlewares fill."""

from __future__ import annotations

import jinja2
from aiohttp import web

from bot.review.resources import Resources

RESOURCES = web.AppKey("review_resources", Resources)
JINJA = web.AppKey("review_jinja", jinja2.Environment)

# Request keys (aiohttp requests take plain strings).
USER = "review.user"
SESSION = "review.session"
