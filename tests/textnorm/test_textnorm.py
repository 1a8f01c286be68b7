import pytest

from textnorm import fold, singular, words


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
