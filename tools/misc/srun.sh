#!/usr/bin/env bash
# srun with one task per GPU, as tools/slurm_train.sh and slurm_test.sh use
# it:  tools/misc/srun.sh PARTITION JOB_NAME COMMAND...
# GPUS (default 8), GPUS_PER_NODE (default min(GPUS, 8)), CPUS_PER_TASK
# (default 5) and SRUN_ARGS (extra srun options) come from the environment.
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-$(( GPUS < 8 ? GPUS : 8 ))}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

# SRUN_ARGS is split on spaces on purpose: it holds several srun options
# shellcheck disable=SC2086
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
exec srun -p "$PARTITION" \
    --job-name="$JOB_NAME" \
    --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS:-} \
    "${@:3}"
