# milspace front door. Only python3 (3.11+) and the package registry are assumed.
# The environment is set up from uv.lock on first use and again whenever the lock changes.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.milspace-synced
WAREHOUSE := data_marts/warehouse.duckdb
# The Dagster UI's port (`make dev`); `make dev DAGSTER_PORT=3001` or the environment changes it.
DAGSTER_PORT ?= 3000
export DAGSTER_PORT
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
# The tests run in two worker processes (pytest-xdist; tests that share a slow fixture stay in one worker, grouped by
# tests/conftest.py). `make test PYTEST_WORKERS=` runs them in one process.
PYTEST_WORKERS ?= -n 2 --dist loadgroup

.PHONY: build test test-fast bench dev sql report clean env postgres postgres-stop dask-scheduler dask-worker intake

build: $(STAMP)
	$(BIN)/milspace build

test: $(STAMP)
	$(BIN)/ruff check pipelines tests scripts benchmarks
	$(BIN)/ruff format --check pipelines tests scripts benchmarks
	$(BIN)/mypy
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs
	$(BIN)/python -m pytest $(PYTEST_WORKERS)

# The quick loop: the same checks and every test not marked `slow` (tests that build a warehouse, read the whole real
# corpus or start processes are marked in tests/conftest.py); `make test` still runs everything.
test-fast: $(STAMP)
	$(BIN)/ruff check pipelines tests scripts benchmarks
	$(BIN)/ruff format --check pipelines tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_WORKERS) -m "not slow"

# Benchmarks, recorded in benchmarks/RESULTS.md: the starter build, the report site (starter and full corpus),
# strategy scoring, 1 and 10 million generated budget lines through the pipeline against bare DuckDB, builds when
# little or nothing changed, the test suite's time, then every target of issue 19 against what this run measured
# (about 40 minutes on the 2-core machine, 6 GB of disk under benchmarks/data/).
bench: $(STAMP)
	$(BIN)/python benchmarks/starter_build.py --record
	$(BIN)/python benchmarks/render_site.py --root benchmarks/data/roots/starter --record
	$(BIN)/python benchmarks/render_site.py --full-corpus --record
	$(BIN)/python benchmarks/score_corpus.py --record
	$(BIN)/python benchmarks/scale.py --record
	$(BIN)/python benchmarks/incremental.py --record
	$(BIN)/python benchmarks/test_suite.py --record
	$(BIN)/python benchmarks/targets.py --record

# A PostgreSQL server of Debian's package on 127.0.0.1:5433, data in data_marts/postgres/, to try the shared
# warehouse on one machine (README, "Running it for a team"); it prints the MILSPACE_SHARED_WAREHOUSE to build with.
postgres: $(STAMP)
	$(BIN)/python scripts/local_postgres.py start

postgres-stop: $(STAMP)
	$(BIN)/python scripts/local_postgres.py stop

# The distributed intake (README, "Running it for a team"): a dask scheduler, workers (one per machine, in the project
# folder, with its Dagster home), and `milspace intake` on them; the next `make build` takes the checked files.
DASK_SCHEDULER ?= tcp://127.0.0.1:8786
dask-scheduler: $(STAMP)
	$(BIN)/dask scheduler --host $(word 1,$(subst :, ,$(patsubst tcp://%,%,$(DASK_SCHEDULER)))) --port $(word 2,$(subst :, ,$(patsubst tcp://%,%,$(DASK_SCHEDULER))))

dask-worker: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/data_marts/dagster_home $(BIN)/dask worker $(DASK_SCHEDULER) --nthreads 1

intake: $(STAMP)
	$(BIN)/milspace intake --dask $(DASK_SCHEDULER)

# The Dagster UI and daemon (`dg dev`, code location `milspace`) on the persistent Dagster home every build records
# into: $DAGSTER_HOME, else data_marts/dagster_home/ (pipelines/instance.py). Port: DAGSTER_PORT (default 3000).
dev: $(STAMP)
	$(BIN)/milspace dev --port $(DAGSTER_PORT)

# A read-only DuckDB shell on the published warehouse (never blocks a build), in DuckDB's safe mode: it reads the
# warehouse and no other file, and writes none (the arguments of `milspace sql`'s shell, pipelines/cli.py).
sql: $(STAMP)
	@test -f $(WAREHOUSE) || { echo "No warehouse at $(WAREHOUSE): run 'make build' first."; exit 1; }
	$(BIN)/duckdb -readonly -cmd .safe_mode $(WAREHOUSE)

report: $(STAMP)
	$(BIN)/milspace report

env: $(STAMP)

# Everything generated: the environments, the warehouse, the Dagster home and the report.
clean:
	rm -rf $(VENV) $(TOOLS) data_marts/build data_marts/dagster_home data_marts/logs $(WAREHOUSE) reports/*.html
	rm -rf benchmarks/data
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "milspace needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --compile-bytecode --python $(shell command -v $(PYTHON))
	@touch $@
