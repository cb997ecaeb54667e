# Every target sets up .venv first, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench screenshots simulator clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sakari-tui --demo

# The run's time and its slowest tests go to bench/.last-suite.json, which `make bench` reports.
# worksteal: an idle worker takes tests queued for the other, so the long kill -9 soaks do not
# leave one worker running alone at the end (one run each here: 356 s against 370 s with `load`).
test: lint
	SAKARI_TUI_SUITE_RECORD=bench/.last-suite.json $(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist worksteal

# Lint rules, the code's format and the import contracts (pyproject.toml): the core never imports Textual,
# layers import downwards. `ruff format .` formats the code.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

simulator: $(STAMP)
	$(BIN)/sakari-tui simulator --port 8765

# About 10 minutes (more when the cached 100k store is rebuilt); prints a table and writes
# bench/results.json (see README, Performance).
bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	TZ=UTC $(BIN)/python -m devtools.scenes screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache
