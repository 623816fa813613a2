# Aduan: local development and CI entry points.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
TYPED_PATHS := $(wildcard app.py chalicelib cli infra web tools bench)
# Stages of .chalice/config.json; `make package STAGE=banten` packages one.
STAGES := $(shell $(PY) -c "import json; print(' '.join(json.load(open('.chalice/config.json'))['stages']))")
PACKAGE_STAGES := $(or $(STAGE),$(STAGES))
# Stages `make run` serves: every stage of .chalice/config.json unless told, e.g. RUN_STAGES="riau banten".
RUN_STAGES ?= $(STAGES)
# Where `make run` serves moto (DynamoDB, S3; SQS takes a free port) and the web client.
MOTO_PORT ?= 5055
WEB_PORT ?= 8080

.PHONY: venv infra run test lint clean browser web web-deps screenshots lock layer package lint-cfn region-check region-add \
        region-add-usage

## venv: create .venv and install requirements-dev.txt (again only when a requirements file changes;
##       --no-compile: a module is compiled when first imported, and most of moto's and botocore's never are)
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	touch $(STAMP)

## infra: render infra/generated/*.json, the package merge templates and .chalice/policy-<stage>.json from the province data
infra: venv
	$(BIN)/python -m infra.render

## lock: regenerate requirements.lock (every package of the Lambda layer, with hashes) after editing requirements.txt
lock: venv
	$(BIN)/python -m infra.layer --lock

## layer: build/layer/aduan-deps.zip from requirements.lock (downloads manylinux wheels once into build/wheels,
##        pip --require-hashes; every wheel is checked against the lock's hashes)
layer: venv
	$(BIN)/python -m infra.layer

## package: SAM template + function zip + layer per stage into build/<stage>/ (STAGE=banten for one; chalice runs offline);
##          refuses a stage without its deploy values (docs/deploy.md, "Deploy values"); for a local check
##          only: PACKAGE_ARGS=--local-values
package: layer
	@for stage in $(PACKAGE_STAGES); do $(BIN)/python -m infra.package --stage $$stage $(PACKAGE_ARGS) || exit 1; done

