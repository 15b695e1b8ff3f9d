"""Pre-trained element vectors: read offline from the ElementEmbeddings wheel, pooled like Magpie."""
from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may reach a hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

pytest.importorskip("elementembeddings")
from imbalkit import representations as rep  # noqa: E402

DATA = Path(importlib.util.find_spec("elementembeddings").submodule_search_locations[0]) / "data"


def _row_from_file(filename: str, element: str) -> np.ndarray:
    """Read one element's vector straight from the wheel's CSV, independently of the module."""
    with open(DATA / "element_representations" / filename, newline="") as fh:
        for row in csv.reader(fh):
            if row[0] == element:
                return np.array([float(v) for v in row[1:]])
    raise AssertionError(f"{element} not in {filename}")


@pytest.mark.parametrize("name,filename", [("mace_mp0", "mace_mp0.csv"), ("chgnet", "chgnet.csv"),
                                           ("orb_v2", "orb_v2.csv"), ("matscibert", "matscibert.csv")])
def test_known_element_vector_matches_shipped_file(name, filename):
    expected = _row_from_file(filename, "Fe")
    got = rep.element_vectors(name).loc["Fe"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_chgnet_vectors_are_64_dimensional_and_megnet_json_drops_null():
    assert rep.element_vectors("chgnet").shape[1] == 64
    meg = rep.element_vectors("megnet16")
    assert meg.shape[1] == 16 and "Null" not in meg.index


def test_pooling_matches_hand_computed_statistics():
    v = rep.element_vectors("sevennet")
    X = rep.embedding_features(["Fe2O3"], "sevennet")
    fe, o = v.loc["Fe"].to_numpy(), v.loc["O"].to_numpy()
    mean = 0.4 * fe + 0.6 * o
    np.testing.assert_allclose(X.filter(like="sevennet mean ").iloc[0], mean, atol=1e-9)
    np.testing.assert_allclose(X.filter(like="sevennet minimum ").iloc[0], np.minimum(fe, o), atol=1e-12)
    np.testing.assert_allclose(X.filter(like="sevennet range ").iloc[0], np.abs(fe - o), atol=1e-12)
    avg_dev = 0.4 * np.abs(fe - mean) + 0.6 * np.abs(o - mean)
    np.testing.assert_allclose(X.filter(like="sevennet avg_dev ").iloc[0], avg_dev, atol=1e-9)
    assert X["n_elements"].iloc[0] == 2


def test_single_element_has_zero_spread_and_order_is_kept():
    X = rep.embedding_features(["Cu", "NaCl", "Cu"], "mace_mp0")
    assert np.allclose(X.filter(like="range ").iloc[0], 0)
    assert np.allclose(X.filter(like="avg_dev ").iloc[0], 0)
    np.testing.assert_array_equal(X.iloc[0].to_numpy(), X.iloc[2].to_numpy())


def test_uncovered_element_error_names_element_and_vector_set():
    with pytest.raises(ValueError, match=r"'Ra'.*'RaO'.*row 1.*'chgnet'"):
        rep.embedding_features(["NaCl", "RaO"], "chgnet")
    assert rep.coverage(["NaCl", "RaO"], "chgnet").tolist() == [True, False]


def test_unknown_vector_set_and_empty_input_are_reported():
    with pytest.raises(ValueError, match="unknown vector set 'mace'"):
        rep.embedding_features(["NaCl"], "mace")
    with pytest.raises(ValueError, match="formulas is empty"):
        rep.embedding_features([], "chgnet")


def test_loads_offline_without_torch_or_umap():
    code = ("import sys, socket\n"
            "def _no(*a, **k): raise RuntimeError('network access attempted')\n"
            "socket.socket.connect = _no\n"
            "from imbalkit import representations as r\n"
            "for n in r.VECTOR_SETS: r.embedding_features(['LiFePO4'], n)\n"
            "print(sorted(m for m in ('torch', 'umap', 'elementembeddings.core') if m in sys.modules))\n")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_principal_components_preserve_element_distances_when_complete():
    v = rep.element_vectors("chgnet").to_numpy()
    Z = rep.element_components("chgnet", 64).to_numpy()  # all components: a rotation
    d_v = np.linalg.norm(v[0] - v[1:], axis=1)
    d_z = np.linalg.norm(Z[0] - Z[1:], axis=1)
    np.testing.assert_allclose(d_z, d_v, rtol=1e-8)
    var = rep.element_components("chgnet", 5).var().to_numpy()
    assert np.all(np.diff(var) <= 1e-12)  # decreasing variance
    X = rep.embedding_features(["LiCl"], "orb_v2", n_components=22)
    assert X.shape == (1, 5 * 22 + 1)
    with pytest.raises(ValueError, match="n_components must be an integer from 1 to 64"):
        rep.element_components("chgnet", 65)
