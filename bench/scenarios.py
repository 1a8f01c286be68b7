"""The conversations of bench/scenarios.yml, shared by the load test and the scale-out tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.yml"


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str
    turns: tuple[str, ...]


def load_scenarios(path: Path = SCENARIOS_FILE) -> list[Scenario]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    scenarios = [
        Scenario(str(item["name"]), str(item["kind"]), tuple(str(turn) for turn in item["turns"]))
        for item in data.get("conversations") or []
    ]
    if not scenarios:
        raise ValueError(f"Aucune conversation dans {path}")
    return scenarios


def scenario(name: str, path: Path = SCENARIOS_FILE) -> Scenario:
    for item in load_scenarios(path):
        if item.name == name:
            return item
    raise KeyError(name)
