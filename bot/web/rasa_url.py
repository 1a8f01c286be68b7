"""Where the browser reaches Rasa, derived from ``Settings.rasa_public_url``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_HOST_PORT = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


@dataclass(frozen=True)
class RasaEndpoint:
    """Where the browser reaches Rasa's socket.io channel."""

    origin: str  # what the widget's data-server-url gets
    ws_origin: str
    socket_path: str  # /socket.io/, or under the path of a reverse proxy


def rasa_endpoint(rasa_public_url: str) -> RasaEndpoint:
    """Split ``RASA_PUBLIC_URL`` into the origin and socket.io path the widget needs.

    A path (Rasa behind a reverse proxy at ``https://portail.example/rasa``) goes into
    the socket.io path: socket.io would otherwise read it as a namespace.

    Raises:
        ValueError: not an absolute http(s) URL with a plain host.
    """
    parts = urlsplit(rasa_public_url.strip())
    if parts.scheme not in ("http", "https") or not _HOST_PORT.match(parts.netloc):
        raise ValueError(f"RASA_PUBLIC_URL doit être une URL http(s) absolue, reçu {rasa_public_url!r}")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return RasaEndpoint(
        origin=f"{parts.scheme}://{parts.netloc}",
        ws_origin=f"{ws_scheme}://{parts.netloc}",
        socket_path=parts.path.rstrip("/") + "/socket.io/",
    )
