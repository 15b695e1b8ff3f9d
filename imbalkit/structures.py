"""Crystal structures for the structure-based models of Part V (pymatgen; no torch).

Most OBELiX CIFs are *disordered*: a lithium site may be 40 % occupied, a mixed site may hold
0.5 Ge + 0.5 P. Graph networks (CGCNN, CHGNet) need one element per site, so every structure
is first reduced to an ordered approximation by one stated rule (:func:`majority_ordered`):

* each site keeps its most occupied species (a tie goes to the lighter element);
* a site whose vacancy fraction ``1 - sum(occupancies)`` is larger than that species'
  occupancy is dropped.

The rule keeps the framework and the mobile-ion sublattice's geometry, but changes the
composition (a 0.56-occupied Li site becomes a full Li; a 0.4-occupied one disappears). The
chapters say so, and compare with a composition model on the true formula.

* :func:`cif_is_ordered` tells from a CIF's occupancy column alone (fast, no structure built)
  whether every site is fully occupied by one species;
* :func:`prepared_structures` parses bundled CIFs, orders them and reduces them to the
  primitive cell (fewer atoms, the same crystal);
* :func:`neighbor_table` lists each site's ``max_neighbors`` nearest neighbours (index and
  distance) - the input of a CGCNN graph - and :func:`site_table` stacks it for many crystals;
* :func:`tables_by_id` reads the bundled tables back.

The bundled ``obelix_cgcnn_sites`` and ``obelix_chgnet`` data sets are produced from the
bundled CIFs by ``scripts/obelix_structures.py`` with these functions; the tests rebuild a
seeded sample and compare.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["cif_is_ordered", "majority_ordered", "prepared_structures", "neighbor_table", "site_table", "tables_by_id",
           "RADIUS", "MAX_NEIGHBORS"]

RADIUS = 8.0          # Angstrom; the cut-off of the original CGCNN models
MAX_NEIGHBORS = 12    # neighbours kept per site, as in the original CGCNN models


def cif_is_ordered(text: str, *, tol: float = 1e-3) -> bool:
    r"""True when every ``_atom_site_occupancy`` of the CIF ``text`` is 1 (within ``tol``), or none is given.

    Only the CIF's tokens are read (``pymatgen.io.cif.CifFile``), not a structure, so it takes
    about 1 ms per file; uncertainties such as ``0.50(2)`` are read as 0.50.

    Examples
    --------
    >>> cif = "data_x\nloop_\n_atom_site_label\n_atom_site_occupancy\nLi1 0.50(2)\nO1 1.0\n"
    >>> cif_is_ordered(cif), cif_is_ordered(cif.replace("0.50(2)", "1"))
    (False, True)
    """
    from pymatgen.io.cif import CifFile

    blocks = list(CifFile.from_str(text).data.values())
    if not blocks:
        raise ValueError("text holds no CIF data block (no line starting with 'data_')")
    for block in blocks:
        for value in block.data.get("_atom_site_occupancy", []):
            number = str(value).split("(")[0]
            try:
                occupancy = float(number)
            except ValueError:
                raise ValueError(f"occupancy {value!r} is not a number") from None
            if abs(occupancy - 1.0) > tol:
                return False
    return True


def majority_ordered(structure):
    """An ordered approximation of a (possibly disordered) pymatgen ``structure``.

    Each site keeps its most occupied species (a tie goes to the lighter element); a site that
    is more often empty than occupied by that species is dropped. An ordered structure is returned unchanged (as a copy).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> s = Structure(Lattice.cubic(4.0), [{"Li": 0.3}, {"Ge": 0.5, "P": 0.5}, {"O": 1.0}],
    ...               [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0, 0]])
    >>> [site.species_string for site in majority_ordered(s)]  # Li (70 % empty) dropped; a tie -> lighter P
    ['P', 'O']
    """
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        raise TypeError(f"structure must be a pymatgen Structure, got {type(structure).__name__}")
    species, coords = [], []
    for site in structure:
        element, occupancy = max(site.species.items(), key=lambda kv: (kv[1], -kv[0].Z))
        vacancy = 1.0 - sum(site.species.values())
        if vacancy > occupancy:
            continue
        species.append(element)
        coords.append(site.frac_coords)
    if not species:
        raise ValueError(f"{structure.composition.reduced_formula}: every site is mostly vacant; "
                         "nothing is left to order")
    return Structure(structure.lattice, species, coords)


def prepared_structures(ids: Iterable[str] | None = None, *, name: str = "obelix_cifs",
                        primitive: bool = True, tolerance: float = 0.1) -> dict[str, object]:
    """Bundled CIFs parsed, ordered with :func:`majority_ordered` and (optionally) made primitive.

    ``ids`` picks entries (default: all). Parsing takes about 50 ms per CIF.

    Examples
    --------
    >>> s = prepared_structures(["jqc"])["jqc"]     # OBELiX formula Li7BiO6: ordering changes it
    >>> s.is_ordered, s.composition.reduced_formula, len(s)
    (True, 'Li8BiO6', 15)
    """
    import warnings

    from pymatgen.core import Structure

    from .datasets import read_cifs

    cifs = read_cifs(name)
    keys = sorted(cifs) if ids is None else list(ids)
    unknown = [k for k in keys if k not in cifs]
    if unknown:
        raise KeyError(f"ids not in {name!r}: {unknown[:5]}{' ...' if len(unknown) > 5 else ''}; "
                       f"it holds {len(cifs)} entries such as {sorted(cifs)[:3]}")
    out: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns about rounded occupancies and the authors' noise
        for k in keys:
            s = majority_ordered(Structure.from_str(cifs[k], fmt="cif"))
            out[k] = s.get_primitive_structure(tolerance=tolerance) if primitive else s
    return out


def neighbor_table(structure, *, radius: float = RADIUS,
                   max_neighbors: int = MAX_NEIGHBORS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Atomic numbers ``(n,)``, neighbour indices ``(n, M)`` and distances ``(n, M)`` of an ordered structure.

    Neighbours are the ``M = max_neighbors`` nearest within ``radius`` (periodic images
    included), nearest first; missing ones are padded with index 0 at distance ``radius + 1``,
    as in the original CGCNN code.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> z, idx, dist = neighbor_table(Structure(Lattice.cubic(3.0), ["Po"], [[0, 0, 0]]), max_neighbors=6)
    >>> z.tolist(), idx.tolist(), dist.round(6).tolist()
    ([84], [[0, 0, 0, 0, 0, 0]], [[3.0, 3.0, 3.0, 3.0, 3.0, 3.0]])
    """
    if radius <= 0 or max_neighbors < 1:
        raise ValueError(f"radius and max_neighbors must be positive, got {radius} and {max_neighbors}")
    if not structure.is_ordered:
        raise ValueError(f"{structure.composition.reduced_formula} is disordered; order it first "
                         "(imbalkit.structures.majority_ordered)")
    z = np.array([site.specie.Z for site in structure], dtype=np.int64)
    centres, neighbours, _, dists = structure.get_neighbor_list(radius)
    n, m = len(z), int(max_neighbors)
    idx = np.zeros((n, m), dtype=np.int64)
    dist = np.full((n, m), radius + 1.0)
    order = np.lexsort((neighbours, dists, centres))   # by centre, then distance, ties by index
    centres, neighbours, dists = centres[order], neighbours[order], dists[order]
    starts = np.searchsorted(centres, np.arange(n))
    ends = np.searchsorted(centres, np.arange(n), side="right")
    for i in range(n):
        k = min(m, ends[i] - starts[i])
        idx[i, :k] = neighbours[starts[i]:starts[i] + k]
        dist[i, :k] = dists[starts[i]:starts[i] + k]
    return z, idx, dist


