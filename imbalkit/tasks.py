"""A registry of real benchmark tasks: one place that names each task.

Every task says which bundled data set it uses, what the inputs are, what the target is,
how the rare class (or the extreme) is defined, and why a materials scientist cares. The
book's central decisions (resampling, weights, thresholds, losses) are tested on all of
them, so a verdict rests on many tasks instead of one.

>>> t = get("obelix_superionic")
>>> t.kind, t.domain
('binary', 'solid electrolytes')
>>> data = t.load()
>>> len(data.y), round(float(data.y.mean()), 3)
(599, 0.167)

Inputs are chemical formulas (featurised by :meth:`TaskData.features`), optionally with
numeric or categorical columns; ``groups`` holds a grouping for group-held-out CV
(a structural family, or the formula where rows repeat).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from . import datasets

__all__ = ["Task", "TaskData", "get", "available", "load", "summary", "REGISTRY"]


@dataclass
class TaskData:
    """The rows of one task, ready for cross-validation.

    Attributes
    ----------
    name : task name.
    formulas : chemical formula per row (``pd.Series`` of str, index 0..n-1).
    y : target per row: 0/1 for binary tasks (1 = the rare class), class labels (str) for
        multiclass tasks, floats for regression.
    groups : optional group per row for group-held-out CV (e.g. structural family).
    categorical : optional categorical input columns (for SMOTENC and friends).
    numeric : optional numeric input columns used next to the formula features.
    notes : what was dropped or aggregated while building the task, in words.
    """

    name: str
    formulas: pd.Series
    y: np.ndarray
    groups: np.ndarray | None = None
    categorical: pd.DataFrame | None = None
    numeric: pd.DataFrame | None = None
    notes: str = ""

    def __len__(self) -> int:
        return len(self.y)

    def features(self, *, stats: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Magpie composition features of the formulas, plus the numeric columns if any.

        >>> X = get("steels_yield").load().features()
        >>> X.shape[0]
        312
        """
        from .featurize import magpie_features

        kwargs = {} if stats is None else {"stats": stats}
        X = magpie_features(self.formulas, **kwargs)
        if self.numeric is not None:
            X = pd.concat([X, self.numeric.reset_index(drop=True)], axis=1)
        return X

    def subsample(self, n: int, *, seed: int = 0) -> "TaskData":
        """At most ``n`` rows drawn without replacement (stratified for class tasks).

        >>> len(get("mp_on_hull").load().subsample(500, seed=0))
        500
        """
        if n <= 0:
            raise ValueError(f"n must be a positive number of rows, got {n}")
        if n >= len(self):
            return self
        rng = np.random.default_rng(seed)
        if np.asarray(self.y).dtype.kind in "fc":
            idx = np.sort(rng.choice(len(self), size=n, replace=False))
        else:
            labels, codes = np.unique(np.asarray(self.y).astype(str), return_inverse=True)
            idx = []
            for c in range(len(labels)):
                members = np.flatnonzero(codes == c)
                take = max(1, int(round(n * len(members) / len(self))))
                idx.append(rng.choice(members, size=min(take, len(members)), replace=False))
            idx = np.sort(np.concatenate(idx))
        return self.take(idx, note=f"subsampled to {len(idx)} of {len(self)} rows (seed {seed})")

    def take(self, idx: np.ndarray, *, note: str = "") -> "TaskData":
        """The rows ``idx`` as a new :class:`TaskData`."""
        idx = np.asarray(idx)

        def rows(frame):
            return None if frame is None else frame.iloc[idx].reset_index(drop=True)

        return TaskData(
            name=self.name, formulas=self.formulas.iloc[idx].reset_index(drop=True), y=np.asarray(self.y)[idx],
            groups=None if self.groups is None else np.asarray(self.groups)[idx],
            categorical=rows(self.categorical), numeric=rows(self.numeric),
            notes="; ".join(s for s in (self.notes, note) if s))


