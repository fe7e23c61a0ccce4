#!/usr/bin/env python3
"""A small "model registry" folder of unrelated TorchScript files, for infersweep's registry source
(model.files: ["DIR/**/*.pt"]), its scan case and an integration test; made with Debian's PyTorch 1.13.

    DIR/team-a/mlp.pt                 Mlp 20 -> 64 -> 32 -> 1 (ReLU), input [20]
    DIR/team-a/tokens.pt              TokenMixer: Linear 16 -> 32 over the last axis, ReLU, mean over the
                                      8 tokens, Linear 32 -> 4; input [8, 16] (a rank-2 sample)
    DIR/team-b/cnn.pt                 SmallConv: conv 3x3 3 -> 8, ReLU, max pool 2, linear 2048 -> 10;
                                      input [3, 32, 32]
    DIR/team-b/planted_subnormal.pt   Wide 64 -> 256 -> 10 (ReLU) whose weights are the initial ones
                                      scaled by 2^-140: every nonzero weight of both layers subnormal
                                      (biases left normal); input [64]
    DIR/team-c/broken.pt              the first half of a valid TorchScript archive (a truncated zip)
    DIR/team-c/notes.pt               a text file with a .pt name, not TorchScript
    DIR/manifest.json                 per file: kind (torchscript, corrupt, not_torchscript), input shape,
                                      outputs, subnormal and zero counts per tensor, and for the two bad
                                      files the first line of the error torch.jit.load gives

Every valid file was loaded back with torch.jit.load and run on a batch of 2 before the manifest was
written; the bad ones were checked to fail. With --onnx the four valid models are also written as
.onnx beside their .pt (input "x", dynamic batch axis), for the ONNX Runtime source to come.
The folder is made under DIR.partial and renamed to DIR when complete; DIR must not exist.

    /usr/bin/python3 jobs/reference/make_registry.py --out DIR [--seed 7] [--onnx]
"""
import argparse
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_common as rc  # noqa: E402

PLANT_SCALE = 2.0 ** -140  # |w| < ~0.2 at init: 0.2 * 2^-140 is below fp32's 2^-126, above 2^-149 for most


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(20, 64), nn.Linear(64, 32), nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class TokenMixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed, self.head = nn.Linear(16, 32), nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.embed(x)).mean(dim=1))


class SmallConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.fc = nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.Linear(8 * 16 * 16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.fc(torch.flatten(x, 1))


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(64, 256), nn.Linear(256, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(x)))


def planted():
    m = Wide()
    with torch.no_grad():
        for layer in (m.fc1, m.fc2):
            layer.weight.mul_(PLANT_SCALE)
    return m


# relative path -> (factory, input shape, outputs)
MODELS = {
    "team-a/mlp.pt": (Mlp, [20], 1),
    "team-a/tokens.pt": (TokenMixer, [8, 16], 4),
    "team-b/cnn.pt": (SmallConv, [3, 32, 32], 10),
    "team-b/planted_subnormal.pt": (planted, [64], 10),
}
NOTES = ("Notes from team C, not a model.\n"
         "The retrained ranking model lives in the feature store, ask before loading it.\n")


def load_error(path):
    """The first line of the error torch.jit.load raises for path, or None when it loads."""
    try:
        torch.jit.load(path)
    except Exception as e:  # noqa: BLE001 - any failure is what is recorded
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder to create (must not exist)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--onnx", action="store_true", help="also write the valid models as .onnx")
    a = p.parse_args()
    if os.path.exists(a.out) or os.path.exists(a.out + ".partial"):
        print(f"--out: {a.out} (or {a.out}.partial) already exists; give a new folder", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(1)
    work = a.out + ".partial"
    files = {}
    for rel, (factory, shape, outputs) in MODELS.items():
        os.makedirs(os.path.join(work, os.path.dirname(rel)), exist_ok=True)
        torch.manual_seed(a.seed)
        model = factory().eval()
        stem = os.path.splitext(os.path.basename(rel))[0]
        rec = rc.save_checkpoint(model, os.path.join(work, os.path.dirname(rel)), stem,
                                 torch.rand(1, *shape), a.onnx)
        loaded = torch.jit.load(os.path.join(work, rel))
        y = loaded(torch.rand(2, *shape))
        if list(y.shape) != [2, outputs]:
            raise SystemExit(f"{rel}: output shape {list(y.shape)}, expected [2, {outputs}]")
        rep = rc.tensor_report(model)
        files[rel] = {"kind": "torchscript", "input_shape": shape, "outputs": outputs,
                      **({"onnx_file": os.path.join(os.path.dirname(rel), rec["onnx_file"])} if a.onnx else {}),
                      **rep}
        print(f"{rel}: input {shape}, {outputs} outputs, subnormal {rep['subnormal']}/{rep['numel']}")
    # a truncated archive: the first half of mlp.pt's bytes
    with open(os.path.join(work, "team-a/mlp.pt"), "rb") as f:
        whole = f.read()
    os.makedirs(os.path.join(work, "team-c"), exist_ok=True)
    bad = {"team-c/broken.pt": ("corrupt", whole[: len(whole) // 2]), "team-c/notes.pt": ("not_torchscript",
                                                                                          NOTES.encode())}
    for rel, (kind, data) in bad.items():
        path = os.path.join(work, rel)
        with open(path, "wb") as f:
            f.write(data)
        err = load_error(path)
        if err is None:
            raise SystemExit(f"{rel}: torch.jit.load accepted it; the registry needs it to fail")
        files[rel] = {"kind": kind, "bytes": len(data), "torch_jit_load_error": err}
        print(f"{rel}: {kind}, {len(data)} bytes; torch.jit.load: {err}")
    rc.write_json(os.path.join(work, "manifest.json"), {
        "maker": "jobs/reference/make_registry.py", "argv": sys.argv[1:], "seed": a.seed,
        "environment": rc.environment(), "files": files})
    os.rename(work, a.out)
    print(f"wrote {len(files)} files and manifest.json to {a.out}")


if __name__ == "__main__":
    main()
