"""PyTorch's own Adam/AdamW on the set-up of conf/cases/recommender-adam.yaml, to see how far the
embedding table and the MLP drift into subnormals and whether they stay there (Debian's PyTorch 1.13;
a reference only, never a runtime dependency). It is the scratch run docs/cases.md cites for choosing
that grid's checkpoints, cleaned: same model, data and order of operations.

The fixture recommender.pt, trained in train mode on one thread: every step a fresh minibatch of 64 bags
of 8 ids uniform in [0, 30000) and 64 random classes from one torch.Generator seeded with --seed,
cross-entropy, lr 1e-3, PyTorch's betas and eps. Every --every steps one line: the step, seconds so far,
the loss, and per tensor the subnormal values, zeros, and the largest, median and smallest nonzero |value|.
Its own random ids, not infersweep's: the figures are PyTorch's dynamics, not a replay of the sweep.

  /usr/bin/python3 jobs/reference/recommender_adam_sim.py --optimizer adam --weight-decay 1e-2 \
      --steps 20000 --every 2000 [--json OUT.json]
"""
import argparse
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ref_common  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "..", "src", "test", "resources", "torchscript", "recommender.pt")


def tensor_line(model):
    out = {}
    for name, p in model.named_parameters():
        d = p.detach()
        nz = d[d != 0].abs()
        out[name] = {"subnormal": int(((d != 0) & (d.abs() < torch.finfo(d.dtype).tiny)).sum()), "numel": d.numel(),
                     "zero": int((d == 0).sum()), "max_abs": float(d.abs().max()), "median_abs": float(d.abs().median()),
                     "min_nonzero_abs": float(nz.min()) if nz.numel() else 0.0}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--every", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the lines here")
    a = ap.parse_args()
    torch.set_num_threads(1)
    m = torch.jit.load(FIXTURE)
    m.train()
    opt_class = torch.optim.Adam if a.optimizer == "adam" else torch.optim.AdamW
    opt = opt_class(m.parameters(), lr=1e-3, weight_decay=a.weight_decay)
    g = torch.Generator().manual_seed(a.seed)
    lines, start = [], time.time()
    for step in range(1, a.steps + 1):
        x = torch.randint(0, 30000, (64, 8), generator=g)
        y = torch.randint(0, 2, (64,), generator=g)
        loss = torch.nn.functional.cross_entropy(m(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % a.every == 0:
            line = {"step": step, "seconds": round(time.time() - start, 1), "loss": float(loss), "tensors": tensor_line(m)}
            lines.append(line)
            print(step, line["seconds"], round(line["loss"], 4), " ".join(
                f"{n}:{t['subnormal']}/{t['numel']} zeros{t['zero']} max{t['max_abs']:.2e} med{t['median_abs']:.2e} "
                f"min{t['min_nonzero_abs']:.2e}" for n, t in line["tensors"].items()), flush=True)
    if a.json:
        ref_common.write_json(a.json, {"environment": ref_common.environment(), "setup": vars(a), "lines": lines})


if __name__ == "__main__":
    main()
