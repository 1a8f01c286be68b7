"""eligibility/ stays pure: no Rasa, no database, no other package of the project."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import eligibility

PACKAGE = Path(eligibility.__file__).parent
FORBIDDEN = ("rasa", "rasa_sdk", "knowledge", "bot", "actions", "sqlalchemy", "psycopg2", "redis", "aiohttp")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_forbidden_import_in_the_source() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert not roots & set(FORBIDDEN), (path.name, roots & set(FORBIDDEN))


def test_importing_the_package_loads_none_of_them() -> None:
    """A fresh interpreter imports every module and checks what ended up in sys.modules."""
    modules = ", ".join(f"eligibility.{path.stem}" for path in sorted(PACKAGE.glob("*.py")))
    code = (
        f"import sys, {modules};"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"
