"""How this project launches Debian's headless Chromium (screenshots and browser tests)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# No sandbox: the browser runs as root in CI containers. No background traffic: no internet here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
