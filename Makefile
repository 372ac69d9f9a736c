# Set-up, demo and tests. Everything lives in a venv in the repo root; a
# second run reuses it, and mmcv's ~20-30 min build is kept per torch
# version (tools/misc/install_mmcv.sh).
#
# Two stacks (docs/install.md says which to pick):
#   STACK=openmmlab (default): upstream mmcv 2.1.0, mmdet 3.3.0, ...,
#     torch 2.13.0, in .venv/; the README's numbers come from it.
#   STACK=onedl: the maintained forks (onedl-mmcv 2.3.6, onedl-mmdetection
#     3.5.1, ...), which keep the import names, on torch 2.14.1, in
#     .venv-onedl/.
# e.g. `make venv STACK=onedl`, `make test STACK=onedl`.
PYTHON ?= python3
STACK  ?= openmmlab
ifeq ($(STACK),openmmlab)
VENV   ?= .venv
# torch and torchvision from PyPI. --isolated keeps pip to PyPI and away from
# any local wheel folder in the machine's pip configuration: torchvision's
# compiled ops do not load next to a '+cpu' torch of the same version.
# For another build, e.g.:
#   make venv TORCH="torch==2.4.1 torchvision==0.19.1 --index-url https://download.pytorch.org/whl/cu121"
TORCH  ?= --isolated torch==2.13.0 torchvision==0.28.0
MMCV   ?= mmcv==2.1.0
EXTRAS := all,tests
CONSTRAINTS := requirements/constraints.txt
else ifeq ($(STACK),onedl)
VENV   ?= .venv-onedl
# torch 2.14's headers need C++20: install_mmcv.sh builds onedl-mmcv so
TORCH  ?= torch==2.14.1 torchvision==0.29.1
MMCV   ?= onedl-mmcv==2.3.6
EXTRAS := onedl,robustness,tests
CONSTRAINTS := requirements/constraints-onedl.txt
else
$(error STACK is openmmlab (the default) or onedl, not '$(STACK)')
endif
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.mmgcp-installed

.PHONY: venv demo lint test bench study constraints clean-venv

venv: $(STAMP)

$(STAMP): setup.py $(CONSTRAINTS) tools/misc/install_mmcv.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools>=77,<81' wheel ninja
	$(PY) -m pip install -q $(TORCH)
	tools/misc/install_mmcv.sh $(PY) $(MMCV) -c $(CONSTRAINTS)
	$(PY) -m pip install -q -c $(CONSTRAINTS) --no-build-isolation -e '.[$(EXTRAS)]'
	$(PY) -c "import mmcv.ops, mmdet, mmseg, mmpretrain, mmgcp; print('mmgcp environment ready ($(STACK) stack)')"
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

# Re-pin the stack's constraints file to its venv (after changing a
# requirement); torch and its CUDA libraries stay with TORCH above, the
# build tools with the venv step.
constraints: $(STAMP)
	{ echo '# pip freeze of the $(STACK) stack'"'"'s environment (make constraints STACK=$(STACK))'; \
	  $(PY) -m pip freeze --exclude-editable | grep -v -E \
	    '^(torch|torchvision|triton|nvidia-.*|cuda-.*|mmcv|onedl-mmcv|pip|setuptools|wheel|ninja)( @ |==)'; \
	} > $(CONSTRAINTS)

clean-venv:
	rm -rf $(VENV)
