"""The one parser of numeric settings, for the environment and the channels' credentials."""

from __future__ import annotations

import pytest

from bot.settings import Settings, config_number


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [(None, int, 7), ("", int, 7), ("2048", int, 2048), (4096, int, 4096), ("2.5", float, 2.5)],
)
def test_reads_numbers_or_falls_back_to_the_default(value: object, kind: type, expected: float) -> None:
    default = 7 if kind is int else 1.0
    assert config_number(value, "essai", default, kind=kind) == expected


@pytest.mark.parametrize("value", ["64k", "1.5", [1]])
def test_refuses_what_is_not_an_integer(value: object) -> None:
    with pytest.raises(ValueError, match="essai doit être un nombre entier"):
        config_number(value, "essai", 1)


@pytest.mark.parametrize("value", ["0", -1, "-0.5"])
def test_positive_refuses_zero_and_below(value: object) -> None:
    with pytest.raises(ValueError, match="strictement positif"):
        config_number(value, "essai", 1.0, kind=float, positive=True)


def test_environment_integers_use_it() -> None:
    assert Settings.from_env({"RASA_PORT": "6006", "DB_POOL_SIZE": ""}).rasa_port == 6006
    with pytest.raises(ValueError, match="RASA_PORT doit être un nombre entier"):
        Settings.from_env({"RASA_PORT": "cinq"})
