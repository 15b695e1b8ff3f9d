"""Regenerate tests/data/matminer_magpie_reference.json with matminer (reference values
for imbalkit.featurize). matminer is NOT a dependency of imbalkit: run this in a separate
virtual environment with `pip install matminer`, then copy the file.

    python scripts/matminer_reference.py > tests/data/matminer_magpie_reference.json
"""
from __future__ import annotations

import json
import warnings

FORMULAS = ["Fe2O3", "NaCl", "Ag(W3Br7)2", "LiFePO4", "Al0.25CoFeNi", "SrTiO3",
            # ties for the largest amount (mode = smallest property value among the tied elements)
            "CuZn", "GaAs", "Li2O2", "AlCoCrFeNi", "Ti0.5Zr0.5Nb0.25", "C", "Ba2Ca2Cu3O8"]


def main() -> None:
    warnings.filterwarnings("ignore")
    import matminer
    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    featurizer = ElementProperty.from_preset("magpie")
    labels = featurizer.feature_labels()
    features = {}
    for formula in FORMULAS:
        values = featurizer.featurize(Composition(formula))
        features[formula] = {k: float(v) for k, v in zip(labels, values)}  # all 132, in matminer's order
    comment = (f"Magpie features computed by matminer {matminer.__version__} "
               "ElementProperty.from_preset('magpie') (pymatgen Composition), all 132 columns in matminer's order.")
    print(json.dumps({"_comment": comment, "features": features}, indent=0))


if __name__ == "__main__":
    main()
