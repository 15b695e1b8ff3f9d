"""Measure the book build as a reader of the README meets it, in a throwaway copy.

    python benchmarks/time_chapters.py [--jobs 2] [--test]

In a temporary copy of the book (book/, _config.yml, _toc.yml copied; imbalkit/ and data/
linked), with an empty _build, it times what `make book` runs (scripts/build_book.py):

1. cold build: every chapter executed (``--jobs`` at a time) and the book rendered;
2. rebuild with nothing changed;
3. rebuild after editing one chapter (a comment added to its last code cell, so that
   chapter, and only it, runs again);

and, with ``--test``, the pytest part of `make test` in the repository itself (run
`make book` first). Wall-clock seconds and the machine's load average go to the screen;
each chapter's execution time during the cold build (wall clock, two at a time) goes to
benchmarks/chapter_times.csv. Run it on an otherwise idle machine: the numbers in README.md
come from this script.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import execute_chapters  # noqa: E402


def _timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return elapsed


def _edit_one_chapter(book: Path) -> Path:
    chapter = sorted(book.glob("book/part1/[0-9][0-9]-*.md"))[0]
    text = chapter.read_text()
    last = text.rindex("```{code-cell}")
    end = text.index("\n```", text.index("\n", last) + 1)
    chapter.write_text(text[:end] + "\n# edited by benchmarks/time_chapters.py" + text[end:])
    return chapter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--test", action="store_true", help="also time the pytest part of `make test`")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} cores", flush=True)
    build = [sys.executable, str(ROOT / "scripts/build_book.py"), "--jobs", str(args.jobs), "--root"]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="imbalkit-timing-") as tmp:
        book = Path(tmp)
        shutil.copytree(ROOT / "book", book / "book", symlinks=True)
        for name in ("_config.yml", "_toc.yml"):
            shutil.copy(ROOT / name, book / name)
        for name in ("imbalkit", "data"):
            (book / name).symlink_to(ROOT / name)
        rows["cold build"] = _timed([*build, str(book)])
        print(f"cold build: {rows['cold build']:.0f} s", flush=True)
        times = json.loads((execute_chapters.cache_path(book) / execute_chapters.TIMES_FILE).read_text())
        rows["rebuild, nothing changed"] = _timed([*build, str(book)])
        print(f"rebuild, nothing changed: {rows['rebuild, nothing changed']:.0f} s", flush=True)
        edited = _edit_one_chapter(book)
        rows["rebuild after editing one chapter"] = _timed([*build, str(book)])
        print(f"rebuild after editing {edited.relative_to(book)}: {rows['rebuild after editing one chapter']:.0f} s", flush=True)
    if args.test:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        rows["pytest part of make test"] = _timed([sys.executable, "-m", "pytest", "-n", str(args.jobs), "--dist", "loadfile", "-q"],
                                                  cwd=ROOT, env=env)
        print(f"pytest part of make test: {rows['pytest part of make test']:.0f} s", flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)
    with open(ROOT / "benchmarks/chapter_times.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["chapter", "seconds"])
        for chapter, seconds in sorted(times.items()):
            writer.writerow([re.sub(r"\.md$", "", chapter), seconds])
    return 0


if __name__ == "__main__":
    sys.exit(main())
