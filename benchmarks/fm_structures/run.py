"""Pre-trained vs from-scratch crystal graph networks on OBELiX superionic conductors (Part V/10).

For each of 3 seeds x 5 stratified folds of the 321 OBELiX structures (label: sigma >= 1 mS/cm):

* probes (standardised logistic regression) on Magpie features of the true formula, on the
  frozen CHGNet crystal embedding, and on the frozen pooled features of the pre-trained CGCNN;
* the CGCNN fine-tuned from its formation-energy pre-training (plain, weighted, two-phase) and
  the same network from scratch (plain, weighted): 10 epochs, Adam 1e-3, batches of 32, the
  test fold scored after every epoch (nothing is selected on it).

Writes ``results.csv`` (one row per method, seed, fold and epoch; probes have epoch 0). Takes
about 25 minutes on 2 cores::

    python benchmarks/fm_structures/run.py [--n-jobs 2]

Part V/10 reads the CSV and re-runs a live subset that must match it.
"""
from __future__ import annotations

import argparse
import functools
import time
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent / "results.csv"
SEEDS = (0, 1, 2)
NETWORKS = {  # method -> (pre-trained model name or None, strategy)
    "CGCNN fine-tuned": ("formation-energy-per-atom", "plain"),
    "CGCNN fine-tuned, weighted": ("formation-energy-per-atom", "weighted"),
    "CGCNN fine-tuned, two-phase": ("formation-energy-per-atom", "two_phase"),
    "CGCNN from scratch": (None, "plain"),
    "CGCNN from scratch, weighted": (None, "weighted"),
}
EPOCHS = 10


@functools.lru_cache(maxsize=1)
def _data():
    """The task with its graphs, built once per worker process (workers run many jobs)."""
    from imbalkit.structure_tasks import superionic_structures

    data = superionic_structures()
    data.graphs()
    return data


def network_job(method: str, seed: int, fold: int) -> list[dict]:
    import torch

    from imbalkit.deep.crystal import learning_curve

    torch.set_num_threads(1)
    data = _data()
    train, test = data.folds(seed)[fold]
    pretrained, strategy = NETWORKS[method]
    rows = learning_curve(data.graphs(), data.y, train, test, pretrained=pretrained, strategy=strategy,
                          epochs=EPOCHS, seed=seed)
    return [{"method": method, "seed": seed, "fold": fold, **r} for r in rows]


def main() -> None:
    from joblib import Parallel, delayed

    from imbalkit.structure_tasks import probe_scores, superionic_structures

    ap = argparse.ArgumentParser()
    ap.add_argument("--n-jobs", type=int, default=2)
    args = ap.parse_args()
    t0 = time.time()
    data = superionic_structures()
    rows = probe_scores(data, SEEDS)
    jobs = [(m, s, f) for s in SEEDS for f in range(5) for m in NETWORKS]
    for part in Parallel(n_jobs=args.n_jobs, verbose=5)(delayed(network_job)(*j) for j in jobs):
        rows.extend(part)
    pd.DataFrame(rows).to_csv(OUT, index=False, float_format="%.10g")
    print(f"wrote {OUT.name}: {len(rows)} rows in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
