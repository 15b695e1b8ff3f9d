"""A small conditional GAN on descriptor rows (e.g. the 111 Magpie features) and its diagnostics.

* :class:`Generator` - noise plus a learned class embedding -> MLP -> standardised descriptors;
  its body has the shape of :class:`~imbalkit.deep.encoder.CompositionEncoder` (111 -> 256 -> 128),
  so :func:`generator_from_encoder` can start it from the pre-trained OQMD encoder.
* :class:`Critic` - descriptors plus a one-hot class -> MLP -> one score.
* :func:`train_gan` - the alternating loop, either WGAN-GP (Gulrajani et al. 2017; critic
  trained ``n_critic`` times per generator step, gradient penalty) or the original
  non-saturating GAN loss (Goodfellow et al. 2014). Every ``log_every`` steps it records the
  losses, the Wasserstein estimate, the gradient norms of both networks, the mean
  discriminator output on real and fake rows, and the diversity of a fixed batch of samples,
  so convergence and collapse can be read from the history.
* :func:`diversity`, :func:`coverage` (re-exported from :mod:`imbalkit.synthetic_coverage`) -
  mode-collapse diagnostics against the real rows.

The alternating loop is deliberately separate from :func:`imbalkit.deep.training.fit`
(plain supervised fitting): two optimisers, two losses, two step counts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from imbalkit.synthetic_coverage import coverage, diversity

__all__ = ["Generator", "Critic", "generator_from_encoder", "GANResult", "train_gan", "sample_gan",
           "diversity", "coverage"]


class Generator(nn.Module):
    """``z + embed(y)`` -> Linear/SiLU layers of widths ``hidden`` -> Linear -> ``n_features``.

    Examples
    --------
    >>> g = Generator(6, n_classes=2, hidden=(8, 4))
    >>> g(torch.zeros(3, 6), torch.tensor([0, 1, 1])).shape
    torch.Size([3, 6])
    """

    def __init__(self, n_features: int, n_classes: int = 2, hidden=(256, 128)) -> None:
        super().__init__()
        if n_features < 1 or n_classes < 1 or not hidden:
            raise ValueError(f"need n_features >= 1, n_classes >= 1 and hidden widths; got {n_features}, {n_classes}")
        self.n_features, self.n_classes = n_features, n_classes
        self.embed = nn.Embedding(n_classes, n_features)
        nn.init.normal_(self.embed.weight, std=0.1)
        layers, width = [], n_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.SiLU()]
            width = h
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_features)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(z + self.embed(y)))


class Critic(nn.Module):
    """``[x, one_hot(y)]`` -> Linear/LeakyReLU layers -> one score (a logit for the BCE loss).

    Examples
    --------
    >>> Critic(6, n_classes=2, hidden=(8,))(torch.zeros(3, 6), torch.tensor([0, 1, 1])).shape
    torch.Size([3])
    """

    def __init__(self, n_features: int, n_classes: int = 2, hidden=(128, 128)) -> None:
        super().__init__()
        self.n_classes = n_classes
        layers, width = [], n_features + n_classes
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(0.2)]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(width, 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, F.one_hot(y, self.n_classes).to(x.dtype)], 1))[:, 0]


def generator_from_encoder(encoder: nn.Module, n_classes: int = 2) -> Generator:
    """A :class:`Generator` whose body is a copy of a pre-trained encoder's layers (head and class
    embedding are new). Accepts a :class:`~imbalkit.deep.encoder.PropertyModel` or its encoder.

    Examples
    --------
    >>> from imbalkit.deep.encoder import load_pretrained
    >>> enc = load_pretrained()[0].encoder
    >>> g = generator_from_encoder(enc)
    >>> bool(torch.equal(g.body[0].weight, enc.body[0].weight)), g.head.out_features
    (True, 111)
    """
    enc = getattr(encoder, "encoder", encoder)
    if not hasattr(enc, "body") or not hasattr(enc, "hidden"):
        raise TypeError("encoder must be a CompositionEncoder or a PropertyModel holding one")
    g = Generator(enc.n_features, n_classes, enc.hidden)
    g.body.load_state_dict(enc.body.state_dict())
    return g


@dataclass
class GANResult:
    """A trained generator, the standardisation of the data, and the training history."""

    generator: Generator
    mean: np.ndarray
    scale: np.ndarray
    history: pd.DataFrame


def _grad_norm(module: nn.Module) -> float:
    sq = [float(p.grad.pow(2).sum()) for p in module.parameters() if p.grad is not None]
    return float(np.sqrt(sum(sq)))


def train_gan(X, y, *, generator: Generator | None = None, loss: str = "wgan-gp", steps: int = 400,
              critic_hidden=(128, 128),
              n_critic: int | None = None, batch_size: int = 64, lr: float = 1e-4, gp_weight: float = 10.0,
              log_every: int = 10, seed: int = 0) -> GANResult:
    """Train a conditional GAN on rows ``X`` (standardised internally) with class labels ``y`` (0..K-1).

    ``loss="wgan-gp"`` (critic steps per generator step: ``n_critic``, default 5) or ``"bce"``
    (non-saturating GAN loss, default ``n_critic=1``). Adam(lr, betas=(0.5, 0.9)) for both nets.
    Pass ``generator`` to start from given weights (e.g. :func:`generator_from_encoder`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (64, 3)), rng.normal(3, 1, (64, 3))]; y = np.repeat([0, 1], 64)
    >>> res = train_gan(X, y, steps=20, log_every=10, seed=0)
    >>> res.history.columns.tolist()[:4]
    ['step', 'critic_loss', 'generator_loss', 'wasserstein']
    >>> sample_gan(res, 5, label=1).shape
    (5, 3)
    """
    if loss not in ("wgan-gp", "bce"):
        raise ValueError(f"loss must be 'wgan-gp' or 'bce', got {loss!r}")
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be 2-d with one label per row; got X {X.shape} and {len(y)} labels")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; impute or drop them first")
    if y.dtype.kind not in "iu" or y.min() < 0:
        raise ValueError("y must hold integer class labels 0..K-1")
    if steps < 1 or log_every < 1:
        raise ValueError(f"steps and log_every must be >= 1, got {steps}, {log_every}")
    n_critic = (5 if loss == "wgan-gp" else 1) if n_critic is None else n_critic
    n_classes = int(y.max()) + 1
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Xt, yt = torch.as_tensor((X - mean) / scale), torch.as_tensor(y, dtype=torch.long)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    G = generator if generator is not None else Generator(X.shape[1], n_classes)
    if G.n_features != X.shape[1] or G.n_classes < n_classes:
        raise ValueError(f"generator makes {G.n_features} features for {G.n_classes} classes; data has "
                         f"{X.shape[1]} features and {n_classes} classes")
    D = Critic(X.shape[1], n_classes, critic_hidden)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.9))
    z_fixed = torch.randn(256, X.shape[1], generator=gen)
    y_fixed = yt[torch.randint(0, len(yt), (256,), generator=gen)]
    rows = []
    for step in range(1, steps + 1):
        for _ in range(n_critic):
            idx = torch.randint(0, len(Xt), (batch_size,), generator=gen)
            xr, yr = Xt[idx], yt[idx]
            with torch.no_grad():
                xf = G(torch.randn(batch_size, X.shape[1], generator=gen), yr)
            sr, sf = D(xr, yr), D(xf, yr)
            if loss == "wgan-gp":
                eps = torch.rand(batch_size, 1, generator=gen)
                xi = (eps * xr + (1 - eps) * xf).requires_grad_(True)
                grad = torch.autograd.grad(D(xi, yr).sum(), xi, create_graph=True)[0]
                d_loss = sf.mean() - sr.mean() + gp_weight * ((grad.norm(dim=1) - 1) ** 2).mean()
            else:
                d_loss = F.softplus(-sr).mean() + F.softplus(sf).mean()
            opt_d.zero_grad()
            d_loss.backward()
            d_grad = _grad_norm(D)
            opt_d.step()
        yb = yt[torch.randint(0, len(yt), (batch_size,), generator=gen)]
        sf_g = D(G(torch.randn(batch_size, X.shape[1], generator=gen), yb), yb)
        g_loss = -sf_g.mean() if loss == "wgan-gp" else F.softplus(-sf_g).mean()
        opt_g.zero_grad()
        g_loss.backward()
        g_grad = _grad_norm(G)
        opt_g.step()
        if step % log_every == 0 or step == 1:
            with torch.no_grad():
                fixed = G(z_fixed, y_fixed).numpy()
            p = torch.sigmoid if loss == "bce" else (lambda t: t)
            rows.append({"step": step, "critic_loss": float(d_loss.detach()), "generator_loss": float(g_loss.detach()),
                         "wasserstein": float((sr.mean() - sf.mean()).detach()), "critic_grad_norm": d_grad,
                         "generator_grad_norm": g_grad, "d_real": float(p(sr.detach()).mean()), "d_fake": float(p(sf.detach()).mean()),
                         "diversity": diversity(fixed)})
    return GANResult(G.eval(), mean, scale, pd.DataFrame(rows))


@torch.no_grad()
def sample_gan(result: GANResult, n: int, *, label: int = 1, seed: int = 0) -> np.ndarray:
    """``n`` generated rows of class ``label``, in the original (unstandardised) units."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    G = result.generator
    if not 0 <= label < G.n_classes:
        raise ValueError(f"label must be in 0..{G.n_classes - 1}, got {label}")
    g = torch.Generator().manual_seed(seed)
    Z = G(torch.randn(n, G.n_features, generator=g), torch.full((n,), label, dtype=torch.long)).numpy()
    return Z * result.scale + result.mean
