"""The one training loop: seeding, sampling, loss weights, skipped batches, early stopping, errors."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from imbalkit.deep.training import balanced_weights, fit, set_seed  # noqa: E402

X = torch.linspace(-1, 1, 40).reshape(-1, 1)
Y = 2 * X[:, 0]


def mse(p, t):
    return ((p[:, 0] - t) ** 2).mean()


def test_same_seed_same_weights_and_reseed_false_keeps_the_callers_stream() -> None:
    a, b = nn.Linear(1, 1), nn.Linear(1, 1)
    b.load_state_dict(a.state_dict())
    fit(a, X, Y, mse, epochs=3, seed=5)
    fit(b, X, Y, mse, epochs=3, seed=5)
    assert torch.equal(a.weight, b.weight)
    # reseed=False: torch's global stream is not reset, so a draw after training differs from a fresh seed
    set_seed(1)
    fit(nn.Linear(1, 1), X, Y, mse, epochs=1, seed=5, reseed=False)
    after = torch.rand(1)
    set_seed(5)
    assert not torch.equal(after, torch.rand(1))


def test_balanced_sampling_draws_each_class_about_equally() -> None:
    y = np.r_[np.zeros(90), np.ones(10)].astype(int)
    seen = []
    fit(nn.Linear(1, 2), np.zeros((100, 1), "float32"), y, lambda z, t: (seen.append(t.clone()) or z.sum() * 0),
        epochs=20, batch_size=50, balanced=True, y_dtype=torch.long)
    share = float(torch.cat(seen).float().mean())
    assert 0.45 < share < 0.55                      # natural share is 0.10
    assert np.allclose(balanced_weights(y)[[0, -1]], [1 / 90, 1 / 10])


def test_loss_weights_reach_the_loss_row_by_row() -> None:
    got = []
    w = np.arange(1.0, 41.0)
    fit(nn.Linear(1, 1), X, Y, lambda p, t, wb: (got.append((t.clone(), wb.clone())) or mse(p, t)),
        loss_weights=w, epochs=1, batch_size=8)
    t, wb = torch.cat([g[0] for g in got]), torch.cat([g[1] for g in got])
    idx = torch.round((t / 2 + 1) / 2 * 39).long()   # row index recovered from the target
    assert torch.equal(wb, torch.as_tensor(w, dtype=torch.float32)[idx])


def test_small_last_batch_is_skipped() -> None:
    sizes = []
    fit(nn.Linear(1, 1), X[:33], Y[:33], lambda p, t: (sizes.append(len(t)) or mse(p, t)), epochs=1, batch_size=16,
        min_batch_size=2)
    assert sizes == [16, 16]


def test_early_stopping_restores_the_best_epoch() -> None:
    m = nn.Linear(1, 1)
    scores = iter([0.1, 0.5, 0.4, 0.3, 0.2, 0.9])
    states = []

    def validate(model):
        states.append({k: v.clone() for k, v in model.state_dict().items()})
        return next(scores)

    h = fit(m, X, Y, mse, epochs=6, lr=0.05, validate=validate, patience=3)
    assert len(h) == 5 and h.best_epoch == 1 and h.best_score == 0.5
    assert torch.equal(m.weight, states[1]["weight"])


@pytest.mark.parametrize("kwargs, msg", [
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"sample_weights": -np.ones(40)}, "sample_weights must be non-negative"),
    ({"loss_weights": np.ones(3)}, "loss_weights must be non-negative, one per row"),
    ({"balanced": True, "sample_weights": np.ones(40)}, "either balanced=True or sample_weights"),
])
def test_bad_arguments_are_named(kwargs, msg) -> None:
    with pytest.raises(ValueError, match=msg):
        fit(nn.Linear(1, 1), X, Y, mse, **kwargs)


def test_seed_must_be_a_non_negative_int() -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        set_seed(-1)
    with pytest.raises(TypeError, match="non-negative integer"):
        set_seed(1.5)


def test_progress_bar_only_when_asked(capsys) -> None:
    fit(nn.Linear(1, 1), X, Y, mse, epochs=2)
    assert capsys.readouterr().err == ""
    fit(nn.Linear(1, 1), X, Y, mse, epochs=2, progress=True)
    assert "epochs" in capsys.readouterr().err
