"""Derive the structure tables of Part V from the bundled OBELiX CIFs, once.

Writes two files to ``data/raw`` that ``scripts/make_manifest.py`` records:

* ``obelix_cgcnn_sites.csv.gz`` - for every structure (ordered by
  ``imbalkit.structures.majority_ordered``, primitive cell) one row per site: atomic number and
  the 12 nearest neighbours within 8 Angstrom (index, distance) - the input of a CGCNN graph;
* ``obelix_chgnet.csv.gz`` - the 64-d crystal embedding of CHGNet 0.3.0 (the weights in the
  ``chgnet`` wheel, CPU) of the same structures, and CHGNet's energy per atom.

Both are deterministic; the whole run takes about 4 CPU-minutes (CHGNet ~17 ms per atom)::

    python scripts/obelix_structures.py

``tests/test_structures.py`` rebuilds a seeded sample of both and compares.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from imbalkit.structures import prepared_structures, site_table

ROOT = Path(__file__).resolve().parents[1]
SITES = ROOT / "data" / "raw" / "obelix_cgcnn_sites.csv.gz"
CHGNET = ROOT / "data" / "raw" / "obelix_chgnet.csv.gz"


def chgnet_table(structures: dict) -> pd.DataFrame:
    """CHGNet 0.3.0 crystal embeddings (``chgnet_0..63``) and energy per atom (``chgnet_e``), 8 decimals."""
    import torch
    from chgnet.model import CHGNet

    torch.set_num_threads(1)
    model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
    keys = list(structures)
    preds = model.predict_structure([structures[k] for k in keys], return_crystal_feas=True, batch_size=1)
    emb = np.vstack([p["crystal_fea"] for p in preds])
    out = pd.DataFrame(np.round(emb, 8), columns=[f"chgnet_{j}" for j in range(emb.shape[1])])
    out.insert(0, "chgnet_e", np.round([float(p["e"]) for p in preds], 8))
    out.insert(0, "n_sites", [len(structures[k]) for k in keys])
    out.insert(0, "ID", keys)
    return out


def main() -> None:
    t0 = time.time()
    structures = prepared_structures()
    print(f"parsed and ordered {len(structures)} structures in {time.time() - t0:.0f} s")
    site_table(structures).to_csv(SITES, index=False, compression={"method": "gzip", "mtime": 0})
    t0 = time.time()
    chgnet_table(structures).to_csv(CHGNET, index=False, compression={"method": "gzip", "mtime": 0})
    print(f"CHGNet embedded {len(structures)} structures in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
