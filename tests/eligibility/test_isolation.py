"""eligibility/ stays pure: no Rasa, no database, no other package of the project."""

from __future__ import annotations

from pathlib import Path

import eligibility
from tests.isolation import forbidden_imports, forbidden_modules_loaded

PACKAGE = Path(eligibility.__file__).parent
FORBIDDEN = ("rasa", "rasa_sdk", "knowledge", "bot", "actions", "sqlalchemy", "psycopg2", "redis", "aiohttp")


def test_no_forbidden_import_in_the_source() -> None:
    assert forbidden_imports(PACKAGE, FORBIDDEN, at_least=5) == {}


def test_importing_the_package_loads_none_of_them() -> None:
    """A fresh interpreter imports every module and checks what ended up in sys.modules."""
    assert forbidden_modules_loaded(PACKAGE, FORBIDDEN, timeout=60) == []
