"""Structures of Part V: ordering rule, neighbour tables, bundled derived tables, structure task."""
import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from imbalkit import datasets, tasks
from imbalkit.structure_tasks import paired_differences, superionic_structures
from imbalkit.structures import (cif_is_ordered, majority_ordered, neighbor_table, prepared_structures, site_table,
                                 tables_by_id)


def test_majority_rule_keeps_framework_and_drops_mostly_vacant_sites():
    s = Structure(Lattice.cubic(5.0), [{"Li": 0.6}, {"Li": 0.4}, {"Ge": 0.5, "P": 0.5}, {"S": 1.0}, {"Na": 0.2, "K": 0.3}],
                  [[0, 0, 0], [0.5, 0, 0], [0.5, 0.5, 0.5], [0, 0.5, 0], [0, 0, 0.5]])
    out = majority_ordered(s)
    # 0.6 Li kept; 0.4 Li (60 % empty) dropped; Ge/P tie -> lighter P; K 0.3 vs 50 % empty -> dropped
    assert [site.species_string for site in out] == ["Li", "P", "S"]
    assert out.is_ordered
    assert majority_ordered(out) == out                       # idempotent on ordered structures


def test_majority_rule_errors():
    with pytest.raises(TypeError, match="pymatgen Structure"):
        majority_ordered("Li3PS4")
    empty = Structure(Lattice.cubic(4.0), [{"Li": 0.2}], [[0, 0, 0]])
    with pytest.raises(ValueError, match="mostly vacant"):
        majority_ordered(empty)


def test_cif_is_ordered_agrees_with_pymatgen_on_a_sample():
    cifs = datasets.read_cifs("obelix_cifs")
    keys = np.random.default_rng(3).choice(sorted(cifs), size=25, replace=False)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [Structure.from_str(cifs[k], fmt="cif").is_ordered for k in keys]
    assert [cif_is_ordered(cifs[k]) for k in keys] == expected
    assert any(expected) and not all(expected)               # the sample holds both kinds
    with pytest.raises(ValueError, match="no CIF data block"):
        cif_is_ordered("not a cif")


def test_neighbor_table_simple_cubic_and_padding():
    sc = Structure(Lattice.cubic(3.0), ["Po"], [[0, 0, 0]])
    z, idx, dist = neighbor_table(sc, radius=4.0, max_neighbors=20)
    # 6 neighbours at 3.0, 12 at 3*sqrt(2) = 4.24 (outside 4.0): the rest is padding at radius + 1
    assert z.tolist() == [84]
    assert np.allclose(dist[0, :6], 3.0) and np.allclose(dist[0, 6:], 5.0) and (idx == 0).all()
    with pytest.raises(ValueError, match="disordered"):
        neighbor_table(Structure(Lattice.cubic(3.0), [{"Li": 0.5}], [[0, 0, 0]]))
    with pytest.raises(ValueError, match="positive"):
        neighbor_table(sc, radius=0)


def test_bundled_site_table_is_reproduced_from_the_cifs():
    sites = datasets.load("obelix_cgcnn_sites")
    stored = tables_by_id(sites)
    keys = np.random.default_rng(0).choice(sorted(stored), size=6, replace=False)
    fresh = tables_by_id(site_table(prepared_structures(keys)))
    for k in keys:
        for a, b in zip(stored[k][:2], fresh[k][:2]):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(stored[k][2], fresh[k][2], atol=1e-5)
    assert len(stored) == 321 and sites.groupby("ID").size().min() >= 1


def test_bundled_chgnet_embedding_is_reproduced_live():
    import torch
    from chgnet.model import CHGNet

    torch.set_num_threads(1)
    emb = datasets.load("obelix_chgnet").set_index("ID")
    small = emb.index[emb["n_sites"] <= 12][:2]
    model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
    live = prepared_structures(small)
    pred = model.predict_structure([live[k] for k in small], return_crystal_feas=True, batch_size=1)
    cols = [f"chgnet_{j}" for j in range(64)]
    np.testing.assert_allclose(np.vstack([p["crystal_fea"] for p in pred]), emb.loc[small, cols], atol=1e-5)
    np.testing.assert_allclose([float(p["e"]) for p in pred], emb.loc[small, "chgnet_e"], atol=1e-5)


def test_superionic_structures_labels_match_the_registry_task():
    d = superionic_structures()
    reg = tasks.get("obelix_superionic").load()
    ob = datasets.load("obelix")
    label = dict(zip(ob["ID"], reg.y))                        # the registry's labels, row-aligned with the table
    assert [label[k] for k in d.ids] == d.y.tolist()
    assert len(d.y) == 321 and d.y.sum() == 55
    assert list(d.ids) == sorted(d.ids)
    for seed in (0, 1):
        folds = d.folds(seed)
        tests_ = np.concatenate([te for _, te in folds])
        assert sorted(tests_.tolist()) == list(range(321))   # each structure tested once per seed
        assert all(abs(d.y[te].mean() - d.prevalence) < 0.02 for _, te in folds)   # stratified
    with pytest.raises(ValueError, match="S/cm"):
        superionic_structures(threshold=5)
    with pytest.raises(ValueError, match="at least 2 of each class"):
        superionic_structures(threshold=0.5)


def test_paired_differences_uses_the_corrected_variance():
    s = pd.DataFrame({"method": ["a"] * 4 + ["b"] * 4, "seed": 0, "fold": [0, 1, 2, 3] * 2,
                      "pr_auc": [.5, .5, .5, .5, .6, .7, .6, .7]})
    d = paired_differences(s, "a", n_splits=4).loc["b"]
    diffs = np.array([.1, .2, .1, .2])
    assert d["diff"] == pytest.approx(0.15)
    assert d["se"] == pytest.approx(np.sqrt((1 / 4 + 1 / 3) * diffs.var(ddof=1)))
    with pytest.raises(KeyError, match="baseline 'c'"):
        paired_differences(s, "c")