## lint-cfn: cfn-lint on infra/generated/*.json and the packaged templates of PACKAGE_STAGES
##           (stages without deploy values: PACKAGE_ARGS=--local-values)
lint-cfn: package
	$(BIN)/cfn-lint infra/generated/*.json $(foreach stage,$(PACKAGE_STAGES),build/$(stage)/sam.json)

## region-add: add a province's stage from the templates, PROVINCE=<Kemendagri code> (several: PROVINCE="33 35";
##             aduan region add; a name, e.g. PROVINCE="Nusa Tenggara Timur", is refused with its code)
# Without PROVINCE the target is the usage line alone: the venv is no prerequisite then (not even with -j).
region-add: $(if $(strip $(PROVINCE)),venv,region-add-usage)
	$(BIN)/python -m cli region add $(PROVINCE_OPTIONS)

# The words of PROVINCE that are all digits are codes, each its own --province; the other words, together,
# are one province's name (or slug), which `aduan region add` refuses, naming its code.
PROVINCE_OPTIONS = $(strip $(foreach code,$(PROVINCE_CODES),--province $(code)) \
  $(if $(PROVINCE_NAME),--province '$(subst ','\'',$(PROVINCE_NAME))'))
only_digits = $(if $(strip $(subst 0,,$(subst 1,,$(subst 2,,$(subst 3,,$(subst 4,,$(subst 5,,$(subst 6,,\
  $(subst 7,,$(subst 8,,$(subst 9,,$(1)))))))))))),,yes)
PROVINCE_CODES = $(foreach word,$(PROVINCE),$(if $(call only_digits,$(word)),$(word)))
PROVINCE_NAME = $(strip $(foreach word,$(PROVINCE),$(if $(call only_digits,$(word)),,$(word))))

# Without PROVINCE: say how to call region-add (a shell echo, before any venv).
region-add-usage:
	@echo "penggunaan: make region-add PROVINCE=<kode Kemendagri>, mis. PROVINCE=33 atau PROVINCE=\"33 35\"" \
	  "(usage: make region-add PROVINCE=<Kemendagri code>, e.g. PROVINCE=33 or PROVINCE=\"33 35\")" \
	  "(kode/codes: provinces/provinces.json)" >&2; exit 2

## region-check: check every province's data and stage (aduan region check --all)
region-check: venv
	$(BIN)/python -m cli region check --all

## run: moto + the RUN_STAGES provinces (default: every stage; chalice local + event runner each)
##      + seed reports + the web client (prints its address); Ctrl-C stops
run: venv web-deps
	$(BIN)/python -m infra.local.stack run --moto-port $(MOTO_PORT) --web-port $(WEB_PORT) \
	  $(foreach stage,$(RUN_STAGES),--stage $(stage))

# Long, CPU-bound tests that run in a process of their own beside the others: the escalation flow's
# tests (about 20 s), then the 1,000-report fault injection (5 minutes on a quiet machine).
BESIDE_TESTS := tests/integration/test_escalation_flow.py tests/integration/test_fault_injection.py
# Integration tests that mostly wait (a notice is sent a second before its change is saved, and they
# wait out each one): a process of their own, which costs the others almost no processor time.
WAITING_TESTS := tests/integration/test_notifications.py tests/integration/test_privacy_notifications.py
WAITING_TESTS += tests/integration/test_reporter_stop.py tests/integration/test_selesai_reminder_flow.py
# The agency work queue's tests wait out visibility timeouts and an officer who decides slowly (about 40 s).
WAITING_TESTS += tests/integration/test_agency_queue.py
# CPU-bound tests in one process (about 70 s each on a quiet machine, none bounded by the clock) that
# run beside the clock-bound tests, which keep about one of the machine's two cores busy: the
# fingerprint measurement on real photographs (pure Python), packaging every stage (one of its tests
# reads the layer) and adding all 38 provinces.
CPU_TESTS := tests/unit/test_evidence_fingerprint.py tests/integration/test_every_province.py
CPU_TESTS += tests/integration/test_packaging.py

## test: the whole test suite, lint and the Lambda layer (make layer: its wheels checked against
##       requirements.lock's hashes, so the packaging tests run from a clean clone); the web client's
##       tests drive Chromium. First five processes side by side, each test process with its own moto:
##       lint, then the layer; the BESIDE_TESTS (escalation flow, fault injection); the end-to-end
##       tests (tests/e2e: the local stack over HTTP and the web client in Chromium, mostly waiting on
##       the stack and the browser; they bound no answer time); the WAITING_TESTS (the notification
##       lifecycles, which wait out each notice); and every other test not bounded by the wall clock
##       (unit tests and most integration tests). Then the tests marked ``clock`` (answer times, queue
##       timeouts, processes starting and stopping), with only the CPU_TESTS (one process) beside them.
##       Every part runs; the target fails if any part failed.
# make test starts many Python processes (its pytest lanes, moto engines, chalice local, runners, the
# CLI): each writes the bytecode of a module it is the first to import, so the others load it instead of
# compiling it again (make venv installs without .pyc files), and pytest keeps its rewritten test
# modules. PYTHONDONTWRITEBYTECODE, which many CI images set, would have every process compile every
# library module it imports: of a few test files (region add, cold imports, openapi, render, CLI names,
# Jawa Barat), 85 s of processor time with no .pyc anywhere, 31-40 s with them written.
test: export PYTHONDONTWRITEBYTECODE :=
test: venv web-deps browser
	@mkdir -p .local
	@( $(MAKE) --no-print-directory lint && $(MAKE) --no-print-directory layer ) > .local/lint-layer.log 2>&1 & \
	  checked=$$!; \
	$(BIN)/python -m pytest -q -p no:cacheprovider $(BESIDE_TESTS) -m "not clock" > .local/beside-tests.log 2>&1 & \
	  beside=$$!; \
	$(BIN)/python -m pytest -q -p no:cacheprovider $(WAITING_TESTS) -m "not clock" \
	  > .local/waiting-tests.log 2>&1 & waiting=$$!; \
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e -m "e2e and not clock" \
	  > .local/e2e-tests.log 2>&1 & e2e=$$!; \
	$(BIN)/python -m pytest -q -p no:cacheprovider tests -m "not clock and not e2e" \
	  $(addprefix --ignore=,$(BESIDE_TESTS) $(WAITING_TESTS) $(CPU_TESTS)); \
	  free=$$?; \
	wait $$checked; lint=$$?; echo "--- lint, then the layer (beside them):"; cat .local/lint-layer.log; \
	wait $$beside; long=$$?; echo "--- $(BESIDE_TESTS) (beside them):"; cat .local/beside-tests.log; \
	wait $$waiting; waited=$$?; echo "--- $(WAITING_TESTS) (beside them):"; cat .local/waiting-tests.log; \
	wait $$e2e; ends=$$?; echo "--- end-to-end tests (beside them):"; cat .local/e2e-tests.log; \
	$(BIN)/python -m pytest -q -p no:cacheprovider $(CPU_TESTS) -m "not clock" > .local/cpu-tests.log 2>&1 & \
	  cpu=$$!; \
	$(BIN)/python -m pytest -q tests -m clock; timed=$$?; \
	wait $$cpu; busy=$$?; echo "--- $(CPU_TESTS) (beside the clock-bound tests):"; cat .local/cpu-tests.log; \
	echo "exit codes: clock-free tests $$free, lint and layer $$lint, escalation flow and fault injection $$long," \
	  "notification lifecycles $$waited, end-to-end $$ends, clock-bound $$timed," \
	  "fingerprints, packaging and provinces $$busy"; \
	test $$free -eq 0 -a $$lint -eq 0 -a $$long -eq 0 -a $$waited -eq 0 -a $$ends -eq 0 -a $$timed -eq 0 \
	  -a $$busy -eq 0

## lint: ruff (checks and formatting) over the repository, mypy over the code (tests: ruff only)
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED_PATHS)

## browser: Debian's Chromium (and an emoji font) for the browser tests; Playwright never downloads one
browser:
	@command -v chromium >/dev/null && dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji)

## web: build the web client for the local APIs into web/dist/<stage>/ (production: python -m web.build --stage X --api-base URL)
web: venv web-deps
	$(BIN)/python -m web.build

## web-deps: the map library from npm exactly as web/package-lock.json pins it (npm ci, no install scripts)
web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

## screenshots: run the browser journey and refresh docs/screenshots/
screenshots: venv web-deps browser
	ADUAN_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e/test_web_journey.py

## clean: logs, caches and build outputs (.local, build, web/dist, web/node_modules, tests/artifacts; keeps .venv)
clean:
	rm -rf .local .pytest_cache .mypy_cache .ruff_cache build dist web/dist web/node_modules tests/artifacts
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: bench
## bench: quick benchmarks (package, cold start, calls and cost per report, scale, throughput, Aduan's CPU per
##        report (pipelinecpu), flood, evidence photo check) as one table, about 8 min;
##        full sizes: $(BIN)/python -m bench --full; write the table into docs/performance.md: add --update-docs
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)