@dataclass(frozen=True)
class Task:
    """A named benchmark task (see the module docstring)."""

    name: str
    kind: str  # "binary", "multiclass" or "regression"
    domain: str
    dataset: str
    target: str
    rare: str  # how the rare class / the extreme is defined
    why: str  # why a scientist cares
    build: Callable[[], TaskData] = field(repr=False, compare=False)

    def load(self) -> TaskData:
        """Build the task's rows from the bundled (checksum-verified) data."""
        return self.build()


# ---------------------------------------------------------------------------------------
# Builders, one per task. Each reads a bundled data set and applies the stated definition.

def _obelix_superionic(threshold: float, name: str) -> Callable[[], TaskData]:
    def build() -> TaskData:
        ob = datasets.load("obelix")
        # A censored '<1E-10' value is below every threshold used here, so its class is known.
        y = (ob["sigma"] >= threshold).astype(int).to_numpy()
        return TaskData(name, ob["formula"], y, groups=ob["family"].to_numpy(),
                        categorical=ob[["family", "crystal_system"]].reset_index(drop=True),
                        notes="all 599 OBELiX entries; the 37 censored values (<1E-10 S/cm) are negatives")
    return build


def _obelix_crystal_system() -> TaskData:
    ob = datasets.load("obelix")
    return TaskData("obelix_crystal_system", ob["formula"], ob["crystal_system"].to_numpy(),
                    groups=ob["family"].to_numpy(), notes="all 599 OBELiX entries")


def _obelix_log_sigma() -> TaskData:
    ob = datasets.load("obelix")
    keep = ob["censored"].eq("").to_numpy()
    ob = ob[keep].reset_index(drop=True)
    return TaskData("obelix_log_sigma", ob["formula"], ob["target"].to_numpy(float), groups=ob["family"].to_numpy(),
                    notes=f"{int((~keep).sum())} censored entries (<1E-10 S/cm) left out: their value is only a bound")


def _liverpool_room_temperature() -> tuple[pd.DataFrame, str]:
    from .composition import parse_formulas

    lv = datasets.load("liverpool_ionics")
    rt = lv[(lv["temperature_C"] >= 15) & (lv["temperature_C"] <= 35)]
    rt = (rt.groupby("formula", sort=True)
            .agg(target=("target", "mean"), family=("family", "first")).reset_index())
    # Mixture notations such as "(Li2S)0.6(SiS2)0.4 ... (Li4SiO4)5" have no single formula.
    readable = np.array([c is not None for c in parse_formulas(rt["formula"], errors="ignore")])
    note = (f"measurements at 15-35 degC, mean log10 sigma per composition; {int((~readable).sum())} "
            "mixture notations without a single formula left out")
    return rt[readable].reset_index(drop=True), note


def _liverpool_superionic() -> TaskData:
    rt, note = _liverpool_room_temperature()
    y = (rt["target"] >= -3).astype(int).to_numpy()
    return TaskData("liverpool_superionic", rt["formula"], y, groups=rt["family"].to_numpy(),
                    categorical=rt[["family"]], notes=note)


def _liverpool_log_sigma() -> TaskData:
    rt, note = _liverpool_room_temperature()
    return TaskData("liverpool_log_sigma", rt["formula"], rt["target"].to_numpy(float), groups=rt["family"].to_numpy(),
                    notes=note)


def _mof(column: str, threshold: float, name: str) -> Callable[[], TaskData]:
    def build() -> TaskData:
        mof = datasets.load("core_mof")
        mof = mof[mof["formula"].notna()].reset_index(drop=True)
        y = (mof[column] > threshold).astype(int).to_numpy()
        return TaskData(name, mof["formula"], y,
                        notes="composition of the cell only (no geometric descriptor is an input)")
    return build


