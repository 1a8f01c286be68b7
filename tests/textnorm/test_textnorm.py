import ast
import sys
from pathlib import Path

import pytest

import textnorm
from textnorm import fold, format_number, singular, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("L’Équipe  de SOINS", "l'equipe de soins"),
        ("Cœur\u00a0de ville", "coeur de ville"),
        ("Côte-d'Or", "cote-d'or"),
        ("MAISON DE SANTÉ", "maison de sante"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_words_split_on_punctuation() -> None:
    assert words("Côte-d’Or, 21 !") == ["cote", "d", "or", "21"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("kines", "kine"), ("medicaux", "medical"), ("infirmieres", "infirmiere"), ("ess", "ess"),
     ("cpts", "cpts"), ("2019", "2019"), ("adresse", "adresse")],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (20_000, "20\u202f000"),
        (1_234_567, "1\u202f234\u202f567"),
        (-4_500, "-4\u202f500"),
        (3.0, "3"),
        (2.5, "2,50"),
        (0.125, "0,12"),
    ],
)
def test_format_number_writes_french_numbers(value: float, text: str) -> None:
    assert format_number(value) == text


def test_textnorm_imports_the_standard_library_only() -> None:
    """The lowest package: knowledge/, eligibility/, actions/ and bot/ import it, never the reverse."""
    for path in Path(textnorm.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, path.name
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= sys.stdlib_module_names | {"__future__"}, (path.name, roots)
