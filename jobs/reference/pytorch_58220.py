#!/usr/bin/env python3
"""PyTorch issue #58220 ("After the Adam optimizer used weight_decay, the model became extremely slow
when tested on the CPU") in PyTorch from Python: the reference for whether a model's inference slows as
it trains because its weights become subnormal (Debian's python3-torch, never a runtime dependency of
infersweep). https://github.com/pytorch/pytorch/issues/58220

The set-up is the issue's test script (itself adapted from #51539): a Q-function MLP 20 -> 256 -> 1
(Linear, ReLU, Linear; PyTorch's default init), Adam with lr 3e-4, and every step a fresh minibatch
o = torch.rand(256, 20) (an unused second input a = torch.rand(256, 20) is drawn too, as the issue does,
so the random stream is the issue's) with targets backup = torch.rand(256), uniform on [0, 1).
The loss is the issue's expression ((q - backup) ** 2).mean() with q of shape (256, 1): it broadcasts
to 256 x 256, which is the MSE against the batch's mean target plus a constant (same gradient);
--elementwise-loss uses the per-sample MSE instead. Differences from the issue: one thread (the issue
uses two), a fixed seed, 20,000 steps by default (the issue loops until interrupted), AdamW as well
as Adam, and the issue's own timing (one eval call every 5000 steps) replaced by the figures below.

For each optimizer in --optimizers and each weight decay in --weight-decays, from the same seed (same
init, same batch sequence): the median training-step time (us, wall clock and the thread's CPU time;
the whole iteration: drawing the batch, zero_grad, forward, backward, optimizer step) over the first
1000 and over the last 1000 steps (the first and last half when --steps is under 2000), the
"normal" and the "subnormal" regime (training slows too once weights or optimizer state are subnormal,
PyTorch #51539); the share of subnormal values (fp32: nonzero |x| < 2^-126) in each parameter tensor,
in all weights and in Adam's state; and the eval call (model.eval(), torch.no_grad(), output copied to
numpy) at batch 1 and 256 of the trained model and of an untrained copy (the same init), timed in
alternating blocks so the machine's drift cancels: p50 per call (us) and trained / untrained, first as
PyTorch runs by default and then under torch.set_flush_denormal(True) (restored to False after).
Prints one JSON object; --progress N reports on stderr as it trains.

Cost: the step is expensive where PyTorch uses a plain BLAS. On the development machine (Debian's
python3-torch on the reference libblas, one thread) a step takes ~5 ms while weights are normal, and
under Adam with weight decay 1e-2 ~13 ms at step 5000 (13% of weights subnormal) and ~37 ms at step
6000 (23%), still climbing; a 20,000-step run with decay there is far over 10 CPU-minutes, so
results/pytorch_58220-xeon-f6m167.json was measured with --steps 5000 (the whole grid, ~2.5 CPU-min).

    /usr/bin/python3 jobs/reference/pytorch_58220.py [--steps N] [--optimizers adam,adamw]
        [--weight-decays 0,1e-4,1e-2] [--runs adam:0,adamw:1e-2] [--seed N] [--eval-blocks N]
        [--eval-block-calls N] [--eval-block-calls-b256 N] [--elementwise-loss] [--progress N]
"""
import argparse
import copy
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn

ISSUE_URL = "https://github.com/pytorch/pytorch/issues/58220"
LR = 3e-4
BATCH = 256
OBS_DIM = 20
HIDDEN = 256
WINDOW = 1000  # steps in the "first" and "last" training-time windows
FP32_MIN_NORMAL = 2.0 ** -126


class MLPQFunction(nn.Module):
    """The issue's Q-function: q(obs) = Linear(ReLU(Linear(obs))), the action ignored."""

    def __init__(self, obs_dim=OBS_DIM, hidden_dim=HIDDEN):
        super().__init__()
        self.q = nn.Sequential(nn.Linear(obs_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, 1))

    def forward(self, obs):
        return self.q(obs)


def subnormal_counts(t):
    a = t.detach().abs()
    return int(((a > 0) & (a < FP32_MIN_NORMAL)).sum()), int((a == 0).sum()), a.numel()


