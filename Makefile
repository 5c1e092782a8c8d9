# Two entry points for a fresh machine with python3, pip and make:
#   make demo   run the main job on the embedded sample territory
#   make test   lint, type-check, run the tests, doctests, every example, the guide
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= coordogeo-demo

.PHONY: demo test lint typecheck pytest examples docs bench clean plugin

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/coordogeo demo --out $(OUT)

test: $(VENV)/.installed-test lint typecheck pytest examples docs

lint: $(VENV)/.installed-test
	$(BIN)/ruff check coordogeo tests examples benchmarks qgis_plugin
	$(BIN)/ruff format --check coordogeo tests examples benchmarks qgis_plugin

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs

examples: $(VENV)/.installed-test
	@set -e; for f in examples/*.py; do echo "== $$f"; $(BIN)/python $$f; done

# the user guide and its API reference, built without a warning (mkdocs --strict);
# its Python examples run in tests/test_docs.py
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict --quiet --site-dir .site

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(VENV)/.installed $(VENV)/.installed-test $@

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_nearest.py
	$(BIN)/python benchmarks/bench_matrix.py
	$(BIN)/python benchmarks/bench_scenarios.py

# the QGIS plugin's zip (« Extensions > Installer depuis un ZIP »): dist/coordogeo_qgis-*.zip
plugin:
	$(PYTHON) qgis_plugin/build.py dist

clean:
	rm -rf $(VENV) $(OUT) .site .pytest_cache .mypy_cache .ruff_cache
