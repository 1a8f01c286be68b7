"""Evaluate the NLU on the held-out set, and optionally by 5-fold cross-validation.

    python -m bench.nlu_eval [--model PATH] [--cross-validation] [--out DIR] [--min-intent-f1 X]

The held-out set (tests/nlu/heldout.yml) is never used for training. Without --model, the
newest models/*.tar.gz is evaluated; if there is none, an NLU-only model is trained into
/tmp/nlu-models first. Besides Rasa's intent and entity reports, the held-out set is parsed
once more to score what the actions act on: the structure and region ids they resolve.
Cross-validation retrains DIET five times on data/nlu (about 30 minutes on 2 cores). Rasa
writes its full reports (intent_report.json, errors, confusion matrix) under
--out; this script prints the headline figures and writes them to <out>/summary.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

from actions.context import mentioned_region, mentioned_structures
from knowledge import names

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
NLU_DATA = ROOT / "data" / "nlu"
CONFIG = ROOT / "config.yml"
TMP = Path(tempfile.gettempdir())
FALLBACK_MODEL_DIR = TMP / "nlu-models"
ENTITY_EXTRACTOR = "DIETClassifier"


def newest_model(models_dir: Path = ROOT / "models") -> Path | None:
    """The most recently written model archive, or None when there is none."""
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return candidates[-1] if candidates else None


def _rasa(args: list[str], log: Path) -> None:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    command = [sys.executable, "-m", "rasa", *args]
    print("$ rasa " + " ".join(args), flush=True)
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"rasa {args[0]} a échoué (code {result.returncode}), journal {log}:\n{tail}")


def train_nlu(out_dir: Path, log: Path) -> Path:
    """Train an NLU-only model with the project's config (the team's standard command)."""
    _rasa(
        [
            "train",
            "nlu",
            "--config",
            str(CONFIG),
            "--nlu",
            str(NLU_DATA),
            "--out",
            str(out_dir),
            "--fixed-model-name",
            "nlu",
        ],
        log,
    )
    return out_dir / "nlu.tar.gz"


def summarise(report_dir: Path) -> dict[str, Any]:
    """Headline figures from the reports `rasa test nlu` wrote into report_dir."""
    intents = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    per_intent = {
        name: {"f1": round(row["f1-score"], 3), "support": row["support"]}
        for name, row in intents.items()
        if isinstance(row, dict) and "f1-score" in row and not name.endswith(" avg")
    }
    summary: dict[str, Any] = {
        "intent_accuracy": round(intents["accuracy"], 4),
        "intent_macro_f1": round(intents["macro avg"]["f1-score"], 4),
        "intent_weighted_f1": round(intents["weighted avg"]["f1-score"], 4),
        "examples": intents["macro avg"]["support"],
        "weakest_intents": sorted(
            ((name, row["f1"], row["support"]) for name, row in per_intent.items() if row["f1"] < 1.0),
            key=lambda item: item[1],
        ),
    }
    errors_file = report_dir / "intent_errors.json"
    errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.exists() else []
    confusions = Counter(
        (error["intent"], (error.get("intent_prediction") or {}).get("name")) for error in errors
    )
    summary["confusions"] = [
        {"expected": expected, "predicted": predicted, "count": count}
        for (expected, predicted), count in confusions.most_common(15)
    ]
    summary["misclassified"] = [
        {
            "text": error["text"],
            "expected": error["intent"],
            "predicted": (error.get("intent_prediction") or {}).get("name"),
            "confidence": round((error.get("intent_prediction") or {}).get("confidence") or 0.0, 3),
        }
        for error in errors
    ]
    entity_file = report_dir / f"{ENTITY_EXTRACTOR}_report.json"
    if entity_file.exists():
        entities = json.loads(entity_file.read_text(encoding="utf-8"))
        summary["entity_micro_f1"] = round(entities.get("micro avg", {}).get("f1-score", 0.0), 4)
        summary["entity_macro_f1"] = round(entities["macro avg"]["f1-score"], 4)
        summary["entity_weighted_f1"] = round(entities["weighted avg"]["f1-score"], 4)
        summary["per_entity_f1"] = {
            name: {"f1": round(row["f1-score"], 3), "support": row["support"]}
            for name, row in entities.items()
            if isinstance(row, dict) and "f1-score" in row and not name.endswith("avg")
        }
    return summary


def _resolved(structures: list[str], region: str | None) -> dict[str, Any]:
    return {"structures": sorted(set(structures)), "region": region}


def expected_ids(entities: list[dict[str, Any]]) -> dict[str, Any]:
    """The structure and region ids an annotated example names."""
    structures = [names.resolve_structure(str(e["value"])) for e in entities if e["entity"] == "structure"]
    regions = [names.resolve_region(str(e["value"])) for e in entities if e["entity"] == "region"]
    return _resolved([item for item in structures if item], regions[0] if regions else None)


def predicted_ids(parsed: dict[str, Any]) -> dict[str, Any]:
    """The structure and region ids the actions read from a parse (actions.context, unchanged)."""
    tracker = Tracker("eval", {}, parsed, [], False, None, {}, "action_listen")
    region_id, _ = mentioned_region(tracker)
    return _resolved(mentioned_structures(tracker), region_id)


def score_resolution(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Share of examples whose resolved ids match, for structures and for regions.

    `pairs` are (expected, predicted) as given by expected_ids / predicted_ids. Every example
    counts for structures, so that a structure found where none was named is an error too;
    for regions, only examples that name one, or where one was found, count.
    """
    structure_ok = sum(expected["structures"] == predicted["structures"] for expected, predicted in pairs)
    with_region = [(e, p) for e, p in pairs if e["region"] or p["region"]]
    region_ok = sum(expected["region"] == predicted["region"] for expected, predicted in with_region)
    return {
        "structure_examples": len(pairs),
        "structure_accuracy": round(structure_ok / len(pairs), 4) if pairs else None,
        "region_examples": len(with_region),
        "region_accuracy": round(region_ok / len(with_region), 4) if with_region else None,
    }


