"""The task registry: shape, prevalence from an independent reading of the raw files, no
target leakage into the inputs, enough tasks and domains for the evidence matrix."""
from __future__ import annotations

import gzip
import csv

import numpy as np
import pandas as pd
import pytest

from imbalkit import datasets, tasks


def _raw_rows(name: str) -> list[dict]:
    """Rows of every file of a dataset, read with the csv module (not imbalkit's loader)."""
    rows = []
    for f in datasets.info(name)["files"]:
        with gzip.open(datasets.data_dir() / f["file"], "rt", encoding="utf-8-sig") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def test_registry_size_and_domains():
    binary_or_multi = [n for n in tasks.available() if tasks.get(n).kind in ("binary", "multiclass")]
    regression = tasks.available(kind="regression")
    assert len(binary_or_multi) >= 8 and len(regression) >= 4
    assert len({tasks.get(n).domain for n in tasks.available()}) >= 5
    assert tasks.available(kind="multiclass") == ["obelix_crystal_system"]


@pytest.mark.parametrize("name", list(tasks.REGISTRY))
def test_each_task_is_well_formed(name):
    task = tasks.get(name)
    data = task.load()
    n = len(data)
    assert n > 100 and len(data.formulas) == n
    assert data.formulas.map(lambda s: isinstance(s, str) and s != "").all()
    if data.groups is not None:
        assert len(data.groups) == n
    for frame in (data.categorical, data.numeric):
        if frame is not None:
            assert len(frame) == n
            # no column of the inputs carries the target
            for col in frame.columns:
                assert task.dataset == "obelix" or col not in ("target", "sigma", "PLD", "ASA_m2_g")
                assert col not in ("target", "sigma", "log_target", "censored")
    y = np.asarray(data.y)
    if task.kind == "binary":
        assert set(np.unique(y)) == {0, 1}
        assert 0 < y.mean() < 0.5
    elif task.kind == "regression":
        assert np.isfinite(y.astype(float)).all()
    else:
        assert len(np.unique(y)) >= 3


def test_obelix_superionic_prevalence_matches_raw_file():
    rows = _raw_rows("obelix")
    sigma = []
    for r in rows:
        v = r["Ionic conductivity (S cm-1)"]
        sigma.append(0.0 if v.startswith("<") else float(v))
    sigma = np.array(sigma)
    d1 = tasks.load("obelix_superionic")
    d10 = tasks.load("obelix_superionic_10mS")
    assert d1.y.sum() == (sigma >= 1e-3).sum() == 100
    assert d10.y.sum() == (sigma >= 1e-2).sum() == 11


def test_crystal_system_counts_match_space_groups():
    rows = _raw_rows("obelix")
    sg = np.array([int(float(r["Space group #"])) for r in rows])
    d = tasks.load("obelix_crystal_system")
    counts = pd.Series(d.y).value_counts()
    assert counts["cubic"] == ((sg >= 195) & (sg <= 230)).sum() == 222
    assert counts["triclinic"] == (sg <= 2).sum() == 10
    assert counts["hexagonal"] == ((sg >= 168) & (sg <= 194)).sum() == 10


def test_mof_prevalence_matches_raw_file():
    rows = _raw_rows("core_mof")[:12020]  # first file: descriptors
    pld = np.array([float(r["PLD"]) for r in rows])
    asa = np.array([float(r["ASA_m2_g"]) for r in rows])
    assert tasks.load("mof_large_pore").y.sum() == (pld > 10).sum()
    assert tasks.load("mof_high_surface_area").y.sum() == (asa > 4000).sum()
    assert 0.03 < (pld > 10).mean() < 0.05 and 0.02 < (asa > 4000).mean() < 0.04


def test_every_task_can_be_featurised():
    # every formula of every task parses (Liverpool's mixture notations are left out, and said so)
    from imbalkit.composition import parse_formulas

    for name in tasks.REGISTRY:
        d = tasks.load(name)
        assert all(c is not None for c in parse_formulas(d.formulas, errors="ignore")), name
    assert "mixture notations" in tasks.load("liverpool_superionic").notes


def test_obelix_regression_leaves_out_censored_rows_and_says_so():
    d = tasks.load("obelix_log_sigma")
    assert len(d) == 599 - 37
    assert "37 censored" in d.notes


def test_subsample_is_stratified_and_seeded():
    d = tasks.load("mp_on_hull")
    a, b = d.subsample(1000, seed=3), d.subsample(1000, seed=3)
    assert np.array_equal(a.formulas, b.formulas)
    assert abs(a.y.mean() - d.y.mean()) < 0.01
    with pytest.raises(ValueError, match="positive"):
        d.subsample(0)


def test_unknown_task_and_kind_are_named():
    with pytest.raises(KeyError, match="known tasks"):
        tasks.get("superconductors")
    with pytest.raises(ValueError, match="kind must be"):
        tasks.available(kind="ordinal")


def test_summary_lists_every_task_with_prevalence():
    s = tasks.summary(["obelix_superionic", "steels_yield"])
    assert s["task"].tolist() == ["obelix_superionic", "steels_yield"]
    assert s["prevalence"].iloc[0] == pytest.approx(100 / 599)
    assert np.isnan(s["prevalence"].iloc[1])
