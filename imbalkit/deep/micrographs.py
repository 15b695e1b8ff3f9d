"""A seeded generator of SIMULATED micrographs: Voronoi grains, grain boundaries and a rare
precipitate phase. Everything it produces is synthetic and must be labelled "simulated".

Labels: 0 = grain interior (matrix), 1 = grain boundary, 2 = precipitate (rare).
"""
from __future__ import annotations

import numpy as np

__all__ = ["CLASSES", "simulate_micrographs"]

CLASSES = ("matrix", "grain boundary", "precipitate")


def _one(size: int, n_grains: int, n_precipitates: int, noise: float, rng: np.random.Generator):
    yy, xx = np.mgrid[0:size, 0:size]
    seeds = rng.uniform(0, size, (n_grains, 2))
    d = (yy[..., None] - seeds[:, 0]) ** 2 + (xx[..., None] - seeds[:, 1]) ** 2
    grain = d.argmin(-1)
    img = rng.uniform(0.35, 0.65, n_grains)[grain]
    mask = np.zeros((size, size), dtype=np.int64)
    edge = np.zeros((size, size), dtype=bool)
    edge[:-1] |= grain[:-1] != grain[1:]
    edge[:, :-1] |= grain[:, :-1] != grain[:, 1:]
    mask[edge], img[edge] = 1, 0.25
    # precipitates: small disks, preferentially on grain boundaries, slightly brighter than grains
    on_edge = np.argwhere(edge)
    for _ in range(rng.poisson(n_precipitates)):
        cy, cx = on_edge[rng.integers(len(on_edge))] if rng.random() < 0.7 else rng.uniform(0, size, 2)
        r = rng.uniform(1.0, 2.2)
        disk = (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
        mask[disk], img[disk] = 2, rng.uniform(0.6, 0.8)
    img = img + rng.normal(0, noise, img.shape)
    return img.astype(np.float32), mask


def simulate_micrographs(n: int, *, size: int = 48, n_grains: int = 10, n_precipitates: float = 3.0,
                         noise: float = 0.08, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` simulated grayscale micrographs ``(n, size, size)`` and their label masks.

    Parameters
    ----------
    n_precipitates
        Mean (Poisson) number of precipitate disks per image; with the defaults the
        precipitate phase covers about 1-2 % of the pixels.
    noise
        Standard deviation of the additive Gaussian noise (the precipitate and grain
        intensity ranges overlap once noise is added).

    Examples
    --------
    >>> img, mask = simulate_micrographs(2, size=32, seed=0)
    >>> img.shape, mask.shape, sorted(np.unique(mask).tolist())
    ((2, 32, 32), (2, 32, 32), [0, 1, 2])
    >>> bool((simulate_micrographs(2, size=32, seed=0)[0] == img).all())   # seeded
    True
    """
    if n < 1 or size < 8 or n_grains < 2:
        raise ValueError(f"need n >= 1, size >= 8 and n_grains >= 2; got {n}, {size}, {n_grains}")
    if n_precipitates < 0 or noise < 0:
        raise ValueError("n_precipitates and noise must be >= 0")
    rng = np.random.default_rng(seed)
    pairs = [_one(size, n_grains, n_precipitates, noise, rng) for _ in range(n)]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])
