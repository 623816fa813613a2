# Aduan: local development and CI entry points.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
LINT_PATHS := $(wildcard app.py chalicelib infra tests tools)

.PHONY: venv infra run test lint clean

## venv: create .venv and install requirements-dev.txt (again only when a requirements file changes)
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## infra: render infra/generated/*.json from the province data files
infra: venv
	$(BIN)/python -m infra.render

## run: moto + both provinces (chalice local + event runner) + seed reports; Ctrl-C stops
run: venv
	$(BIN)/python -m infra.local.stack run

## test: the whole test suite
test: venv
	$(BIN)/python -m pytest -q tests

## lint: ruff and mypy
lint: venv
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy $(LINT_PATHS)

## clean: logs and caches (keeps .venv)
clean:
	rm -rf .local .pytest_cache .mypy_cache .ruff_cache build dist tests/artifacts
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
