"""The resampling memory wall: peak RSS and time of SMOTE / ADASYN versus rows and feature
dimension, and of the fixes (undersample first, partial oversampling, PCA first,
class weights = no synthetic rows), each in a fresh child process.

Data: the first N rows of the bundled OQMD formation enthalpies, Magpie features (the first
d columns for smaller d; featurised once by this script and cached as .npy in a temporary
folder), standardised, rare class ΔH_f < -2.6 eV/atom (about 2 % of rows).
Peak RSS is measured from the child's VmHWM; the "featurised data only" row of each (N, d)
is the same child without the resampling, so the difference is what the sampler costs.

Usage:  nice -n 10 python benchmarks/scaling_resampling.py   # writes benchmarks/scaling_resampling.csv
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from imbalkit.streaming import peak_rss  # noqa: E402

THRESHOLD = -2.6


def run(n: int, d: int, method: str, cache: str) -> dict:
    """Load n rows x d features of the cached feature matrix into memory, apply ``method``;
    return rows out."""
    import numpy as np
    from imblearn.over_sampling import ADASYN, SMOTE
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    X = StandardScaler().fit_transform(np.array(np.load(Path(cache) / "X.npy", mmap_mode="r")[:n, :d]))
    y = np.load(Path(cache) / "y.npy")[:n]
    samplers = {
        "SMOTE": lambda: SMOTE(random_state=0),
        "ADASYN": lambda: ADASYN(random_state=0),
        "undersample to 1:10, then SMOTE": lambda: make_pipeline(
            RandomUnderSampler(sampling_strategy=0.1, random_state=0), SMOTE(random_state=0)),
        "SMOTE to 1:5 only": lambda: SMOTE(sampling_strategy=0.2, random_state=0),
        "PCA to 20, then SMOTE": None,
        "featurised data only": None,
    }
    if method == "featurised data only":
        return {"rows_out": int(y.size)}
    if method == "PCA to 20, then SMOTE":
        Z = PCA(20, random_state=0).fit_transform(X)
        del X
        _, yr = SMOTE(random_state=0).fit_resample(Z, y)
        return {"rows_out": int(len(yr))}
    s = samplers[method]()
    if hasattr(s, "steps"):
        for _, step in s.steps:
            X, y = step.fit_resample(X, y)
        return {"rows_out": int(len(y))}
    _, yr = s.fit_resample(X, y)
    return {"rows_out": int(len(yr))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HERE / "scaling_resampling.csv"))
    args = ap.parse_args()
    env = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    plan = [(n, 111, m) for n in (10_000, 40_000, 120_000)
            for m in ("featurised data only", "SMOTE", "ADASYN", "undersample to 1:10, then SMOTE",
                      "SMOTE to 1:5 only", "PCA to 20, then SMOTE")]
    plan += [(40_000, d, m) for d in (14, 28, 56) for m in ("featurised data only", "SMOTE", "ADASYN")]
    import tempfile

    from imbalkit.featurize import magpie_features
    from imbalkit.streaming import iter_dataset_chunks

    cache = tempfile.mkdtemp()
    n_max = max(n for n, _, _ in plan)
    df = next(iter_dataset_chunks("oqmd_hf", n_max, limit=n_max))  # featurised once, here
    import numpy as np

    np.save(Path(cache) / "X.npy", magpie_features(df["formula"]).to_numpy())
    np.save(Path(cache) / "y.npy", (df["target"].to_numpy() < THRESHOLD).astype(int))
    del df
    rows = []
    for n, d, m in plan:
        r = peak_rss("scaling_resampling:run", {"n": n, "d": d, "method": m, "cache": cache}, env=env)
        rows.append({"n_rows": n, "n_features": d, "method": m, "rows_out": r["result"]["rows_out"],
                     "peak_rss_mb": r["peak_rss_mb"], "seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
                     "load_1min": os.getloadavg()[0]})
        print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    df.insert(0, "date", time.strftime("%Y-%m-%d"))
    df["cpus"] = os.cpu_count()
    df.to_csv(args.out, index=False, float_format="%.4g")


if __name__ == "__main__":
    main()
