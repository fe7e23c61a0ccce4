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

and, for the archive reader (dev.infersweep.archive), modules with planted subnormal values:

  bn_mlp.pt       BnMlp in float32: linear 20 -> 32 -> batch norm -> relu -> dropout -> linear 32 -> 2;
                  fc1.weight, fc2.bias, bn.bias, bn.running_mean and bn.running_var hold subnormal
                  float32 values, bn.num_batches_tracked is 7; input [N, 20], 2 outputs
  bn_mlp_fp16.pt  the same module in float16 (forward casts its float32 input in and its output back
                  to float32), subnormal float16 values planted (below 2^-14)
  bn_mlp_bf16.pt  the same in bfloat16, subnormal bfloat16 values planted (below 2^-126)
  views.pt        Views: a linear 4 -> 3 and two buffers that are views of its weight's storage (its
                  transpose, strides (1, 4), and a slice at storage offset 5), subnormals planted

and, for the architectures test (dev.infersweep.run.ArchitecturesRunTest), two sequence models with
their seeded initial parameters (nothing planted, nothing trained):

  lstm.pt         Lstm: nn.LSTM(input 8, hidden 16, batch_first) over [N, 10, 8] -> the last step's
                  output -> linear 16 -> 2; input [N, 10, 8], 2 outputs (cross_entropy)
  transformer.pt  Encoder: nn.TransformerEncoder of 1 layer (d_model 16, 2 heads, feed-forward 32,
                  dropout 0.1, batch_first) over [N, 8, 16] -> mean over the sequence -> linear 16 -> 2;
                  input [N, 8, 16], 2 outputs (cross_entropy)

Planted values are explicit assignments of constants and seeded uniform_ draws times powers of two
(exact, the same on every CPU), never trained. Beside them, tensors.json holds PyTorch's own account
of every fixture, from torch.jit.load of the saved file: its state_dict() in order, each tensor's
dtype, shape, numel, subnormal count ((t != 0) & (t.abs() < finfo(dtype).tiny), 0 for integers) and
max |value| (null when empty). --check compares it too.

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
import json
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


class BnMlp(nn.Module):
    """linear 20 -> 32 -> batch norm -> relu -> dropout -> linear 32 -> 2, in its parameters' type."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.bn = nn.BatchNorm1d(32)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc1(x.to(self.fc1.weight.dtype))
        return self.fc2(self.drop(torch.relu(self.bn(h)))).float()


class Views(nn.Module):
    """A linear 4 -> 3 whose two buffers are views of its weight's storage (a transpose, a slice)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        with torch.no_grad():
            self.fc.weight[0, 1] = 2.0 ** -130   # storage index 1: in wt only (and fc.weight)
            self.fc.weight[1, 2] = -(2.0 ** -140)  # index 6: in the slice too
            self.fc.weight[2, 3] = 2.0 ** -127   # index 11: past the slice
        weight = self.fc.weight.detach()
        self.register_buffer("wt", weight.t())
        self.register_buffer("tail", weight.view(-1)[5:9])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x) + self.tail[0]


class Lstm(nn.Module):
    """An LSTM over [N, 10, 8] whose last step's output feeds a linear 16 -> 2."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=8, hidden_size=16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class Encoder(nn.Module):
    """A 1-layer Transformer encoder over [N, 8, 16], mean-pooled, then a linear 16 -> 2."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.fc = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.encoder(x).mean(dim=1))


# A module whose input is integer token ids (model.input_dtype: int64), declared after the others so
# that their archives (which record their source lines) keep their bytes:
#   embedding_mlp.pt  EmbeddingMlp: embedding (100 ids -> 8) over int64 ids [N, 6] -> mean over the
#                     sequence -> linear 8 -> 16 -> relu -> linear 16 -> 2 (train with cross_entropy)
class EmbeddingMlp(nn.Module):
    """Ids [N, 6] in [0, 100) -> embedding 8 -> mean over the sequence -> linear 8 -> 16 -> relu -> 2."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(self.embedding(ids).mean(dim=1))))


#   ids_mask.pt  IdsMask: two inputs (model.inputs), int64 ids [N, 6] in [0, 100) and a float mask [N, 6]:
#                embedding 8 weighted by the mask, summed over the sequence and divided by the mask's
#                sum (at least 1) -> linear 8 -> 16 -> relu -> linear 16 -> 2 (train with cross_entropy)
class IdsMask(nn.Module):
    """Ids [N, 6] and a mask [N, 6] -> masked mean of an embedding 8 -> linear 8 -> 16 -> relu -> 2."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        weighted = (self.embedding(ids) * mask.unsqueeze(-1)).sum(dim=1)
        pooled = weighted / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.fc2(torch.relu(self.fc1(pooled)))


