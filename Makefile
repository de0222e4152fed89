# `make run`: set up, ingest data/ into the embedded index, promote it, serve the API.
# `make test`: set up, run the test suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run test lint bench

$(BIN)/lore: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch first and pinned: the CPU build lies on local disk, a resolver left alone picks CUDA.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/lore

setup: $(BIN)/lore

run: setup
	$(BIN)/lore ingest data/corpus --trust data/trust.yaml --promote --skip-if-unchanged
	$(BIN)/lore versions
	$(BIN)/lore serve

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/mypy . && $(BIN)/lint-imports
