# Two commands on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export OGI_RAW_DIR ?= $(CURDIR)/data/raw
export OGI_WAREHOUSE_DIR ?= $(CURDIR)/data/warehouse

.PHONY: install run test test-deps lint ui sql docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# every batch under data/raw/ -> data/warehouse/ogi.duckdb, in process (recorded in .dagster_home)
run: $(STAMP)
	@mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	@fc-list :lang=zh 2>/dev/null | grep -q . || echo "note: no CJK system font; PDFs that do not embed theirs are read by pdfplumber (same text, ~7x the CPU): apt-get install fonts-wqy-microhei"
	$(BIN)/ogi run

test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/pytest

# what the tests need beyond the venv: Debian's redis-server for the Celery scale-out test (as root
# with apt-get; elsewhere that test is skipped and says so). Quiet, and nothing to do when present.
test-deps:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "test-deps: installing redis-server (Debian) for tests/test_celery_scale_out.py"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null 2>&1 \
			|| echo "test-deps: redis-server could not be installed; the Celery test will be skipped"; \
		else echo "test-deps: no redis-server and no root apt-get; the Celery test will be skipped"; fi; }
	@tesseract --list-langs 2>/dev/null | grep -qx chi_sim || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "test-deps: installing tesseract-ocr + chi_sim (Debian) for the scanned-PDF tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim >/dev/null 2>&1 \
			|| echo "test-deps: tesseract could not be installed; the scanned-PDF tests will be skipped"; \
		else echo "test-deps: no tesseract and no root apt-get; the scanned-PDF tests will be skipped"; fi; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "test-deps: installing fonts-wqy-microhei (a CJK font pdfium reads unembedded CJK fonts with)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null 2>&1 \
			|| echo "test-deps: no CJK font installed; PDFs that do not embed theirs are read by pdfplumber"; \
		else echo "test-deps: no CJK font; PDFs that do not embed theirs are read by pdfplumber"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks

# Dagster UI + daemon (schedule 02:00 Asia/Shanghai, batch sensor) on http://127.0.0.1:3000
ui: $(STAMP)
	@mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

# the DuckDB 1.x CLI, read-only, on the published warehouse (built first if there is none)
sql: $(STAMP)
	@test -f $(OGI_WAREHOUSE_DIR)/ogi.duckdb || $(MAKE) --no-print-directory run
	$(BIN)/duckdb -readonly $(OGI_WAREHOUSE_DIR)/ogi.duckdb

# the offline quality report and the agency cards (data/warehouse/site/), built by every run
docs: $(STAMP)
	$(BIN)/python -m webbrowser -t "file://$(OGI_WAREHOUSE_DIR)/site/index.html"

clean:
	rm -rf $(OGI_WAREHOUSE_DIR)/ogi.duckdb $(OGI_WAREHOUSE_DIR)/ogi.duckdb.wal $(OGI_WAREHOUSE_DIR)/facts \
		$(OGI_WAREHOUSE_DIR)/.build $(OGI_WAREHOUSE_DIR)/.shards $(OGI_WAREHOUSE_DIR)/data_docs $(DAGSTER_HOME)
