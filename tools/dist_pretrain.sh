#!/usr/bin/env bash
# Usage: tools/dist_pretrain.sh CONFIG GPUS [train.py options]
# Pretraining configs run on the same Runner and launcher as detection.
exec "$(dirname "$0")/dist_train.sh" "$@"
