"""Execute the book's chapters once, in parallel, into the cache that the book build reads.

    python scripts/execute_chapters.py [--jobs N] [--root DIR]   # run what the cache lacks
    python scripts/execute_chapters.py --check [--root DIR]      # every chapter cached, no error?

Jupyter Book 1 (``execute_notebooks: cache``) runs each chapter that is missing from its
jupyter-cache (``_build/.jupyter_cache``) while Sphinx reads the book, one chapter after the
other. This script fills that same cache beforehand, ``--jobs`` chapters at a time, so the
build that follows only reads executed notebooks from the cache. It reads each chapter
exactly as myst-nb does (``read_myst_markdown_notebook``) and executes it as myst-nb does
(``jupyter_cache``'s ``single_nb_execution``, the chapter's folder as working directory,
``execute.timeout`` and ``execute.allow_errors`` of ``_config.yml``), so the cache keys
match and the build is a pure cache hit.

What makes a cached result stale:

* the chapter's code cells (jupyter-cache hashes them): only that chapter runs again;
* the code and data the chapters import: the cache is keyed to a fingerprint of
  ``imbalkit/``, ``data/manifest.json``, the Python version and every installed package's
  version; when it changes, every chapter runs again (a chapter cannot hide behind a result
  computed with other code). book/_ext/imbalkit_cache.py then makes Sphinx re-read every
  page whose cached notebook is newer than the page it rendered.

A chapter that raises is reported with its traceback, is not cached, and makes the script
exit with status 1 after the other chapters have run (``make book`` stops there, so the
build never renders a failed chapter). ``--check`` exits 1 unless every chapter has an
up-to-date cached execution free of error outputs (tests/test_book_infra.py runs it).

Only MyST-markdown notebooks (``.md`` with a jupytext header) are pre-executed; Sphinx
still executes anything else that needs it while it builds.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import importlib.metadata
import json
import os
import re
import sys
import time
from pathlib import Path, PurePosixPath

import yaml

REPO = Path(__file__).resolve().parents[1]
FINGERPRINT_FILE = "imbalkit-fingerprint.json"
TIMES_FILE = "imbalkit-times.json"
JUPYTER_BOOK_EXCLUDES = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]


# --------------------------------------------------------------------------- what to run
def load_config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text()) or {}


def cache_path(root: Path) -> Path:
    """Where `jupyter-book build root` keeps its execution cache (myst-nb's default)."""
    return root / "_build" / ".jupyter_cache"


def chapters(root: Path, config: dict) -> list[Path]:
    """Every MyST notebook that Sphinx reads and myst-nb would execute, sorted."""
    from myst_nb.core.read import is_myst_markdown_notebook
    from sphinx.util.matching import Matcher

    excluded = Matcher([*JUPYTER_BOOK_EXCLUDES, *config.get("exclude_patterns", [])])
    no_exec = config.get("execute", {}).get("exclude_patterns", []) or []
    found = []
    for folder, dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        # prune hidden folders (.git, .venv), _build and excluded folders without walking them
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded((rel_folder / d).as_posix()))
        for name in sorted(files):
            md = Path(folder) / name
            rel = (rel_folder / name).as_posix()
            if not name.endswith(".md") or excluded(rel) or any(PurePosixPath(md.as_posix()).match(p) for p in no_exec):
                continue
            if is_myst_markdown_notebook(md.read_text(encoding="utf8")):
                found.append(md)
    return sorted(found)


