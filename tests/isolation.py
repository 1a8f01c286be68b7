"""Layering checks shared by the packages that must stand alone (knowledge/, eligibility/).

Two views of the same rule: no source file names a forbidden package, and importing every
module in a fresh interpreter leaves none of them in sys.modules (an indirect import counts).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def imported_modules(path: Path) -> set[str]:
    """Absolute module names imported anywhere in a source file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def forbidden_imports(package: Path, forbidden: Sequence[str], at_least: int) -> dict[str, set[str]]:
    """File name -> forbidden top-level packages it imports, for the modules of `package`.

    `at_least` modules must be found: a wrong folder would otherwise pass with nothing read.
    """
    files = sorted(package.glob("*.py"))
    assert len(files) >= at_least, files
    found = {}
    for path in files:
        roots = {name.split(".")[0] for name in imported_modules(path)} & set(forbidden)
        if roots:
            found[path.name] = roots
    return found


def forbidden_modules_loaded(package: Path, forbidden: Sequence[str], timeout: int) -> list[str]:
    """The forbidden modules a fresh interpreter holds once every module of `package` is imported."""
    stems = sorted(path.stem for path in package.glob("*.py") if path.stem != "__init__")
    modules = [f"{package.name}.{stem}" for stem in stems]
    code = (
        f"import importlib, sys\nfor name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {tuple(forbidden)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=package.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return ast.literal_eval(result.stdout.strip())
