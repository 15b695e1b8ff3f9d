"""The book's guard rails: a chapter that raises fails the build, notebooks stay paired,
and every chapter follows the anatomy (setup cell, summary, exercises, references)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import notebooks  # noqa: E402


def _build_command(book_dir: Path) -> list[str]:
    """The exact `jupyter-book build` line of the Makefile's `book` target, aimed at book_dir."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(l.strip() for l in makefile.splitlines() if "jupyter-book build" in l)
    args = line.split()
    assert args[:3] == ["jupyter-book", "build", "."], line
    return [shutil.which("jupyter-book") or "jupyter-book", "build", str(book_dir), *args[3:]]


def _throwaway_book(tmp_path: Path, cell: str) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["bibtex_bibfiles"] = ["refs.bib"]
    config["exclude_patterns"] = ["_build", "**.ipynb", "book/_static", "book/_ext"]
    # the book's own Sphinx extension and static files, at the paths _config.yml names
    (book / "book").mkdir()
    for folder in ("_ext", "_static"):
        (book / "book" / folder).symlink_to(ROOT / "book" / folder)
    config["execute"]["execute_notebooks"] = "force"
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "refs.bib").write_text("")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n")
    (book / "intro.md").write_text("# Intro\n\nA throwaway book.\n")
    header = (ROOT / "book/appendix/chapter-template.md").read_text().split("---", 2)[1]
    (book / "chapter.md").write_text(f"---{header}---\n\n# Chapter\n\n```{{code-cell}} ipython3\n{cell}\n```\n")
    return book


@pytest.mark.slow
@pytest.mark.parametrize("cell, should_fail", [("x = 1 + 1\nprint(x)", False), ("raise RuntimeError('boom')", True)])
def test_build_fails_when_a_chapter_raises(tmp_path: Path, cell: str, should_fail: bool) -> None:
    book = _throwaway_book(tmp_path, cell)
    result = subprocess.run(_build_command(book), capture_output=True, text=True, timeout=600)
    log = result.stdout + result.stderr
    if should_fail:
        assert result.returncode != 0, log[-3000:]
        assert "chapter" in log and ("Executing notebook failed" in log or "CellExecutionError" in log), log[-3000:]
    else:
        assert result.returncode == 0, log[-3000:]
        assert (book / "_build/html/chapter.html").exists()


def test_notebooks_are_paired_and_stripped() -> None:
    problems = notebooks.check()
    assert not problems, "\n".join(problems)


def test_pairing_check_detects_drift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = ROOT / "book/appendix/chapter-template.md"
    fake_book = tmp_path / "book"
    fake_book.mkdir()
    shutil.copy(src, fake_book / "c.md")
    shutil.copy(src.with_suffix(".ipynb"), fake_book / "c.ipynb")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    monkeypatch.setattr(notebooks, "BOOK", fake_book)
    assert notebooks.check() == []
    (fake_book / "c.md").write_text(src.read_text() + "\n```{code-cell} ipython3\nprint('new')\n```\n")
    assert any("differs" in p for p in notebooks.check())


CHAPTERS = notebooks.chapters()
# Appendix reference pages that are notebooks (e.g. 05-datasets, generated from the data
# manifest) run under nbmake and keep the setup cell, but are not chapters: the anatomy
# applies to the Parts' chapters and to the template they are copied from.
ANATOMY = [p for p in CHAPTERS if p.parent.name != "appendix" or p.name == "chapter-template.md"]


def test_there_are_chapters() -> None:
    assert len(CHAPTERS) >= 4


@pytest.mark.parametrize("md", ANATOMY, ids=[str(p.relative_to(ROOT)) for p in ANATOMY])
def test_chapter_anatomy(md: Path) -> None:
    text = md.read_text()
    assert notebooks.SETUP_MARKER in text, "first code cell must be the setup cell"
    first_code = text.index("```{code-cell}")
    assert text.index(notebooks.SETUP_MARKER) > first_code
    assert ":tags: [remove-cell]" in text[first_code:first_code + 80]
    for heading in ("## Summary", "## Exercises", "## References"):
        assert heading in text, f"{md.name} lacks a '{heading}' section"
    assert "{solution}" in text, f"{md.name}: exercises need solutions"
    assert re.search(r"\{foot(cite|bibliography)", text), f"{md.name}: cite sources with footcite"


def test_toc_globs_cover_every_chapter() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    globs = [c["glob"] for part in toc["parts"] for c in part["chapters"] if "glob" in c]
    for md in CHAPTERS:
        rel = md.relative_to(ROOT).with_suffix("").as_posix()
        assert any(Path(rel).match(g) for g in globs), f"{rel} is not in _toc.yml"


def test_labels_are_unique_across_the_book() -> None:
    """Sphinx labels (exercises, figures, targets) live in one namespace for the whole book;
    a label reused in two chapters breaks the warnings-as-errors build."""
    seen: dict[str, str] = {}
    duplicates = []
    for md in sorted((ROOT / "book").rglob("*.md")):
        text = md.read_text()
        labels = re.findall(r"^:label:\s*(\S+)", text, flags=re.M) + re.findall(r"^\(([\w-]+)\)=\s*$", text, flags=re.M)
        for label in labels:
            rel = str(md.relative_to(ROOT))
            if label in seen and seen[label] != rel:
                duplicates.append(f"{label}: {seen[label]} and {rel}")
            seen.setdefault(label, rel)
    assert not duplicates, "\n".join(duplicates)
