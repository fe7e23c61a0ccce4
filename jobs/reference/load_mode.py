#!/usr/bin/env python3
"""How the way a TorchScript file is loaded changes the cost of one served call, in PyTorch itself
(Debian's PyTorch; a reference, never a runtime dependency of infersweep).

infersweep loads every TorchScript file as DJL does with trainParam (ordinary tensors, then frozen) and
times its calls under libtorch's InferenceMode; DJL's plain load gives a module whose parameters are
inference tensors. jobs/bench measured the second about 1.3 us a call faster on a 10 us MLP call. This
times the same file three ways in PyTorch, all called under torch.inference_mode() at one thread:

  normal    torch.jit.load(f).eval(): what TorchServe and most Python and libtorch services hold
  frozen    the same with requires_grad_(False) on every parameter (infersweep's timed copies)
  inference torch.jit.load(f) inside torch.inference_mode(): parameters are inference tensors (DJL's
            plain load)

The three are interleaved round-robin, each round a block of calls timed one by one; the figure is the
median per call over all rounds, and each way's ratio to 'normal' is taken within each round before
its median.

    /usr/bin/python3 jobs/reference/load_mode.py FILE [--input-shape 20] [--batch 1] [--rounds 30]
        [--calls 2000] [--json OUT]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_common as rc  # noqa: E402


def load(path):
    normal = torch.jit.load(path).eval()
    frozen = torch.jit.load(path).eval()
    for p in frozen.parameters():
        p.requires_grad_(False)
    with torch.inference_mode():
        inference = torch.jit.load(path).eval()
    return {"normal": normal, "frozen": frozen, "inference": inference}


def block(model, x, calls):
    out = []
    for _ in range(calls):
        t = time.perf_counter_ns()
        model(x)
        out.append(time.perf_counter_ns() - t)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--input-shape", type=int, nargs="+", default=[20])
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--calls", type=int, default=2000, help="calls per way per round")
    p.add_argument("--json")
    a = p.parse_args()
    if a.rounds < 1 or a.calls < 1 or a.batch < 1:
        print("--rounds, --calls and --batch must be at least 1", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(1)
    rc.set_blas_threads(1)
    models = load(a.file)
    x = torch.rand(a.batch, *a.input_shape)
    load_avg = [os.getloadavg()[0]]
    times = {k: [] for k in models}
    ratios = {k: [] for k in models}
    with torch.inference_mode():
        for m in models.values():
            block(m, x, a.calls)  # warm-up: the profiling executor settles in the first calls
        for r in range(a.rounds):
            order = list(models)[r % 3:] + list(models)[:r % 3]
            medians = {}
            for k in order:
                t = block(models[k], x, a.calls)
                times[k].extend(t)
                medians[k] = statistics.median(t)
            for k in models:
                ratios[k].append(medians[k] / medians["normal"])
    load_avg.append(os.getloadavg()[0])
    result = {
        "reference": "load_mode", "argv": sys.argv[1:], "environment": rc.environment(),
        "loadavg_1m_before_after": load_avg,
        "parameters_are_inference_tensors": {k: all(p.is_inference() for p in m.parameters()) for k, m in models.items()},
        "p50_us": {k: round(statistics.median(v) / 1000, 3) for k, v in times.items()},
        "ratio_to_normal": {k: round(statistics.median(v), 4) for k, v in ratios.items()},
    }
    print(json.dumps(result["p50_us"]), json.dumps(result["ratio_to_normal"]),
          "inference tensors:", json.dumps(result["parameters_are_inference_tensors"]),
          "load", load_avg, "CPU", result["environment"]["cpu_model"])
    if a.json:
        rc.write_json(a.json, result)


if __name__ == "__main__":
    main()
