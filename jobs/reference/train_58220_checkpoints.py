#!/usr/bin/env python3
"""PyTorch #58220's critic as a classifier, trained in PyTorch and saved as a series of TorchScript
checkpoints: the input of infersweep's checkpoint source (model.checkpoints: ["DIR/step_*.pt"]).

The set-up of conf/cases/pytorch-58220-classifier.yaml and jobs/reference/pytorch_58220.py: a 20 -> 256 -> 2
network (Linear, ReLU, Linear; PyTorch's default init from --seed), cross-entropy against labels uniform in
{0, 1}, a fresh minibatch every step (x = torch.rand(256, 20), y = torch.randint(0, 2, (256,))), Adam at
lr 3e-4 with weight decay 1e-2 as L2 (torch.optim.Adam's weight_decay; --optimizer adamw for the decoupled
decay that avoids subnormal weights). At step 0 and every --every steps up to --steps it saves
torch.jit.script(<eval-mode copy>).save(OUT/step_<N>.pt) (and with --onnx OUT/step_<N>.onnx: opset 13,
input "x" with a dynamic batch axis, output "y", constant folding off so the initializers are the
weights bit for bit), prints the share of subnormal values, (t != 0) & (|t| < finfo(t.dtype).tiny), per
tensor, and at the end writes OUT/manifest.json: per checkpoint the subnormal and zero counts per tensor
(and per ONNX initializer), in Adam's state, the mean loss and the median step time of the window
before it; the set-up, the CPU and the BLAS.

Deterministic given the seed on one machine (one thread); the values may differ on another CPU or BLAS,
which is fine for a case and why these files are data (/work/refdata/...), not test fixtures.
The series is written to OUT.partial and renamed to OUT when complete; OUT must not exist.

Cost (Intel(R) Xeon(R) Processor, KVM guest, family 6 model 167, 2 cores shared with builds, one thread,
Debian's torch on OpenBLAS 0.3.21): the defaults (6000 steps) took 25 s; --steps 20000 took 288 s under a
load average of 8-12, the median step going from 0.6 ms (weights normal) to 5-18 ms once 40-71 % of
them were subnormal (training slows too, PyTorch #51539).

    /usr/bin/python3 jobs/reference/train_58220_checkpoints.py --out DIR [--steps 6000] [--every 1000]
        [--seed 1] [--optimizer adam|adamw] [--weight-decay 1e-2] [--onnx] [--threads 1]
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_common as rc  # noqa: E402

LR = 3e-4
BATCH = 256
INPUT = 20
HIDDEN = 256
CLASSES = 2


class Critic(nn.Module):
    """The issue's MLPQFunction with two outputs: q(Linear(20, 256), ReLU, Linear(256, 2))."""

    def __init__(self):
        super().__init__()
        self.q = nn.Sequential(nn.Linear(INPUT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.q(x)


def optimizer_report(optimizer):
    """Subnormal share of Adam's moment estimates (all parameters together)."""
    out = {}
    for key in ("exp_avg", "exp_avg_sq"):
        sub, n = 0, 0
        for s in optimizer.state.values():
            if key in s:
                st = rc.subnormal_stats(s[key])
                sub, n = sub + st["subnormal"], n + st["numel"]
        out[key] = {"subnormal": sub, "numel": n, "subnormal_share": round(sub / n, 6) if n else None}
    return out


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder to create (must not exist)")
    p.add_argument("--steps", type=int, default=6000, help="last step (default 6000)")
    p.add_argument("--every", type=int, default=1000, help="checkpoint interval in steps (default 1000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--optimizer", default="adam", help="adam (L2 weight decay, the issue) or adamw")
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--onnx", action="store_true", help="also write step_<N>.onnx")
    p.add_argument("--threads", type=int, default=1, help="intra-op and OpenBLAS threads (default 1)")
    a = p.parse_args()
    bad = None
    if a.optimizer not in ("adam", "adamw"):
        bad = f"--optimizer: {a.optimizer!r} is not one of adam, adamw"
    elif a.steps < 1:
        bad = f"--steps: {a.steps} must be at least 1"
    elif a.every < 1:
        bad = f"--every: {a.every} must be at least 1"
    elif a.weight_decay < 0:
        bad = f"--weight-decay: {a.weight_decay} must be >= 0"
    elif a.threads < 1:
        bad = f"--threads: {a.threads} must be at least 1"
    elif os.path.exists(a.out) or os.path.exists(a.out + ".partial"):
        bad = f"--out: {a.out} (or {a.out}.partial) already exists; give a new folder"
    if bad:
        print(bad, file=sys.stderr)
        sys.exit(2)
    return a


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    blas_threads = rc.set_blas_threads(a.threads)
    torch.set_flush_denormal(False)  # PyTorch's default, stated
    work = a.out + ".partial"
    os.makedirs(work)
    torch.manual_seed(a.seed)
    model = Critic()
    opt_cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[a.optimizer]
    optimizer = opt_cls(model.parameters(), lr=LR, weight_decay=a.weight_decay)
    example = torch.rand(1, INPUT)  # drawn before training: the export input, not part of the batch stream

    def step():
        x, y = torch.rand(BATCH, INPUT), torch.randint(0, CLASSES, (BATCH,))
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    checkpoints, wall_s = rc.train_with_checkpoints(model, step, a.steps, a.every, work, example, a.onnx,
                                                    extra=lambda: {"optimizer_state": optimizer_report(optimizer)})
    setup = {
        "net": "Linear(20,256) ReLU Linear(256,2)", "loss": "cross_entropy",
        "optimizer": a.optimizer, "lr": LR, "weight_decay": a.weight_decay, "batch": BATCH,
        "data": "x = torch.rand(256, 20), y = torch.randint(0, 2, (256,)), fresh every step",
        "seed": a.seed, "steps": a.steps, "every": a.every,
        "threads": a.threads, "openblas_threads": blas_threads,
    }
    rc.publish_series(work, a.out, "jobs/reference/train_58220_checkpoints.py", [INPUT], CLASSES, setup, checkpoints, wall_s)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
