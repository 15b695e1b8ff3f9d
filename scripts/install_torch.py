"""Install the CPU build of PyTorch unless a torch is already importable.

An existing torch (Colab's, a conda one, a CUDA build on a GPU box) is never replaced.
On a machine without torch this asks pip for the CPU-only build ``torch==2.13.0+cpu``
and never for the default wheel, which pulls several GB of CUDA libraries.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys

WANTED = "torch==2.13.0+cpu"


def main() -> int:
    if importlib.util.find_spec("torch") is not None:
        import torch

        print(f"install_torch: keeping the installed torch {torch.__version__}")
        return 0
    cmd = [sys.executable, "-m", "pip", "install", "-q", WANTED]
    print("install_torch:", " ".join(cmd[2:]))
    if subprocess.call(cmd) != 0:
        print(
            f"install_torch: pip could not find {WANTED}. Point pip at PyTorch's CPU wheel index "
            "(PIP_EXTRA_INDEX_URL, see PyTorch's 'Get started' page) and run again; do not install "
            "the default torch wheel on a CPU-only machine (it brings several GB of CUDA packages).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
