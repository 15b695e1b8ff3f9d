"""The book's guard rails: every chapter executed without error (once, by `make book`), a
chapter that raises fails the build, notebooks stay paired, and every chapter follows the
anatomy (setup cell, summary, exercises, references)."""
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
import execute_chapters  # noqa: E402
import notebooks  # noqa: E402


def _build(book_dir: Path) -> subprocess.CompletedProcess:
    """What `make book` runs after the pairing check (scripts/build_book.py), aimed at book_dir."""
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/build_book.py" in makefile, "the book target no longer runs scripts/build_book.py"
    cmd = [sys.executable, str(ROOT / "scripts/build_book.py"), "--root", str(book_dir), "--jobs", "2"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def _check(book_dir: Path) -> subprocess.CompletedProcess:
    """What test_every_chapter_executed_without_error runs, aimed at book_dir."""
    cmd = [sys.executable, str(ROOT / "scripts/execute_chapters.py"), "--root", str(book_dir), "--check"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def _throwaway_book(tmp_path: Path, cells: dict[str, str]) -> Path:
    """A book with the real _config.yml (cache mode, extensions, flags) and one chapter per cell."""
    book = tmp_path / "book"
    book.mkdir()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["bibtex_bibfiles"] = ["refs.bib"]
    config["exclude_patterns"] = ["_build", "**.ipynb", "book/_static", "book/_ext"]
    # the book's own Sphinx extensions and static files, at the paths _config.yml names
    (book / "book").mkdir()
    for folder in ("_ext", "_static"):
        (book / "book" / folder).symlink_to(ROOT / "book" / folder)
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "refs.bib").write_text("")
    toc = "".join(f"  - file: {name}\n" for name in cells)
    (book / "_toc.yml").write_text(f"format: jb-book\nroot: intro\nchapters:\n{toc}")
    (book / "intro.md").write_text("# Intro\n\nA throwaway book.\n")
    for name, cell in cells.items():
        _write_chapter(book, name, cell)
    return book


def _write_chapter(book: Path, name: str, cell: str) -> None:
    header = (ROOT / "book/appendix/chapter-template.md").read_text().split("---", 2)[1]
    (book / f"{name}.md").write_text(f"---{header}---\n\n# Chapter {name}\n\n```{{code-cell}} ipython3\n{cell}\n```\n")


@pytest.mark.slow
def test_build_executes_once_and_fails_when_a_chapter_raises(tmp_path: Path) -> None:
    """Control: two good chapters build, in parallel, and are checked as executed; a rebuild
    runs nothing again. Then one chapter is edited to raise: the cached result of its old code
    must not hide it, so the build fails naming it, its page is not rendered, and the
    executed-chapters check fails too."""
    book = _throwaway_book(tmp_path, {"good": "x = 1 + 1\nprint(x)", "other": "print('other')"})
    result = _build(book)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "0 of 2 chapters cached, 2 to run with 2 job(s)" in log, log[-3000:]
    assert (book / "_build/html/good.html").exists() and (book / "_build/html/.imbalkit-built").exists()
    assert "Executing notebook" not in log, "Sphinx executed a chapter itself: the cache keys do not match"
    assert _check(book).returncode == 0, _check(book).stdout

    result = _build(book)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "2 of 2 chapters cached, 0 to run" in log, log[-3000:]

    _write_chapter(book, "good", "raise RuntimeError('boom')")
    result = _build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log[-3000:]
    assert "FAILED" in log and "good.md" in log and "RuntimeError" in log and "boom" in log, log[-3000:]
    assert not (book / "_build/html/.imbalkit-built").exists()
    check = _check(book)
    assert check.returncode != 0 and "good.md" in check.stdout, check.stdout


def test_every_chapter_executed_without_error() -> None:
    """`make test` builds the book first: every chapter must have a cached execution of its
    current code (with the current imbalkit, data and packages) with no error output."""
    problems = execute_chapters.check(ROOT)
    assert not problems, "\n".join(problems)


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
