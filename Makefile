# Set-up, demo and tests. Everything lives in .venv/ in the repo root; a second
# run reuses the venv, and mmcv's ~20-30 min build is kept per torch version
# (tools/misc/install_mmcv.sh).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# torch and torchvision from PyPI. --isolated keeps pip to PyPI and away from
# any local wheel folder in the machine's pip configuration: torchvision's
# compiled ops do not load next to a '+cpu' torch of the same version.
# For another build, e.g.:
#   make venv TORCH="torch==2.4.1 torchvision==0.19.1 --index-url https://download.pytorch.org/whl/cu121"
TORCH  ?= torch==2.13.0 torchvision==0.28.0
CONSTRAINTS := requirements/constraints.txt
STAMP  := $(VENV)/.mmgcp-installed

.PHONY: venv demo lint test bench study constraints clean-venv

venv: $(STAMP)

$(STAMP): setup.py requirements/*.txt tools/misc/install_mmcv.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools>=77,<81' wheel ninja
	$(PY) -m pip install --isolated -q $(TORCH)
	tools/misc/install_mmcv.sh $(PY) -c $(CONSTRAINTS)
	$(PY) -m pip install -q -c $(CONSTRAINTS) -r requirements/runtime.txt -r requirements/pretrain.txt -r requirements/tests.txt
	$(PY) -m pip install -q --no-build-isolation --no-deps -e .
	$(PY) -c "import mmcv.ops, mmdet, mmseg, mmpretrain, mmgcp; print('mmgcp environment ready')"
	@touch $@

demo: $(STAMP)
	$(PY) tools/demo.py

# the suite's tests start many short processes: run them on up to 4 cores
TEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 4 ? n : 4 )))
# flake8 with setup.cfg's settings: the style every change keeps
lint: $(STAMP)
	$(PY) -m flake8 mmgcp tools tests configs

test: lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile tests

study: $(STAMP)
	$(PY) tools/study_gap_vs_gcp.py

bench: $(STAMP)
	$(PY) tools/benchmark_ops.py
	$(PY) tools/benchmark_backbone.py

# Re-pin requirements/constraints.txt to the venv (after changing a
# requirement); torch and its CUDA libraries stay with TORCH above, the
# build tools with the venv step.
constraints: $(STAMP)
	{ echo '# pip freeze of the environment the README numbers come from (make constraints)'; \
	  $(PY) -m pip freeze --exclude-editable | grep -v -E \
	    '^(torch|torchvision|triton|nvidia-.*|cuda-.*|mmcv|pip|setuptools|wheel|ninja)( @ |==)'; \
	} > $(CONSTRAINTS)

clean-venv:
	rm -rf $(VENV)
