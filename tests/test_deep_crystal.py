"""Fine-tuning a pre-trained CGCNN as a rare-class classifier (imbalkit.deep.crystal) and the benchmark CSV."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from imbalkit.deep.crystal import (GraphModel, bundled_graphs, frozen_embeddings, graph_classifier, learning_curve,
                                   predict_logits, train_classifier)
from imbalkit.deep.graph_memory import graph_from_arrays, load_cgcnn
from imbalkit.deep.training import fit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "fm_structures" / "results.csv"


@pytest.fixture(scope="module")
def small():
    torch.set_num_threads(1)
    g = bundled_graphs()
    keys = sorted(g, key=lambda k: g[k].n_atoms)[:40]            # the 40 smallest cells: fast
    y = np.array([0, 1] * 20)
    return [g[k] for k in keys], y


def test_graph_from_arrays_gaussian_and_errors():
    g = graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]], step=0.5)
    centres = np.arange(0.0, 8.5, 0.5)
    np.testing.assert_allclose(g.nbr_fea[0, 0].numpy(), np.exp(-((2.0 - centres) ** 2) / 0.25), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="must index the 2 sites"):
        graph_from_arrays([3, 8], [[2], [0]], [[2.0], [2.0]])
    with pytest.raises(ValueError, match="must be"):
        graph_from_arrays([3, 8], [[1, 0], [0, 1]], [[2.0], [2.0]])
    with pytest.raises(ValueError, match=r"Z=\[0\]"):
        graph_from_arrays([0, 8], [[1], [0]], [[2.0], [2.0]])


def test_pretrained_body_is_kept_and_scratch_is_not(small):
    graphs, _ = small
    ref = load_cgcnn()
    pre, scratch = graph_classifier(graphs, seed=3), graph_classifier(graphs, pretrained=None, seed=3)
    for name, p in ref.named_parameters():
        if name.startswith("fc_out"):
            continue
        assert torch.equal(dict(pre.net.named_parameters())[name], p)
        assert not torch.equal(dict(scratch.net.named_parameters())[name], p)
    assert pre.net.fc_out.out_features == 1
    assert torch.equal(pre.net.fc_out.weight, scratch.net.fc_out.weight)     # one seeded new head
    again = graph_classifier(graphs, pretrained=None, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(again.parameters(), scratch.parameters()))


def test_graph_model_output_equals_the_network_on_a_collated_batch(small):
    graphs, _ = small
    from imbalkit.deep.graph_memory import collate

    net = load_cgcnn()
    m = GraphModel(net, graphs).eval()
    with torch.no_grad():
        direct = net(*collate([graphs[2], graphs[5]]))[0][:, 0]
        assert torch.allclose(m(torch.tensor([[2.0], [5.0]])), direct)
    np.testing.assert_allclose(frozen_embeddings(graphs[:3]), net(*collate(graphs[:3]))[1].detach().numpy(),
                               atol=1e-6)
    with pytest.raises(IndexError, match="out of range"):
        m(torch.tensor([[40.0]]))


def test_training_is_seeded_and_strategies_differ(small):
    graphs, y = small
    idx = np.arange(30)

    def trained(strategy, seed=0):
        m = train_classifier(graph_classifier(graphs, seed=seed), idx, y[idx], strategy=strategy, epochs=2,
                             batch_size=8, seed=seed)
        return predict_logits(m, np.arange(30, 40))

    plain = trained("plain")
    np.testing.assert_array_equal(plain, trained("plain"))       # deterministic
    assert not np.allclose(plain, trained("two_phase"))
    assert not np.allclose(plain, trained("plain", seed=1))
    with pytest.raises(ValueError, match="strategy must be one of"):
        train_classifier(graph_classifier(graphs), idx, y[idx], strategy="smote")
    with pytest.raises(ValueError, match="both classes"):
        train_classifier(graph_classifier(graphs), idx, np.zeros(30))


def test_weighted_strategy_weights_rows_by_inverse_class_frequency(monkeypatch, small):
    graphs, _ = small
    seen = {}
    import imbalkit.deep.crystal as crystal

    def spy(model, X, y, loss_fn, **kw):
        seen.update(kw)
        return []
    monkeypatch.setattr(crystal, "fit", spy)
    y = np.array([0] * 9 + [1] * 3)
    train_classifier(graph_classifier(graphs), np.arange(12), y, strategy="weighted")
    w = seen["loss_weights"]
    assert np.allclose(w[y == 1], 12 / 6) and np.allclose(w[y == 0], 12 / 18)   # n / (2 n_c)
    assert (w * (y == 1)).sum() == pytest.approx((w * (y == 0)).sum())           # classes weigh the same


def test_on_epoch_records_without_changing_training():
    X = torch.linspace(-1, 1, 32).reshape(-1, 1)
    y = 2 * X[:, 0]
    loss = lambda p, t: ((p[:, 0] - t) ** 2).mean()
    a, b = nn.Linear(1, 1), nn.Linear(1, 1)
    b.load_state_dict(a.state_dict())
    calls = []
    fit(a, X, y, loss, epochs=3, batch_size=8, seed=1)
    fit(b, X, y, loss, epochs=3, batch_size=8, seed=1, on_epoch=lambda m, e: calls.append((e, m.training)))
    assert calls == [(0, False), (1, False), (2, False)]
    assert torch.equal(a.weight, b.weight)


def test_learning_curve_refuses_overlap_and_one_class_test(small):
    graphs, y = small
    with pytest.raises(ValueError, match="share crystals"):
        learning_curve(graphs, y, [0, 1, 2], [2, 3], pretrained=None, epochs=1)
    with pytest.raises(ValueError, match="one class"):
        learning_curve(graphs, y, [0, 1, 2, 3], [4, 6], pretrained=None, epochs=1)


def test_benchmark_csv_is_complete_and_its_probes_reproduce():
    from imbalkit.structure_tasks import probe_scores, superionic_structures

    r = pd.read_csv(RESULTS)
    nets = r[r["epoch"] > 0]
    assert set(nets["method"]) == {"CGCNN fine-tuned", "CGCNN fine-tuned, weighted", "CGCNN fine-tuned, two-phase",
                                   "CGCNN from scratch", "CGCNN from scratch, weighted"}
    assert len(nets) == 5 * 3 * 5 * 10 and nets.groupby(["method", "seed", "fold"]).size().eq(10).all()
    assert r["pr_auc"].between(0, 1).all() and r["roc_auc"].between(0, 1).all()
    live = pd.DataFrame(probe_scores(superionic_structures(), seeds=(0,)))
    stored = r[(r["epoch"] == 0) & (r["seed"] == 0)]
    merged = live.merge(stored, on=["method", "seed", "fold"], suffixes=("", "_csv"))
    assert len(merged) == 15
    np.testing.assert_allclose(merged["pr_auc"], merged["pr_auc_csv"], atol=1e-9)
