"""Posterior-collapse diagnostics for the composition VAE of :mod:`imbalkit.deep.vae`.

* :func:`fit_vae_kl` - fit a :class:`~imbalkit.deep.vae.CompositionVAE` with a *constant* KL
  weight ``beta`` or with the cyclical schedule (peak ``beta``), through the shared training
  loop :func:`imbalkit.deep.training.fit`;
* :func:`kl_per_dimension` - mean KL of each latent dimension over the data; a dimension with
  KL near 0 is inactive (posterior collapse).
"""
from __future__ import annotations

import numpy as np
import torch

from imbalkit.deep.training import as_tensor, fit, set_seed
from imbalkit.deep.vae import CompositionVAE, cyclical_kl_weight, vae_loss

__all__ = ["fit_vae_kl", "kl_per_dimension"]


def fit_vae_kl(V, *, kl_schedule: str = "constant", beta: float = 1.0, latent: int = 8, hidden: int = 64,
               epochs: int = 100, batch_size: int = 64, lr: float = 3e-3, n_cycles: int = 4,
               seed: int = 0) -> CompositionVAE:
    """Fit a composition VAE with KL weight ``beta`` (``"constant"``) or ``beta`` times the cyclical schedule.

    Examples
    --------
    >>> V = np.array([[0.5, 0.5, 0.0], [0.0, 0.4, 0.6]] * 20, dtype="float32")
    >>> fit_vae_kl(V, beta=0.1, latent=2, hidden=8, epochs=3).latent
    2
    """
    if kl_schedule not in ("cyclical", "constant"):
        raise ValueError(f"kl_schedule must be 'cyclical' or 'constant', got {kl_schedule!r}")
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    Vt = as_tensor(V, name="V")
    if Vt.ndim != 2 or (Vt < -1e-6).any() or not torch.allclose(Vt.sum(1), torch.ones(len(Vt)), atol=1e-3):
        raise ValueError("V must be a 2-d array of non-negative fractions with rows summing to one")
    set_seed(seed)  # before the weights are initialised
    vae = CompositionVAE(Vt.shape[1], latent, hidden)
    total, step = epochs * int(np.ceil(len(Vt) / batch_size)), [0]

    def loss(out, vb):
        w = beta * cyclical_kl_weight(step[0], total, n_cycles) if kl_schedule == "cyclical" else beta
        step[0] += 1
        log_recon, mu, logvar = out
        return vae_loss(log_recon, vb, mu, logvar, w)

    fit(vae, Vt, Vt, loss, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
    return vae.cpu().eval()


@torch.no_grad()
def kl_per_dimension(vae: CompositionVAE, V) -> np.ndarray:
    """Mean KL(q(z_j | v) || N(0, 1)) over the rows of ``V``, per latent dimension (nats).

    Bowman et al. (2016) count a dimension as active above 0.01 nats.

    Examples
    --------
    >>> vae = CompositionVAE(4, latent=3, hidden=8)
    >>> kl_per_dimension(vae, np.full((5, 4), 0.25, dtype="float32")).shape
    (3,)
    """
    Vt = as_tensor(V, name="V")
    if Vt.ndim != 2 or Vt.shape[1] != vae.n_elements:
        raise ValueError(f"V must be 2-d with {vae.n_elements} columns, got shape {tuple(Vt.shape)}")
    mu, logvar = vae.eval().enc(Vt).chunk(2, dim=1)
    return (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).mean(0).numpy()
