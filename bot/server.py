"""The web process: the portal page with the chat widget at `/`, the staff review app at `/review`."""

from __future__ import annotations

from aiohttp import web

from bot.settings import Settings


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: Settings) -> web.Application:
    from bot.review.app import create_app as create_review_app
    from bot.web.app import create_app as create_portal_app

    app = create_portal_app(settings)
    app.router.add_get("/healthz", healthz)
    app.add_subapp("/review", create_review_app(settings))
    return app


def main() -> None:
    settings = Settings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.web_port, print=None)


if __name__ == "__main__":
    main()
