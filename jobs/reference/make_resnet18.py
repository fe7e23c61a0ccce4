#!/usr/bin/env python3
"""torchvision's ResNet-18 (10 classes) scripted as a TorchScript file, the model of
conf/cases/resnet18-sgd.yaml (Debian's python3-torchvision and python3-torch; never a runtime
dependency). torchvision.models.resnet18(num_classes=10), weights from torch.manual_seed(--seed)
(torchvision's own initialisation; no pretrained weights are downloaded), eval mode,
torch.jit.script, saved as OUT/resnet18.pt (about 45 MB). The case feeds it [3, 32, 32] inputs:
the stride-2 stem and max pool leave 8 x 8, the last stage 1 x 1, so a call is small.

    /usr/bin/python3 jobs/reference/make_resnet18.py --out /tmp/infersweep-resnet18 [--seed 1]
"""
import argparse
import os

import torch
import torchvision


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder to write resnet18.pt into")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(a.seed)
    model = torchvision.models.resnet18(num_classes=10).eval()
    path = os.path.join(a.out, "resnet18.pt")
    torch.jit.script(model).save(path)
    out = torch.jit.load(path)(torch.rand(2, 3, 32, 32))
    print(f"{path}: {os.path.getsize(path)} bytes, output {tuple(out.shape)}, "
          f"{sum(t.numel() for t in model.state_dict().values())} state values, torch {torch.__version__}")


if __name__ == "__main__":
    main()
