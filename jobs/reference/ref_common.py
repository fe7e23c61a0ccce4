"""Helpers shared by the checkpoint-series and registry makers and eval_timing.py (Debian's PyTorch 1.13;
references only, never a runtime dependency of infersweep).

- the CPU and the BLAS this process runs on, for the record beside every figure;
- OpenBLAS's own thread count: Debian's python3-torch calls sgemm in whatever libblas.so.3 the system's
  alternative names; with OpenBLAS (pthread build) that library keeps its own worker pool, sized from
  the core count at load time, which torch.set_num_threads does NOT change. set_blas_threads does.
- subnormal counts per tensor: (t != 0) & (|t| < finfo(t.dtype).tiny), for floating tensors;
- saving one checkpoint: TorchScript (torch.jit.script of an eval-mode copy) and optionally ONNX;
- the makers' training loop, which saves those checkpoints with their subnormal counts and step times.
"""
import copy
import ctypes
import json
import os
import platform
import statistics
import sys
import time

import torch


def cpu_model():
    """The first processor's model name and id fields from /proc/cpuinfo ({} where unreadable)."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" in line:
                    k, v = (s.strip() for s in line.split(":", 1))
                    if k in ("model name", "vendor_id", "cpu family", "model", "stepping") and k not in info:
                        info[k] = v
                if not line.strip() and info:
                    break
    except OSError:
        pass
    return info


def _openblas():
    """The OpenBLAS library this process has loaded, or None (reference BLAS, MKL, not loaded yet)."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line and "/" in line})
    except OSError:
        return None
    for p in paths:
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_num_threads"):
            return lib
    return None


def blas_info():
    """The BLAS/oneDNN/OpenMP libraries loaded (after a matmul) and OpenBLAS's config and thread count."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f
                           if any(s in line for s in ("blas", "lapack", "mkl", "dnnl", "gomp", "iomp"))})
    except OSError:
        libs = []
    out = {"libraries": libs, "openblas_config": None, "openblas_threads": None}
    lib = _openblas()
    if lib is not None:
        lib.openblas_get_config.restype = ctypes.c_char_p
        out["openblas_config"] = lib.openblas_get_config().decode()
        out["openblas_threads"] = int(lib.openblas_get_num_threads())
    return out


def set_blas_threads(n):
    """Sets OpenBLAS's pool to n threads; returns the count it reports, or None where no OpenBLAS is loaded."""
    torch.ones(2, 2) @ torch.ones(2, 2)  # makes sure libblas is loaded
    lib = _openblas()
    if lib is None:
        return None
    lib.openblas_set_num_threads(int(n))
    return int(lib.openblas_get_num_threads())


def environment():
    cpu = cpu_model()
    return {
        "pytorch_version": torch.__version__,
        "python_version": platform.python_version(),
        "cpu_model": cpu.get("model name", ""),
        "cpu_id": {k: cpu[k] for k in ("vendor_id", "cpu family", "model", "stepping") if k in cpu},
        "cpus_allowed": len(os.sched_getaffinity(0)),
        "blas": blas_info(),
    }


def subnormal_stats(t):
    """{shape, numel, subnormal, zero, subnormal_share} of a floating tensor; None for other dtypes."""
    if not t.is_floating_point():
        return None
    t = t.detach()
    tiny = torch.finfo(t.dtype).tiny
    sub = int(((t != 0) & (t.abs() < tiny)).sum())
    zero = int((t == 0).sum())
    n = t.numel()
    return {"shape": list(t.shape), "numel": n, "subnormal": sub, "zero": zero,
            "subnormal_share": round(sub / n, 6) if n else 0.0}


def tensor_report(module):
    """Subnormal stats of every floating tensor of the state_dict (parameters and buffers), and totals."""
    tensors = {}
    for name, t in module.state_dict().items():
        s = subnormal_stats(t)
        if s is not None:
            tensors[name] = s
    n = sum(s["numel"] for s in tensors.values())
    sub = sum(s["subnormal"] for s in tensors.values())
    zero = sum(s["zero"] for s in tensors.values())
    return {"tensors": tensors, "numel": n, "subnormal": sub, "zero": zero,
            "subnormal_share": round(sub / n, 6) if n else 0.0}


