# Two commands do everything on a fresh clone: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# No model or dataset hub here: hub names fail fast instead of hanging.
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ATTRIBUTION_DATA ?= $(abspath ../shared/corpora)

.PHONY: setup browser demo test test-fast docs lint wheel-check clean

$(PY):
	python3 -m venv $(VENV)

# torch first, pinned to the CPU build on this disk; anything else would pull a CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[models,serve,scale,test,dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/attribution demo --out-dir demo-output

# Headless Chromium for the report's browser test (Debian's package; Playwright only drives it,
# never `playwright install`). Idempotent: nothing happens when `chromium` is already there.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: setup browser
	$(PY) -m pytest -q -rs

# The edit loop: no model-backed, corpus-wide or browser tests, on both cores (CI still runs
# them all, in one process).
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser" -n 2

# The documentation site; --strict turns every warning (a broken internal link or anchor, a
# missing image, a page left out of the nav) into a failure.
docs: setup
	$(PY) -m pip install -q -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

lint: setup
	$(VENV)/bin/ruff check attribution/ tests/ scripts/ corpora/
	$(VENV)/bin/ruff format --check attribution/ tests/ scripts/ corpora/
	$(VENV)/bin/mypy attribution/

# Build the wheel, install it into a fresh virtual environment outside the checkout, run it there.
wheel-check: setup
	PY=$(abspath $(PY)) bash .ci/wheel_check

clean:
	rm -rf $(VENV) demo-output .pytest_cache site dist