def _mpea_fcc() -> TaskData:
    mp = datasets.load("mpea")
    micro = mp.groupby("FORMULA")["PROPERTY: Microstructure"].agg(lambda s: bool((s == "FCC").all()))
    return TaskData("mpea_single_phase_fcc", pd.Series(micro.index, dtype=str), micro.to_numpy().astype(int),
                    notes=f"{len(mp)} rows -> {len(micro)} compositions; 1 = every report is single-phase FCC")


def _castelli_stable() -> TaskData:
    cs = datasets.load("castelli")
    return TaskData("castelli_low_heat_of_formation", cs["formula"], (cs["target"] <= 0.5).astype(int).to_numpy(),
                    notes="all 18,928 perovskites")


def _mp_on_hull() -> TaskData:
    mp = datasets.load("mp_e_hull")
    return TaskData("mp_on_hull", mp["formula"], (mp["target"] == 0).astype(int).to_numpy(),
                    notes="all splits pooled")


def _expt_gap_wide() -> TaskData:
    eg = datasets.load("expt_gap")
    return TaskData("expt_gap_wide", eg["formula"], (eg["target"] > 4).astype(int).to_numpy())


def _glass_non_former() -> TaskData:
    gl = datasets.load("glass")
    return TaskData("glass_non_former", gl["formula"], (gl["target"] == 0).astype(int).to_numpy())


def _plain_regression(dataset: str, name: str, transform: Callable[[np.ndarray], np.ndarray] | None = None,
                      note: str = "") -> Callable[[], TaskData]:
    def build() -> TaskData:
        df = datasets.load(dataset)
        y = df["target"].to_numpy(float)
        return TaskData(name, df["formula"], transform(y) if transform else y, notes=note)
    return build


_SUPER = "superionic conductors are the candidates for all-solid-state batteries"
_TASKS = [
    Task("obelix_superionic", "binary", "solid electrolytes", "obelix", "room-temperature Li-ion conductivity",
         "sigma >= 1 mS/cm (1e-3 S/cm)", f"{_SUPER}; 1 mS/cm is the usual practical target", _obelix_superionic(1e-3, "obelix_superionic")),
    Task("obelix_superionic_10mS", "binary", "solid electrolytes", "obelix", "room-temperature Li-ion conductivity",
         "sigma >= 10 mS/cm (1e-2 S/cm)", "liquid-electrolyte-level conductors: the handful a screen must not miss",
         _obelix_superionic(1e-2, "obelix_superionic_10mS")),
    Task("liverpool_superionic", "binary", "solid electrolytes", "liverpool_ionics", "Li-ion conductivity at 15-35 degC",
         "log10 sigma >= -3 (1 mS/cm)", f"{_SUPER}; a second, independently compiled data set", _liverpool_superionic),
    Task("obelix_crystal_system", "multiclass", "solid electrolytes", "obelix", "crystal system from the space group",
         "triclinic and hexagonal (10 each) beside cubic (222)",
         "structure type decides the conduction pathways; rare systems are where a model guesses", _obelix_crystal_system),
    Task("mof_large_pore", "binary", "metal-organic frameworks", "core_mof", "pore limiting diameter",
         "PLD > 10 Angstrom", "large pores admit large molecules (catalysis, drug delivery, separations)",
         _mof("PLD", 10.0, "mof_large_pore")),
    Task("mof_high_surface_area", "binary", "metal-organic frameworks", "core_mof", "accessible surface area",
         "ASA > 4000 m2/g", "very high surface area means high gas-storage capacity (H2, CH4)",
         _mof("ASA_m2_g", 4000.0, "mof_high_surface_area")),
    Task("mpea_single_phase_fcc", "binary", "high-entropy alloys", "mpea", "observed microstructure",
         "every report of the composition is single-phase FCC", "single-phase FCC alloys are ductile; most attempts give mixtures",
         _mpea_fcc),
    Task("castelli_low_heat_of_formation", "binary", "perovskites", "castelli", "DFT heat of formation",
         "heat of formation <= 0.5 eV", "the most stable end of a perovskite screen", _castelli_stable),
    Task("mp_on_hull", "binary", "DFT crystals", "mp_e_hull", "energy above the convex hull",
         "E_hull = 0 (on the hull, 44 %: a mild imbalance, kept as a control)", "on-hull compounds are the synthesisable ones",
         _mp_on_hull),
    Task("expt_gap_wide", "binary", "experimental band gaps", "expt_gap", "experimental band gap",
         "gap > 4 eV", "ultrawide-gap semiconductors for power electronics and UV optics", _expt_gap_wide),
    Task("glass_non_former", "binary", "metallic glasses", "glass", "glass formation by melt spinning",
         "does not form a glass (29 %)", "knowing what will not vitrify saves synthesis runs", _glass_non_former),
    Task("obelix_log_sigma", "regression", "solid electrolytes", "obelix", "log10 room-temperature conductivity (S/cm)",
         "upper tail: the best conductors", "the fast conductors are the extreme values", _obelix_log_sigma),
    Task("liverpool_log_sigma", "regression", "solid electrolytes", "liverpool_ionics", "log10 conductivity at 15-35 degC",
         "upper tail: the best conductors", "a second data set for the same question", _liverpool_log_sigma),
    Task("steels_yield", "regression", "steels", "steels_yield", "yield strength (MPa)",
         "upper tail: the strongest steels", "ultra-high-strength steels are the design goal",
         _plain_regression("steels_yield", "steels_yield")),
    Task("aflow_log_thermal_conductivity", "regression", "DFT crystals", "aflow_agl_thermal_conductivity_300k",
         "log10 thermal conductivity at 300 K (W/m/K)", "both tails: thermal insulators and conductors",
         "thermoelectrics need the low tail, heat spreaders the high one",
         _plain_regression("aflow_agl_thermal_conductivity_300k", "aflow_log_thermal_conductivity", np.log10,
                           "all splits pooled; target is log10 of the AGL value")),
    Task("aflow_bulk_modulus", "regression", "DFT crystals", "aflow_ael_bulk_modulus_vrh", "bulk modulus (GPa)",
         "upper tail: superhard candidates", "incompressible materials are rare and valuable",
         _plain_regression("aflow_ael_bulk_modulus_vrh", "aflow_bulk_modulus", note="all splits pooled")),
]
REGISTRY: dict[str, Task] = {t.name: t for t in _TASKS}


