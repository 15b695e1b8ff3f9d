"""Record fixed-seed predictions of the torch estimators and deep helpers (tests/data/deep_reference.npz).

The arrays were first written with the code *before* the training loops were merged into
``imbalkit.deep.training``; ``tests/test_deep_reference.py`` recomputes every case with the
current code and requires agreement to 1e-6, so a refactor cannot silently change the
numbers the book reports. Re-run only when a numerical change is intended::

    python scripts/make_deep_reference.py            # rewrites tests/data/deep_reference.npz

Every case is small (a few seconds on one core in total).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "deep_reference.npz"


def _classification_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 1.2).astype(int)
    y3 = np.where(X[:, 0] > 0.8, 2, np.where(X[:, 1] > 0, 1, 0))
    return X, y, y3


def _regression_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(257, 4))          # 257 = 4 * 64 + 1: the last batch of one row is skipped
    y = np.exp(X[:, 0]) + 0.1 * rng.normal(size=257)
    return X, y, 1.0 + (y > np.quantile(y, 0.8))


def cases() -> dict[str, np.ndarray]:
    """Every recorded array, by name."""
    import torch

    from imbalkit.deep.encoder import CompositionEncoder, PropertyModel
    from imbalkit.deep.finetune import decoupled_retrain, fine_tune, predict_proba, two_phase
    from imbalkit.deep.micrographs import simulate_micrographs
    from imbalkit.deep.multitask import fit_multitask, predict_multitask
    from imbalkit.deep.segmentation import train_segmenter
    from imbalkit.deep.training import predict
    from imbalkit.deep.vae import fit_vae, sample_vae
    from imbalkit.deep.estimators import TorchMLPClassifier, TorchMLPRegressor

    torch.set_num_threads(1)
    out: dict[str, np.ndarray] = {}
    X, y, y3 = _classification_data()
    common = dict(hidden=(16,), max_epochs=12, patience=4, lr=1e-2, batch_size=64)
    for name, kw in {"ce": dict(loss="ce"),
                     "focal": dict(loss="focal", gamma=2.0, alpha=0.75, monitor="pr_auc"),
                     "weighted": dict(loss="weighted", class_weight="balanced", monitor="balanced_accuracy"),
                     "logit_adjusted": dict(loss="logit_adjusted", tau=1.0, seed=3)}.items():
        clf = TorchMLPClassifier(**common, **kw).fit(X, y)
        out[f"clf_{name}"] = clf.predict_proba(X)
        out[f"clf_{name}_epochs"] = np.array([clf.n_epochs_, clf.best_score_])
    clf = TorchMLPClassifier(**common, loss="focal", dropout=0.2, monitor="balanced_accuracy").fit(X, y3)
    out["clf_multiclass_dropout"] = clf.predict_proba(X)

    Xr, yr, wr = _regression_data()
    for name, kw, w in (("mse", dict(loss="mse"), None), ("weighted_mse", dict(loss="weighted_mse"), wr),
                        ("balanced_mse", dict(loss="balanced_mse", learn_noise=True, noise_sigma=0.5), None)):
        reg = TorchMLPRegressor(**kw, hidden=16, epochs=8, batch_size=64, seed=2).fit(Xr, yr, sample_weight=w)
        out[f"reg_{name}"] = reg.predict(Xr)
        out[f"reg_{name}_noise_var"] = np.array([reg.noise_var_])

    Xf = X.astype(np.float32)
    torch.manual_seed(0)
    pre = PropertyModel(CompositionEncoder(5, hidden=(16, 8)), 1)
    out["ft_plain"] = predict_proba(fine_tune(pre, Xf, y, epochs=6, lr=1e-2, seed=1), Xf)
    out["ft_balanced_frozen"] = predict_proba(fine_tune(pre, Xf, y, epochs=6, lr=1e-2, seed=1, balanced=True,
                                                        freeze_encoder=True), Xf)
    out["ft_decoupled"] = predict_proba(decoupled_retrain(pre, Xf, y, epochs=4, head_epochs=3, seed=2), Xf)
    out["ft_two_phase"] = predict_proba(two_phase(pre, Xf, y, balanced_epochs=3, full_epochs=3, seed=4), Xf)
    m, w = fit_multitask(pre, Xf, y, Xf[:, 2], weighting="uncertainty", epochs=4, batch_size=64, seed=5)
    p, r = predict_multitask(m, Xf)
    out["mt_proba"], out["mt_reg"], out["mt_weights"] = p, r, w

    V = np.random.default_rng(2).dirichlet(np.ones(6), size=120).astype(np.float32)
    vae = fit_vae(V, latent=2, hidden=16, epochs=6, batch_size=32, seed=6)
    out["vae_samples"] = sample_vae(vae, 20, seed=7, min_fraction=0.05)

    img, masks = simulate_micrographs(8, size=16, seed=0)
    net = train_segmenter(img, masks, loss="focal", sample_weights=np.linspace(1, 2, 8), epochs=3, width=4,
                          batch_size=4, seed=8)
    out["seg_logits"] = predict(net, img[:, None].astype(np.float32))
    return out


if __name__ == "__main__":
    arrays = cases()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(arrays)} arrays to {OUT.name}")
