#!/usr/bin/env bash
# The whole test suite: data validation, lint, unit + integration + browser tests, Rasa test stories.
# The model is trained once (only if config, domain or data changed) and shared by every step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-browser

export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

echo "== rasa data validate"
.venv/bin/rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data data

echo "== ruff"
.venv/bin/ruff check bot actions knowledge eligibility textnorm tests bench

echo "== entraînement (si nécessaire)"
model=$(.venv/bin/python -m bot train | tail -n 1)
export RASA_MODEL="$model"

echo "== pytest"
.venv/bin/python -m pytest --durations=15

echo "== rasa test (histoires de test)"
rm -rf results/core
.venv/bin/rasa test core --model "$model" --stories tests/test_stories.yml \
  --out results/core --fail-on-prediction-errors
