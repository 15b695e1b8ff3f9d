"""Measure each chapter's execution time (and optionally a cold book build).

    python benchmarks/time_chapters.py            # every chapter, one after the other
    python benchmarks/time_chapters.py --build    # also a cold `jupyter-book build` into /tmp

Writes benchmarks/chapter_times.csv (chapter, seconds, status). Run it on an otherwise idle
machine: the numbers in README.md come from this script on the 2-core CI machine type.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def time_chapter(ipynb: Path) -> tuple[float, str]:
    nb = nbformat.read(ipynb, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(ipynb.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except Exception as exc:  # report, keep timing the others
        status = f"error: {type(exc).__name__}"
    return time.perf_counter() - start, status


def cold_build() -> float:
    out = Path(tempfile.mkdtemp(prefix="imbalkit-cold-build-"))
    for item in ROOT.iterdir():
        if item.name not in ("_build", ".git"):
            (out / item.name).symlink_to(item)
    start = time.perf_counter()
    subprocess.run(["jupyter-book", "build", str(out), "--warningiserror", "--nitpick", "--keep-going"],
                   check=False, capture_output=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a cold book build")
    parser.add_argument("chapters", nargs="*", type=Path, help="only these .ipynb files")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    chapters = args.chapters or sorted((ROOT / "book").rglob("*.ipynb"))
    rows = []
    for ipynb in chapters:
        seconds, status = time_chapter(ipynb.resolve())
        rel = ipynb.resolve().relative_to(ROOT).as_posix()
        rows.append({"chapter": rel, "seconds": f"{seconds:.1f}", "status": status})
        print(f"{seconds:7.1f} s  {status:8s} {rel}", flush=True)
    if args.build:
        rows.append({"chapter": "(cold jupyter-book build, all chapters)", "seconds": f"{cold_build():.1f}", "status": "ok"})
        print(rows[-1], flush=True)
    with open(ROOT / "benchmarks/chapter_times.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["chapter", "seconds", "status"])
        writer.writeheader()
        writer.writerows(rows)
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
