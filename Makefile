# Aduan: local development and CI entry points.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
LINT_PATHS := $(wildcard app.py chalicelib infra tests tools)

.PHONY: venv infra run test lint clean browser web screenshots

## venv: create .venv and install requirements-dev.txt (again only when a requirements file changes)
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## infra: render infra/generated/*.json from the province data files
infra: venv
	$(BIN)/python -m infra.render

## run: moto + both provinces (chalice local + event runner) + seed reports + the web client (prints its address); Ctrl-C stops
run: venv
	$(BIN)/python -m infra.local.stack run

## test: the whole test suite (the web client's tests drive Chromium)
test: venv browser
	$(BIN)/python -m pytest -q tests

## lint: ruff and mypy
lint: venv
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy $(LINT_PATHS)

## browser: Debian's Chromium (and an emoji font) for the browser tests; Playwright never downloads one
browser:
	@command -v chromium >/dev/null && dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji)

## web: build the web client for the local APIs into web/dist/<stage>/ (production: python -m web.build --stage X --api-base URL)
web: venv
	$(BIN)/python -m web.build

## screenshots: run the browser journey and refresh docs/screenshots/
screenshots: venv browser
	ADUAN_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e/test_web_journey.py

## clean: logs and caches (keeps .venv)
clean:
	rm -rf .local .pytest_cache .mypy_cache .ruff_cache build dist web/dist tests/artifacts
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
