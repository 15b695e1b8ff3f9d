from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

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
        df = pd.read_csv(path, keep_default_na=False)
        assert len(df) == f["rows"] and list(df.columns) == f["columns"], f["file"]
        total += f["rows"]
    assert entry["rows"] == total


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
