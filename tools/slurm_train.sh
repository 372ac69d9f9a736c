#!/usr/bin/env bash
# Train on a Slurm cluster, one task per GPU:
#   [GPUS=16] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#     tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]
# Detection, segmentation and pretraining configs alike (the task comes from
# the config). Without CUDA the tasks train on CPU over gloo.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]" >&2
  exit 2
fi
TOOLS="$(cd "$(dirname "$0")" && pwd)"
exec "$TOOLS/misc/srun.sh" "$1" "$2" "${PYTHON:-python}" -u \
    "$TOOLS/train.py" "$3" --work-dir="$4" --launcher=slurm "${@:5}"