#   recommender.pt  Recommender: the embedding + MLP recommender of conf/cases/recommender-adam.yaml, a
#                   vocabulary large enough that a row is rarely in a minibatch: embedding (30000 ids ->
#                   16, 1.9 MB of float32) over a bag of int64 ids [N, 8] -> mean over the bag -> linear
#                   16 -> 32 -> relu -> linear 32 -> 2 (train with cross_entropy)
class Recommender(nn.Module):
    """A bag of ids [N, 8] in [0, 30000) -> embedding 16, mean-pooled -> linear 16 -> 32 -> relu -> 2."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(30000, 16)
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(self.embedding(ids).mean(dim=1))))


def bn_mlp(dtype):
    """BnMlp in dtype with subnormal values (in dtype) planted by exact arithmetic: fractions with few
    bits times dtype's smallest normal, a power of two, so every planted value is exact in dtype."""
    module = BnMlp()
    with torch.no_grad():
        module.bn.running_mean.uniform_(-0.5, 0.5)
        module.bn.running_var.uniform_(0.5, 1.0)
        module.bn.num_batches_tracked.fill_(7)
    module = module.to(dtype)
    tiny = torch.finfo(dtype).tiny
    with torch.no_grad():
        module.fc1.weight[0, :4] = torch.tensor([0.5, -0.25, 0.125, -0.75], dtype=torch.float64).to(dtype) * tiny
        module.fc1.weight[3, 5] = -tiny * 2.0 ** -6
        module.fc2.bias[1] = tiny * 2.0 ** -3
        module.fc2.weight[0, 0] = tiny          # the smallest normal: not subnormal
        module.fc2.weight[1, 1] = -0.0          # a negative zero: not subnormal, kept as it is
        module.bn.bias[2] = -tiny * 0.5
        module.bn.running_mean[[1, 4, 9]] = torch.tensor([0.25, -0.5, 0.375], dtype=torch.float64).to(dtype) * tiny
        module.bn.running_var[[0, 7]] = torch.tensor([0.5, 0.125], dtype=torch.float64).to(dtype) * tiny
    return module


# Each fixture's module, made right after torch.manual_seed(SEED).
MODELS = {
    "conv.pt": SmallConv,
    "mlp.pt": Mlp,
    "no_parameters.pt": NoParameters,
    "bn_mlp.pt": lambda: bn_mlp(torch.float32),
    "bn_mlp_fp16.pt": lambda: bn_mlp(torch.float16),
    "bn_mlp_bf16.pt": lambda: bn_mlp(torch.bfloat16),
    "views.pt": Views,
    "lstm.pt": Lstm,
    "transformer.pt": Encoder,
    "embedding_mlp.pt": EmbeddingMlp,
    "ids_mask.pt": IdsMask,
    "recommender.pt": Recommender,
}
SCRIPTED_CLASSES = (SmallConv, Mlp, NoParameters, BnMlp, Views, Lstm, Encoder, EmbeddingMlp, IdsMask, Recommender)
ACCOUNT = "tensors.json"


def make(out_dir):
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    main = sys.modules[__name__]
    cwd, file = os.getcwd(), getattr(main, "__file__", None)
    # TorchScript records inspect.getsourcefile of each class and method: make it the same relative
    # path on every clone (read from the repository root).
    os.chdir(REPO)
    main.__file__ = SOURCE
    for cls in SCRIPTED_CLASSES:
        for method in vars(cls).values():
            if callable(method) and hasattr(method, "__code__"):
                method.__code__ = method.__code__.replace(co_filename=SOURCE)
    try:
        for name, factory in MODELS.items():
            torch.manual_seed(SEED)
            module = torch.jit.script(factory().eval())
            module.save(os.path.join(out_dir, name))
    finally:
        main.__file__ = file
        os.chdir(cwd)
    with open(os.path.join(out_dir, ACCOUNT), "w") as f:
        f.write(json.dumps({name: account(os.path.join(out_dir, name)) for name in MODELS}, indent=1) + "\n")


