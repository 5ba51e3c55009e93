# Entry points for a fresh clone: `make demo`, `make test`, `make e2e` (headless Chromium), `make bench`
# (benchmarks/README.md) and `make corpus` (tests/corpus/README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# apt-get needs root: use sudo when not root.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test e2e bench serve corpus clean

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

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)
	$(PY) benchmarks/web_bench.py

# The web workbench on http://127.0.0.1:8000/ with its data in ./jixiao-data (README: "The web workbench").
serve: $(STAMP)
	$(VENV)/bin/jixiao serve --data jixiao-data

# The real-filings scoreboard (tests/corpus/README.md): scores every tests/corpus/*/case.yaml and
# compares with the reviewers' expectations. Measures only; `make test` runs its unit tests.
corpus: $(STAMP)
	$(PY) tests/corpus/run.py $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
