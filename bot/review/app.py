"""The staff review app: `create_app(settings)` returns an aiohttp application to mount at /review."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
import yaml
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.review import charts, middlewares
from bot.review.db import ensure_schema, make_engine
from bot.review.facts import LOW_CONFIDENCE, local_zone
from bot.review.filters import STATUSES
from bot.review.keys import JINJA, RESOURCES
from bot.review.resources import Resources
from bot.review.security import SECRET_FILE, LoginThrottle, Passwords, SessionCodec, load_secret_key
from bot.review.views import admin, auth, conversation, dashboard, export, inbox, queue
from bot.settings import ROOT, Settings

PACKAGE_DIR = Path(__file__).resolve().parent
# Forms are small; anything bigger is refused before it is read.
MAX_REQUEST_BYTES = 64 * 1024


def format_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, local_zone()).strftime("%d/%m/%Y %H:%M")


def format_confidence(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def domain_intents(path: Path) -> list[str]:
    """Intent names from domain.yml: the choices a reviewer may assign."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    names = []
    for item in content.get("intents") or []:
        name = next(iter(item)) if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    return sorted(names)


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    secret_file: Path = SECRET_FILE,
    nlu_dir: Path = ROOT / "data" / "nlu",
    domain_path: Path = ROOT / "domain.yml",
    passwords: Passwords | None = None,
) -> web.Application:
    """The review app; with `engine`, it uses (and leaves open) that engine instead of its own.

    `passwords` replaces the default Argon2 parameters (tests use cheaper ones).
    """
    app = web.Application(
        middlewares=[
            middlewares.security_headers,
            middlewares.error_pages,
            middlewares.sessions,
            middlewares.csrf,
        ],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[RESOURCES] = Resources(
        settings=settings,
        nlu_dir=nlu_dir,
        domain_path=domain_path,
        secret_file=secret_file,
        given_engine=engine,
        passwords_=passwords,
    )
    environment = aiohttp_jinja2.setup(
        app,
        app_key=JINJA,
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        when=format_time, confidence=format_confidence, number=charts.number, percent=charts.percent
    )
    environment.globals.update(status_labels=STATUSES, low_confidence=LOW_CONFIDENCE)
    app.cleanup_ctx.append(_resources)
    _routes(app)
    return app


async def _resources(app: web.Application) -> AsyncIterator[None]:
    state = app[RESOURCES]
    settings = state.settings
    owned = state.given_engine is None
    engine = state.given_engine or make_engine(
        settings.tracker_store_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, ensure_schema, engine)
        secret = await loop.run_in_executor(None, load_secret_key, settings, state.secret_file)
        state.engine_ = engine
        state.codec_ = SessionCodec(secret)
        if state.passwords_ is None:
            state.passwords_ = await loop.run_in_executor(None, Passwords)
        state.throttle = LoginThrottle()
        state.intents = await loop.run_in_executor(None, domain_intents, state.domain_path)
        state.stylesheet = (PACKAGE_DIR / "static" / "review.css").read_bytes()
        yield
    finally:
        state.engine_ = None
        if owned:
            engine.dispose()


def _routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/", inbox.inbox, name="inbox")
    router.add_get("/static/review.css", auth.stylesheet, name="stylesheet")
    router.add_get("/login", auth.login_form, name="login")
    router.add_post("/login", auth.login)
    router.add_post("/logout", auth.logout, name="logout")
    router.add_get("/conversation", conversation.view, name="conversation")
    router.add_post("/conversation/tag", conversation.add_tag, name="tag")
    router.add_post("/conversation/untag", conversation.remove_tag, name="untag")
    router.add_post("/conversation/note", conversation.add_note, name="note")
    router.add_post("/conversation/status", conversation.set_status, name="status")
    router.add_post("/conversation/delete", conversation.delete, name="delete")
    router.add_get("/queue", queue.view, name="queue")
    router.add_post("/queue/label", queue.label, name="label")
    router.add_post("/queue/unlabel", queue.unlabel, name="unlabel")
    router.add_get("/queue/nlu.yml", queue.export_nlu, name="export_nlu")
    router.add_get("/dashboard", dashboard.view, name="dashboard")
    router.add_get("/export.csv", export.csv_export, name="export_csv")
    router.add_get("/export.json", export.json_export, name="export_json")
    router.add_get("/users", admin.users_page, name="users")
    router.add_post("/users", admin.create_user, name="create_user")
    router.add_post("/users/update", admin.update_user, name="update_user")
    router.add_get("/audit", admin.audit_page, name="audit")
