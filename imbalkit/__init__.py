"""imbalkit: tested helpers for data imbalance in materials-science machine learning.

The companion package of the imbalkit book. Each module does one job:

* :mod:`imbalkit.datasets`     bundled real datasets, checksum-verified
* :mod:`imbalkit.composition`  formula parsing
* :mod:`imbalkit.featurize`    Magpie-style composition features
* :mod:`imbalkit.chemistry`    anion family, arity, element counts
* :mod:`imbalkit.diagnostics`  class counts, bins, tails, zero inflation, ``describe_imbalance``
* :mod:`imbalkit.metrics`      metrics with their baselines
* :mod:`imbalkit.cv`           repeated cross-validation with mean ± std
* :mod:`imbalkit.plotting`     book style, periodic-table heat map
"""
from __future__ import annotations

from .plotting import use_book_style

__version__ = "0.1.0"
__all__ = ["use_book_style", "__version__"]
