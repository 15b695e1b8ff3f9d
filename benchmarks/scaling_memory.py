"""Wall time and peak resident memory versus N: load-everything path vs streaming path.

Each (path, N) runs in a fresh child process (imbalkit.streaming.peak_rss), which reports
its own peak RSS (getrusage ru_maxrss) and the wall time of the work (imports excluded).
Both paths do the same work on the first N rows of the bundled OQMD formation enthalpies:
Magpie featurisation, class counts + class weights of the rare class (ΔH_f < -2.6 eV/atom),
LDS weights on 50 equal-width bins, one SGD epoch. A child that only imports the same
libraries gives the baseline.

Usage (the machine is shared: run it niced):
    nice -n 10 python benchmarks/scaling_memory.py            # writes benchmarks/scaling_memory.csv
The chapter book/part5/08-scale.md reads the CSV.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from imbalkit.streaming import peak_rss  # noqa: E402

SIZES = [1_000, 3_000, 10_000, 30_000, 100_000, None]  # None = every row (341,700)


def baseline() -> int:
    """Import what both paths import, do nothing else."""
    import pyarrow.parquet  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    import imbalkit.featurize  # noqa: F401
    import imbalkit.streaming  # noqa: F401
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HERE / "scaling_memory.csv"))
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--chunk-rows", type=int, default=10_000)
    args = ap.parse_args()
    env = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    rows = []
    for rep in range(args.repeats):
        b = peak_rss("scaling_memory:baseline", env=env)
        rows.append({"path": "imports only", "n_rows": 0, "repeat": rep, "peak_rss_mb": b["peak_rss_mb"],
                     "seconds": b["seconds"], "cpu_seconds": b["cpu_seconds"], "load_1min": os.getloadavg()[0]})
        for n in SIZES:
            for path, fn in [("in memory", "pipeline_in_memory"), ("streaming", "pipeline_streaming")]:
                kw = {"n": n} | ({"chunk_rows": args.chunk_rows} if path == "streaming" else {})
                r = peak_rss(f"imbalkit.streaming:{fn}", kw, env=env)
                rows.append({"path": path, "n_rows": r["result"]["rows"], "repeat": rep, "peak_rss_mb": r["peak_rss_mb"],
                             "seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"], "load_1min": os.getloadavg()[0]})
                print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    df.insert(0, "date", time.strftime("%Y-%m-%d"))
    df["cpus"] = os.cpu_count()
    df.to_csv(args.out, index=False, float_format="%.4g")
    for path, g in df[df["n_rows"] >= 30_000].groupby("path"):
        slope_m = np.polyfit(np.log(g["n_rows"]), np.log(g["peak_rss_mb"]), 1)[0]
        slope_t = np.polyfit(np.log(g["n_rows"]), np.log(g["seconds"]), 1)[0]
        slope_c = np.polyfit(np.log(g["n_rows"]), np.log(g["cpu_seconds"]), 1)[0]
        print(f"{path}: peak RSS ~ N^{slope_m:.2f}, wall time ~ N^{slope_t:.2f}, CPU time ~ N^{slope_c:.2f} (N >= 30,000)")


if __name__ == "__main__":
    main()
