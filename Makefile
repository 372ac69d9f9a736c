# Set-up, demo and tests. Everything lives in .venv/ in the repo root; a second
# run reuses the venv and pip's wheel cache (mmcv's ~26 min build is cached).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# CPU torch by default. For CUDA, pass e.g.
#   make venv TORCH="torch==2.4.1 --index-url https://download.pytorch.org/whl/cu121"
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.mmgcp-installed

.PHONY: venv demo test bench study clean-venv

venv: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools>=77,<81' wheel ninja
	$(PY) -m pip install -q $(TORCH)
	@# mmcv 2.1.0 ships no wheel for recent torch: build it (with its ops) against
	@# the torch in the venv. pip caches the built wheel, so this is slow only once.
	MMCV_WITH_OPS=1 MAX_JOBS=$${MAX_JOBS:-2} $(PY) -m pip install --no-build-isolation mmcv==2.1.0
	$(PY) -m pip install -q -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install -q --no-build-isolation --no-deps -e .
	$(PY) -c "import mmcv.ops, mmdet, mmgcp; print('mmgcp environment ready')"
	@touch $@

demo: $(STAMP)
	$(PY) tools/demo.py

test: $(STAMP)
	$(PY) -m pytest tests

study: $(STAMP)
	$(PY) tools/study_gap_vs_gcp.py

bench: $(STAMP)
	$(PY) tools/benchmark_ops.py
	$(PY) tools/benchmark_backbone.py

clean-venv:
	rm -rf $(VENV)
