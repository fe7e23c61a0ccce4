#!/usr/bin/env python3
"""PyTorch's own eval timing of model files (TorchScript .pt; .onnx where onnxruntime is importable), at
each batch size, intra-op thread count and flush-to-zero setting: the reference figures infersweep's
checkpoint and registry sources are held against (Debian's PyTorch 1.13; never a runtime dependency).

For each --flush mode and each --threads count a fresh Python process (so that no thread pool exists
yet, and FP state cannot leak from one setting into the next) is started with OMP_NUM_THREADS=1 and
OPENBLAS_NUM_THREADS=1 in its environment, which keeps both pools from starting at import. It then:

  flush before: calls torch.set_flush_denormal(True) first, before any thread pool exists;
  then          torch.set_num_threads(T) and OpenBLAS's pool to T threads (Debian's torch calls the
                system's libblas.so.3, OpenBLAS here, whose own pool torch.set_num_threads does not size),
                loads every file (torch.jit.load, .eval(); an onnxruntime session with T intra-op threads),
                starts the pools (a parallel ATen op, a 512 x 512 matmul, warm-up calls of every model);
  flush after:  calls torch.set_flush_denormal(True) only now, after the pools' threads exist;
  flush none:   never (PyTorch's default).

set_flush_denormal sets FTZ/DAZ in the MXCSR of the calling thread only; a new thread starts with the FP
state of the thread that creates it. So "before" flushes every worker and "after" only the caller: at
T >= 2 "after" is the case issue 30 cares about (a library that flushes on the calling thread only).

Timing: under torch.inference_mode(), the files interleaved round-robin (the order rotates each round),
each file a block of calls of about --block-ms per round (at least 1 call), every call timed alone with
time.perf_counter_ns; at least --min-rounds rounds and then as many as --seconds per batch size allows.
The figure is the median per call (p50), with p10/p90, the calls and rounds, beside the ratio of each
file to the first FILE (e.g. the last checkpoint over the first). Inputs are torch.rand(batch, *shape),
the shape from --input-shape or from the manifest.json of train_58220_checkpoints.py, make_bn_convnet.py
or make_registry.py found beside the file or up to three folders above it. With --input-dtype int64 or
int32 (a model of token ids, e.g. an embedding) they are instead ids uniform in --input-range LOW HIGH,
[LOW, HIGH), as torch.randint(LOW, HIGH, (batch, *shape)) of that type (infersweep's model.input_dtype
and model.input_range); one input per model either way. Each file's timed input is drawn in turn from
one generator seeded with the batch size, so the draws are the same in every process.

Prints a table; --json FILE writes everything (the CPU, BLAS, load average, per-process thread counts).

    /usr/bin/python3 jobs/reference/eval_timing.py FILES... [--batch 1 256] [--threads 1 2]
        [--flush none before after] [--input-shape 20] [--input-dtype float32|int64|int32]
        [--input-range LOW HIGH] [--seconds 2] [--min-rounds 5] [--block-ms 2] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FLUSH_MODES = ("none", "before", "after")
INPUT_DTYPES = ("float32", "int64", "int32")


def make_input(torch, f, batch, generator=None):
    """One call's input for file spec f: uniform floats in [0, 1), or ids uniform in f's range."""
    shape = (batch, *f["shape"])
    if f["dtype"] == "float32":
        return torch.rand(*shape, generator=generator)
    low, high = f["range"]
    return torch.randint(low, high, shape, generator=generator, dtype=getattr(torch, f["dtype"]))


def manifest_shape(path):
    """The input shape a maker's manifest.json records for path, looking in its folder and 3 above."""
    path = os.path.abspath(path)
    d = os.path.dirname(path)
    for _ in range(4):
        m = os.path.join(d, "manifest.json")
        if os.path.isfile(m):
            try:
                with open(m) as f:
                    doc = json.load(f)
            except (OSError, ValueError):
                return None
            rel = os.path.relpath(path, d)
            entry = doc.get("files", {}).get(rel) if isinstance(doc.get("files"), dict) else None
            if entry is not None:
                return entry.get("input_shape")
            return doc.get("input_shape")
        d = os.path.dirname(d)
    return None


