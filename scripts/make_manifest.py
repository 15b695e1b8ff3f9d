"""Write data/manifest.json: the descriptive record below plus rows, columns and sha256
computed from the files in data/raw. Run after adding or replacing a data file:

    python scripts/make_manifest.py
"""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pandas as pd

from imbalkit.datasets import file_sha256 as sha256

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

MATBENCH = "Dunn et al., npj Comput. Mater. 6, 138 (2020) (Matbench)"
CRABNET = "copied from the crabnet==2.0.8 wheel (MIT), crabnet/data/"
NO_LICENCE = "no licence stated by the source; redistributed by Matbench and CrabNet (MIT) for benchmarking"
MP = "Jain et al., APL Mater. 1, 011002 (2013) (Materials Project)"
AFLOW = "Curtarolo et al., Comput. Mater. Sci. 58, 218 (2012) (AFLOW); split of Kauwe et al., Comput. Mater. Sci. 174, 109498 (2020)"

SPLITS = ("train", "val", "test")

DATASETS: dict[str, dict] = {
    "expt_gap": dict(
        files=["matbench_expt_gap.csv.gz"], target="experimental band gap", units="eV", task="regression",
        description="Experimental band gaps of inorganic compounds; 53 % are exactly 0 (metals).",
        citation=f"Zhuo, Mansouri Tehrani, Brgoch, J. Phys. Chem. Lett. 9, 1668 (2018); {MATBENCH}",
        bibkey="zhuo2018", licence=NO_LICENCE),
    "expt_is_metal": dict(
        files=["matbench_expt_is_metal.csv.gz"], target="1 = metal, 0 = non-metal (experimental)", units="class",
        task="classification", description="Experimental metal / non-metal classification.",
        citation=f"Zhuo, Mansouri Tehrani, Brgoch, J. Phys. Chem. Lett. 9, 1668 (2018); {MATBENCH}",
        bibkey="zhuo2018", licence=NO_LICENCE),
    "glass": dict(
        files=["matbench_glass.csv.gz"], target="1 = forms a metallic glass (melt spinning)", units="class",
        task="classification", description="Glass-forming ability of binary and ternary alloys.",
        citation=f"Kawazoe, Yu, Tsai, Masumoto, Landolt-Boernstein III/37A (1997); {MATBENCH}",
        bibkey="kawazoe1997", licence=NO_LICENCE),
    "steels_yield": dict(
        files=["matbench_steels_yield.csv.gz"], target="yield strength", units="MPa", task="regression",
        description="Yield strength of steels from fractional compositions.",
        citation=f"Citrine Informatics steel dataset; {MATBENCH}", bibkey="dunn2020", licence=NO_LICENCE),
    "castelli": dict(
        files=["matbench_castelli.csv.gz"], target="heat of formation of cubic perovskites", units="eV",
        task="regression", description="DFT heats of formation of ABX3 perovskites.",
        citation=f"Castelli et al., Energy Environ. Sci. 5, 9034 (2012); {MATBENCH}",
        bibkey="castelli2012", licence=NO_LICENCE),
    "mp_gap": dict(
        files=["matbench_mp_gap.csv.gz"], target="PBE band gap (Materials Project)", units="eV",
        task="regression", description="DFT (PBE) band gaps of Materials Project entries.",
        citation=f"{MP}; {MATBENCH}", bibkey="jain2013", licence="CC BY 4.0 (Materials Project)"),
    "mp_e_hull": dict(
        files=[f"mp_e_hull_{s}.csv.gz" for s in SPLITS], target="energy above the convex hull", units="eV/atom",
        task="regression", description="Materials Project energy above hull; 0 = thermodynamically stable. "
        "The column 'split' keeps the train/val/test split of Wang et al. (2021).",
        citation=f"{MP}; split of Wang, Kauwe, Murdock, Sparks, npj Comput. Mater. 7, 77 (2021)",
        bibkey="jain2013", licence="CC BY 4.0 (Materials Project)"),
    "oqmd_hf": dict(
        files=[f"OQMD_Formation_Enthalpy_{s}.csv.gz" for s in SPLITS], target="DFT formation enthalpy",
        units="eV/atom", task="regression", description="OQMD formation enthalpies; column 'split' as in Roost/CrabNet.",
        citation="Saal et al., JOM 65, 1501 (2013); Kirklin et al., npj Comput. Mater. 1, 15010 (2015)",
        bibkey="saal2013", licence="CC BY 4.0 (OQMD)"),
    "mpea": dict(
        files=["mpea_dataset.csv.gz"], target="phase class 'PROPERTY: BCC/FCC/other' and mechanical properties",
        units="mixed (see column names)", task="classification",
        description="Multi-principal-element alloys: microstructure, processing, hardness, strength; "
        "CitrineInformatics/MPEA_dataset commit d31e2510.",
        citation="Borg et al., Sci. Data 7, 430 (2020)", bibkey="borg2020", licence="Apache-2.0"),
    "magpie_elements": dict(
        files=["magpie_elements.csv.gz"], target="(element table, no target)", units="see Ward et al. (2016)",
        task="table", description="Magpie elemental properties, 22 per element, 97 elements.",
        citation="Ward, Agrawal, Choudhary, Wolverton, npj Comput. Mater. 2, 16028 (2016)",
        bibkey="ward2016", licence="copied from CrabNet (MIT); original Magpie data public"),
}
AFLOW_PROPS = {
    "Egap": ("band gap", "eV"),
    "ael_bulk_modulus_vrh": ("bulk modulus (VRH, AEL)", "GPa"),
    "ael_shear_modulus_vrh": ("shear modulus (VRH, AEL)", "GPa"),
    "ael_debye_temperature": ("Debye temperature (AEL)", "K"),
    "agl_thermal_conductivity_300K": ("thermal conductivity at 300 K (AGL)", "W/(m K)"),
    "agl_thermal_expansion_300K": ("thermal expansion at 300 K (AGL)", "1/K"),
}
for prop, (meaning, units) in AFLOW_PROPS.items():
    DATASETS[f"aflow_{prop.lower()}"] = dict(
        files=[f"aflow__{prop}_{s}.csv.gz" for s in SPLITS], target=f"AFLOW {meaning}", units=units,
        task="regression", description=f"AFLOW {meaning}; column 'split' as in Kauwe et al. (2020).",
        citation=AFLOW, bibkey="curtarolo2012", licence="free to use with citation (AFLOW)")


