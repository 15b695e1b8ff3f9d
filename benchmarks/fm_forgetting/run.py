"""Forgetting of the pre-trained CGCNN formation-energy network fine-tuned on OBELiX superionic conductors (Part V/2).

The original CGCNN of Xie & Grossman (2018) gets a new one-logit head and is fine-tuned on the
official OBELiX training split of the 321 structures (label: sigma >= 1 mS/cm). After every
epoch the official test split is scored twice:

* new task: PR-AUC of the new head;
* old task: drift of the frozen old (formation-energy) head on the fine-tuned body, mean
  |change| in eV/atom against the untouched pre-trained model's predictions (no DFT labels).

Variants (``imbalkit.deep.crystal_forgetting.VARIANTS``): frozen body + new head (probe),
plain fine-tuning, EWC at two strengths (diagonal Fisher of the old head's output on the
training structures), replay (distillation of the old head's output on 64 training
structures, drawn per seed). 3 seeds x 10 epochs, Adam 1e-3, batches of 32, one thread.

Writes ``results.csv`` (variant, seed, epoch, pr_auc, drift). Takes about 9 minutes on one
core (one thread)::

    python benchmarks/fm_forgetting/run.py

Part V/2 reads the CSV and re-runs its first epochs for one variant and seed, which must match.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent / "results.csv"
SEEDS = (0, 1, 2)
EPOCHS = 10
N_REPLAY = 64


def setup():
    """Graphs, labels, official split, old task, pre-trained test predictions and training-set Fisher."""
    import torch

    from imbalkit.deep import crystal_forgetting as cf
    from imbalkit.deep.crystal import GraphModel
    from imbalkit.deep.graph_memory import load_cgcnn
    from imbalkit.structure_tasks import superionic_structures

    torch.set_num_threads(1)
    data = superionic_structures()
    graphs = data.graphs()
    train, test = cf.official_split(data.ids)
    old = cf.OldTask.from_pretrained()
    pre = GraphModel(load_cgcnn(), graphs)
    return dict(graphs=graphs, y=data.y, train=train, test=test, old=old,
                reference=old.predict(pre, test), fisher=old.fisher(pre, train))


def run(variant: str, seed: int, ctx: dict, epochs: int = EPOCHS) -> list[dict]:
    """One variant and seed: the per-epoch rows of :func:`~imbalkit.deep.crystal_forgetting.forgetting_curve`."""
    from imbalkit.deep import crystal_forgetting as cf

    rows = cf.forgetting_curve(ctx["graphs"], ctx["y"], ctx["train"], ctx["test"], variant, seed=seed,
                               epochs=epochs, fisher=ctx["fisher"], old=ctx["old"], reference=ctx["reference"],
                               replay_idx=cf.replay_set(ctx["train"], N_REPLAY, seed=seed))
    return [{"variant": r["variant"], "seed": seed, "epoch": r["epoch"], "pr_auc": r["pr_auc"],
             "drift": r["drift"]} for r in rows]


def main() -> None:
    from imbalkit.deep.crystal_forgetting import VARIANTS

    t0 = time.time()
    ctx = setup()
    rows = []
    for seed in SEEDS:
        for variant in VARIANTS:
            rows.extend(run(variant, seed, ctx))
            print(f"{variant}, seed {seed}: {time.time() - t0:.0f} s", flush=True)
    pd.DataFrame(rows).to_csv(OUT, index=False, float_format="%.10g")
    print(f"wrote {OUT.name}: {len(rows)} rows in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
