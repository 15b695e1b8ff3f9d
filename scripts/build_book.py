"""Build the HTML book: execute the chapters (in parallel, cached), then one Sphinx build.

    python scripts/build_book.py [--jobs N] [--root DIR]      # what `make book` runs

1. ``scripts/execute_chapters.py`` runs every chapter whose cached execution is missing or
   stale, ``--jobs`` at a time, into ``_build/.jupyter_cache``; a chapter that raises stops
   here with its traceback and exit status 1.
2. ``jupyter-book build`` with the flags below (warnings are errors, nitpicky, keep going to
   report every warning) renders the book from that cache into ``_build/html``.
3. On success, ``_build/html/.imbalkit-built`` records the time of the build, so
   tests/test_browser.py can tell that the HTML is the one of the current sources.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import execute_chapters  # noqa: E402

BUILD_FLAGS = ["--warningiserror", "--nitpick", "--keep-going"]
STAMP = ".imbalkit-built"


def jupyter_book_command(root: Path) -> list[str]:
    return [shutil.which("jupyter-book") or "jupyter-book", "build", str(root), *BUILD_FLAGS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=execute_chapters.REPO, help="book folder holding _config.yml")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", os.cpu_count() or 1)))
    args = parser.parse_args(argv)
    root = args.root.resolve()

    stamp = root / "_build" / "html" / STAMP
    stamp.unlink(missing_ok=True)  # the HTML is not that of the current sources until the end
    start = time.perf_counter()
    failed = execute_chapters.execute(root, args.jobs)
    if failed:
        print(f"build_book: {failed} chapter(s) raised (tracebacks above); the book is not built", file=sys.stderr)
        return 1
    executed = time.perf_counter()
    result = subprocess.run(jupyter_book_command(root))
    if result.returncode != 0:
        print(f"build_book: `jupyter-book build` failed (status {result.returncode})", file=sys.stderr)
        return result.returncode
    stamp.write_text(f"{time.time()}\n")
    end = time.perf_counter()
    print(f"build_book: chapters {executed - start:.0f} s + Sphinx {end - executed:.0f} s = {end - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
