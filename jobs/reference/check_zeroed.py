#!/usr/bin/env python3
"""Checks a TorchScript archive that dev.infersweep.archive.TorchArchive.withSubnormalsZeroed() wrote,
with Debian's PyTorch (a test helper, never a runtime dependency):

    /usr/bin/python3 jobs/reference/check_zeroed.py ZEROED.pt ORIGINAL.pt

It loads both with torch.jit.load and exits 0 when the zeroed state_dict() has the original's names,
dtypes and shapes, no subnormal value in any floating tensor ((t != 0) & (|t| < finfo.tiny)), and
every value equal to the original's bit for bit except the original's subnormals, now +0. Otherwise it
prints one line saying what differs and exits 1.
"""
import sys

import torch


def bits(t):
    """The tensor's bit patterns as integers (comparing bits keeps -0.0 and NaN apart)."""
    views = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
    return t.contiguous().view(views[t.element_size()]).to(torch.int64) if t.dtype != torch.bool else t.to(torch.int64)


def check(zeroed_path, original_path):
    zeroed = torch.jit.load(zeroed_path).state_dict()
    original = torch.jit.load(original_path).state_dict()
    if list(zeroed) != list(original):
        return f"state_dict names differ: {list(zeroed)} vs {list(original)}"
    for name, t in zeroed.items():
        o = original[name]
        if t.dtype != o.dtype or t.shape != o.shape:
            return f"{name}: {t.dtype} {tuple(t.shape)} vs the original's {o.dtype} {tuple(o.shape)}"
        if not t.is_floating_point():
            if not torch.equal(t, o):
                return f"{name}: an integer tensor changed"
            continue
        tiny = torch.finfo(t.dtype).tiny
        left = int(((t != 0) & (t.abs() < tiny)).sum())
        if left:
            return f"{name}: {left} subnormal values left"
        was = (o != 0) & (o.abs() < tiny)
        expected = torch.where(was, torch.zeros((), dtype=torch.int64), bits(o))
        if not torch.equal(bits(t), expected):
            return f"{name}: values other than the original's {int(was.sum())} subnormals changed, or they are not +0"
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} ZEROED.pt ORIGINAL.pt")
    problem = check(sys.argv[1], sys.argv[2])
    if problem:
        print(f"{sys.argv[1]}: {problem}")
        sys.exit(1)
    print(f"{sys.argv[1]}: loads in torch {torch.__version__}, no subnormals, nothing else changed")


if __name__ == "__main__":
    main()
