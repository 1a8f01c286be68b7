"""Evaluate the NLU on the held-out set, and optionally by 5-fold cross-validation.

    python bench/nlu_eval.py [--model PATH] [--cross-validation] [--out DIR] [--min-intent-f1 X]

The held-out set (tests/nlu/heldout.yml) is never used for training. Without --model, the
newest models/*.tar.gz is evaluated; if there is none, an NLU-only model is trained into
/tmp/nlu-models first. Cross-validation retrains DIET five times on data/nlu (several minutes
on 2 cores). Rasa writes its full reports (intent_report.json, errors, confusion matrix) under
--out; this script prints the headline figures and writes them to <out>/summary.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

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


def evaluate_heldout(model: Path, out: Path) -> dict[str, Any]:
    report_dir = out / "heldout"
    report_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _rasa(
        ["test", "nlu", "--model", str(model), "--nlu", str(HELDOUT), "--out", str(report_dir), "--no-plot"],
        out / "heldout.log",
    )
    summary = summarise(report_dir)
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
