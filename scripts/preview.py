"""Build a throwaway book with just some chapters, to check them for Sphinx warnings
without touching the shared _build folder (safe to run while others build).

    python scripts/preview.py book/part2/01-metrics.md [more.md ...]

Builds into /tmp/imbalkit-preview-<first chapter name>/_build/html with the same flags as
`make book`; exits with jupyter-book's exit code. Links to chapters that are not in the
preview will warn here; the full `make book` resolves them.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    chapters = [Path(p).resolve() for p in paths]
    out = Path(tempfile.gettempdir()) / f"imbalkit-preview-{chapters[0].stem}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for item in ("_config.yml", "book", "imbalkit", "data"):
        (out / item).symlink_to(ROOT / item)
    toc = {"format": "jb-book", "root": "book/intro",
           "chapters": [{"file": c.relative_to(ROOT).with_suffix("").as_posix()} for c in chapters]}
    (out / "_toc.yml").write_text(yaml.safe_dump(toc))
    cmd = ["jupyter-book", "build", str(out), "--warningiserror", "--nitpick", "--keep-going"]
    print(" ".join(cmd))
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
