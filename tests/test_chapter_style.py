"""Chapter code cells stay short: mechanics belong in imbalkit, the chapter shows idea and evidence.

Every ``{code-cell}`` of every ``book/**/*.md`` chapter may hold at most ``MAX_LINES`` non-blank
lines, cell options (``:tags: ...``) and comment-only lines included. Exempt, explicitly:

* the hidden setup cell (tag ``remove-cell``), which is copied verbatim from the chapter
  template and rewritten by ``make sync``;
* glue-only cells: cells whose every non-blank line is an import of ``glue`` or a
  ``glue(...)`` call (one line per glued number; splitting them would only scatter them).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
MAX_LINES = 25
FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
GLUE_LINE = re.compile(r"^(from myst_nb import glue|glue\(.*\)\s*(#.*)?)$")


def code_cells(text: str) -> list[tuple[int, list[str]]]:
    """``(first line number, non-blank lines)`` of every code cell in a MyST notebook's text.

    >>> code_cells("x\\n```{code-cell} ipython3\\na = 1\\n\\nb = 2\\n```\\n")
    [(2, ['a = 1', 'b = 2'])]
    """
    cells = []
    for m in FENCE.finditer(text):
        lines = [ln for ln in m.group(2).splitlines() if ln.strip()]
        cells.append((text.count("\n", 0, m.start()) + 1, lines))
    return cells


def exempt(lines: list[str]) -> bool:
    """True for the hidden setup cell and for glue-only cells."""
    if any(ln.startswith(":tags:") and "remove-cell" in ln for ln in lines):
        return True
    return bool(lines) and all(GLUE_LINE.match(ln.strip()) for ln in lines)


def long_cells(path: Path) -> list[str]:
    """``"file:line (n lines)"`` for each non-exempt cell longer than ``MAX_LINES``."""
    out = []
    for line, lines in code_cells(path.read_text(encoding="utf-8")):
        if not exempt(lines) and len(lines) > MAX_LINES:
            out.append(f"{path.relative_to(BOOK)}:{line} ({len(lines)} lines)")
    return out


CHAPTERS = sorted(p for p in BOOK.rglob("*.md") if "{code-cell}" in p.read_text(encoding="utf-8"))


def test_chapters_found() -> None:
    assert len(CHAPTERS) > 10


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: str(p.relative_to(BOOK)))
def test_code_cells_are_short(path: Path) -> None:
    assert long_cells(path) == [], f"cells longer than {MAX_LINES} non-blank lines; move mechanics into imbalkit"


def test_counter_catches_a_long_cell_and_exempts_setup_and_glue() -> None:
    body = "\n".join(f"x{i} = {i}" for i in range(MAX_LINES + 1))
    assert len(code_cells(f"```{{code-cell}} ipython3\n{body}\n```\n")[0][1]) == MAX_LINES + 1
    assert not exempt(body.splitlines())
    assert exempt([":tags: [remove-cell]", *body.splitlines()])
    assert exempt(["from myst_nb import glue", *[f'glue("k{i}", {i}, display=False)' for i in range(30)]])
    assert not exempt(["from myst_nb import glue", "y = 2", 'glue("k", y)'])
