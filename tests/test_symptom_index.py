"""The "find your symptom" index (book/symptoms.md, data in book/_data/kb_index.csv).

Fails when a question of the knowledge base has no entry, when an entry's status is not
honest about having no answer, or when an entry points at a section that does not exist —
in the Markdown sources always, and in the built HTML book whenever one has been built
(``make test`` builds it first).
"""
from __future__ import annotations

import csv
import importlib.util
import os
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "kb-questions.csv"
HTML = Path(os.environ.get("IMBALKIT_HTML", ROOT / "_build" / "html"))


def _extension():
    spec = importlib.util.spec_from_file_location("symptom_index", ROOT / "book" / "_ext" / "symptom_index.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXT = _extension()
ROWS = EXT.read_index()


def _labels(doc: str) -> set[str]:
    text = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\(([^)\s]+)\)=\s*$", text, flags=re.M))


def test_every_question_has_exactly_one_entry():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert len(ids) == 129
    if SHARED.exists():  # the knowledge base's own list, beside the repository
        with open(SHARED, newline="", encoding="utf-8") as fh:
            kb = [r["id"] for r in csv.DictReader(fh)]
        assert set(ids) == set(kb), {"missing": set(kb) - set(ids), "unknown": set(ids) - set(kb)}


def test_entries_point_at_existing_sections():
    for row in ROWS:
        if row["status"] == "X":
            assert row["note"], f"{row['id']} is not answered and does not say why"
            continue
        assert (ROOT / f"{row['doc']}.md").exists(), f"{row['id']}: no chapter {row['doc']}.md"
        assert row["label"] in _labels(row["doc"]), f"{row['id']}: no label ({row['label']})= in {row['doc']}.md"


def test_most_questions_are_answered_on_their_own_kind_of_data():
    counts = Counter(r["status"] for r in ROWS)
    assert counts["M"] >= 80, counts


def test_stand_in_and_text_answers_say_so():
    for row in ROWS:
        if row["status"] in ("M~", "T"):
            assert row["note"], f"{row['id']} is {row['status']} and must say what is missing"


def test_reader_text_is_a_symptom_not_empty():
    for row in ROWS:
        assert len(row["symptom"]) > 20 and row["theme"], row["id"]


def test_bad_status_is_refused(tmp_path):
    bad = tmp_path / "kb.csv"
    bad.write_text("id,kind,theme,symptom,status,doc,label,note\nA,question,t,s,maybe,d,l,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="status 'maybe'"):
        EXT.read_index(bad)
    bad.write_text("id,kind,theme,symptom,status,doc,label,note\nA,question,t,s,M,d,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no label"):
        EXT.read_index(bad)


@pytest.mark.skipif(not (HTML / "book" / "symptoms.html").exists(), reason="book not built (make test builds it)")
def test_built_book_has_every_entry_and_section():
    page = (HTML / "book" / "symptoms.html").read_text(encoding="utf-8")
    assert f"{len(ROWS)} questions and protocols" in page
    for row in ROWS:
        assert f'id="{EXT.anchor(row["id"])}"' in page, row["id"]
        if row["label"]:
            html = (HTML / f"{row['doc']}.html").read_text(encoding="utf-8")
            assert f'id="{row["label"]}"' in html, f"{row['id']}: section {row['label']} missing in {row['doc']}.html"
            # the answering section links back to its entry in the index
            assert f'symptoms.html#{EXT.anchor(row["id"])}"' in html, f"{row['id']}: no back-link in {row['doc']}.html"
