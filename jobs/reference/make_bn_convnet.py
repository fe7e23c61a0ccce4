#!/usr/bin/env python3
"""A small conv net with BatchNorm, trained in PyTorch with SGD and weight decay on synthetic images and
saved as a series of TorchScript checkpoints (and ONNX with --onnx): a conv model for infersweep's
checkpoint source whose files carry buffers (BatchNorm's running_mean, running_var, num_batches_tracked)
besides parameters.

The net (input [N, 3, 32, 32], 10 classes): conv 3x3 3 -> 16 (padding 1), BatchNorm2d, ReLU, max pool 2,
conv 3x3 16 -> 32 (padding 1), BatchNorm2d, ReLU, global average pool, linear 32 -> 10. The data: --samples
fixed images torch.randn(3, 32, 32) with labels uniform in 0..9 (random, so there is nothing to learn but
memorising), the whole set every step (full batch), cross-entropy; SGD at --lr with --weight-decay applied
to every parameter (torch.optim.SGD's weight_decay, as a user writes it: BatchNorm's weight and bias decay
too). Checkpoints at step 0 and every --every steps to --steps, written as train_58220_checkpoints.py
does (OUT/step_<N>.pt of an eval-mode copy, running statistics included; OUT/manifest.json with the
subnormal and zero counts of every floating tensor of the state_dict, buffers too).

Why the defaults (lr 0.1, weight decay 2.5, 400 steps, every 25): each step multiplies every parameter by
1 - lr * wd = 0.75 besides its gradient. Weight decay large enough makes the trivial model (everything
0) the optimum of this random-label task, so the weights shrink geometrically and pass through fp32's
subnormal range; BatchNorm's running statistics follow them down (running_mean/var are
0.9 * old + 0.1 * batch statistic). Unlike lr * wd >= 0.5 (conf/cases/torchscript-cnn.yaml's 0.5, where
a subnormal weight halves and rounds to 0 within ~25 steps), 0.75 * k ulp rounds back to k for k = 1, 2,
and 0.9 * k ulp to k for k <= 5: once there, the smallest subnormals stay, so the series keeps subnormal
tensors to its end. What a run actually produced is in its manifest; the printed per-tensor shares say
whether it worked on this CPU.

The ONNX files are NOT the same values: torch.onnx.export (1.13) of an eval-mode model folds each
BatchNorm into the conv before it (constant folding off or not), so the .onnx holds fused conv weights
w * gamma / sqrt(running_var + eps) and no BatchNorm or running statistics; with w and gamma both
subnormal the fused weights underflow to 0 (manifest: onnx_initializer_subnormals). Measured here at
step 400: 0 subnormal fused conv weights, 16 + 32 subnormal fused biases, 314 subnormal fc weights.

    /usr/bin/python3 jobs/reference/make_bn_convnet.py --out DIR [--steps 400] [--every 25] [--seed 1]
        [--optimizer sgd|adam|adamw] [--lr 0.1] [--weight-decay 2.5] [--momentum 0] [--samples 64]
        [--onnx] [--threads 1]
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_common as rc  # noqa: E402

SHAPE = (3, 32, 32)
CLASSES = 10


class BnConvNet(nn.Module):
    """conv-BN-ReLU-pool, conv-BN-ReLU, global average pool, linear; [N, 3, 32, 32] -> [N, 10]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.relu(self.bn2(self.conv2(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder to create (must not exist)")
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--every", type=int, default=25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--optimizer", default="sgd", help="sgd (default), adam or adamw")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=2.5)
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (default 0)")
    p.add_argument("--samples", type=int, default=64, help="synthetic images, all of them every step")
    p.add_argument("--onnx", action="store_true", help="also write step_<N>.onnx")
    p.add_argument("--threads", type=int, default=1, help="intra-op and OpenBLAS threads (default 1)")
    a = p.parse_args()
    bad = None
    if a.optimizer not in ("sgd", "adam", "adamw"):
        bad = f"--optimizer: {a.optimizer!r} is not one of sgd, adam, adamw"
    elif a.steps < 1 or a.every < 1 or a.samples < 2 or a.threads < 1:
        bad = "--steps, --every and --threads must be at least 1, --samples at least 2 (BatchNorm)"
    elif a.lr <= 0 or a.weight_decay < 0 or not 0 <= a.momentum < 1:
        bad = "--lr must be > 0, --weight-decay >= 0, --momentum in [0, 1)"
    elif os.path.exists(a.out) or os.path.exists(a.out + ".partial"):
        bad = f"--out: {a.out} (or {a.out}.partial) already exists; give a new folder"
    if bad:
        print(bad, file=sys.stderr)
        sys.exit(2)
    return a


def make_optimizer(a, params):
    if a.optimizer == "sgd":
        return torch.optim.SGD(params, lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
    cls = torch.optim.Adam if a.optimizer == "adam" else torch.optim.AdamW
    return cls(params, lr=a.lr, weight_decay=a.weight_decay)


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    blas_threads = rc.set_blas_threads(a.threads)
    torch.set_flush_denormal(False)  # PyTorch's default, stated
    work = a.out + ".partial"
    os.makedirs(work)
    torch.manual_seed(a.seed)
    model = BnConvNet()
    x, y = torch.randn(a.samples, *SHAPE), torch.randint(0, CLASSES, (a.samples,))
    optimizer = make_optimizer(a, model.parameters())

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    checkpoints, wall_s = rc.train_with_checkpoints(model, step, a.steps, a.every, work, x[:1], a.onnx)
    setup = {
        "net": "conv3x3(3,16) BN ReLU maxpool2 conv3x3(16,32) BN ReLU avgpool Linear(32,10)",
        "loss": "cross_entropy", "optimizer": a.optimizer, "lr": a.lr,
        "weight_decay": a.weight_decay, "momentum": a.momentum,
        "data": f"{a.samples} fixed torch.randn(3, 32, 32) images, labels randint(0, 10), full batch",
        "seed": a.seed, "steps": a.steps, "every": a.every,
        "threads": a.threads, "openblas_threads": blas_threads,
    }
    rc.publish_series(work, a.out, "jobs/reference/make_bn_convnet.py", SHAPE, CLASSES, setup, checkpoints, wall_s)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
