"""The question set of issue 13 (bench/qa/) is well formed and every anchor points at a real row.

The set is the yardstick of the search: a question whose expected anchor matches no row of
knowledge/data/ would count a correct answer as a miss, so every anchor is checked here against
the data files themselves (read with yaml.safe_load, never through knowledge/ code), and every
bad anchor is reported at once.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import ROOT
from textnorm import fold

QA_DIR = ROOT / "bench" / "qa"
DATA_DIR = ROOT / "knowledge" / "data"
STYLES = {"formal", "chatty", "sms", "no_accents", "typo", "short", "follow_up"}
MIN_ANSWERABLE = 300
MIN_NOT_IN_DOCUMENTS = 40
HELDOUT_SHARE = (0.18, 0.22)
MAX_MISSING_SHARE = 0.10


def squash(text: str) -> str:
    """Whitespace folded and case folded: how an anchor is compared with a row's quote."""
    return " ".join(text.casefold().split())


def load(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((QA_DIR / name).read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def tuning() -> list[dict[str, Any]]:
    return load("questions.yml")


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, Any]]:
    return load("heldout.yml")


@pytest.fixture(scope="module")
def everything(tuning: list[dict[str, Any]], heldout: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return tuning + heldout


@pytest.fixture(scope="module")
def quotes_by_source() -> dict[str, list[str]]:
    """Every `quote` of every row of knowledge/data/** (glossary citations included), by source."""
    found: dict[str, list[str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("source"), str) and isinstance(node.get("quote"), str):
                found.setdefault(node["source"], []).append(squash(node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(DATA_DIR.rglob("*.yml")):
        if path.name != "sources.yml":
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def source_files() -> dict[str, str]:
    """Seed file name -> source key, from knowledge/data/sources.yml."""
    sources = yaml.safe_load((DATA_DIR / "sources.yml").read_text(encoding="utf-8"))["sources"]
    return {row["file"]: row["key"] for row in sources}


def answerable(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in entries if not entry.get("not_in_documents")]


def absent(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in entries if entry.get("not_in_documents")]


def test_ids_are_unique_across_both_files(everything: list[dict[str, Any]]) -> None:
    counts = Counter(entry["id"] for entry in everything)
    assert not [key for key, count in counts.items() if count > 1]


def test_counts(everything: list[dict[str, Any]]) -> None:
    assert len(answerable(everything)) >= MIN_ANSWERABLE
    assert len(absent(everything)) >= MIN_NOT_IN_DOCUMENTS


def test_heldout_is_a_fifth_of_each_kind(tuning: list[dict[str, Any]], heldout: list[dict[str, Any]]) -> None:
    low, high = HELDOUT_SHARE
    for kind in (answerable, absent):
        share = len(kind(heldout)) / (len(kind(heldout)) + len(kind(tuning)))
        assert low <= share <= high, (kind.__name__, share)


def test_every_entry_is_well_formed(everything: list[dict[str, Any]], source_files: dict[str, str]) -> None:
    problems = []
    for entry in everything:
        ident = entry.get("id", "?")
        if ("question" in entry) == ("turns" in entry):
            problems.append(f"{ident}: needs exactly one of question / turns")
        turns = entry.get("turns")
        if turns is not None and (len(turns) < 2 or not all(isinstance(t, str) and t.strip() for t in turns)):
            problems.append(f"{ident}: turns must be two or more non-empty strings")
        if "question" in entry and not str(entry["question"]).strip():
            problems.append(f"{ident}: empty question")
        styles = entry.get("styles") or []
        if not styles or not set(styles) <= STYLES:
            problems.append(f"{ident}: styles {styles}")
        if ("follow_up" in styles) != (turns is not None):
            problems.append(f"{ident}: follow_up style and turns go together")
        if entry.get("not_in_documents"):
            if entry["not_in_documents"] is not True or {"expect", "missing_in_kb"} & entry.keys():
                problems.append(f"{ident}: a not-in-documents question has no anchor")
            continue
        if entry.get("document") not in source_files:
            problems.append(f"{ident}: unknown document {entry.get('document')}")
        if not str(entry.get("section", "")).strip():
            problems.append(f"{ident}: no section")
        if ("expect" in entry) == ("missing_in_kb" in entry):
            problems.append(f"{ident}: needs exactly one of expect / missing_in_kb")
        if entry.get("disagreement") and len({a["source"] for a in entry["expect"]}) < 2:
            problems.append(f"{ident}: a disagreement expects the rows of two sources or more")
    assert not problems, "\n".join(problems)


def test_no_accents_questions_have_no_accents(everything: list[dict[str, Any]]) -> None:
    accented = []
    for entry in everything:
        if "no_accents" in entry["styles"]:
            for text in entry.get("turns") or [entry["question"]]:
                if fold(text) != " ".join(text.casefold().split()):
                    accented.append(f"{entry['id']}: {text}")
    assert not accented, "\n".join(accented)


def test_every_anchor_matches_a_row_of_its_source(
    everything: list[dict[str, Any]], quotes_by_source: dict[str, list[str]]
) -> None:
    bad = []
    for entry in everything:
        for anchor in entry.get("expect", []):
            needle = squash(anchor["quote"])
            rows = quotes_by_source.get(anchor["source"], [])
            if not any(needle in quote for quote in rows):
                bad.append(f"{entry['id']}: [{anchor['source']}] {anchor['quote']!r}")
    assert not bad, f"{len(bad)} anchors match no row:\n" + "\n".join(bad)


def test_missing_in_kb_gaps_are_real_words_of_the_document(
    everything: list[dict[str, Any]], seeds_dir: Path
) -> None:
    """A gap names words the document prints, and stays under a tenth of the set."""

    def plain(text: str) -> str:
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown link -> its text
        return squash(text.replace("*", ""))

    gaps = [entry for entry in everything if "missing_in_kb" in entry]
    assert len(gaps) < MAX_MISSING_SHARE * len(answerable(everything))
    unfound = [
        entry["id"]
        for entry in gaps
        if plain(entry["missing_in_kb"])
        not in plain((seeds_dir / entry["document"]).read_text(encoding="utf-8"))
    ]
    assert not unfound


def test_every_document_and_style_is_in_both_parts(
    tuning: list[dict[str, Any]], heldout: list[dict[str, Any]], source_files: dict[str, str]
) -> None:
    for part in (tuning, heldout):
        assert {entry["document"] for entry in answerable(part)} == set(source_files)
        assert {style for entry in part for style in entry["styles"]} == STYLES
        assert absent(part)


def test_every_section_of_a_document_has_a_question(everything: list[dict[str, Any]]) -> None:
    """Coverage floor: each document is asked about in many of its sections, not a handful."""
    sections: dict[str, set[str]] = {}
    for entry in answerable(everything):
        sections.setdefault(entry["document"], set()).add(entry["section"])
    assert all(len(names) >= 8 for names in sections.values()), {
        doc: len(names) for doc, names in sections.items()
    }
