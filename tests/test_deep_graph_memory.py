import numpy as np
import pytest
import torch
from pymatgen.core import Lattice, Structure

from imbalkit.deep.graph_memory import (accumulated_gradients, batches_by_atoms, load_cgcnn,
                                        max_gradient_difference, saved_activation_bytes, structure_graph)

torch.set_num_threads(1)


def simple_cubic(a=3.0, n=1):
    s = Structure(Lattice.cubic(a), ["Cu"], [[0, 0, 0]])
    return s * (n, 1, 1) if n > 1 else s


def test_graph_distances_of_simple_cubic():
    # simple cubic: 6 neighbours at a, then 12 at a*sqrt(2); the 12 nearest are 6 + 6
    g = structure_graph(simple_cubic(3.0))
    centres = np.arange(0, 8.2, 0.2)
    nearest = centres[g.nbr_fea[0].argmax(1).numpy()]
    assert np.allclose(nearest[:6], 3.0) and np.allclose(nearest[6:], 4.2)
    assert g.nbr_idx.shape == (1, 12)


def test_memory_grows_with_atoms_not_crystal_count():
    m = load_cgcnn()
    small, big = structure_graph(simple_cubic(3.0, 1)), structure_graph(simple_cubic(3.0, 4))
    one_big = saved_activation_bytes(m, [big])
    four_small = saved_activation_bytes(m, [small] * 4)
    # same number of atoms (4) -> about the same memory, whatever the crystal count
    assert abs(one_big - four_small) / one_big < 0.05
    eight = saved_activation_bytes(m, [small] * 8)
    assert 1.8 < eight / four_small < 2.05


def test_batches_by_atoms_respects_budget_and_order():
    rng = np.random.default_rng(1)
    n = rng.integers(1, 50, 200)
    batches = batches_by_atoms(n, 120)
    assert np.concatenate(batches).tolist() == list(range(200))
    assert max(n[b].sum() for b in batches) <= 120


def test_batches_by_atoms_error_names_needed_budget():
    with pytest.raises(ValueError, match="raise max_atoms to >= 300"):
        batches_by_atoms([10, 300], 100)


def test_accumulation_exact_in_eval_but_not_with_batchnorm_training():
    graphs = [structure_graph(simple_cubic(a, 2)) for a in (2.6, 3.0, 3.4, 3.8)]  # 2 atoms: BatchNorm needs > 1 row
    y = [0.0, 1.0, -1.0, 2.0]
    micro = [[0], [1, 2], [3]]
    m = load_cgcnn().double().eval()
    assert max_gradient_difference(accumulated_gradients(m, graphs, y),
                                   accumulated_gradients(m, graphs, y, micro_batches=micro)) < 1e-12
    m.train()  # BatchNorm now uses per-micro-batch statistics
    assert max_gradient_difference(accumulated_gradients(m, graphs, y),
                                   accumulated_gradients(m, graphs, y, micro_batches=micro)) > 1e-3


def test_accumulation_rejects_incomplete_micro_batches():
    g = structure_graph(simple_cubic())
    with pytest.raises(ValueError, match="exactly once"):
        accumulated_gradients(load_cgcnn(), [g, g], [0.0, 1.0], micro_batches=[[0]])


def test_load_cgcnn_unknown_name():
    with pytest.raises(ValueError, match="no pre-trained CGCNN model named 'nope'"):
        load_cgcnn("nope")