def available(kind: str | None = None, domain: str | None = None) -> list[str]:
    """Task names, optionally only those of one kind and/or domain.

    >>> "mof_large_pore" in available(kind="binary")
    True
    """
    kinds = {"binary", "multiclass", "regression", None}
    if kind not in kinds:
        raise ValueError(f"kind must be one of 'binary', 'multiclass', 'regression' or None, got {kind!r}")
    return [n for n, t in REGISTRY.items() if (kind is None or t.kind == kind) and (domain is None or t.domain == domain)]


def get(name: str) -> Task:
    """The :class:`Task` called ``name``; an unknown name lists the known ones."""
    if name not in REGISTRY:
        raise KeyError(f"unknown task {name!r}; known tasks: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def load(name: str) -> TaskData:
    """Shortcut for ``get(name).load()``."""
    return get(name).load()


def summary(names: list[str] | None = None) -> pd.DataFrame:
    """One row per task: kind, domain, rows, rare-class definition and prevalence.

    Prevalence is the share of the rare class (binary), of the rarest class (multiclass),
    or empty for regression.
    """
    rows = []
    for name in names or list(REGISTRY):
        t, d = get(name), get(name).load()
        if t.kind == "binary":
            prev = float(np.mean(d.y))
        elif t.kind == "multiclass":
            prev = float(pd.Series(d.y).value_counts(normalize=True).min())
        else:
            prev = np.nan
        rows.append({"task": name, "kind": t.kind, "domain": t.domain, "dataset": t.dataset, "rows": len(d),
                     "rare": t.rare, "prevalence": prev})
    return pd.DataFrame(rows)
