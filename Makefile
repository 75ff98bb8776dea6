# Two commands on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export OGI_RAW_DIR ?= $(CURDIR)/data/raw
export OGI_WAREHOUSE_DIR ?= $(CURDIR)/data/warehouse

.PHONY: install run test lint ui sql docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/ogi run

test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks

ui: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	@cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -m pipeline.definitions

sql: $(STAMP)
	$(BIN)/duckdb -readonly $(OGI_WAREHOUSE_DIR)/ogi.duckdb

docs: $(STAMP)
	$(BIN)/python -m webbrowser -t "file://$(OGI_WAREHOUSE_DIR)/data_docs/index.html"

clean:
	rm -rf $(OGI_WAREHOUSE_DIR)/*.duckdb $(OGI_WAREHOUSE_DIR)/facts $(DAGSTER_HOME)
