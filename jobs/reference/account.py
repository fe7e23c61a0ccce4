#!/usr/bin/env python3
"""Prints PyTorch's own account of TorchScript files' state_dict() as JSON, {file: [tensor, ...]}, each
tensor {name, kind, dtype, shape, numel, subnormals, max_abs, zeros, sum_squares} exactly as
make_torchscript_fixtures.py writes tensors.json. Tests compare infersweep's reading of files it
wrote (saved checkpoints) with it: /usr/bin/python3 jobs/reference/account.py FILE...
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torchscript_fixtures import account  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: account.py FILE...")
    print(json.dumps({path: account(path) for path in sys.argv[1:]}))
