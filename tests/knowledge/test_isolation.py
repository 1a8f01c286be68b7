"""knowledge/ sits below bot/ and actions/: it never imports them, so it loads and tests alone."""

from __future__ import annotations

from pathlib import Path

import knowledge
from tests.isolation import forbidden_imports, forbidden_modules_loaded

PACKAGE = Path(knowledge.__file__).parent
FORBIDDEN = ("bot", "actions", "rasa", "rasa_sdk")


def test_no_forbidden_import_in_the_source() -> None:
    assert forbidden_imports(PACKAGE, FORBIDDEN, at_least=10) == {}


def test_importing_the_package_loads_none_of_them() -> None:
    """A fresh interpreter imports every module and checks what ended up in sys.modules."""
    assert forbidden_modules_loaded(PACKAGE, FORBIDDEN, timeout=120) == []