# Solid electrolytes and MOFs (see ../shared/data/PROVENANCE.md for where each copy came from).
OBELIX = ("Therrien et al., OBELiX: a curated dataset of crystal structures and experimentally measured "
          "ionic conductivities for lithium solid-state electrolytes, arXiv:2502.14234 (2025)")
OBELIX_SOURCE = "NRC-Mila/OBELiX repository, commit 4eaac889 (2025-11-05), byte copies (gzip -9)"
DATASETS["obelix"] = dict(
    files=["obelix_train.csv.gz", "obelix_test.csv.gz"], target="room-temperature Li-ion conductivity",
    units="S/cm (column target = log10 sigma)", task="regression",
    description="599 synthesised Li solid electrolytes with composition, space group, lattice, structural "
    "family and DOI. 37 conductivities are censored ('<1E-10'): loaded as the bound with censored='<'. "
    "The column 'split' is the dataset's official train/test split; train + test = data/downloads/all.csv.",
    citation=OBELIX, bibkey="therrien2025", licence="CC BY 4.0", source=OBELIX_SOURCE)
DATASETS["obelix_cifs"] = dict(
    files=["obelix_all_cifs.tar.gz"], binary=True, target="(crystal structures, no target)", units="CIF",
    task="structures",
    description="321 CIFs of OBELiX entries (file name = ID). The authors added small random noise to the "
    "atomic positions (symmetry kept); some sites are partially occupied.",
    citation=OBELIX, bibkey="therrien2025", licence="CC BY 4.0", source=OBELIX_SOURCE)
DATASETS["obelix_cgcnn_sites"] = dict(
    files=["obelix_cgcnn_sites.csv.gz"], target="(graph input, no target)", units="Angstrom (distances)",
    task="features",
    description="CGCNN graph input of the 321 OBELiX structures, derived from obelix_cifs by "
    "scripts/obelix_structures.py: each structure ordered by imbalkit.structures.majority_ordered (most "
    "occupied species per site; a mostly vacant site dropped) and reduced to its primitive cell; one row per "
    "site with atomic number Z and its 12 nearest neighbours within 8 Angstrom (nbr_k index, dist_k distance; "
    "padding index 0 at 9 Angstrom).",
    citation=OBELIX, bibkey="therrien2025", licence="CC BY 4.0 (derived from the OBELiX CIFs)",
    source="derived from obelix_cifs by scripts/obelix_structures.py")
