#!/usr/bin/env python3
"""Makes the TorchScript test fixtures of src/test/resources/torchscript/ with Debian's python3-torch
(PyTorch 1.13; a fixture maker only, never a runtime dependency of infersweep).

Two small modules, scripted with torch.jit.script and saved with .save(), parameters from a fixed seed:

  conv.pt  SmallConv: conv 3x3 (3 -> 8 channels, padding 1) -> relu -> max pool 2 -> linear (2048 -> 10);
           input [N, 3, 32, 32], 10 outputs (train with cross_entropy)
  mlp.pt   Mlp: linear 20 -> 64 -> relu -> linear 64 -> 32 -> relu -> linear 32 -> 1;
           input [N, 20], 1 output (train with mse)

and, for the validation tests, a module that loads and runs but has nothing to train:

  no_parameters.pt  NoParameters: the first 10 features of [N, 20] doubled, no parameters

    /usr/bin/python3 jobs/reference/make_torchscript_fixtures.py [--out DIR]   # writes the fixtures
    /usr/bin/python3 jobs/reference/make_torchscript_fixtures.py --check        # CI: committed == made

--check makes the fixtures into a temporary folder and compares them with the committed files, byte
for byte. The archives are reproducible: the seed fixes the parameters, the zip entries carry no
time, the script runs itself with PYTHONHASHSEED=0 (TorchScript writes a module's constants in the
order of a Python set) and scripts the classes under this file's path relative to the repository
(the debug tables of the archive record the source file's name). Editing this file above or in the
classes changes those tables, so the fixtures are then regenerated and committed with it. Where the
bytes differ it says whether the parameters (names, shapes, values) and the code differ too, and exits
1 either way; exit 0 only when every file is identical.
"""
import argparse
import os
import sys
import tempfile

import torch
import torch.nn as nn

SEED = 22
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(REPO, "src", "test", "resources", "torchscript")
SOURCE = "jobs/reference/make_torchscript_fixtures.py"


class SmallConv(nn.Module):
    """conv -> relu -> pool -> linear, for inputs [N, 3, 32, 32] and 10 classes."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 16 * 16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv(x)))
        return self.fc(torch.flatten(x, 1))


class Mlp(nn.Module):
    """A 3-layer regression MLP, 20 -> 64 -> 32 -> 1."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class NoParameters(nn.Module):
    """Runs on [N, 20] and has no parameters (a bad input: nothing to train)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :10] * 2.0


MODELS = {"conv.pt": SmallConv, "mlp.pt": Mlp, "no_parameters.pt": NoParameters}


def make(out_dir):
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    main = sys.modules[__name__]
    cwd, file = os.getcwd(), getattr(main, "__file__", None)
    # TorchScript records inspect.getsourcefile of each class and method: make it the same relative
    # path on every clone (read from the repository root).
    os.chdir(REPO)
    main.__file__ = SOURCE
    for cls in MODELS.values():
        for method in vars(cls).values():
            if callable(method) and hasattr(method, "__code__"):
                method.__code__ = method.__code__.replace(co_filename=SOURCE)
    try:
        for name, cls in MODELS.items():
            torch.manual_seed(SEED)
            module = torch.jit.script(cls().eval())
            module.save(os.path.join(out_dir, name))
    finally:
        main.__file__ = file
        os.chdir(cwd)


def describe(path):
    """A saved module's parameters (name -> (shape, values)) and code, for the semantic comparison."""
    module = torch.jit.load(path)
    params = {n: (tuple(p.shape), p.detach().flatten().tolist()) for n, p in module.named_parameters()}
    return params, module.code


def check():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        make(tmp)
        for name in MODELS:
            committed, made = os.path.join(FIXTURES, name), os.path.join(tmp, name)
            if not os.path.isfile(committed):
                failures.append(f"{name}: not committed (run {sys.argv[0]} and commit it)")
                continue
            with open(committed, "rb") as a, open(made, "rb") as b:
                if a.read() == b.read():
                    print(f"{name}: identical to what this script makes")
                    continue
            params_a, code_a = describe(committed)
            params_b, code_b = describe(made)
            what = [w for w, same in (("parameters", params_a == params_b), ("code", code_a == code_b)) if not same]
            failures.append(f"{name}: bytes differ from what this script makes"
                            + (f" ({' and '.join(what)} too)" if what else
                               " (parameters and code are the same; another PyTorch version?)")
                            + f"; regenerate with {sys.argv[0]} (torch {torch.__version__})")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=FIXTURES, help="folder to write into (default: the test resources)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed files differ")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    make(args.out)
    for name in MODELS:
        print(os.path.join(args.out, name), os.path.getsize(os.path.join(args.out, name)), "bytes")


if __name__ == "__main__":
    main()
