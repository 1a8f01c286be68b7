"""Plumbing shared by the channels' HTTP endpoints.

Every channel: the health route, the request error type (a 4xx with a reason) and the body
reader with a size cap enforced before anything parses it (the REST channel, Messenger and
Teams).

Messenger and Teams post JSON to a public URL and retry when the answer is slow or not 2xx,
so those two connectors also acknowledge at once and run the dialogue in a background task,
and drop events delivered twice.

De-duplication is in Redis (``SET NX`` with an expiry) when a lock store URL is configured,
so that with several Rasa instances behind the load balancer a redelivery reaching another
instance is still recognised; in process memory otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import config_number

logger = logging.getLogger(__name__)

# Far above any real Messenger batch or Teams activity, far below what would let a client
# make the server buffer megabytes it will throw away.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
# How much of a refused body is still read (and discarded) so that the 413 reaches the client.
DRAIN_ALLOWANCE_BYTES = 1024 * 1024
# Outgoing calls to Meta, Microsoft's login service and the Bot Connector.
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)
# Give in-flight answers this long to be sent when the server stops.
DRAIN_SECONDS = 10.0


class WebhookError(Exception):
    """A request a channel refuses: the HTTP status, a French reason for the sender and a
    short code (the REST channel's clients branch on it; Messenger and Teams show the reason).
    """

    def __init__(self, status: int, reason: str, code: str = "invalid_request") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.code = code

    def to_response(self) -> HTTPResponse:
        """The answer of the Messenger and Teams webhooks (the REST channel answers its own way)."""
        return response.json({"error": self.reason}, status=self.status)


def health_route(blueprint: Blueprint) -> None:
    """``GET /`` under the channel's prefix answers ``{"status": "ok"}`` (Rasa's convention)."""

    @blueprint.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})


def parse_limit(value: Any, default: int = DEFAULT_MAX_BODY_BYTES) -> int:
    """Read a ``max_body_bytes`` credential: a positive integer, or ``default`` when empty."""
    return config_number(value, "max_body_bytes", default, positive=True)


async def read_body(request: Request, limit: int, too_large: WebhookError | None = None) -> bytes:
    """The raw body of a streamed request, refused as soon as it exceeds ``limit``.

    The route must be declared with ``stream=True``: otherwise Sanic has already buffered
    the whole body (up to its 100 MB default) before the handler runs. A declared size over
    the limit is refused before anything is read, and Sanic then discards the declared body
    so that the client, still sending it, can read the answer. A body of unknown size
    (chunked) is refused once it passes the limit and cut off shortly after.

    Raises:
        WebhookError: ``too_large`` (by default a 413 naming the limit) when the declared or
            actual size is above ``limit``; 400 when Content-Length is not a number.
    """
    if too_large is None:
        too_large = WebhookError(
            413, f"Corps de requête trop volumineux (limite : {limit} octets).", "body_too_large"
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared_length(declared) > limit:
        raise too_large
    if request.stream is None:
        # Non-streaming route (or a test client that preloaded the body).
        if len(request.body or b"") > limit:
            raise too_large
        return bytes(request.body or b"")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream:
        size += len(chunk)
        if size > limit:
            _stop_reading(request, limit)
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def declared_length(content_length: str) -> int:
    """The size a Content-Length header declares.

    Raises:
        WebhookError: 400 when it is not a number of bytes.
    """
    try:
        return int(content_length)
    except ValueError as error:
        raise WebhookError(400, "L'en-tête Content-Length est invalide.", "invalid_length") from error


def _stop_reading(request: Request, limit: int) -> None:
    # After the handler answers, Sanic reads and discards the rest of the body up to this
    # size, then closes the connection. A little over the limit is drained so the client can
    # read its 413 (closing a socket with unread data resets it); a huge upload of unknown
    # size is cut off.
    if request.stream is not None:
        request.stream.request_max_size = max(limit * 4, DRAIN_ALLOWANCE_BYTES)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Decode a JSON object, or raise a 400 that says what is wrong."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookError(400, "Corps de requête JSON invalide.") from exc
    if not isinstance(payload, dict):
        raise WebhookError(400, "Le corps de la requête doit être un objet JSON.")
    return payload


class RecentIds:
    """Bounded memory of event ids already handled, to ignore the platforms' redeliveries."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def seen(self, event_id: str | None) -> bool:
        """Whether ``event_id`` was already recorded; records it otherwise."""
        if not event_id:
            return False
        if event_id in self._seen:
            self._seen.move_to_end(event_id)
            return True
        self._seen[event_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return False


# Meta retries for up to a day, the Bot Connector for much less.
DEDUP_TTL_SECONDS = 24 * 3600


class Deduplicator:
    """Whether an event id is seen for the first time, across instances when Redis is set.

    When Redis cannot be reached the process' own memory answers (and it is logged): a
    redelivery might then be answered twice, which is better than not answering at all.
    """

    def __init__(
        self, label: str, redis_url: str = "", ttl: int = DEDUP_TTL_SECONDS, size: int = 2048
    ) -> None:
        self.label = label
        self.redis_url = redis_url
        self.ttl = ttl
        self.memory = RecentIds(size)
        self._client: Any = None

    def _key(self, event_id: str) -> str:
        # Hashed: ids are opaque and may be long; the key needs neither their form nor content.
        digest = hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:32]
        return f"coordo:dedup:{self.label}:{digest}"

    def _redis(self) -> Any:
        # Created on first use, inside the server's event loop (redis' asyncio pool binds to it).
        if self._client is None:
            import redis.asyncio

            self._client = redis.asyncio.from_url(
                self.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0
            )
        return self._client

    async def first_time(self, event_id: str | None) -> bool:
        """True the first time ``event_id`` is offered (and always for an event without id)."""
        if not event_id:
            return True
        if self.redis_url:
            import redis.exceptions

            try:
                return bool(await self._redis().set(self._key(event_id), "1", nx=True, ex=self.ttl))
            except (redis.exceptions.RedisError, OSError) as error:
                logger.warning(
                    "Canal %s : dédoublonnage local, Redis injoignable (%s).",
                    self.label,
                    type(error).__name__,
                )
        return not self.memory.seen(event_id)

    async def close(self) -> None:
        if self._client is not None:
            # from_url's pool is the client's own: disconnect it too, or its sockets stay open.
            await self._client.close(close_connection_pool=True)
            self._client = None


