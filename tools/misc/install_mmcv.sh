#!/usr/bin/env bash
# Install mmcv (upstream mmcv or the onedl-mmcv fork) with its compiled ops
# into the Python given as $1.
#
# Neither distribution ships a Linux wheel, so mmcv is built from its sdist
# against the torch already installed. pip's own wheel cache keys a built
# wheel on the sdist alone, so a wheel built against one torch would be
# reused under another and fail at import; this script keeps its built
# wheels in a folder named after the distribution and the torch (and CUDA)
# they were built against, and builds only when that folder has none.
#
#   tools/misc/install_mmcv.sh .venv/bin/python mmcv==2.1.0 [PIP_INSTALL_ARGS...]
#   tools/misc/install_mmcv.sh .venv-onedl/bin/python onedl-mmcv==2.3.6 -c ...
#
# torch >= 2.14's headers need C++20, and mmcv's setup.py asks for C++17:
# against such a torch the sdist's setup.py is switched to C++20 before the
# build. The build runs without isolation (with isolation, pip would build
# against a fresh torch of its own choosing, or silently without ops).
#
# MMCV_CACHE (default ~/.cache/mmgcp) holds the wheels; MAX_JOBS sets the
# build's parallelism.
set -euo pipefail
usage='usage: install_mmcv.sh PYTHON DIST==VERSION [PIP_INSTALL_ARGS...]'
PY=${1:?$usage}
SPEC=${2:?$usage}
shift 2
case "$SPEC" in
  *==*) ;;
  *) echo "install_mmcv.sh: give an exact version, e.g. mmcv==2.1.0 ($usage)" >&2
     exit 2 ;;
esac
cache=${MMCV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmgcp}
read -r key cxx20 < <("$PY" -c '
import sys, torch
major, minor = (int(v) for v in torch.__version__.split(".")[:2])
print(f"cp{sys.version_info[0]}{sys.version_info[1]}-torch{torch.__version__}",
      int((major, minor) >= (2, 14)))')
dir="$cache/${SPEC/==/-}-$key"
if ! ls "$dir"/*.whl >/dev/null 2>&1; then
  echo "building $SPEC with ops against $key (once; ~20-30 min on 2 cores)"
  tmp="$dir.part.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/src"
  trap 'rm -rf "$tmp"' EXIT
  # --no-build-isolation: reading the sdist's metadata runs its setup.py,
  # which (mmcv 2.1.0) imports pkg_resources, gone from setuptools >= 81
  "$PY" -m pip download -q --no-deps --no-binary :all: --no-cache-dir \
    --no-build-isolation -d "$tmp/src" "$SPEC"
  tar -xzf "$tmp"/src/*.tar.gz -C "$tmp/src"
  src=$(dirname "$(ls "$tmp"/src/*/setup.py)")
  if [ "$cxx20" = 1 ]; then
    echo "torch >= 2.14: building with -std=c++20"
    sed -i -e 's/-std=c++17/-std=c++20/g' -e 's#/std:c++17#/std:c++20#g' \
      "$src/setup.py"
    grep -q -- '-std=c++20' "$src/setup.py" || {
      echo "install_mmcv.sh: $SPEC's setup.py names no -std=c++17 to switch" >&2
      exit 1; }
  fi
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} "$PY" -m pip wheel \
    --no-build-isolation --no-deps --no-cache-dir -w "$tmp/wheel" "$src"
  rm -rf "$dir"
  mv "$tmp/wheel" "$dir"
fi
"$PY" -m pip install -q "$@" "$dir"/*.whl
"$PY" -c 'import mmcv, mmcv.ops, mmcv._ext; print("mmcv", mmcv.__version__, "with ops")'