def subnormal_report(model, optimizer):
    per_param, sub_all, zero_all, n_all = {}, 0, 0, 0
    for name, p in model.named_parameters():
        sub, zero, n = subnormal_counts(p)
        per_param[name] = round(sub / n, 6)
        sub_all, zero_all, n_all = sub_all + sub, zero_all + zero, n_all + n
    state = {}
    for key in ("exp_avg", "exp_avg_sq"):
        sub_s, n_s = 0, 0
        for s in optimizer.state.values():
            if key in s:
                sub, _, n = subnormal_counts(s[key])
                sub_s, n_s = sub_s + sub, n_s + n
        state[key] = round(sub_s / n_s, 6) if n_s else None
    return {
        "subnormal_share_per_param": per_param,
        "subnormal_share_overall": round(sub_all / n_all, 6),
        "subnormal_count_overall": sub_all,
        "zero_share_overall": round(zero_all / n_all, 6),
        "param_count": n_all,
        "subnormal_share_optimizer_state": state,
    }


def train(optimizer_name, weight_decay, steps, seed, elementwise_loss, progress=0):
    """Trains from the seed; returns the trained model, an untrained copy, the optimizer, step times (ns)."""
    torch.manual_seed(seed)
    model = MLPQFunction()
    untrained = copy.deepcopy(model)
    opt_cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[optimizer_name]
    optimizer = opt_cls(model.parameters(), lr=LR, weight_decay=weight_decay)
    step_ns, step_cpu_ns, losses = [], [], []
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    for _ in range(steps):
        c0 = cpu_clock()
        t0 = clock()
        o, _a = torch.rand(BATCH, OBS_DIM), torch.rand(BATCH, OBS_DIM)
        backup = torch.rand(BATCH)
        optimizer.zero_grad()
        q = model(o)
        if elementwise_loss:
            q = q.squeeze(1)
        loss = ((q - backup) ** 2).mean()
        loss.backward()
        optimizer.step()
        step_ns.append(clock() - t0)
        step_cpu_ns.append(cpu_clock() - c0)
        losses.append(loss.item())
        if progress and len(step_ns) % progress == 0:
            print(f"{optimizer_name} wd={weight_decay:g} step {len(step_ns)}: "
                  f"median step {statistics.median(step_ns[-progress:]) / 1000:.1f} us, subnormal share "
                  f"{subnormal_report(model, optimizer)['subnormal_share_overall']:.4f}",
                  file=sys.stderr, flush=True)
    return model, untrained, optimizer, step_ns, step_cpu_ns, losses


def eval_p50_us(trained, untrained, batch, blocks, block_calls, seed):
    """p50 per eval call of each model, timed in alternating blocks (T U, U T, T U, ...)."""
    gen = torch.Generator().manual_seed(seed + batch)
    x = torch.rand(batch, OBS_DIM, generator=gen)
    models = {"trained": trained.eval(), "untrained": untrained.eval()}
    samples = {"trained": [], "untrained": []}
    clock = time.perf_counter_ns
    with torch.no_grad():
        for m in models.values():  # warm-up: allocator, dispatcher caches
            for _ in range(min(200, 4 * block_calls)):
                m(x).numpy()
        for block in range(blocks):
            order = ("trained", "untrained") if block % 2 == 0 else ("untrained", "trained")
            for name in order:
                m, out = models[name], samples[name]
                for _ in range(block_calls):
                    t0 = clock()
                    m(x).numpy()  # materialise, as the Java side copies the output
                    out.append(clock() - t0)
    t = statistics.median(samples["trained"]) / 1000
    u = statistics.median(samples["untrained"]) / 1000
    return {"trained_p50_us": round(t, 3), "untrained_p50_us": round(u, 3), "ratio": round(t / u, 3)}


def eval_report(trained, untrained, blocks, block_calls, seed):
    """block_calls: {batch: eval calls per block}."""
    out = {}
    for flush in (False, True):
        if flush:
            supported = torch.set_flush_denormal(True)
            out["flush_denormal_supported"] = bool(supported)
        try:
            for batch in (1, BATCH):
                r = eval_p50_us(trained, untrained, batch, blocks, block_calls[batch], seed)
                tag = f"eval_b{batch}" + ("_flush" if flush else "")
                out.update({f"{tag}_{k}": v for k, v in r.items()})
        finally:
            if flush:
                torch.set_flush_denormal(False)
    return out