class BackgroundTasks:
    """Runs the dialogue after the webhook has answered, and waits for it on shutdown.

    Meta and the Bot Connector retry a webhook that answers late, which would make the
    assistant answer twice; the request is acknowledged first, then processed here.
    """

    def __init__(self, label: str) -> None:
        self._label = label
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self._guard(coroutine))
        # The event loop keeps only weak references to tasks.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guard(self, coroutine: Coroutine[Any, Any, None]) -> None:
        try:
            await coroutine
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Canal %s : échec du traitement d'un message.", self._label)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait for pending tasks, cancelling those still running after ``timeout``."""
        pending = set(self._tasks)
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        for task in still_running:
            task.cancel()
        if still_running:
            # Let the cancellations run so nothing is left pending when the loop closes.
            await asyncio.wait(still_running, timeout=1.0)
            logger.warning(
                "Canal %s : %d réponse(s) abandonnée(s) à l'arrêt.", self._label, len(still_running)
            )

    def __len__(self) -> int:
        return len(self._tasks)


class LazySession:
    """One aiohttp session per channel, opened on first use inside the server's event loop."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=HTTP_TIMEOUT)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


async def guarded(label: str, handler: Callable[[], Awaitable[HTTPResponse]]) -> HTTPResponse:
    """Run a webhook handler so that bad input is a 4xx and nothing else leaks a traceback."""
    try:
        return await handler()
    except WebhookError as error:
        return error.to_response()
    except SanicException as error:
        # Raised while reading the body (bad chunked encoding, Sanic's own size cap).
        status = getattr(error, "status_code", 400) or 400
        return response.json({"error": "Requête HTTP invalide."}, status=status)
    except Exception:
        logger.exception("Canal %s : erreur inattendue dans le webhook.", label)
        return response.json({"error": "Erreur interne."}, status=500)
