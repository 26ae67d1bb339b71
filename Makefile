# Two set-up commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test lint format install fonts bench bench-load clean train-reader

# Debian fonts for the PDF report: DejaVu Sans (body), Noto Sans CJK (Chinese, Japanese, Korean),
# Noto Sans Symbols 2 and Symbola (emoji). Without the fallbacks the PDF still renders and says which
# package would draw the missing characters; without any body font it says what to install.
FONT_PACKAGES := fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola

$(STAMP): pyproject.toml
	$(MAKE) --no-print-directory fonts || echo "note: could not install $(FONT_PACKAGES); PDF reports fall back to DejaVu Sans"
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,server]'  # server: the PostgreSQL tier of the tests
	touch $(STAMP)

install: $(STAMP)

fonts:
	@missing=$$(for p in $(FONT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "note: install the fonts $$missing"; exit 0; fi; \
	SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	echo "installing $$missing"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	{ $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

run: $(STAMP)
	$(BIN)/streamlit run assessment/web/asgi.py --server.address 127.0.0.1 --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy knowledge assessment app.py bench
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy knowledge assessment app.py bench

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Retrain the answer reader from assessment/understanding/data/train/ (seeded; ~15 min on 2 cores).
train-reader: $(STAMP)
	$(BIN)/python -m assessment.understanding.train

bench: $(STAMP)
	$(BIN)/python bench/retrieval.py --file tests/data/retrieval_dev.jsonl --file tests/data/retrieval_blind.jsonl
	$(BIN)/python bench/interpret.py
	$(BIN)/python bench/interview.py
	$(BIN)/python bench/interview_blind.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/evidence.py
	$(BIN)/python bench/implied.py
	$(BIN)/python bench/vendors.py
	$(BIN)/python bench/remediation.py --set blind
	$(BIN)/python bench/import_criteria.py --skip-slow-pdf
	$(BIN)/python bench/turns.py  # Chromium; a few minutes

# Twenty simulated founders for five minutes against two replicas over PostgreSQL and a Chroma server.
bench-load: $(STAMP)
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
