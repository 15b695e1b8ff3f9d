"""A small variational auto-encoder on composition vectors (element fractions).

The decoder ends in a softmax, so every decoded vector is non-negative and sums to one;
the reconstruction loss is the cross-entropy between the true fractions and the decoded ones.
The KL term is annealed with the cyclical schedule of Fu et al. (2019).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from imbalkit.deep.training import as_tensor, batch_indices, resolve_device, set_seed

__all__ = ["cyclical_kl_weight", "CompositionVAE", "vae_loss", "fit_vae", "sample_vae"]


def cyclical_kl_weight(step: int, total_steps: int, n_cycles: int = 4, ratio: float = 0.5) -> float:
    """KL weight beta at ``step``: in each of ``n_cycles`` cycles it rises linearly from 0 to 1
    over the first ``ratio`` of the cycle, then stays at 1.

    Examples
    --------
    >>> [cyclical_kl_weight(s, 8, n_cycles=2, ratio=0.5) for s in range(8)]
    [0.0, 0.5, 1.0, 1.0, 0.0, 0.5, 1.0, 1.0]
    """
    if total_steps < 1 or n_cycles < 1 or not 0 < ratio <= 1:
        raise ValueError("total_steps and n_cycles must be >= 1 and ratio in (0, 1]")
    period = total_steps / n_cycles
    pos = (step % period) / period
    return float(min(1.0, pos / ratio))


class CompositionVAE(nn.Module):
    """Encoder MLP -> (mu, log variance) in ``latent`` dims; decoder MLP -> softmax fractions.

    Examples
    --------
    >>> vae = CompositionVAE(5, latent=2, hidden=8)
    >>> recon, mu, logvar = vae(torch.full((3, 5), 0.2))
    >>> recon.shape, bool(torch.allclose(recon.exp().sum(1), torch.ones(3)))
    (torch.Size([3, 5]), True)
    """

    def __init__(self, n_elements: int, latent: int = 8, hidden: int = 64) -> None:
        super().__init__()
        if n_elements < 2 or latent < 1 or hidden < 1:
            raise ValueError(f"need n_elements >= 2, latent >= 1, hidden >= 1; got {n_elements}, {latent}, {hidden}")
        self.n_elements, self.latent = n_elements, latent
        self.enc = nn.Sequential(nn.Linear(n_elements, hidden), nn.SiLU(), nn.Linear(hidden, 2 * latent))
        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.SiLU(), nn.Linear(hidden, n_elements))

    def forward(self, v: torch.Tensor):
        mu, logvar = self.enc(v).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return F.log_softmax(self.dec(z), dim=1), mu, logvar

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decoded fractions (softmax) for latent points ``z``."""
        return torch.softmax(self.dec(z), dim=1)


def vae_loss(log_recon: torch.Tensor, v: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float = 1.0) -> torch.Tensor:
    """Mean over rows of ``-sum_j v_j log q_j + beta * KL(N(mu, sigma^2) || N(0, 1))``.

    Examples
    --------
    >>> v = torch.tensor([[0.5, 0.5]]); lr = torch.log(torch.tensor([[0.5, 0.5]]))
    >>> round(float(vae_loss(lr, v, torch.zeros(1, 1), torch.zeros(1, 1))), 4)   # ln 2, KL = 0
    0.6931
    """
    recon = -(v * log_recon).sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
    return (recon + beta * kl).mean()


def fit_vae(V, *, latent: int = 8, hidden: int = 64, epochs: int = 200, batch_size: int = 64, lr: float = 3e-3,
            n_cycles: int = 4, seed: int = 0, device: str = "cpu") -> CompositionVAE:
    """Fit a :class:`CompositionVAE` on composition vectors ``V`` (rows of fractions).

    Examples
    --------
    >>> V = np.array([[0.5, 0.5, 0.0], [0.0, 0.4, 0.6]] * 20, dtype="float32")
    >>> vae = fit_vae(V, latent=2, hidden=8, epochs=5)
    >>> vae.n_elements
    3
    """
    Vt = as_tensor(V, name="V")
    if Vt.ndim != 2 or (Vt < -1e-6).any() or not torch.allclose(Vt.sum(1), torch.ones(len(Vt)), atol=1e-3):
        raise ValueError("V must be a 2-d array of non-negative fractions with rows summing to one")
    dev = resolve_device(device)
    gen = set_seed(seed)
    vae = CompositionVAE(Vt.shape[1], latent, hidden).to(dev)
    opt = torch.optim.Adam(vae.parameters(), lr=lr)
    steps_per_epoch = int(np.ceil(len(Vt) / batch_size))
    total, step = epochs * steps_per_epoch, 0
    for _ in range(epochs):
        for idx in batch_indices(len(Vt), batch_size, gen):
            vb = Vt[idx].to(dev)
            log_recon, mu, logvar = vae(vb)
            loss = vae_loss(log_recon, vb, mu, logvar, cyclical_kl_weight(step, total, n_cycles))
            opt.zero_grad(); loss.backward(); opt.step()
            step += 1
    return vae.cpu().eval()


def sample_vae(vae: CompositionVAE, n: int, *, seed: int = 0, min_fraction: float = 0.02) -> np.ndarray:
    """Draw ``n`` compositions: decode z ~ N(0, I), zero fractions below ``min_fraction``, renormalise.

    Examples
    --------
    >>> V = sample_vae(CompositionVAE(4, latent=2, hidden=8), 3, min_fraction=0.0)
    >>> V.shape, bool(np.allclose(V.sum(1), 1))
    ((3, 4), True)
    """
    if n < 0 or not 0 <= min_fraction < 1:
        raise ValueError(f"n must be >= 0 and min_fraction in [0, 1); got {n}, {min_fraction}")
    g = torch.Generator().manual_seed(seed)
    V = vae.decode(torch.randn(n, vae.latent, generator=g)).numpy().astype(np.float64)
    V[V < min_fraction] = 0.0
    empty = V.sum(1) == 0
    if empty.any():  # keep at least the largest fraction
        raw = vae.decode(torch.randn(int(empty.sum()), vae.latent, generator=g)).numpy()
        V[np.flatnonzero(empty), raw.argmax(1)] = 1.0
    return V / V.sum(1, keepdims=True)
