# Everything a user needs, from a fresh clone: `make demo` to run, `make test` to test.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export DBT_PROFILES_DIR := $(CURDIR)
DBT := $(VENV)/bin/dbt

.PHONY: help venv profile db-start db-stop db-status data demo docs lint test clean

help:
	@echo "make demo          set everything up, build, generate the docs, print a summary"
	@echo "make test          the same set-up, then sqlfluff, ruff, dbt's tests and pytest"
	@echo "make db-start | db-stop | db-status   the embedded PostgreSQL server"
	@echo "                   (127.0.0.1, port OUTREACH_PG_PORT, default 54329)"
	@echo "make docs          serve the docs site on http://127.0.0.1:8080"
	@echo "make lint          sqlfluff, ruff and dbt-score"
	@echo "make mutations     break each protection in a copy and check that its tests fail"
	@echo "make bench         benchmark 95,004 and 1,000,000 companies (10,000,000 where disk allows) into BENCHMARKS.md"
	@echo "make bench-smoke   the two-minute version of make bench"
	@echo "make clean         remove the virtual environment, dbt's output and the database"

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

profile: profiles.yml

db-start: venv
	$(PY) -m pressure_outreach db start

db-stop: venv
	$(PY) -m pressure_outreach db stop

db-status: venv
	$(PY) -m pressure_outreach db status

data: db-start
	$(PY) -m pressure_outreach generate --if-missing

demo: venv profile
	$(PY) -m pressure_outreach demo

docs: venv profile
	@test -f target/index.html || $(PY) -m pressure_outreach demo
	$(DBT) docs serve --port 8080 --host 127.0.0.1 --no-browser

# dbt-score, the linter of the dbt metadata, in a virtual environment of its own: it reads a
# manifest and needs no dbt, so its dependencies never meet the pinned dbt's. It lints the
# manifest of a fresh `dbt parse`, written to a target path of its own so that the demo's
# target/manifest.json (the docs site's, with compiled SQL) is left as it is. Rules:
# [tool.dbt-score] in pyproject.toml. The project and every model, seed and macro must score
# at least SCORE_FLOOR (out of 10).
SCORE_VENV ?= .venv-score
SCORE_TARGET := target/score
SCORE_FLOOR ?= 9.0

$(SCORE_VENV)/.installed: requirements-score.txt
	$(PYTHON) -m venv $(SCORE_VENV)
	$(SCORE_VENV)/bin/pip install --quiet --upgrade pip
	$(SCORE_VENV)/bin/pip install --quiet -r requirements-score.txt
	touch $@

# sqlfluff's dbt templater compiles into a target path of its own, so that lint can run beside
# the demo (make test) without the two writing one target/ at once.
LINT_TARGET := target/lint

lint: venv profile db-start $(SCORE_VENV)/.installed
	DBT_TARGET_PATH=$(LINT_TARGET) $(VENV)/bin/sqlfluff lint models tests --disable-progress-bar
	$(VENV)/bin/ruff check pressure_outreach python_tests
	$(VENV)/bin/ruff format --check pressure_outreach python_tests
	$(DBT) parse --quiet --target-path $(SCORE_TARGET)
	$(SCORE_VENV)/bin/dbt-score lint --manifest $(SCORE_TARGET)/manifest.json \
		--fail-project-under $(SCORE_FLOOR) --fail-any-item-under $(SCORE_FLOOR)

# Headless Chromium for the docs-site browser test (installs it as root where it is missing).
.PHONY: browser
browser:
	bash .ci/ensure-chromium

# The demo, lint and the browser install side by side (each target's output printed whole
# when it ends), then pytest on two workers (pytest-xdist; the tests of a module stay
# together, they share its scratch databases), the slowest 15 tests listed at the end
# (pyproject.toml). The server is started first, once, for all of them.
test: venv profile db-start
	$(MAKE) --no-print-directory -j3 --output-sync=target demo lint browser
	$(VENV)/bin/pytest python_tests -n 2 --dist loadscope

# Each mutation of python_tests/mutations.yml applied to a copy of the project, its tests run
# there (docs/testing.md); about 12 minutes on two jobs, not part of make test.
.PHONY: mutations
mutations: venv profile db-start
	$(PY) python_tests/run_mutations.py --jobs 2

# Benchmarks (BENCHMARKS.md and bench/results.json): 95,004 and 1,000,000 companies, 10,000,000 when
# the disk and the time budget allow; bench-smoke is the two-minute version the tests run.
.PHONY: bench bench-smoke
bench: venv profile db-start
	$(PY) -m pressure_outreach.bench --output BENCHMARKS.md --json bench/results.json

bench-smoke: venv profile db-start
	$(PY) -m pressure_outreach.bench --smoke --output bench/smoke.md --json bench/smoke.json

clean:
	-$(PY) -m pressure_outreach db destroy
	rm -rf $(VENV) $(SCORE_VENV) target dbt_packages logs profiles.yml .pytest_cache .hypothesis
