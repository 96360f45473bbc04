# Dragoman: `make demo` and `make test` work on a fresh clone (PyPI and Debian only).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEMO_DB ?= demo.duckdb

.PHONY: demo test lint venv test-env eval bench clean browser-deps

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Exact versions come from requirements.lock (constraints), so every machine gets the same stack.
$(STAMP): $(PY) pyproject.toml requirements.lock
	$(PIP) install -q -c requirements.lock -e ".[ray]"
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install -q -c requirements.lock -e ".[ray,test]"
	touch $@

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dragoman code examples/fr_coree_visite.txt examples/en_summit.html --pub-date 2026-11-27
	$(VENV)/bin/dragoman ingest examples/ --db $(DEMO_DB) --pub-date 2026-11-27
	$(VENV)/bin/dragoman events --db $(DEMO_DB)

# Chromium for the browser tests comes from Debian (no browser download).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "chromium not found: browser tests will be skipped"; fi; }

test-env: $(TEST_STAMP) browser-deps

test: test-env
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/python -m pytest -q --timeout=900

eval: $(STAMP)
	@for f in ../shared/gold/*.dev.jsonl; do $(VENV)/bin/dragoman eval $$f; done

bench: $(STAMP)
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) $(DEMO_DB) test-artifacts .pytest_cache
