"""Secret keys read from the environment, or generated once into a file under var/.

The review app's session key and the web chat's signing key follow the same rule: a
configured key wins (several machines must share it); otherwise one machine's processes share
a key file created on first use, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_SECRET_LENGTH = 32


def configured_or_stored_key(
    configured: str, variable: str, path: Path, error: type[Exception] = ValueError
) -> str:
    """`configured` (from `variable`), else the key in `path`, created (0600) on first use.

    `error` is raised, with a French message naming the variable or the file, when the key is
    shorter than MIN_SECRET_LENGTH.
    """
    if configured:
        if len(configured) < MIN_SECRET_LENGTH:
            raise error(f"{variable} doit contenir au moins {MIN_SECRET_LENGTH} caractères.")
        return configured
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start together, one creates the file and both read it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise error(f"La clé de {path} est trop courte : supprimez le fichier pour la régénérer.")
    return key
