#!/usr/bin/env bash
# Install mmcv 2.1.0 with its compiled ops into the Python given as $1.
#
# mmcv 2.1.0 ships no wheel for recent torch, so it is built from the sdist
# against the torch already installed. pip's own wheel cache keys a built
# wheel on the sdist alone, so a wheel built against one torch would be
# reused under another and fail at import; this script keeps its built
# wheels in a folder named after the torch (and CUDA) they were built
# against, and builds only when that folder has none.
#
#   tools/misc/install_mmcv.sh .venv/bin/python [-c constraints.txt]
#
# MMCV_CACHE (default ~/.cache/mmgcp) holds the wheels; MAX_JOBS sets the
# build's parallelism.
set -euo pipefail
PY=${1:?usage: install_mmcv.sh PYTHON [PIP_INSTALL_ARGS...]}
shift
MMCV_VERSION=2.1.0
cache=${MMCV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmgcp}
key=$("$PY" -c 'import sys, torch; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-torch{torch.__version__}")')
dir="$cache/mmcv-$MMCV_VERSION-$key"
if ! ls "$dir"/mmcv-*.whl >/dev/null 2>&1; then
  echo "building mmcv $MMCV_VERSION with ops against $key (once; ~20-30 min on 2 cores)"
  tmp="$dir.part.$$"
  rm -rf "$tmp"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} "$PY" -m pip wheel \
    --no-build-isolation --no-deps --no-cache-dir -w "$tmp" "mmcv==$MMCV_VERSION"
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
"$PY" -m pip install -q "$@" "$dir"/mmcv-*.whl
"$PY" -c 'import mmcv.ops; print("mmcv", mmcv.__version__, "with ops:", mmcv.ops.__name__)'
