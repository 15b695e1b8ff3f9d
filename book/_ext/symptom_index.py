"""The "find your symptom" index, generated from ``book/_data/kb_index.csv``.

* The directive ``symptom-index`` (used once, in ``book/symptoms.md``) renders every row of
  the data file, grouped by theme: the symptom as a reader would put it, its status, and a
  cross-reference to the section that answers it. The references are ordinary Sphinx
  ``ref`` cross-references, so a label that does not exist is a build warning (an error
  under ``-W``) rather than a dead link.
* Every answering section gets a line under its heading that lists the question ids it
  answers and links back to their entries in the index.

Columns of the data file: ``id, kind, theme, symptom, status, doc, label, note``; ``status``
is one of ``M`` (measured on data of the kind the question names), ``M~`` (measured on a
stand-in or only in part), ``T`` (text only) and ``X`` (not answered; ``note`` says why).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

DATA = Path(__file__).resolve().parents[1] / "_data" / "kb_index.csv"
INDEX_DOC = "book/symptoms"
STATUS = {
    "M": "measured on data of this kind",
    "M~": "measured on a stand-in, or in part",
    "T": "text only",
    "X": "not answered",
}


def read_index(path: Path = DATA) -> list[dict[str, str]]:
    """The rows of the index data file, in file order."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["status"] not in STATUS:
            raise ValueError(f"{path.name}: {row['id']} has status {row['status']!r}; use one of {list(STATUS)}")
        if row["status"] != "X" and not row["label"]:
            raise ValueError(f"{path.name}: {row['id']} has status {row['status']} but no label to link to")
    return rows


def anchor(qid: str) -> str:
    """HTML id of a question's entry on the index page."""
    return "kb-" + qid.lower()


class SymptomIndex(Directive):
    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        env.note_dependency(str(DATA))
        rows = read_index()
        themes: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            themes[row["theme"]].append(row)
        counts = {status: sum(r["status"] == status for r in rows) for status in STATUS}
        summary = nodes.paragraph(classes=["kb-summary"])
        summary += nodes.Text(f"{len(rows)} questions and protocols: " + "; ".join(
            f"{n} [{status}] {STATUS[status]}" for status, n in counts.items()) + ".")
        out: list[nodes.Node] = [summary]
        for theme, items in themes.items():
            out.append(nodes.rubric(text=theme))
            bullets = nodes.bullet_list()
            for row in items:
                para = nodes.paragraph(ids=[anchor(row["id"])])
                para += nodes.strong(text=row["id"])
                para += nodes.Text(" " + row["symptom"] + " ")
                para += nodes.inline(text=f"[{row['status']}]", classes=["kb-status", "kb-status-" + row["status"].replace("~", "t")])
                if row["label"]:
                    para += nodes.Text(" → ")
                    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=row["label"],
                                                refexplicit=False, refwarn=True)
                    ref += nodes.inline(text=row["label"])
                    para += ref
                if row["note"]:
                    para += nodes.Text(" — " + row["note"])
                bullets += nodes.list_item("", para)
            out.append(bullets)
        return out


def _backlinks(app: Any, doctree: nodes.document, docname: str) -> None:
    """Under each answering section's title, link back to the index entries it answers."""
    if docname == INDEX_DOC or not DATA.exists():
        return
    by_label: dict[str, list[str]] = defaultdict(list)
    for row in read_index():
        if row["label"] and row["doc"] == docname:
            by_label[row["label"]].append(row["id"])
    if not by_label:
        return
    for section in doctree.findall(nodes.section):
        ids = [qid for name in section["ids"] + section["names"] for qid in by_label.get(name, [])]
        if not ids or not section.children or not isinstance(section.children[0], nodes.title):
            continue
        para = nodes.paragraph(classes=["kb-backlink"])
        para += nodes.Text("Answers ")
        for i, qid in enumerate(dict.fromkeys(ids)):
            if i:
                para += nodes.Text(", ")
            uri = app.builder.get_relative_uri(docname, INDEX_DOC) + "#" + anchor(qid)
            para += nodes.reference("", qid, refuri=uri)
        para += nodes.Text(" of the ")
        para += nodes.reference("", "symptom index", refuri=app.builder.get_relative_uri(docname, INDEX_DOC))
        para += nodes.Text(".")
        section.insert(1, para)


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("symptom-index", SymptomIndex)
    app.connect("doctree-resolved", _backlinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