DATASETS["obelix_chgnet"] = dict(
    files=["obelix_chgnet.csv.gz"], target="(frozen CHGNet representation, no target)", units="eV/atom (chgnet_e)",
    task="features",
    description="CHGNet 0.3.0 (weights of the chgnet wheel, CPU) run on the same ordered primitive structures as "
    "obelix_cgcnn_sites: the 64-d crystal embedding (chgnet_0..63) and the predicted energy per atom "
    "(chgnet_e), rounded to 1e-8; n_sites = sites of the ordered primitive cell.",
    citation=OBELIX + "; CHGNet: Deng et al., Nat. Mach. Intell. 5, 1031 (2023)", bibkey="therrien2025",
    licence="CC BY 4.0 (derived from the OBELiX CIFs); CHGNet code and weights BSD-3-Clause",
    source="derived from obelix_cifs by scripts/obelix_structures.py")
DATASETS["liverpool_ionics"] = dict(
    files=["liverpool_ionics.csv.gz"], target="Li-ion conductivity at the measurement temperature",
    units="S/cm (column target = log10 sigma); temperature in deg C", task="regression",
    description="820 measurements of Li solid electrolytes with measurement temperature, structural and "
    "chemical family and source DOI; 71 compositions are measured at 3 or more temperatures.",
    citation="Hargreaves et al., npj Comput. Mater. 9, 9 (2023)", bibkey="hargreaves2023",
    licence="no licence stated by the source; redistributed inside the OBELiX repository",
    source="NRC-Mila/OBELiX repository (data/misc/LiIonDatabase.csv), commit 4eaac889")
DATASETS["core_mof"] = dict(
    files=["core_mof_2019_asr.csv.gz", "core_mof_2019_asr_formulas.csv.gz"], join_on="filename",
    target="geometric descriptors (PLD, LCD in Angstrom; ASA in m2/g; void fraction)", units="mixed",
    task="table",
    description="CoRE MOF 2019 all-solvent-removed set: 12,020 frameworks with Zeo++ descriptors. The formula "
    "of each framework's cell is derived from its CIF in the core-mof==2019.1 wheel by "
    "scripts/mof_formulas.py (second file); the empty trailing columns are dropped on load.",
    citation="Chung et al., J. Chem. Eng. Data 64, 5985 (2019)", bibkey="chung2019",
    licence="CC BY 4.0 (data); code of the core-mof wheel MIT",
    source="core-mof==2019.1 wheel, CoRE_MOF/data/2019-ASR.csv (gzip -9) and its 2019-ASR.tar.xz CIFs")


# Trained model weights shipped in data/models (binary files: sha256 and size only).
# Each entry: name -> dict(files=[...], description=..., produced_by=..., licence=..., metrics={...}).
MODELS: dict[str, dict] = {
    "oqmd_hf_mlp": dict(
        files=["oqmd_hf_mlp.pt"],
        description="Composition encoder (MLP 111 Magpie features -> 256 -> 128, SiLU) + linear head, "
        "pre-trained on OQMD formation enthalpy (60 000 train rows drawn with seed 0, |y| <= 5 eV/atom).",
        produced_by="python -m imbalkit.deep.pretrain --out data/models/oqmd_hf_mlp.pt --seed 0",
        licence="CC BY 4.0 (trained on OQMD data)",
        metrics={"val_mae_eV_per_atom": 0.12956, "n_val": 10000, "val_rows": "10 000 drawn with seed 0 from the val split"}),
}


def main() -> None:
    manifest = {"_comment": "Generated by scripts/make_manifest.py; provenance in data/README.md",
                "source": CRABNET, "datasets": {}}
    for name, meta in DATASETS.items():
        files = []
        for fname in meta["files"]:
            if meta.get("binary"):
                with tarfile.open(RAW / fname) as tar:
                    n = sum(1 for m in tar.getmembers() if m.isfile())
                files.append({"file": f"raw/{fname}", "rows": n, "bytes": (RAW / fname).stat().st_size,
                              "sha256": sha256(RAW / fname)})
                continue
            df = pd.read_csv(RAW / fname, keep_default_na=False, encoding="utf-8-sig", low_memory=False)
            files.append({"file": f"raw/{fname}", "rows": len(df), "columns": list(df.columns),
                          "sha256": sha256(RAW / fname)})
        entry = {k: v for k, v in meta.items() if k not in ("files", "binary")}
        entry["files"] = files
        entry["rows"] = files[0]["rows"] if meta.get("join_on") else sum(f["rows"] for f in files)
        manifest["datasets"][name] = entry
    manifest["models"] = {}
    for name, meta in MODELS.items():
        entry = {k: v for k, v in meta.items() if k != "files"}
        entry["files"] = [{"file": f"models/{f}", "bytes": (ROOT / "data" / "models" / f).stat().st_size,
                           "sha256": sha256(ROOT / "data" / "models" / f)} for f in meta["files"]]
        manifest["models"][name] = entry
    (ROOT / "data" / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(DATASETS)} datasets")


if __name__ == "__main__":
    main()
