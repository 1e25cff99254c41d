# Two commands do everything on a fresh clone: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# No model or dataset hub here: hub names fail fast instead of hanging.
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ATTRIBUTION_DATA ?= $(abspath ../shared/corpora)

.PHONY: setup demo test bench clean

$(PY):
	python3 -m venv $(VENV)

# torch first, pinned to the CPU build on this disk; anything else would pull a CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[models,serve,test]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/attribution demo --out-dir demo-output

test: setup
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(PY) -m pytest -q -rs

clean:
	rm -rf $(VENV) demo-output .pytest_cache
