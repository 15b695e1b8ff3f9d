"""Command line interface.

* ``imbalkit diagnose DATA.csv --target COL [--formula COL] [--out report.html]``: how imbalanced;
* ``imbalkit benchmark DATA.csv --target COL (--formula COL | --features COL ...) [--rare "> 1e-3"]
  [--out report.html]``: which fix works on this data, measured with the book's protocol.

Exit codes: 0 success, 2 bad input (the message says what to fix), as for argparse errors.

Example
-------
>>> main(["--version"])  # doctest: +ELLIPSIS
imbalkit ...
0
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (sub-command ``diagnose``).

    >>> build_parser().parse_args(["diagnose", "d.csv", "--target", "y"]).target
    'y'
    """
    parser = argparse.ArgumentParser(prog="imbalkit", description="Tools from the imbalkit book.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("diagnose", help="measure a dataset's imbalance and write a report",
                       description="Measure the imbalance of a target column and write an HTML or Markdown report "
                                   "with recommended next steps linked to the book.")
    d.add_argument("data", help="CSV (.csv, .csv.gz) or parquet file")
    d.add_argument("--target", required=True,
                   help="target column; censored values such as '<1E-10' or '>5' are counted and reported, "
                        "not used as numbers")
    d.add_argument("--formula", default=None, help="column of chemical formulas (optional)")
    d.add_argument("--out", default=None, help="report file, .html or .md (default: Markdown to stdout)")
    d.add_argument("--kind", default="auto", choices=["auto", "classification", "regression"])
    d.add_argument("--threshold", type=float, action="append", default=[],
                   help="a scientific cut point for the tail table (repeatable), e.g. --threshold 4")
    d.add_argument("--no-progress", action="store_true", help="never show the progress bar")

    b = sub.add_parser("benchmark", help="measure which imbalance fix works on a dataset",
                       description="Run the book's benchmark protocol on your data: the plain model with a tuned "
                                   "threshold (or the plain regressor) against every candidate fix, in repeated "
                                   "leakage-safe cross-validation, with paired differences and a verdict.")
    b.add_argument("data", help="CSV (.csv, .csv.gz) or parquet file")
    b.add_argument("--target", required=True, help="target column")
    b.add_argument("--formula", default=None, help="column of chemical formulas (featurised with Magpie statistics)")
    b.add_argument("--features", nargs="+", default=[], metavar="COL", help="numeric input columns")
    b.add_argument("--categorical", nargs="+", default=[], metavar="COL",
                   help="categorical input columns (label-encoded; used by SMOTENC)")
    b.add_argument("--rare", default=None,
                   help="the rare class: a rule on a numeric target such as '> 1e-3' or '<= -2', or a class label; "
                        "without it a numeric target is benchmarked as a regression (upper tail)")
    b.add_argument("--techniques", nargs="+", default=None, metavar="NAME",
                   help="techniques to run (default: every non-network technique for the task)")
    b.add_argument("--folds", type=int, default=5, help="folds per repeat (default 5)")
    b.add_argument("--repeats", type=int, default=2, help="repeats of the k-fold split (default 2)")
    b.add_argument("--seed", type=int, default=0, help="seed of the folds, samplers and models (default 0)")
    b.add_argument("--budget", type=float, default=None,
                   help="seconds you are willing to wait: fewer repeats or a stratified subsample are used, "
                        "and the report says so")
    b.add_argument("--jobs", type=int, default=None,
                   help="parallel workers on this machine (default: every core)")
    b.add_argument("--scheduler", default=None,
                   help="address of a running Dask scheduler (tcp://host:8786) to spread the folds over a cluster")
    b.add_argument("--out", default=None, help="report file, .html or .md (default: Markdown to stdout)")
    b.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    return parser


def _diagnose(args: argparse.Namespace) -> int:
    from .diagnose import diagnose, read_table

    df = read_table(args.data)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise ValueError(f"--out {args.out!r} must end in .html or .md")
    report = diagnose(df, args.target, args.formula, kind=args.kind, thresholds=args.threshold,
                      progress=False if args.no_progress else None, source=str(args.data),
                      figure=out is not None and out.suffix.lower() in (".html", ".htm"))
    if len(report.bad_formulas):
        rows = report.bad_formulas["row"].tolist()
        print(f"warning: {len(rows)} formula(s) could not be parsed (rows {rows[:10]}"
              f"{' ...' if len(rows) > 10 else ''}); they are listed in the report", file=sys.stderr)
    if out is None:
        sys.stdout.write(report.to_markdown())
    else:
        report.save(out)
        print(f"wrote {out}", file=sys.stderr)
    return 0


def _benchmark(args: argparse.Namespace) -> int:
    import os

    from .benchmark import BenchmarkInputError, run_benchmark
    from .diagnose import read_table

    if args.out is not None and Path(args.out).suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise BenchmarkInputError(f"--out {args.out!r} must end in .html or .md")
    for name in ("folds", "repeats"):
        if getattr(args, name) < (2 if name == "folds" else 1):
            raise BenchmarkInputError(f"--{name} must be at least {2 if name == 'folds' else 1}, got {getattr(args, name)}")
    if args.budget is not None and args.budget <= 0:
        raise BenchmarkInputError(f"--budget must be a positive number of seconds, got {args.budget:g}")
    df = read_table(args.data)
    show = not args.no_progress and sys.stderr.isatty()

    def progress(message: str) -> None:
        if show or message.startswith("estimated"):
            print(f"imbalkit benchmark: {message}", file=sys.stderr, flush=True)

    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    client = None
    if args.scheduler:
        from dask.distributed import Client

        client = Client(args.scheduler)
    try:
        from contextlib import nullcontext

        from joblib import parallel_backend

        with parallel_backend("dask") if client is not None else nullcontext():
            report = run_benchmark(df, args.target, formula=args.formula, features=args.features, rare=args.rare,
                                   categorical=args.categorical, techniques=args.techniques, n_splits=args.folds,
                                   n_repeats=args.repeats, seed=args.seed, budget=args.budget,
                                   n_jobs=-1 if client is not None else jobs, source=str(args.data),
                                   progress=progress)
    finally:
        if client is not None:
            client.close()
    if args.out is None:
        sys.stdout.write(report.to_markdown())
    else:
        for path in report.save(args.out):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``imbalkit`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(f"imbalkit {__version__}")
        return 0
    commands = {"diagnose": _diagnose, "benchmark": _benchmark}
    if args.command not in commands:
        parser.print_help(sys.stderr)
        return 2
    try:
        return commands[args.command](args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"imbalkit {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