def ort_available():
    try:
        import onnxruntime  # noqa: F401
        return True
    except ImportError:
        return False


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", help=".pt (TorchScript) or .onnx files; ratios are to the first")
    p.add_argument("--batch", type=int, nargs="+", default=[1, 256])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--flush", nargs="+", default=list(FLUSH_MODES), help="none, before, after (default all)")
    p.add_argument("--input-shape", type=int, nargs="+", help="one sample's shape, e.g. 3 32 32 (all files)")
    p.add_argument("--input-dtype", default="float32", help="float32 (default), int64 or int32 (token ids)")
    p.add_argument("--input-range", type=int, nargs=2, metavar=("LOW", "HIGH"),
                   help="ids uniform in [LOW, HIGH) for an integer --input-dtype (required then)")
    p.add_argument("--seconds", type=float, default=2.0, help="time budget per batch size and process")
    p.add_argument("--min-rounds", type=int, default=5)
    p.add_argument("--block-ms", type=float, default=2.0, help="about this long per file per round")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    a = p.parse_args()

    def fail(msg):
        print(msg, file=sys.stderr)
        sys.exit(2)

    if a.child:
        return a
    for m in a.flush:
        if m not in FLUSH_MODES:
            fail(f"--flush: {m!r} is not one of {', '.join(FLUSH_MODES)}")
    if min(a.batch) < 1 or min(a.threads) < 1 or a.min_rounds < 1 or a.seconds <= 0 or a.block_ms <= 0:
        fail("--batch, --threads and --min-rounds must be >= 1, --seconds and --block-ms > 0")
    if a.input_shape is not None and min(a.input_shape) < 1:
        fail(f"--input-shape: {a.input_shape} has a size below 1")
    if a.input_dtype not in INPUT_DTYPES:
        fail(f"--input-dtype: {a.input_dtype!r} is not one of {', '.join(INPUT_DTYPES)}")
    if a.input_dtype == "float32" and a.input_range is not None:
        fail("--input-range: applies to an integer --input-dtype (int64, int32), not float32")
    if a.input_dtype != "float32" and a.input_range is None:
        fail(f"--input-range: required with --input-dtype {a.input_dtype} (ids uniform in [LOW, HIGH))")
    if a.input_range is not None and not 0 <= a.input_range[0] < a.input_range[1]:
        fail(f"--input-range: [{a.input_range[0]}, {a.input_range[1]}) needs 0 <= LOW < HIGH")
    specs, has_ort = [], ort_available()
    for f in a.files:
        if not os.path.isfile(f):
            fail(f"FILES: {f} is not a file")
        ext = os.path.splitext(f)[1].lower()
        if ext not in (".pt", ".onnx"):
            fail(f"FILES: {f} is neither .pt (TorchScript) nor .onnx")
        if ext == ".onnx" and not has_ort:
            print(f"onnxruntime is not importable by {sys.executable}: skipping {f}", file=sys.stderr)
            continue
        shape = a.input_shape or manifest_shape(f)
        if not shape:
            fail(f"--input-shape: not given and no manifest.json beside {f} names its input shape")
        if ext == ".onnx" and a.input_dtype != "float32":
            fail(f"--input-dtype: {a.input_dtype} ids are fed to TorchScript files only, not {f}")
        specs.append({"path": os.path.abspath(f), "name": f, "kind": ext[1:], "shape": list(shape),
                      "dtype": a.input_dtype, "range": a.input_range})
    if not specs:
        fail("FILES: nothing left to time (every file was .onnx and onnxruntime is not importable)")
    a.specs = specs
    return a


# ---------------------------------------------------------------- child: one flush mode, one thread count
def os_threads():
    return len(os.listdir("/proc/self/task"))


def child(spec):
    import torch  # imported here: nothing may run before "flush before"
    diag = {"flush": spec["flush"], "threads": spec["threads"], "os_threads_at_import": os_threads()}
    if spec["flush"] == "before":
        diag["flush_denormal_supported"] = bool(torch.set_flush_denormal(True))
    sys.path.insert(0, HERE)
    import ref_common as rc
    t = spec["threads"]
    torch.set_num_threads(t)
    diag["openblas_threads"] = rc.set_blas_threads(t)
    diag["torch_threads"] = torch.get_num_threads()
    models = {}
    for f in spec["files"]:
        if f["kind"] == "onnx":
            import onnxruntime as ort
            so = ort.SessionOptions()
            so.intra_op_num_threads, so.inter_op_num_threads = t, 1
            sess = ort.InferenceSession(f["path"], so, providers=["CPUExecutionProvider"])
            models[f["path"]] = lambda x, s=sess: s.run(None, {"x": x.numpy()})
        else:
            models[f["path"]] = torch.jit.load(f["path"]).eval()
    with torch.inference_mode():
        torch.rand(1 << 20).relu_()  # a parallel ATen op (grain 32768): starts the OpenMP pool
        torch.rand(512, 512) @ torch.rand(512, 512)  # a threaded sgemm: starts OpenBLAS's workers
        for f in spec["files"]:
            for b in spec["batches"]:
                for _ in range(3):
                    models[f["path"]](make_input(torch, f, b))
    diag["os_threads_pools_started"] = os_threads()
    if spec["flush"] == "after":
        diag["flush_denormal_supported"] = bool(torch.set_flush_denormal(True))
    cells = []
    for b in spec["batches"]:
        cells += time_batch(torch, models, spec, b)
    diag["os_threads_end"] = os_threads()
    print(json.dumps({"diag": diag, "cells": cells}))


