# The two commands of the README. Everything else is a step they run.
.PHONY: run test setup train knowledge shell lint nlu-eval qa-eval bench bench-eligibility

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

# Scripted users (41 personas x 3 styles) through the running assistant (`make run` in another
# terminal); figures go to docs/eligibility.md.
bench-eligibility: setup
	.venv/bin/python -m bench.eligibility_users --url http://127.0.0.1:$${RASA_PORT:-5005} --json var/eligibility_users.json

qa-eval: setup
	.venv/bin/python -m bench.qa_eval --json docs/qa-tuning.json
	.venv/bin/python -m bench.qa_eval --heldout --json docs/qa-heldout.json
