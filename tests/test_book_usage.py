"""The book's own balance: data sets per chapter, domains per Part (issue: evidence from the
reader's own domain). The scan itself is tested on inline texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from imbalkit.book_usage import balance, chapter_table, dataset_usage

BOOK = Path(__file__).resolve().parents[1] / "book"


def test_scan_finds_direct_loads_tasks_and_name_dicts():
    texts = ['df = datasets.load("expt_gap")',
             "t = tasks.get('mof_large_pore')\ncifs = datasets.read_cifs('obelix_cifs')",
             'props = {"k": "aflow_ael_bulk_modulus_vrh"}\nprint("no data here")',
             "nothing at all"]
    usage = dataset_usage(texts, ["a", "b", "c", "d"])
    assert usage == {"a": {"expt_gap"}, "b": {"core_mof", "obelix_cifs"},
                     "c": {"aflow_ael_bulk_modulus_vrh"}, "d": set()}
    with pytest.raises(ValueError, match="differ in length"):
        dataset_usage(["x"], [])


def test_no_more_than_a_third_of_chapters_rest_on_expt_gap_alone():
    bal = balance(chapter_table(BOOK))
    assert bal["chapters"] >= 29
    assert bal["expt_gap_only_share"] <= 1 / 3, bal


def test_every_part_draws_on_two_domains():
    bal = balance(chapter_table(BOOK))
    assert len(bal["domains_per_part"]) == 7
    assert min(bal["domains_per_part"].values()) >= 2, bal["domains_per_part"]
