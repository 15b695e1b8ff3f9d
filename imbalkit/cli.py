"""Command line interface: ``imbalkit diagnose DATA.csv --target COL [--formula COL] [--out report.html]``.

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``imbalkit`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(f"imbalkit {__version__}")
        return 0
    if args.command != "diagnose":
        parser.print_help(sys.stderr)
        return 2
    try:
        return _diagnose(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"imbalkit diagnose: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
