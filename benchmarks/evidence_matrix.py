"""The full evidence matrix: every technique of imbalkit.protocol on every task of
imbalkit.tasks, written as CSV files read by the two evidence-matrix chapters.

    python benchmarks/evidence_matrix.py                    # all tasks (tens of CPU minutes)
    python benchmarks/evidence_matrix.py --tasks mof_large_pore steels_yield
    python benchmarks/evidence_matrix.py --combine          # only rebuild the combined CSVs

Per task it writes ``benchmarks/evidence_matrix/<task>.scores.csv`` (one row per technique,
repeat, fold and metric) and ``<task>.paired.csv`` (paired differences to the reference, with
verdicts); ``--combine`` (also run at the end) concatenates them into
``benchmarks/evidence_matrix/paired.csv`` and ``scores.csv``.

Settings (stated in the chapters): tasks larger than MAX_ROWS rows are subsampled with
``TaskData.subsample(MAX_ROWS, seed=SEED)``; 5-fold CV × 2 repeats, seed 0; network
techniques (torch MLPs) only on the tasks in NETWORK_TASKS (one class and two regression
tasks), to keep the run within an afternoon on a shared two-core machine. Single-threaded and deterministic.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

try:  # one thread for the networks too
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover
    pass

from imbalkit import protocol, tasks  # noqa: E402

OUT = Path(__file__).resolve().parent / "evidence_matrix"
MAX_ROWS = 600
#: tasks on which the (slow) network techniques run; elsewhere they are left out for time
NETWORK_TASKS = ("obelix_superionic", "obelix_log_sigma", "steels_yield")
SEED = 0
N_SPLITS = 5
N_REPEATS = 2
NETWORK = ("MLP (cross-entropy)", "MLP focal loss", "MLP logit-adjusted", "MLP (MSE)", "MLP Balanced MSE")


def techniques_for_task(name: str) -> list[str]:
    """All registered techniques of the task's kind; the network ones only on NETWORK_TASKS."""
    names = protocol.techniques_for(tasks.get(name).kind)
    return [t for t in names if name in NETWORK_TASKS or t not in NETWORK]


def run_cell(name: str, technique: str) -> pd.DataFrame:
    """The paired rows of one (technique, task) cell, computed exactly as in the full run."""
    res = protocol.compare_task(name, max_rows=MAX_ROWS, techniques=[technique], n_splits=N_SPLITS,
                                n_repeats=N_REPEATS, seed=SEED)
    return res.paired[res.paired["technique"] == technique]


def run_task(name: str) -> None:
    techs = techniques_for_task(name)
    start, cpu = time.time(), time.process_time()
    res = protocol.compare_task(name, max_rows=MAX_ROWS, techniques=techs, n_splits=N_SPLITS, n_repeats=N_REPEATS,
                                seed=SEED, progress=lambda m: print(f"  {name}: {m}", flush=True))
    res.paired.insert(2, "rows", res.settings["rows"])
    res.paired["skipped"] = ""
    skipped = pd.DataFrame([{"task": name, "technique": t, "rows": res.settings["rows"], "skipped": why}
                            for t, why in res.skipped.items()])
    paired = pd.concat([res.paired, skipped], ignore_index=True) if len(skipped) else res.paired
    OUT.mkdir(exist_ok=True)
    paired.to_csv(OUT / f"{name}.paired.csv", index=False, float_format="%.6g")
    res.scores.to_csv(OUT / f"{name}.scores.csv", index=False, float_format="%.6g")
    print(f"{name}: {res.settings['rows']} rows, {time.time() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU",
          flush=True)


def combine() -> None:
    for part in ("paired", "scores"):
        files = sorted(OUT.glob(f"*.{part}.csv"))
        if files:
            pd.concat([pd.read_csv(f) for f in files], ignore_index=True).to_csv(OUT / f"{part}.csv", index=False,
                                                                                float_format="%.6g")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", nargs="*", default=None, help="task names (default: all of imbalkit.tasks)")
    ap.add_argument("--combine", action="store_true", help="only rebuild the combined CSVs")
    args = ap.parse_args()
    if not args.combine:
        for name in args.tasks or tasks.available():
            run_task(name)
    combine()


if __name__ == "__main__":
    main()