def evaluate_resolution(model: Path) -> dict[str, Any]:
    """Parse every held-out example with the model and score the ids the actions resolve."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    # Otherwise every parse is logged at debug level, burying the figures.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    examples = load_data(str(HELDOUT)).intent_examples

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(example.get("text")) for example in examples]

    parses = asyncio.run(parse_all())
    pairs = [
        (expected_ids(example.get("entities") or []), predicted_ids(parsed))
        for example, parsed in zip(examples, parses, strict=True)
    ]
    scores = score_resolution(pairs)
    scores["errors"] = [
        {"text": example.get("text"), "expected": expected, "predicted": predicted}
        for example, (expected, predicted) in zip(examples, pairs, strict=True)
        if expected != predicted
    ]
    return scores


def print_summary(title: str, summary: dict[str, Any]) -> None:
    print(f"\n== {title} ==")
    print(f"exemples            : {summary['examples']}")
    print(f"intent accuracy     : {summary['intent_accuracy']:.4f}")
    print(f"intent macro F1     : {summary['intent_macro_f1']:.4f}")
    print(f"intent weighted F1  : {summary['intent_weighted_f1']:.4f}")
    if "entity_macro_f1" in summary:
        print(f"entity micro F1     : {summary['entity_micro_f1']:.4f}")
        print(f"entity macro F1     : {summary['entity_macro_f1']:.4f}")
        for name, row in sorted(summary["per_entity_f1"].items()):
            print(f"  {name:<14} F1 {row['f1']:.3f} ({row['support']})")
    if summary["weakest_intents"]:
        print("intents below F1 1.0:")
        for name, f1, support in summary["weakest_intents"]:
            print(f"  {name:<22} F1 {f1:.3f} ({support})")
    if summary["confusions"]:
        print("confusions (expected -> predicted):")
        for row in summary["confusions"]:
            print(f"  {row['expected']} -> {row['predicted']}: {row['count']}")
    resolution = summary.get("resolution")
    if resolution:
        print(
            f"structures résolues: {resolution['structure_accuracy']:.4f} "
            f"({resolution['structure_examples']} exemples)"
        )
        print(
            f"régions résolues    : {resolution['region_accuracy']:.4f} "
            f"({resolution['region_examples']} exemples)"
        )
        for error in resolution["errors"]:
            print(f"  {error['text']!r}: attendu {error['expected']}, lu {error['predicted']}")


def evaluate_heldout(model: Path, out: Path) -> dict[str, Any]:
    report_dir = out / "heldout"
    report_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _rasa(
        ["test", "nlu", "--model", str(model), "--nlu", str(HELDOUT), "--out", str(report_dir), "--no-plot"],
        out / "heldout.log",
    )
    summary = summarise(report_dir)
    summary["resolution"] = evaluate_resolution(model)
    summary["model"] = str(model)
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def cross_validate(out: Path, folds: int) -> dict[str, Any]:
    report_dir = out / "cross_validation"
    report_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _rasa(
        [
            "test",
            "nlu",
            "--nlu",
            str(NLU_DATA),
            "--config",
            str(CONFIG),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(report_dir),
            "--no-plot",
        ],
        out / "cross_validation.log",
    )
    summary = summarise(report_dir)
    summary["folds"] = folds
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="model archive (default: newest models/*.tar.gz)")
    parser.add_argument("--cross-validation", action="store_true", help="also run 5-fold CV on data/nlu")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=TMP / "nlu-eval", help="report directory")
    parser.add_argument(
        "--min-intent-f1",
        type=float,
        default=None,
        help="exit with code 1 when the held-out intent macro F1 is below this value",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    model = args.model or newest_model()
    if model is None:
        print("Aucun modèle dans models/ : entraînement NLU dans /tmp/nlu-models.", flush=True)
        model = train_nlu(FALLBACK_MODEL_DIR, out / "train.log")
    if not model.exists():
        print(f"Modèle introuvable : {model}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {"heldout": evaluate_heldout(model.resolve(), out)}
    print_summary(f"held-out ({HELDOUT.relative_to(ROOT)})", results["heldout"])
    if args.cross_validation:
        results["cross_validation"] = cross_validate(out, args.folds)
        print_summary(f"{args.folds}-fold cross-validation (data/nlu)", results["cross_validation"])
    (out / "summary.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nrapports complets : {out}")
    if args.min_intent_f1 is not None and results["heldout"]["intent_macro_f1"] < args.min_intent_f1:
        print(f"intent macro F1 sous le seuil {args.min_intent_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
