#!/usr/bin/env python3
"""The seed article's SimpleNet in PyTorch from Python: the reference jobs/bench measures infersweep
against (Debian's python3-torch, never a runtime dependency of infersweep).

Prints one JSON object: the full-batch SGD training step (1000 x 10 samples, lr 0.01, as the
article trains) and the batch-1 inference p50 in eager mode (eval, no_grad), both on one thread.

    /usr/bin/python3 jobs/reference/pytorch_simplenet.py [--steps N] [--calls N]
"""
import argparse
import json
import platform
import statistics
import time

import torch
import torch.nn as nn


class SimpleNet(nn.Module):
    """The article's network: fc2(relu(fc1(x)))."""

    def __init__(self, input_size=10, hidden=50, output=2):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden)
        self.fc2 = nn.Linear(hidden, output)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def train_step_us(steps):
    torch.manual_seed(0)
    model = SimpleNet()
    x = torch.randn(1000, 10)
    y = torch.randint(0, 2, (1000,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(100):  # warm-up: allocator, dispatcher caches
        step()
    # Median of 5 repetitions of `steps` steps: the same statistic jobs/bench uses on the Java side.
    per_step = []
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(steps):
            step()
        per_step.append((time.perf_counter_ns() - start) / steps / 1000)
    return statistics.median(per_step)


def infer_p50_us(calls):
    torch.manual_seed(0)
    model = SimpleNet().eval()
    x = torch.randn(1, 10)
    samples = []
    with torch.no_grad():
        for _ in range(2000):
            model(x)
        for _ in range(calls):
            t0 = time.perf_counter_ns()
            out = model(x)
            out.numpy()  # materialise, as the Java side copies the output
            samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples) / 1000


def op_p50_us(calls):
    """Each operator of the batch-1 call on its own: where the call's time goes."""
    torch.manual_seed(0)
    model = SimpleNet().eval()
    x = torch.randn(1, 10)
    f = torch.nn.functional
    w1, b1, w2, b2 = model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias
    out = {}
    with torch.no_grad():
        h = torch.relu(f.linear(x, w1, b1))
        for name, op in (("linear1", lambda: f.linear(x, w1, b1)), ("relu", lambda: torch.relu(h)),
                         ("linear2", lambda: f.linear(h, w2, b2))):
            for _ in range(2000):
                op()
            samples = []
            for _ in range(calls):
                t0 = time.perf_counter_ns()
                op()
                samples.append(time.perf_counter_ns() - t0)
            out[f"pytorch_op_{name}_us"] = round(statistics.median(samples) / 1000, 3)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(json.dumps({
        "pytorch_version": torch.__version__,
        "python_version": platform.python_version(),
        "pytorch_train_step_us": round(train_step_us(args.steps), 2),
        "pytorch_infer_p50_us": round(infer_p50_us(args.calls), 3),
        **op_p50_us(args.calls),
    }))


if __name__ == "__main__":
    main()