def time_batch(torch, models, spec, batch):
    gen = torch.Generator().manual_seed(batch)
    files = spec["files"]
    xs = {f["path"]: make_input(torch, f, batch, gen) for f in files}
    clock = time.perf_counter_ns
    samples = {f["path"]: [] for f in files}
    with torch.inference_mode():
        calls = {}
        for f in files:  # a block of about block_ms per file
            m, x = models[f["path"]], xs[f["path"]]
            est = []
            for _ in range(5):
                t0 = clock()
                m(x)
                est.append(clock() - t0)
            calls[f["path"]] = max(1, int(spec["block_ms"] * 1e6 / statistics.median(est)))
        deadline, rounds = time.monotonic() + spec["seconds"], 0
        while rounds < spec["min_rounds"] or time.monotonic() < deadline:
            k = rounds % len(files)
            for f in files[k:] + files[:k]:
                m, x, out = models[f["path"]], xs[f["path"]], samples[f["path"]]
                for _ in range(calls[f["path"]]):
                    t0 = clock()
                    m(x)
                    out.append(clock() - t0)
            rounds += 1
    cells = []
    for f in files:
        s = sorted(samples[f["path"]])
        cells.append({"file": f["name"], "batch": batch, "flush": spec["flush"], "threads": spec["threads"],
                      "p50_ns": int(statistics.median(s)), "p10_ns": s[len(s) // 10],
                      "p90_ns": s[(9 * len(s)) // 10], "calls": len(s), "rounds": rounds})
    return cells


# ---------------------------------------------------------------- parent
def run_child(a, flush, threads):
    spec = {"flush": flush, "threads": threads, "batches": a.batch, "files": a.specs, "seconds": a.seconds,
            "min_rounds": a.min_rounds, "block_ms": a.block_ms}
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "x", "--child", json.dumps(spec)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit(f"the timing process for flush {flush}, {threads} threads failed "
                         f"(exit {r.returncode})")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    a = parse()
    if a.child:
        child(json.loads(a.child))
        return
    sys.path.insert(0, HERE)
    import ref_common as rc
    env = rc.environment()
    load0 = os.getloadavg()[0]
    started = time.perf_counter()
    cells, diags = [], []
    for flush in a.flush:
        for t in a.threads:
            out = run_child(a, flush, t)
            cells += out["cells"]
            diags.append(out["diag"])
    first = a.specs[0]["name"]
    base = {(c["batch"], c["threads"], c["flush"]): c["p50_ns"] for c in cells if c["file"] == first}
    for c in cells:
        c["ratio_to_first"] = round(c["p50_ns"] / base[(c["batch"], c["threads"], c["flush"])], 3)
    print(f"CPU: {env['cpu_model']} (family {env['cpu_id'].get('cpu family')} model "
          f"{env['cpu_id'].get('model')}), {env['cpus_allowed']} CPUs allowed; torch {env['pytorch_version']}; "
          f"{env['blas']['openblas_config'] or 'no OpenBLAS'}; load average {load0:.1f} at the start")
    print(f"{'file':<48} {'batch':>5} {'thr':>3} {'flush':>6} {'p50 us':>10} {'p10':>9} {'p90':>9} "
          f"{'calls':>6} {'ratio':>7}")
    for c in sorted(cells, key=lambda c: (c["batch"], c["threads"], FLUSH_MODES.index(c["flush"]))):
        print(f"{c['file'][-48:]:<48} {c['batch']:>5} {c['threads']:>3} {c['flush']:>6} "
              f"{c['p50_ns'] / 1e3:>10.1f} {c['p10_ns'] / 1e3:>9.1f} {c['p90_ns'] / 1e3:>9.1f} {c['calls']:>6} "
              f"{c['ratio_to_first']:>7.2f}")
    for d in diags:
        print(f"process flush={d['flush']} threads={d['threads']}: torch threads {d['torch_threads']}, "
              f"OpenBLAS threads {d['openblas_threads']}, OS threads at import {d['os_threads_at_import']}, "
              f"after the pools started {d['os_threads_pools_started']}, at the end {d['os_threads_end']}")
    if a.json:
        rc.write_json(a.json, {
            "reference": "eval_timing", "argv": sys.argv[1:], "environment": env,
            "files": a.specs, "loadavg_1m_before_after": [round(load0, 2), round(os.getloadavg()[0], 2)],
            "wall_s": round(time.perf_counter() - started, 1), "processes": diags, "cells": cells})
        print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
