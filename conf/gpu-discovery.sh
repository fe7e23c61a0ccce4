#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this machine as Spark's resource JSON,
# e.g. {"name": "gpu", "addresses": ["0", "1"]}. Needs nvidia-smi.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g' | paste -sd, - | sed 's/,/","/g')
echo "{\"name\": \"gpu\", \"addresses\": [\"$addresses\"]}"
