#!/usr/bin/env bash
# Evaluate a checkpoint on a Slurm cluster, one task per GPU:
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#     tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]" >&2
  exit 2
fi
TOOLS="$(cd "$(dirname "$0")" && pwd)"
exec "$TOOLS/misc/srun.sh" "$1" "$2" "${PYTHON:-python}" -u \
    "$TOOLS/test.py" "$3" "$4" --launcher=slurm "${@:5}"
