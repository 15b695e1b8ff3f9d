"""``import imbalkit`` and every module outside ``imbalkit.deep`` work without importing torch."""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import imbalkit

ROOT = Path(__file__).resolve().parents[1]


def non_deep_modules() -> list[str]:
    """Every importable module of the package except the torch sub-package ``imbalkit.deep``."""
    names = [m.name for m in pkgutil.walk_packages(imbalkit.__path__, "imbalkit.")]
    return sorted(n for n in names if not (n == "imbalkit.deep" or n.startswith("imbalkit.deep.")))


def test_the_module_list_is_complete() -> None:
    mods = non_deep_modules()
    assert {"imbalkit.cv", "imbalkit.metrics", "imbalkit.thresholds", "imbalkit.target_weights"} <= set(mods)
    assert not any(".deep" in m for m in mods)


def test_no_torch_outside_deep() -> None:
    code = (
        "import importlib, json, sys\n"
        f"mods = {non_deep_modules()!r}\n"
        "import imbalkit\n"
        "after_package = 'torch' in sys.modules\n"
        "culprits = []\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "    if 'torch' in sys.modules and not culprits:\n"
        "        culprits.append(m)\n"
        "print(json.dumps({'package': after_package, 'first': culprits}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res == {"package": False, "first": []}, f"torch imported by: {res}"


def test_the_check_detects_torch() -> None:
    out = subprocess.run([sys.executable, "-c", "import sys, imbalkit.deep.losses; print('torch' in sys.modules)"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
