"""The resolution score of bench/nlu_eval.py: ids the actions would read versus annotated ids."""

from __future__ import annotations

from typing import Any

from bench.nlu_eval import expected_ids, predicted_ids, score_resolution


def parse(text: str, *entities: tuple[str, str]) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": "ask_funding", "confidence": 0.9},
        "entities": [{"entity": name, "value": value} for name, value in entities],
    }


def test_annotated_values_are_resolved_like_the_actions_do() -> None:
    annotated = [
        {"entity": "structure", "value": "msp"},
        {"entity": "structure", "value": "communauté professionnelle territoriale de santé"},
        {"entity": "region", "value": "Loiret"},
    ]
    assert expected_ids(annotated) == {"structures": ["cpts", "msp"], "region": "centre-val-de-loire"}


def test_the_raw_text_fills_what_the_model_missed() -> None:
    # The model tagged nothing, but the actions still find "cpst" in the text.
    assert predicted_ids(parse("financement cpst dans le 41")) == {"structures": ["cpts"], "region": None}
    assert predicted_ids(parse("financement MSP", ("structure", "msp"), ("region", "Finistère"))) == {
        "structures": ["msp"],
        "region": "bretagne",
    }


def test_score_counts_wrong_extra_and_missing_ids() -> None:
    right = ({"structures": ["msp"], "region": "bretagne"}, {"structures": ["msp"], "region": "bretagne"})
    extra = ({"structures": [], "region": None}, {"structures": ["esp"], "region": None})
    wrong_region = ({"structures": ["cds"], "region": "paca"}, {"structures": ["cds"], "region": "corse"})
    found_region = ({"structures": [], "region": None}, {"structures": [], "region": "paca"})
    scores = score_resolution([right, extra, wrong_region, found_region])
    assert scores == {
        "structure_examples": 4,
        "structure_accuracy": 0.75,
        "region_examples": 3,
        "region_accuracy": round(1 / 3, 4),
    }
    assert score_resolution([])["structure_accuracy"] is None
