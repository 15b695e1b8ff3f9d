from __future__ import annotations

import hashlib
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalkit import datasets

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = datasets.manifest()


@pytest.mark.parametrize("name", sorted(MANIFEST["datasets"]))
def test_manifest_matches_files(name: str) -> None:
    """Recompute every checksum and row count; check the descriptive fields are filled."""
    entry = MANIFEST["datasets"][name]
    for key in ("target", "units", "citation", "licence", "description", "bibkey"):
        assert entry.get(key), f"{name}: manifest lacks {key}"
    total = 0
    for f in entry["files"]:
        path = ROOT / "data" / f["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"], f["file"]
        if entry["task"] == "structures":  # a tar of CIF files: rows = number of files
            with tarfile.open(path) as tar:
                assert sum(m.isfile() for m in tar.getmembers()) == f["rows"], f["file"]
        else:
            df = pd.read_csv(path, keep_default_na=False, encoding="utf-8-sig", low_memory=False)
            assert len(df) == f["rows"] and list(df.columns) == f["columns"], f["file"]
        total += f["rows"]
    # tables joined on a key (core_mof: descriptors + formulas) have the rows of the first file
    assert entry["rows"] == (entry["files"][0]["rows"] if entry.get("join_on") else total)


def test_bibkeys_exist_in_bibliography() -> None:
    bib = "".join(p.read_text() for p in (ROOT / "book").rglob("*.bib"))
    for name, entry in MANIFEST["datasets"].items():
        assert "{" + entry["bibkey"] + "," in bib, f"{name}: bibkey {entry['bibkey']} not in any .bib file"


def test_load_known_shapes_and_sodium_nitride() -> None:
    gap = datasets.load("expt_gap")
    assert list(gap.columns) == ["formula", "target"] and len(gap) == 4604
    assert (gap["target"] == 0).mean() == pytest.approx(0.532, abs=0.001)
    hull = datasets.load("mp_e_hull")
    assert set(hull["split"]) == {"train", "val", "test"}
    assert hull["formula"].isna().sum() == 0
    assert "NaN" in set(hull["formula"])  # sodium nitride is a formula, not a missing value


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(KeyError) as info:
        datasets.load("expt_gapp")
    message = str(info.value)
    assert "unknown dataset 'expt_gapp'" in message and "expt_gap" in message and "glass" in message


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "data"
    (copy / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "data/manifest.json", copy / "manifest.json")
    shutil.copy(ROOT / "data/raw/matbench_glass.csv.gz", copy / "raw/matbench_glass.csv.gz")
    monkeypatch.setenv("IMBALKIT_DATA", str(copy))
    return copy


def test_corrupted_file_is_named_with_a_remedy(data_copy: Path) -> None:
    path = data_copy / "raw/matbench_glass.csv.gz"
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(datasets.DataIntegrityError, match=r"raw/matbench_glass.csv.gz is corrupted.*git checkout"):
        datasets.load("glass")


def test_missing_file_is_named_with_a_remedy(data_copy: Path) -> None:
    with pytest.raises(datasets.DataIntegrityError, match=r"raw/matbench_expt_gap.csv.gz is missing.*git checkout"):
        datasets.load("expt_gap")


def test_bad_data_env_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IMBALKIT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="has no manifest.json"):
        datasets.data_dir()


def test_unknown_model() -> None:
    with pytest.raises(KeyError, match="unknown model 'nope'"):
        datasets.model_path("nope")


# --- solid electrolytes and MOFs -----------------------------------------------------------

def test_obelix_censored_values_are_kept_as_bounds():
    ob = datasets.load("obelix")
    assert len(ob) == 599 and ob["split"].value_counts().to_dict() == {"train": 478, "test": 121}
    cens = ob[ob["censored"] == "<"]
    assert len(cens) == 37
    raw = cens["Ionic conductivity (S cm-1)"].astype(str)
    assert raw.str.startswith("<").all()
    # the bound is the number after '<', and the log target is its log10
    bounds = raw.str.lstrip("<").astype(float).to_numpy()
    np.testing.assert_allclose(cens["sigma"], bounds)
    np.testing.assert_allclose(cens["target"], np.log10(bounds))
    plain = ob[ob["censored"] == ""]
    np.testing.assert_allclose(plain["sigma"], plain["Ionic conductivity (S cm-1)"].astype(float))


def test_obelix_crystal_system_and_cif_flag():
    ob = datasets.load("obelix")
    assert ob["crystal_system"].value_counts()["cubic"] == 222
    cifs = datasets.read_cifs("obelix_cifs")
    assert len(cifs) == 321 == int(ob["has_cif"].sum())
    assert set(cifs) == set(ob.loc[ob["has_cif"], "ID"])
    assert all("_cell_length_a" in text for text in cifs.values())


def test_crystal_system_rejects_bad_numbers():
    assert datasets.crystal_system(194) == "hexagonal" and datasets.crystal_system(195) == "cubic"
    for bad in (0, 231, 12.5, "P1"):
        with pytest.raises(ValueError, match="space_group"):
            datasets.crystal_system(bad)


def test_structures_and_tables_are_not_confused():
    with pytest.raises(ValueError, match="read_cifs"):
        datasets.load("obelix_cifs")
    with pytest.raises(ValueError, match="load"):
        datasets.read_cifs("obelix")


def test_liverpool_arrhenius_series_exist():
    lv = datasets.load("liverpool_ionics")
    assert len(lv) == 820
    # the source rounds sigma to 3 significant figures; its log10 column keeps more digits
    np.testing.assert_allclose(lv["target"], np.log10(lv["sigma"]), atol=2e-3)
    per_formula = lv.groupby("formula")["temperature_C"].nunique()
    assert (per_formula >= 3).sum() >= 60


def test_core_mof_has_one_formula_per_framework():
    mof = datasets.load("core_mof")
    assert len(mof) == 12020 and mof["filename"].is_unique
    assert mof["formula"].notna().all()
    assert not any(c.startswith("Unnamed") for c in mof.columns)
    # almost every framework is organic (a few are inorganic, e.g. aluminophosphates), and the
    # counts in each formula add up to the atoms in the cell
    from imbalkit.composition import parse_formula
    sample = mof.sample(200, random_state=0)
    comps = [parse_formula(f) for f in sample["formula"]]
    assert np.mean(["C" in c for c in comps]) > 0.9
    for comp, n in zip(comps, sample["n_atoms_cell"]):
        assert sum(comp.values()) == pytest.approx(n, rel=1e-6)
