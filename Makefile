# The two commands of the README. Everything else is a step they run.
.PHONY: run test setup train knowledge shell lint nlu-eval qa-eval bench

run: setup
	.venv/bin/python -m bot run

test:
	scripts/test.sh

setup:
	scripts/setup.sh

train: setup
	.venv/bin/python -m bot train

knowledge: setup
	.venv/bin/python -m knowledge load

shell: setup
	.venv/bin/python -m bot shell

lint: setup
	.venv/bin/ruff check bot actions knowledge eligibility textnorm tests bench

nlu-eval: setup
	.venv/bin/python -m bench.nlu_eval --cross-validation

qa-eval: setup
	.venv/bin/python -m bench.qa_eval --json docs/qa-tuning.json
	.venv/bin/python -m bench.qa_eval --heldout --json docs/qa-heldout.json