def onnx_initializer_subnormals(path):
    """Subnormal count of each fp32 initializer of an ONNX file (checks the export kept the values)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    model = onnx.load(path)
    out = {}
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype == np.float32:
            tiny = np.finfo(np.float32).tiny
            out[init.name] = int(((a != 0) & (np.abs(a) < tiny)).sum())
    return out


def save_checkpoint(model, out_dir, stem, example, with_onnx, opset=13):
    """Writes OUT/stem.pt (TorchScript of an eval-mode copy) and, with_onnx, OUT/stem.onnx with a dynamic
    batch axis and input name x. Returns {file, onnx_file, onnx_initializer_subnormals}."""
    frozen = copy.deepcopy(model).eval()
    pt = os.path.join(out_dir, stem + ".pt")
    torch.jit.script(frozen).save(pt)
    rec = {"file": os.path.basename(pt)}
    if with_onnx:
        path = os.path.join(out_dir, stem + ".onnx")
        # constant folding off: the initializers stay the module's own tensors, bit for bit
        torch.onnx.export(frozen, example, path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=opset,
                          do_constant_folding=False)
        rec["onnx_file"] = os.path.basename(path)
        rec["onnx_initializer_subnormals"] = onnx_initializer_subnormals(path)
    return rec


def write_json(path, obj):
    """Writes JSON atomically (a temp file renamed), so a reader never sees half a manifest."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def checkpoint_steps(steps, every):
    """0, every, 2*every, ..., steps (steps itself included even when not a multiple)."""
    out = list(range(0, steps + 1, every))
    if out[-1] != steps:
        out.append(steps)
    return out


def print_tensor_line(step, report, file=None):
    parts = [f"{name} {s['subnormal_share']:.4f}" for name, s in report["tensors"].items()]
    print(f"step {step}: subnormal {report['subnormal']}/{report['numel']} "
          f"({report['subnormal_share']:.4f}); per tensor: " + ", ".join(parts), file=file, flush=True)


def train_with_checkpoints(model, step, steps, every, out_dir, example, with_onnx, extra=None):
    """Trains model for `steps` steps, saving a checkpoint (save_checkpoint, tensor_report) at step 0,
    every `every` steps and the last. `step()` runs one optimizer step and returns its loss tensor; it
    is timed alone (model.train() and loss.item() stay outside the clock). `extra()`, if given, adds
    its dict to each checkpoint after step 0 (e.g. the optimizer's state). Returns (checkpoints,
    wall seconds)."""
    wanted = set(checkpoint_steps(steps, every))
    checkpoints, step_ns, losses = [], [], []
    started = time.perf_counter()
    for s in range(steps + 1):
        if s in wanted:
            rec = {"step": s, **save_checkpoint(model, out_dir, f"step_{s}", example, with_onnx)}
            report = tensor_report(model)
            rec.update(report)
            if s > 0:
                window = step_ns[-every:]
                rec.update(extra() if extra else {})
                rec["window_steps"] = len(window)
                rec["window_step_us_median"] = round(statistics.median(window) / 1000, 1)
                rec["window_loss_mean"] = round(statistics.fmean(losses[-every:]), 6)
            checkpoints.append(rec)
            print_tensor_line(s, report)
            if s > 0:
                print(f"  median step {rec['window_step_us_median']} us over the last {rec['window_steps']} "
                      f"steps, loss {rec['window_loss_mean']:.4f}, elapsed "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
        if s == steps:
            break
        model.train()
        t0 = time.perf_counter_ns()
        loss = step()
        step_ns.append(time.perf_counter_ns() - t0)
        losses.append(loss.item())
    return checkpoints, round(time.perf_counter() - started, 1)


def publish_series(work, out, maker, input_shape, outputs, setup, checkpoints, wall_s):
    """Writes work/manifest.json (the maker, its arguments, the input shape, the set-up with how
    subnormals are counted, this machine, the checkpoints) and renames the finished folder work to
    out, so a reader never sees half a series."""
    write_json(os.path.join(work, "manifest.json"), {
        "maker": maker,
        "argv": sys.argv[1:],
        "input_shape": list(input_shape),
        "outputs": outputs,
        "setup": {**setup, "subnormal": "(t != 0) & (|t| < torch.finfo(t.dtype).tiny)"},
        "environment": environment(),
        "wall_s": wall_s,
        "checkpoints": checkpoints,
    })
    os.rename(work, out)
    print(f"wrote {len(checkpoints)} checkpoints and manifest.json to {out}")
