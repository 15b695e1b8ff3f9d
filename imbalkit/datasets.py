"""Bundled real materials datasets, loaded with checksum verification.

Every dataset lives in ``data/raw`` of the repository and is described in
``data/manifest.json`` (source, citation, licence, rows, sha256). Nothing is downloaded.

Example
-------
>>> df = load("expt_gap")
>>> list(df.columns), len(df)
(['formula', 'target'], 4604)
"""
from __future__ import annotations

import hashlib
import json
import os
import tarfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["DataIntegrityError", "UnknownDatasetError", "data_dir", "manifest", "available", "info", "verify", "load",
           "model_path", "file_sha256", "read_cifs", "crystal_system"]


class DataIntegrityError(ValueError):
    """A bundled data file is missing or its checksum does not match the manifest."""


class UnknownDatasetError(KeyError):
    """The dataset name is not in the manifest; the message lists the known names."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def data_dir() -> Path:
    """The folder holding ``manifest.json``.

    ``$IMBALKIT_DATA`` wins if set; otherwise the ``data/`` folder of the checkout that
    imbalkit was installed from (``pip install -e .``).

    >>> (data_dir() / "manifest.json").exists()
    True
    """
    env = os.environ.get("IMBALKIT_DATA")
    if env:
        path = Path(env)
        if not (path / "manifest.json").exists():
            raise FileNotFoundError(
                f"IMBALKIT_DATA={env!r} has no manifest.json; point it at the repository's data/ folder"
            )
        return path
    path = Path(__file__).resolve().parent.parent / "data"
    if not (path / "manifest.json").exists():
        raise FileNotFoundError(
            f"no bundled data next to imbalkit ({path}); install imbalkit from a clone of the "
            "repository with 'pip install -e .' or set IMBALKIT_DATA to the clone's data/ folder"
        )
    return path


@lru_cache(maxsize=4)
def _manifest(folder: str) -> dict:
    return json.loads((Path(folder) / "manifest.json").read_text())


def manifest() -> dict:
    """The parsed ``manifest.json`` (a dict with a ``"datasets"`` mapping)."""
    return _manifest(str(data_dir()))


def available() -> list[str]:
    """Names accepted by :func:`load`, sorted.

    >>> "expt_gap" in available()
    True
    """
    return sorted(manifest()["datasets"])


def info(name: str) -> dict:
    """The manifest entry of a dataset: target, units, citation, licence, files, rows.

    >>> info("expt_gap")["units"]
    'eV'
    """
    datasets = manifest()["datasets"]
    if name not in datasets:
        raise UnknownDatasetError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(datasets))}")
    return datasets[name]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (used for the manifest and its checks).

    >>> len(file_sha256(data_dir() / "manifest.json"))
    64
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_file(name: str, folder: Path, entry: dict) -> Path:
    path = folder / entry["file"]
    if not path.exists():
        raise DataIntegrityError(
            f"{name}: file {entry['file']} is missing from {folder}; restore it with "
            f"'git checkout -- data/{entry['file']}' (or re-clone the repository)"
        )
    digest = file_sha256(path)
    if digest != entry["sha256"]:
        raise DataIntegrityError(
            f"{name}: file {entry['file']} is corrupted or was changed "
            f"(sha256 {digest[:12]}…, manifest says {entry['sha256'][:12]}…); restore it with "
            f"'git checkout -- data/{entry['file']}', or if you replaced it on purpose run "
            "'python scripts/make_manifest.py'"
        )
    return path


def model_path(name: str) -> Path:
    """Path of a shipped model-weights file, after checking its sha256 against the manifest.

    Raises :class:`UnknownDatasetError` listing the known models for an unknown name.
    """
    models = manifest().get("models", {})
    if name not in models:
        raise UnknownDatasetError(f"unknown model {name!r}; known models: {', '.join(sorted(models)) or '(none)'}")
    folder = data_dir()
    paths = [_check_file(f"model {name!r}", folder, f) for f in models[name]["files"]]
    return paths[0]


def verify(name: str) -> None:
    """Check that every file of a dataset exists and matches its sha256.

    Raises :class:`DataIntegrityError` naming the file and what to do.

    >>> verify("glass")
    """
    folder = data_dir()
    for entry in info(name)["files"]:
        _check_file(f"dataset {name!r}", folder, entry)


def load(name: str, *, verify_checksum: bool = True) -> pd.DataFrame:
    """Load a bundled dataset as a DataFrame.

    Formula datasets have columns ``formula`` and ``target``; datasets shipped as
    train/val/test files get a ``split`` column. Formulas are read as text, so sodium
    nitride ``"NaN"`` stays a formula instead of becoming a missing value.

    The solid-electrolyte and MOF tables keep every original column and add tidy ones:

    * ``obelix``: ``formula`` (reduced composition), ``sigma`` (S/cm), ``censored``
      (``'<'`` for values reported as an upper bound such as ``<1E-10``, else ``''``),
      ``target`` = log10 sigma (the bound for censored rows), ``family``,
      ``space_group`` (number), ``crystal_system``, ``has_cif``;
    * ``liverpool_ionics``: ``formula``, ``temperature_C``, ``sigma``, ``target`` = log10 sigma,
      ``family``, ``chemical_family``;
    * ``core_mof``: the Zeo++ descriptors plus ``formula`` and ``n_atoms_cell``.

    Parameters
    ----------
    name : str
        One of :func:`available`.
    verify_checksum : bool
        Check every file's sha256 against the manifest first (default).

    >>> load("mp_e_hull")["split"].unique().tolist()
    ['train', 'val', 'test']
    >>> ob = load("obelix")
    >>> len(ob), int((ob["censored"] == "<").sum())
    (599, 37)
    """
    entry = info(name)
    if entry.get("task") == "structures":
        raise ValueError(f"dataset {name!r} holds crystal structures, not a table; use read_cifs({name!r})")
    if verify_checksum:
        verify(name)
    folder = data_dir()
    frames = []
    for file in entry["files"]:
        df = pd.read_csv(folder / file["file"], keep_default_na=False, na_values=[""], low_memory=False,
                         encoding="utf-8-sig")
        if "formula" in df.columns:
            df["formula"] = df["formula"].astype(str)
        if len(entry["files"]) > 1 and not entry.get("join_on"):
            stem = file["file"].rsplit("_", 1)[-1].split(".")[0]
            df["split"] = stem
        frames.append(df)
    if entry.get("join_on"):
        key = entry["join_on"]
        out = frames[0]
        for other in frames[1:]:
            out = out.merge(other, on=key, how="left", validate="one_to_one")
    else:
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    tidy = _TIDY.get(name)
    return tidy(out) if tidy else out


# Crystal system from the space-group number (International Tables ranges).
_SYSTEMS = ((2, "triclinic"), (15, "monoclinic"), (74, "orthorhombic"), (142, "tetragonal"),
            (167, "trigonal"), (194, "hexagonal"), (230, "cubic"))


def crystal_system(space_group: int) -> str:
    """Crystal system of a space-group number (1-230).

    >>> crystal_system(225), crystal_system(167), crystal_system(1)
    ('cubic', 'trigonal', 'triclinic')
    """
    try:
        number = int(space_group)
    except (TypeError, ValueError):
        raise ValueError(f"space_group must be an integer 1-230, got {space_group!r}") from None
    if not 1 <= number <= 230 or number != space_group:
        raise ValueError(f"space_group must be an integer 1-230, got {space_group!r}")
    return next(system for last, system in _SYSTEMS if number <= last)


def _tidy_obelix(df: pd.DataFrame) -> pd.DataFrame:
    from .censored import parse_censored

    parsed = parse_censored(df["Ionic conductivity (S cm-1)"])
    out = df.copy()
    out["formula"] = df["Reduced Composition"].astype(str)
    out["sigma"] = parsed["value"].to_numpy()
    out["censored"] = parsed["censored"].to_numpy()
    out["target"] = np.log10(out["sigma"])
    out["family"] = df["Family"].astype(str)
    out["space_group"] = df["Space group #"].astype(int)
    out["crystal_system"] = [crystal_system(n) for n in out["space_group"]]
    out["has_cif"] = df["Cif ID"].eq("done")
    return out


def _tidy_liverpool(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["formula"] = df["composition"].astype(str)
    out["temperature_C"] = df["temperature"].astype(float)
    out["sigma"] = df["target"].astype(float)
    out["target"] = df["log_target"].astype(float)
    out["chemical_family"] = df["ChemicalFamily"].astype(str)
    return out


def _tidy_core_mof(df: pd.DataFrame) -> pd.DataFrame:
    return df.loc[:, [c for c in df.columns if not c.startswith("Unnamed:")]]


_TIDY = {"obelix": _tidy_obelix, "liverpool_ionics": _tidy_liverpool, "core_mof": _tidy_core_mof}


def read_cifs(name: str = "obelix_cifs", *, verify_checksum: bool = True) -> dict[str, str]:
    """The CIF texts of a bundled structure set, keyed by entry id (file name without .cif).

    Nothing is parsed here (no pymatgen needed); pass a text to
    ``pymatgen.core.Structure.from_str(text, fmt="cif")`` to get a structure.

    >>> cifs = read_cifs("obelix_cifs")
    >>> len(cifs), cifs["jqc"].startswith("#") or "data_" in cifs["jqc"]
    (321, True)
    """
    entry = info(name)
    if entry.get("task") != "structures":
        raise ValueError(f"dataset {name!r} is a table, not a set of structures; use load({name!r})")
    if verify_checksum:
        verify(name)
    texts: dict[str, str] = {}
    for file in entry["files"]:
        with tarfile.open(data_dir() / file["file"]) as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".cif"):
                    key = member.name.rsplit("/", 1)[-1][:-4]
                    texts[key] = tar.extractfile(member).read().decode("utf-8", errors="replace")
    return texts