def read_notebook(md: Path, config: dict):
    """The notebook myst-nb builds from a MyST markdown file (same reader, same cache key)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    extensions = config.get("parse", {}).get("myst_enable_extensions", []) or []
    md_config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(md.read_text(encoding="utf8"), config=md_config,
                                       add_source_map=True, path=str(md))


# --------------------------------------------------------------------------- fingerprint
def fingerprint() -> str:
    """Hash of what the chapters run against besides their own code cells."""
    h = hashlib.sha256()
    files = sorted((REPO / "imbalkit").rglob("*.py")) + [REPO / "data/manifest.json"]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(sys.version.encode())
    packages = sorted({(d.metadata["Name"] or "").lower(): d.version for d in importlib.metadata.distributions()}.items())
    h.update(json.dumps(packages).encode())
    return h.hexdigest()


def _known_times(path: Path) -> dict:
    """Last execution time of each chapter (this cache's, else benchmarks/chapter_times.csv)."""
    times = _read_json(path / TIMES_FILE)
    if not times and (REPO / "benchmarks/chapter_times.csv").exists():
        import csv

        with open(REPO / "benchmarks/chapter_times.csv", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    times[re.sub(r"\.(ipynb|md)$", "", row["chapter"]) + ".md"] = float(row["seconds"])
                except (KeyError, ValueError):
                    pass
    return times


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- execution
def _execute(md: str, nb, timeout: int, allow_errors: bool) -> tuple[str, object, float, str | None]:
    """Run one notebook in a fresh kernel (in a worker process); return it with its outputs."""
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(nb, cwd=str(Path(md).parent), timeout=timeout,
                                 allow_errors=allow_errors, meta_override=True)
    error = None if result.err is None else (result.exc_string or repr(result.err))
    return md, nb, result.time, error


def execute(root: Path, jobs: int) -> int:
    """Fill the cache; return the number of chapters that failed."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = root.resolve()
    config = load_config(root)
    execute_cfg = config.get("execute", {}) or {}
    mode = execute_cfg.get("execute_notebooks", "auto")
    if mode != "cache":
        print(f"execute_chapters: execute_notebooks is {mode!r}, not 'cache': Sphinx executes the chapters itself")
        return 0
    timeout = int(execute_cfg.get("timeout", 30))
    allow_errors = bool(execute_cfg.get("allow_errors", False))
    path = cache_path(root)
    path.mkdir(parents=True, exist_ok=True)
    current = fingerprint()
    if _read_json(path / FINGERPRINT_FILE).get("fingerprint") != current:
        if (path / "global.db").exists():
            print("execute_chapters: imbalkit, data or installed packages changed: every chapter runs again")
            get_cache(str(path)).clear_cache()
            path.mkdir(parents=True, exist_ok=True)
        (path / FINGERPRINT_FILE).write_text(json.dumps({"fingerprint": current}))
    cache = get_cache(str(path))
    times = _known_times(path)

    todo = []
    for md in chapters(root, config):
        nb = read_notebook(md, config)
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            todo.append((md, nb))
    n_all = len(chapters(root, config))
    print(f"execute_chapters: {n_all - len(todo)} of {n_all} chapters cached, {len(todo)} to run with {jobs} job(s)")
    if not todo:
        return 0
    # Longest first (last known times), so two workers finish together.
    todo.sort(key=lambda item: -float(times.get(item[0].relative_to(root).as_posix(), 1e9)))
    # One BLAS/OpenMP thread per core per kernel, unless the caller chose otherwise.
    threads = str(max(1, (os.cpu_count() or 1) // max(1, jobs)))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, threads)

    failed = []
    start = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_execute, str(md), nb, timeout, allow_errors) for md, nb in todo]
        for future in cf.as_completed(futures):
            md_str, nb, seconds, error = future.result()
            md = Path(md_str)
            rel = md.relative_to(root).as_posix()
            if error is not None:
                failed.append(rel)
                print(f"  FAILED {seconds:6.1f} s  {rel}\n{error}", flush=True)
                continue
            # Keep one record per chapter: drop older executions of the same file.
            for record in cache.list_cache_records():
                if record.uri == str(md):
                    cache.remove_cache(record.pk)
            cache.cache_notebook_bundle(CacheBundleIn(nb, str(md), data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            times[rel] = round(seconds, 1)
            print(f"  ok     {seconds:6.1f} s  {rel}", flush=True)
    (path / TIMES_FILE).write_text(json.dumps(times, indent=1, sort_keys=True))
    print(f"execute_chapters: ran {len(todo)} chapter(s) in {time.perf_counter() - start:.0f} s wall time"
          + (f"; FAILED: {', '.join(sorted(failed))}" if failed else ""))
    return len(failed)


def check(root: Path) -> list[str]:
    """Problems that prevent calling the book executed: missing/stale cache, error outputs."""
    from jupyter_cache import get_cache

    root = root.resolve()
    config = load_config(root)
    path = cache_path(root)
    if not (path / "global.db").exists():
        return [f"no execution cache in {path}: run `make book` first"]
    if _read_json(path / FINGERPRINT_FILE).get("fingerprint") != fingerprint():
        return ["the execution cache was made with other imbalkit code, data or packages: run `make book`"]
    cache = get_cache(str(path))
    problems = []
    for md in chapters(root, config):
        rel = md.relative_to(root).as_posix()
        try:
            record = cache.match_cache_notebook(read_notebook(md, config))
        except KeyError:
            problems.append(f"{rel}: no cached execution of its current code (it failed, or run `make book`)")
            continue
        nb = cache.get_cache_bundle(record.pk).nb
        for i, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    problems.append(f"{rel}: cell {i} raised {output.get('ename')}: {output.get('evalue')}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="book folder holding _config.yml")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", os.cpu_count() or 1)))
    parser.add_argument("--check", action="store_true", help="only verify the cache, run nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.root)
        print("\n".join(problems) or "every chapter has an up-to-date, error-free execution")
        return 1 if problems else 0
    return 1 if execute(args.root, args.jobs) else 0


if __name__ == "__main__":
    sys.exit(main())