def account(path):
    """PyTorch's own account of a saved module's state_dict(), in order: what the Java reader must match."""
    module = torch.jit.load(path)
    parameters = {n for n, _ in module.named_parameters()}
    rows = []
    for name, t in module.state_dict().items():
        t = t.detach()
        subnormals = int(((t != 0) & (t.abs() < torch.finfo(t.dtype).tiny)).sum()) if t.is_floating_point() else 0
        magnitude = t.to(torch.float64).abs() if t.dtype != torch.bool else t.to(torch.float64)
        rows.append({"name": name, "kind": "parameter" if name in parameters else "buffer",
                     "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "numel": t.numel(),
                     "subnormals": subnormals, "max_abs": float(magnitude.max()) if t.numel() else None,
                     "zeros": int((magnitude == 0).sum()), "sum_squares": float((magnitude * magnitude).sum())})
    return rows


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
        with open(os.path.join(FIXTURES, ACCOUNT)) as a, open(os.path.join(tmp, ACCOUNT)) as b:
            if a.read() == b.read():
                print(f"{ACCOUNT}: identical to what this script makes")
            else:
                failures.append(f"{ACCOUNT}: differs from what this script makes; regenerate with {sys.argv[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        failures += check_onnx(tmp)
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


# ONNX fixtures (src/test/resources/onnx/), for the ONNX model reader (dev.infersweep.archive.OnnxModel)
# and ONNX Runtime, the second engine: the same modules, made the same way (the seed, the planted
# values), exported with torch.onnx.export from the eval-mode module at a fixed opset with constant
# folding, input "x" and output "y", the batch dimension dynamic ("batch") unless the name says it
# is fixed:
#
#   bn_mlp.onnx         BnMlp in float32 with its planted subnormals (dropout is gone in eval mode; the
#                       initializers are the exporter's, not the state_dict: see initializers.json)
#   mlp.onnx            Mlp
#   mlp_batch4.onnx     Mlp exported with a fixed batch of 4 (a timed batch size other than 4 is refused)
#   conv.onnx           SmallConv, input [N, 3, 32, 32]
#   embedding_mlp.onnx  EmbeddingMlp: one int64 input "ids" [N, 6] (token ids in [0, 100))
#   ids_mask.onnx       IdsMask: two inputs, int64 "ids" [N, 6] and a float32 "mask" [N, 6], in that order
#
# initializers.json is the onnx package's own account of each file, read back from it:
# onnx.numpy_helper.to_array over model.graph.initializer in order, each one's dtype, shape, count,
# subnormals ((a != 0) & (abs(a) < finfo(dtype).tiny)), max |value| (null when empty), zeros and sum
# of squares; the Java reader must match it. torch.onnx.export writes no time or path into the file,
# so --check compares these bytes too.
ONNX_FIXTURES = os.path.join(REPO, "src", "test", "resources", "onnx")
ONNX_OPSET = 13
# name: (factory, its inputs as (name, example shape, dtype) in forward's order, dynamic batch)
ONNX_MODELS = {
    "bn_mlp.onnx": (lambda: bn_mlp(torch.float32), [("x", (2, 20), torch.float32)], True),
    "mlp.onnx": (Mlp, [("x", (2, 20), torch.float32)], True),
    "mlp_batch4.onnx": (Mlp, [("x", (4, 20), torch.float32)], False),
    "conv.onnx": (SmallConv, [("x", (2, 3, 32, 32), torch.float32)], True),
    "embedding_mlp.onnx": (EmbeddingMlp, [("ids", (2, 6), torch.int64)], True),
    "ids_mask.onnx": (IdsMask, [("ids", (2, 6), torch.int64), ("mask", (2, 6), torch.float32)], True),
}
ONNX_ACCOUNT = "initializers.json"


def make_onnx(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, (factory, inputs, dynamic) in ONNX_MODELS.items():
        torch.manual_seed(SEED)
        module = factory().eval()
        names = [n for n, _, _ in inputs]
        axes = {n: {0: "batch"} for n in names + ["y"]} if dynamic else None
        # Zeros are valid ids (every vocabulary holds 0) as well as floats.
        example = tuple(torch.zeros(shape, dtype=dtype) for _, shape, dtype in inputs)
        torch.onnx.export(module, example, os.path.join(out_dir, name), input_names=names,
                          output_names=["y"], dynamic_axes=axes, opset_version=ONNX_OPSET,
                          do_constant_folding=True)
    with open(os.path.join(out_dir, ONNX_ACCOUNT), "w") as f:
        f.write(json.dumps({name: onnx_account(os.path.join(out_dir, name)) for name in ONNX_MODELS}, indent=1) + "\n")


def onnx_account(path):
    """The onnx package's account of a file's initializers, in order: what the Java reader must match."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    rows = []
    for init in onnx.load(path).graph.initializer:
        a = numpy_helper.to_array(init)
        floating = np.issubdtype(a.dtype, np.floating)
        m = np.abs(a.astype(np.float64))
        rows.append({"name": init.name, "kind": "initializer", "dtype": str(a.dtype), "shape": list(a.shape),
                     "numel": int(a.size),
                     "subnormals": int(((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny)).sum()) if floating else 0,
                     "max_abs": float(m.max()) if a.size else None, "zeros": int((m == 0).sum()),
                     "sum_squares": float((m * m).sum())})
    return rows


def check_onnx(tmp):
    """Failures of the committed ONNX fixtures against what this script makes into tmp."""
    make_onnx(tmp)
    failures = []
    for name in list(ONNX_MODELS) + [ONNX_ACCOUNT]:
        committed, made = os.path.join(ONNX_FIXTURES, name), os.path.join(tmp, name)
        if not os.path.isfile(committed):
            failures.append(f"onnx/{name}: not committed (run {sys.argv[0]} and commit it)")
            continue
        with open(committed, "rb") as a, open(made, "rb") as b:
            if a.read() == b.read():
                print(f"onnx/{name}: identical to what this script makes")
            else:
                failures.append(f"onnx/{name}: bytes differ from what this script makes; regenerate with "
                                f"{sys.argv[0]} (torch {torch.__version__})")
    return failures


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
    for name in list(MODELS) + [ACCOUNT]:
        print(os.path.join(args.out, name), os.path.getsize(os.path.join(args.out, name)), "bytes")
    onnx_out = ONNX_FIXTURES if args.out == FIXTURES else os.path.join(args.out, "onnx")
    make_onnx(onnx_out)
    for name in list(ONNX_MODELS) + [ONNX_ACCOUNT]:
        print(os.path.join(onnx_out, name), os.path.getsize(os.path.join(onnx_out, name)), "bytes")


if __name__ == "__main__":
    main()
