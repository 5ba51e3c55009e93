# Entry points for a fresh clone: `make demo`, `make test`, `make e2e` (headless Chromium), `make bench`
# (benchmarks/README.md) and `make corpus` (tests/corpus/README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# apt-get needs root: use sudo when not root.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test e2e tools bench serve corpus clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/jixiao score cases/2022/lukou-gsl.yaml

test: $(STAMP)
	$(PY) -m pytest -q

# Installs Debian's chromium (and CJK fonts, so the Chinese report renders as text) if missing,
# then runs only the end-to-end tests. `make test` runs them too when chromium is installed.
e2e: $(STAMP)
	command -v chromium >/dev/null && command -v pdftotext >/dev/null || { $(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk poppler-utils; }
	$(PY) -m pytest -q -m e2e

# The import's external converters: LibreOffice (old .doc/.xls/.wps/.et), Tesseract with the
# simplified-Chinese model (scans), poppler-utils (pdftoppm: scanned PDF pages to images), CJK fonts
# (to draw test scans). Installs what is missing, then runs the import tests that need them.
tools: $(STAMP)
	@missing=""; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer libreoffice-calc"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	tesseract --list-langs 2>/dev/null | grep -q chi_sim || missing="$$missing tesseract-ocr-chi-sim"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; fi
	$(PY) -m pytest -q -rs tests/test_import_formats.py tests/test_import_bad_inputs.py

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)
	$(PY) benchmarks/import_bench.py $(IMPORT_BENCH_ARGS)
	$(PY) benchmarks/web_bench.py
	$(PY) benchmarks/docx_bench.py
	$(PY) benchmarks/bigpacks.py --no-lint
	$(PY) benchmarks/largest_case.py

# The web workbench on http://127.0.0.1:8000/ with its data in ./jixiao-data (README: "The web workbench").
serve: $(STAMP)
	$(VENV)/bin/jixiao serve --data jixiao-data

# The real-filings scoreboard (tests/corpus/README.md): scores every tests/corpus/*/case.yaml and
# compares with the reviewers' expectations. Measures only; `make test` runs its unit tests.
corpus: $(STAMP)
	$(PY) tests/corpus/run.py $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