def run_one(optimizer_name, weight_decay, args):
    model, untrained, optimizer, step_ns, step_cpu_ns, losses = train(
        optimizer_name, weight_decay, args.steps, args.seed, args.elementwise_loss, args.progress)
    window = min(WINDOW, max(1, args.steps // 2))
    first = statistics.median(step_ns[:window]) / 1000
    last = statistics.median(step_ns[-window:]) / 1000
    first_cpu = statistics.median(step_cpu_ns[:window]) / 1000
    last_cpu = statistics.median(step_cpu_ns[-window:]) / 1000
    tail = losses[-min(100, len(losses)):]
    return {
        "optimizer": optimizer_name,
        "weight_decay": weight_decay,
        "steps": args.steps,
        "train_step_window": window,
        "train_step_us_first1000": round(first, 2),  # the "normal" regime
        "train_step_us_last1000": round(last, 2),  # the "subnormal" regime once weights decay
        "train_step_ratio_last_over_first": round(last / first, 3),
        # the same from the thread's CPU time, which a loaded machine's preemption does not inflate
        "train_step_cpu_us_first1000": round(first_cpu, 2),
        "train_step_cpu_us_last1000": round(last_cpu, 2),
        "train_step_cpu_ratio_last_over_first": round(last_cpu / first_cpu, 3),
        "train_cpu_s": round(sum(step_cpu_ns) / 1e9, 1),
        "loss_last100_mean": round(statistics.fmean(tail), 6),
        **subnormal_report(model, optimizer),
        **eval_report(model, untrained, args.eval_blocks,
                      {1: args.eval_block_calls, BATCH: args.eval_block_calls_b256}, args.seed),
    }


def cpu_model():
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


def blas_libraries():
    """The BLAS/oneDNN shared objects this process has loaded (after a matmul), for the record."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open("/proc/self/maps") as f:
            return sorted({line.split()[-1] for line in f
                           if any(s in line for s in ("blas", "lapack", "mkl", "dnnl"))})
    except OSError:
        return []


def floats(s):
    return [float(v) for v in s.split(",") if v]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--optimizers", default="adam,adamw", help="comma-separated: adam, adamw")
    parser.add_argument("--weight-decays", type=floats, default=[0.0, 1e-4, 1e-2], help="comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-blocks", type=int, default=10, help="alternating blocks per model")
    parser.add_argument("--eval-block-calls", type=int, default=200, help="batch-1 eval calls per block")
    parser.add_argument("--eval-block-calls-b256", type=int, default=10, help="batch-256 eval calls per block")
    parser.add_argument("--runs", default="",
                        help="explicit optimizer:weight_decay pairs, e.g. adam:0,adamw:1e-2 (instead of the grid)")
    parser.add_argument("--progress", type=int, default=0, metavar="N",
                        help="every N steps, the last N steps' median and the subnormal share on stderr")
    parser.add_argument("--elementwise-loss", action="store_true",
                        help="per-sample MSE instead of the issue's broadcasting expression")
    args = parser.parse_args()
    if args.runs:
        pairs = []
        for item in args.runs.split(","):
            o, _, wd = item.strip().partition(":")
            pairs.append((o.strip().lower(), float(wd)))
    else:
        optimizers = [o.strip().lower() for o in args.optimizers.split(",") if o.strip()]
        pairs = [(o, wd) for o in optimizers for wd in args.weight_decays]
    for o, _ in pairs:
        if o not in ("adam", "adamw"):
            parser.error(f"unknown optimizer {o!r}")
    if args.steps < 2:
        parser.error("--steps must be at least 2")
    torch.set_num_threads(1)
    torch.set_flush_denormal(False)  # PyTorch's default, stated
    cpu = cpu_model()
    started = time.perf_counter()
    load_before = os.getloadavg()
    runs = [run_one(o, wd, args) for o, wd in pairs]
    wall_s = round(time.perf_counter() - started, 1)
    print(json.dumps({
        "reference": "pytorch_58220",
        "issue": ISSUE_URL,
        "argv": sys.argv[1:],
        "pytorch_version": torch.__version__,
        "python_version": platform.python_version(),
        "platform_processor": platform.processor(),
        "cpu_model": cpu.get("model name", ""),
        "cpu_id": {k: cpu[k] for k in ("vendor_id", "cpu family", "model", "stepping") if k in cpu},
        "blas_libraries": blas_libraries(),
        "threads": torch.get_num_threads(),
        "setup": {
            "net": "Linear(20,256) ReLU Linear(256,1)", "lr": LR, "batch": BATCH,
            "inputs": "torch.rand(256, 20) fresh each step", "targets": "torch.rand(256) fresh each step",
            "loss": "per-sample MSE" if args.elementwise_loss
            else "((q - backup) ** 2).mean(), q (256,1) vs backup (256,): broadcasts, as the issue",
            "seed": args.seed, "eval_blocks": args.eval_blocks,
            "eval_block_calls": {"b1": args.eval_block_calls, "b256": args.eval_block_calls_b256},
            "subnormal": "fp32 nonzero |x| < 2^-126",
        },
        "wall_s": wall_s,
        "loadavg_1m_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "runs": runs,
    }))


if __name__ == "__main__":
    main()
