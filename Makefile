# The two commands: `make demo` and `make test`. Both set up .venv first (make install).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?= 2024-25
LANDLORD ?= riverbend-homes

.PHONY: install browser office poppler demo test lint lab data clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name chc-audit --display-name "Python (chc-audit)"
	touch $(STAMP)

# The demo prints PDFs, so it needs chromium (the browser target installs Debian's on a fresh machine).
demo: install browser
	$(BIN)/chc-audit run --all --period $(PERIOD) --report annual --pdf
	@echo "Reports: outputs/$(PERIOD)/index.html (and group_summary.pdf); per landlord under outputs/$(PERIOD)/<landlord>/: self_assessment.html, annual_report.html and their PDFs"

# Browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# The quality gate: ruff (rules in pyproject.toml) and mypy on audit_lib/, then the tests.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The export tests open the Word files the product writes in LibreOffice (Debian's, headless).
office:
	@command -v soffice >/dev/null 2>&1 || { \
		echo "Installing Debian's LibreOffice (Writer and Calc, no GUI) for the export tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui libreoffice-calc-nogui; }

# The PDF tests read the PDFs the product prints with poppler's pdftotext, pdfinfo and pdfimages.
poppler:
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "Installing Debian's poppler-utils (pdftotext) for the PDF tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			poppler-utils; }

test: lint browser office poppler
	$(BIN)/python -m pytest

# The workbook for one landlord, as a working copy in work/ (git-ignored): make lab LANDLORD=calder-vale-housing
lab: install
	$(BIN)/chc-audit lab $(LANDLORD) --period $(PERIOD)

data: install
	$(BIN)/python scripts/generate_demo_data.py
	$(BIN)/python scripts/demo_evidence.py

clean:
	rm -rf outputs/*/ .pytest_cache