def site_table(structures: dict[str, object], *, radius: float = RADIUS,
               max_neighbors: int = MAX_NEIGHBORS) -> pd.DataFrame:
    """One row per site: ``ID``, ``site``, ``Z``, ``nbr_0..`` and ``dist_0..`` (distances rounded to 1e-5 Angstrom).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> t = site_table({"nacl": Structure(Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [.5, .5, .5]])},
    ...                max_neighbors=2)
    >>> t.columns.tolist(), t["dist_0"].tolist()
    (['ID', 'site', 'Z', 'nbr_0', 'nbr_1', 'dist_0', 'dist_1'], [4.88438, 4.88438])
    """
    frames = []
    for key, s in structures.items():
        z, idx, dist = neighbor_table(s, radius=radius, max_neighbors=max_neighbors)
        f = pd.DataFrame({"ID": key, "site": np.arange(len(z)), "Z": z})
        f[[f"nbr_{j}" for j in range(idx.shape[1])]] = idx
        f[[f"dist_{j}" for j in range(dist.shape[1])]] = np.round(dist, 5)
        frames.append(f)
    if not frames:
        raise ValueError("structures is empty; pass at least one structure")
    return pd.concat(frames, ignore_index=True)


def tables_by_id(sites: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Split a :func:`site_table` back into ``{ID: (Z, neighbour indices, distances)}`` (in site order).

    Examples
    --------
    >>> t = pd.DataFrame({"ID": ["a", "a"], "site": [1, 0], "Z": [8, 3], "nbr_0": [0, 1], "dist_0": [2.0, 2.0]})
    >>> z, idx, dist = tables_by_id(t)["a"]
    >>> z.tolist(), idx.tolist()
    ([3, 8], [[1], [0]])
    """
    nbr = [c for c in sites.columns if c.startswith("nbr_")]
    dst = [c for c in sites.columns if c.startswith("dist_")]
    if not nbr or len(nbr) != len(dst):
        raise ValueError("sites must have matching nbr_* and dist_* columns, as written by site_table")
    out = {}
    for key, g in sites.sort_values(["ID", "site"]).groupby("ID", sort=False):
        out[str(key)] = (g["Z"].to_numpy(np.int64), g[nbr].to_numpy(np.int64), g[dst].to_numpy(np.float64))
    return out
