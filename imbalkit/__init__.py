"""imbalkit: tested helpers for data imbalance in materials-science machine learning.

The companion package of the imbalkit book. Each module does one job:

* :mod:`imbalkit.datasets`     bundled real datasets, checksum-verified
* :mod:`imbalkit.tasks`        the registry of real benchmark tasks (rare classes and tails)
* :mod:`imbalkit.censored`     values reported only as a bound (``<1E-10``)
* :mod:`imbalkit.composition`  formula parsing
* :mod:`imbalkit.featurize`    Magpie-style composition features
* :mod:`imbalkit.representations` foundation-model element vectors (MACE-MP-0, CHGNet, ...), offline
* :mod:`imbalkit.probes`       compare representations on a rare class (same folds, paired)
* :mod:`imbalkit.chemistry`    anion family, arity, element counts
* :mod:`imbalkit.diagnostics`  class counts, bins, tails, zero inflation, ``describe_imbalance``
* :mod:`imbalkit.metrics`      metrics with their baselines
* :mod:`imbalkit.cv`           repeated cross-validation with mean ± std
* :mod:`imbalkit.noise`        label noise vs rare material: injection, conflicts, neighbourhoods
* :mod:`imbalkit.splits`       stratified, binned, group, cluster, forward and extreme splits
* :mod:`imbalkit.stats`        bootstrap CIs, paired tests, McNemar, test-set size
* :mod:`imbalkit.calibration`  reliability curves, ECE, re-calibration
* :mod:`imbalkit.resampling`   leakage-safe resampling pipelines and their guards
* :mod:`imbalkit.weights`      class weights (inverse, sqrt, effective number) and sweeps
* :mod:`imbalkit.costs`        cost matrices and minimum-expected-cost decisions
* :mod:`imbalkit.thresholds`   threshold tuning inside training folds
* :mod:`imbalkit.target_weights` sample weights for continuous targets (inverse, LDS, DenseWeight)
* :mod:`imbalkit.hurdle`       two-stage model for zero-inflated targets
* :mod:`imbalkit.extremes`     property-extreme robustness protocol (PDR)
* :mod:`imbalkit.deep`         everything that needs torch: the one training loop, losses (focal,
                               weighted CE, logit adjustment, Balanced/weighted MSE), the
                               scikit-learn MLP classifier and regressor, composition encoder,
                               fine-tuning, EWC, audits, VAE
* :mod:`imbalkit.active`       pool-based active learning against a database oracle
* :mod:`imbalkit.curation`     duplicates, conflicts, polymorph policies, conditional imbalance
* :mod:`imbalkit.diagnose`     one-call imbalance report (CLI: ``imbalkit diagnose``)
* :mod:`imbalkit.bench`        HEA descriptors, ionic conductivity/Arrhenius, BET area
* :mod:`imbalkit.grouped`      family-held-out folds, rebalancing on shared folds, per-group error/prevalence
* :mod:`imbalkit.electrolytes` Arrhenius fits of measured series with a curvature test; ABX3 formulas
* :mod:`imbalkit.plotting`     book style, periodic-table heat map
* :mod:`imbalkit.streaming`    bounded memory: chunked featurisation to parquet, streamed statistics, partial_fit
* :mod:`imbalkit.distributed`  the repeated-CV protocol and chunked featurisation on Dask
"""
from __future__ import annotations

from .plotting import use_book_style

__version__ = "0.1.0"
__all__ = ["use_book_style", "__version__"]
