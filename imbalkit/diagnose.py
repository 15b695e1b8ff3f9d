"""Diagnose a dataset's imbalance in one call and write a self-contained report.

:func:`diagnose` measures, for a target column (and optionally a formula column): the class
or bin distribution, the imbalance ratio, tail shares, zero inflation, the chemistry skew
(anion families, arity), duplicates and conflicting labels (shown as readable formulas such
as ``Li3PS4``), censored values such as ``"<1E-10"``, and turns the measurements
into recommended next steps, each linked to the book chapter that explains it. The
measurements come from :mod:`imbalkit.diagnostics`, :mod:`imbalkit.chemistry` and
:mod:`imbalkit.curation`. The command line front end is ``imbalkit diagnose``
(:mod:`imbalkit.cli`).

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"formula": ["NaCl", "MgO", "Fe", "GaN"] * 5, "gap": [8.5, 7.8, 0.0, 3.4] * 5})
>>> rep = diagnose(df, "gap", formula="formula")
>>> rep.kind, rep.n_rows
('regression', 20)
"""
from __future__ import annotations

import base64
import html
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import chemistry
from .censored import _parse_one, censored_summary, parse_censored
from .composition import readable_formula, reduced_formula
from .curation import find_conflicts, find_duplicates
from .diagnostics import class_counts, describe_imbalance, tail_shares, zero_inflation

__all__ = ["BOOK_BASE_URL", "CHAPTERS", "chapter_url", "Report", "read_table", "diagnose"]

BOOK_BASE_URL = os.environ.get("IMBALKIT_BOOK_URL", "https://imbalkit.github.io/imbalkit/")
"""Where the book is published; every link in a report is built from it (override with the
environment variable ``IMBALKIT_BOOK_URL``)."""

CHAPTERS: dict[str, tuple[str, str]] = {
    "sources": ("book/part1/01-sources", "Where imbalance comes from"),
    "is-it-imbalance": ("book/part1/02-is-it-imbalance", "Is it imbalance?"),
    "noise-or-rare": ("book/part1/03-noise-or-rare", "Label noise or a genuine rare tail?"),
    "metrics": ("book/part2/01-metrics", "Metrics with their baselines"),
    "splits": ("book/part2/02-splits", "Stratified and cluster splits"),
    "test-set-size": ("book/part2/03-test-set-size", "How big must the test set be?"),
    "benchmark": ("book/part2/04-benchmark-protocol", "A benchmark protocol"),
    "data-level": ("book/part3/01-data-level", "Resampling (data level)"),
    "algorithm-level": ("book/part3/02-algorithm-level", "Class weights and cost-sensitive losses"),
    "ensembles": ("book/part3/03-ensembles", "Balanced ensembles"),
    "accept-or-rebalance": ("book/part3/04-accept-or-rebalance", "Accept or rebalance?"),
    "extremes-fail": ("book/part4/01-why-extremes-fail", "Why models miss the extremes"),
    "reweighting": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "zero-inflated": ("book/part4/03-zero-inflated", "Zero-inflated targets"),
    "pdr": ("book/part4/04-pdr-protocol", "The property-extreme degradation ratio"),
    "extraordinary": ("book/part4/05-extraordinary", "Finding extraordinary materials"),
    "active-learning": ("book/part6/01-active-learning", "Active learning for sparse regions"),
    "curation": ("book/part6/02-curation", "Curating data so rare cases survive"),
}


def chapter_url(key: str, base_url: str | None = None) -> str:
    """Web address of a book chapter, built from :data:`BOOK_BASE_URL`.

    >>> chapter_url("metrics", "https://example.org/book/")
    'https://example.org/book/book/part2/01-metrics.html'
    """
    if key not in CHAPTERS:
        raise ValueError(f"unknown chapter key {key!r}; known: {', '.join(CHAPTERS)}")
    base = base_url if base_url is not None else BOOK_BASE_URL
    return base.rstrip("/") + "/" + CHAPTERS[key][0] + ".html"


@dataclass
class Section:
    """One part of a report: a title, a sentence and an optional table."""

    title: str
    text: str
    table: pd.DataFrame | None = None


@dataclass
class Report:
    """What :func:`diagnose` measured; ``to_markdown``/``to_html``/``save`` render it."""

    source: str
    target: str
    kind: str
    n_rows: int
    figures: dict[str, float]
    sections: list[Section]
    recommendations: list[tuple[str, str]]
    bad_formulas: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "formula", "error"]))
    base_url: str = BOOK_BASE_URL
    figure_png: bytes | None = field(default=None, repr=False)

    # -- rendering -------------------------------------------------------------------
    def _rec_lines(self, fmt: str) -> list[str]:
        out = []
        for text, key in self.recommendations:
            url, title = chapter_url(key, self.base_url), CHAPTERS[key][1]
            if fmt == "md":
                out.append(f"- {text} See [{title}]({url}).")
            else:
                out.append(f"<li>{html.escape(text)} See <a href=\"{url}\">{html.escape(title)}</a>.</li>")
        return out

    def to_markdown(self) -> str:
        """The report as Markdown (tables as pipe tables).

        >>> rep = diagnose(pd.DataFrame({"y": [0, 0, 0, 1] * 3}), "y")
        >>> rep.to_markdown().splitlines()[0]
        '# Imbalance report: y'
        """
        lines = [f"# Imbalance report: {self.target}", "",
                 f"Source: `{self.source}` · {self.n_rows} rows · task: **{self.kind}**", ""]
        for s in self.sections:
            lines += [f"## {s.title}", "", s.text, ""]
            if s.table is not None and len(s.table):
                lines += [_md_table(s.table), ""]
        lines += ["## Recommended next steps", ""] + self._rec_lines("md")
        return "\n".join(lines).rstrip("\n") + "\n"  # exactly one final newline

    def to_html(self) -> str:
        """The report as one self-contained HTML page (inline CSS, figure as a data URI).

        >>> "<html" in diagnose(pd.DataFrame({"y": [0, 0, 0, 1] * 3}), "y").to_html()
        True
        """
        parts = [f"<h1>Imbalance report: {html.escape(self.target)}</h1>",
                 f"<p>Source: <code>{html.escape(self.source)}</code> · {self.n_rows} rows · task: "
                 f"<b>{html.escape(self.kind)}</b></p>"]
        if self.figure_png:
            b64 = base64.b64encode(self.figure_png).decode()
            parts.append(f'<img alt="distribution of {html.escape(self.target)}" src="data:image/png;base64,{b64}">')
        for s in self.sections:
            parts.append(f"<h2>{html.escape(s.title)}</h2><p>{html.escape(s.text)}</p>")
            if s.table is not None and len(s.table):
                parts.append(s.table.to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0))
        parts.append("<h2>Recommended next steps</h2><ul>" + "".join(self._rec_lines("html")) + "</ul>")
        return _HTML_PAGE.format(title=html.escape(f"Imbalance report: {self.target}"), body="\n".join(parts))

    def save(self, path: str | Path) -> Path:
        """Write ``.html``/``.htm`` or ``.md`` depending on the suffix; returns the path."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix in (".html", ".htm"):
            p.write_text(self.to_html(), encoding="utf-8")
        elif suffix in (".md", ".markdown"):
            p.write_text(self.to_markdown(), encoding="utf-8")
        else:
            raise ValueError(f"report path {str(path)!r} must end in .html or .md")
        return p

    def _repr_html_(self) -> str:
        return self.to_html()


_HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45}}
table {{border-collapse: collapse; margin: 0.5rem 0 1rem}}
th, td {{border-bottom: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: right}}
th {{background: #f0f0f0}} img {{max-width: 100%}}
</style></head><body>
{body}
</body></html>
"""


def _md_table(df: pd.DataFrame) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, (float, np.floating)):
            return f"{v:.4g}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "|".join(" --- " for _ in df.columns) + "|"
    body = ["| " + " | ".join(fmt(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


# -- input ---------------------------------------------------------------------------
def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV (also ``.csv.gz``) or parquet file, with clear errors for a missing or
    empty file. Text is kept as text (``"NaN"`` stays sodium nitride).

    >>> read_table("no/such/file.csv")
    Traceback (most recent call last):
    ...
    FileNotFoundError: data file 'no/such/file.csv' does not exist
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"data file {str(path)!r} does not exist")
    if p.stat().st_size == 0:
        raise ValueError(f"data file {str(path)!r} is empty (0 bytes)")
    name = p.name.lower()
    if name.endswith((".parquet", ".pq")):
        df = pd.read_parquet(p)
    else:
        try:
            df = pd.read_csv(p, keep_default_na=False, na_values=[""], low_memory=False)
        except pd.errors.EmptyDataError:
            raise ValueError(f"data file {str(path)!r} is empty (no header and no rows)") from None
    if len(df) == 0:
        raise ValueError(f"data file {str(path)!r} has a header but no data rows")
    return df


def _numeric_target(col: pd.Series, name: str) -> tuple[pd.Series | None, pd.DataFrame | None]:
    """The target as floats if it is (or should be) numeric, ``(None, None)`` for class labels.

    Censored entries such as ``"<1E-10"`` or ``"> 5"`` (:func:`imbalkit.censored.parse_censored`)
    count as numeric: they come back as NaN in the floats and in the second element, the
    ``value``/``censored`` frame (``None`` when nothing is censored).
    """
    if pd.api.types.is_bool_dtype(col):
        return None, None
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(float), None
    present = col.notna()
    parsed = [_parse_one(v) for v in col]
    ok = pd.Series([p is not None for p in parsed], index=col.index)
    bad = present & ~ok
    if present.sum() and ok[present].mean() >= 0.5:
        if bad.any():
            rows = list(col.index[bad][:5])
            vals = [col[r] for r in rows[:3]]
            raise ValueError(
                f"target column {name!r} looks numeric but {int(bad.sum())} value(s) are not numbers, first at "
                f"row(s) {rows} ({vals!r}); fix or remove them (or pass kind='classification' if it holds labels). "
                "Bounds such as '<1E-10' or '>5' are fine: they are reported as censored"
            )
        cens = parse_censored(col, name=name)
        values = cens["value"].where(cens["censored"] == "")
        return values, (cens if (cens["censored"] != "").any() else None)
    return None, None


def _parse_formulas(formulas: pd.Series, progress: bool) -> tuple[list[str | None], pd.DataFrame]:
    from tqdm import tqdm

    keys: list[str | None] = []
    bad = []
    it = tqdm(formulas.items(), total=len(formulas), desc="parsing formulas", file=sys.stderr,
              disable=not progress, mininterval=0.5)
    for row, f in it:
        try:
            if not isinstance(f, str):
                raise ValueError(f"formula must be text, got {f!r}")
            keys.append(reduced_formula(f))
        except ValueError as exc:
            keys.append(None)
            bad.append({"row": row, "formula": f, "error": str(exc)})
    return keys, pd.DataFrame(bad, columns=["row", "formula", "error"])


# -- the diagnosis --------------------------------------------------------------------
def diagnose(
    df: pd.DataFrame,
    target: str,
    formula: str | None = None,
    *,
    kind: str = "auto",
    thresholds: Sequence[float] = (),
    conflict_tolerance: float | None = None,
    progress: bool | None = None,
    source: str = "DataFrame",
    base_url: str | None = None,
    figure: bool = False,
) -> Report:
    """Measure the imbalance of ``df[target]`` and recommend next steps.

    Parameters
    ----------
    df : the data
    target : target column (numeric for regression; labels for classification)
    formula : optional column of chemical formulas (chemistry skew, duplicates)
    kind : "auto", "classification" or "regression" (see :func:`describe_imbalance`)
    thresholds : scientific cut points for the tail table, e.g. ``[4.0]`` eV
    conflict_tolerance : spread (target units) above which repeated compositions count as
        conflicting; default 10 % of the target's standard deviation (0 for classes)
    progress : show a tqdm bar on stderr while parsing formulas (default: for ≥ 20 000 rows)
    figure : render the distribution figure for the HTML report

    Raises
    ------
    ValueError
        For a missing column (listing the columns), an empty frame, or a target that looks
        numeric but holds non-numbers. Unparsable formulas are *not* fatal: they are listed
        by row in the report and the chemistry is measured on the other rows. Censored
        values (``"<1E-10"``, ``"> 5"``, see :func:`imbalkit.censored.parse_censored`) are
        not fatal either: they are counted by side and bound in a "Censored target values"
        section and left out of every figure.

    >>> rep = diagnose(pd.DataFrame({"y": ["a"] * 9 + ["b"]}), "y")
    >>> rep.figures["imbalance ratio"]
    9.0
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError("the data has no rows")
    for role, col in (("target", target), ("formula", formula)):
        if col is not None and col not in df.columns:
            raise ValueError(f"{role} column {col!r} not found; the columns are: {', '.join(map(str, df.columns))}")
    if kind not in ("auto", "classification", "regression"):
        raise ValueError(f"kind must be 'auto', 'classification' or 'regression', got {kind!r}")
    base = base_url if base_url is not None else BOOK_BASE_URL
    df = df.reset_index(drop=True)
    sections: list[Section] = []
    recs: list[tuple[str, str]] = []
    figures: dict[str, float] = {}

    ycol = df[target]
    num, cens = _numeric_target(ycol, target) if kind != "classification" else (None, None)
    if kind == "regression" and num is None:
        raise ValueError(f"kind='regression' needs a numeric target; column {target!r} holds labels "
                         f"such as {ycol.dropna().unique()[:3].tolist()!r}")
    is_censored = (cens["censored"] != "") if cens is not None else pd.Series(False, index=df.index)
    keep = ycol.notna() & ~is_censored
    if num is not None:
        keep &= np.isfinite(num.fillna(np.nan))
    if cens is not None:
        n_cens = int(is_censored.sum())
        tab = censored_summary(cens)
        figures["censored values"] = float(n_cens)
        below, above = int((cens["censored"] == "<").sum()), int((cens["censored"] == ">").sum())
        sections.append(Section("Censored target values", f"{n_cens} value(s) are reported only as a bound "
                                f"({below} below a bound such as '<1E-10', {above} above one such as '>5'). "
                                "They are left out of every figure below, which therefore describe the exactly "
                                "measured values only; replacing a bound by its number would put a false spike "
                                "at the bound.", tab))
    if not keep.any():
        raise ValueError(f"target column {target!r} has no usable (non-missing, finite, uncensored) values")
    n_missing = int((~keep & ~is_censored).sum())
    if n_missing:
        sections.append(Section("Missing target values", f"{n_missing} row(s) without a usable target "
                                f"value were left out of every figure below."))
    y = (num if num is not None else ycol)[keep]
    y = y if num is not None else y.astype(str)
    summary = describe_imbalance(y.to_numpy(), kind=kind)
    rep_kind = summary.kind
    figures["n"] = float(summary.n)

    if rep_kind == "classification":
        counts = class_counts(y.to_numpy())
        ir = float(counts["count"].iloc[0] / counts["count"].iloc[-1]) if len(counts) > 1 else 1.0
        figures.update({"imbalance ratio": ir, "minority share": float(counts["share"].iloc[-1]),
                        "minority count": float(counts["count"].iloc[-1]), "classes": float(len(counts))})
        sections.append(Section("Class distribution", f"{len(counts)} classes; the majority class holds "
                                f"{counts['share'].iloc[0]:.1%} of the rows, the rarest {counts['share'].iloc[-1]:.1%} "
                                f"(imbalance ratio {ir:.3g}). A trivial majority-class model scores "
                                f"{counts['share'].iloc[0]:.1%} accuracy.", counts))
    else:
        yf = y.to_numpy(dtype=float)
        zi = zero_inflation(yf)
        tails = tail_shares(yf, thresholds=thresholds, quantiles=(0.9, 0.99))
        tab = summary.table.copy()
        figures.update({"imbalance ratio": float(summary.imbalance_ratio), "zero share": zi,
                        "skewness": float(tab["value"].iloc[2])})
        sections.append(Section("Distribution summary", "Key figures of the target (the imbalance ratio of a "
                                "continuous target is the fullest over the emptiest of 10 equal-width bins).", tab))
        sections.append(Section("Bins", "Equal-width bins of the target's range: the sparse bins are the rare "
                                "region a model sees least.", summary.details["uniform_bins"]))
        sections.append(Section("Tail shares", "Share of rows above each cut (thresholds you gave and the upper "
                                "quantiles).", tails))
        sections.append(Section("Zero inflation", f"{zi:.1%} of the targets are exactly zero."))

    # -- chemistry -----------------------------------------------------------------------
    bad = pd.DataFrame(columns=["row", "formula", "error"])
    keys: list[str | None] = []
    if formula is not None:
        show = progress if progress is not None else len(df) >= 20_000
        keys, bad = _parse_formulas(df[formula], show)
        ok = np.array([k is not None for k in keys])
        good = df.loc[ok, formula]
        figures["unparsable formulas"] = float(len(bad))
        if len(bad):
            sections.append(Section("Unparsable formulas", f"{len(bad)} formula(s) could not be parsed; they are "
                                    "left out of the chemistry and duplicate tables (first 20 shown).", bad.head(20)))
        if len(good):
            fam = chemistry.anion_families(good).value_counts()
            fam = fam[fam > 0]
            fam_t = pd.DataFrame({"anion family": fam.index.astype(str), "count": fam.to_numpy(),
                                  "share": fam.to_numpy() / fam.sum()})
            ar = pd.Series(chemistry.arity(good)).value_counts().sort_index()
            ar_t = pd.DataFrame({"elements": ar.index, "count": ar.to_numpy(), "share": ar.to_numpy() / ar.sum()})
            if fam_t["anion family"].iloc[0] not in ("intermetallic", "element"):  # alloys: no anion skew
                figures["top family share"] = float(fam_t["share"].iloc[0])
            sections.append(Section("Chemistry: anion families", f"The most common family, "
                                    f"{fam_t['anion family'].iloc[0]}, holds {fam_t['share'].iloc[0]:.1%} of the "
                                    "parsable formulas.", fam_t))
            sections.append(Section("Chemistry: arity", "Number of elements per formula.", ar_t))
            yvals = (num if num is not None else ycol).where(keep)
            sub = pd.DataFrame({"formula": good.to_numpy(), "target": yvals[ok].to_numpy()})
            sub = sub[sub["target"].notna()]
            tcol = "target" if len(sub) else None
            if rep_kind == "regression":
                sub["target"] = pd.to_numeric(sub["target"])
                tol = conflict_tolerance if conflict_tolerance is not None else 0.1 * float(np.std(y.to_numpy(float)))
            else:
                sub["target"] = sub["target"].astype(str)
                tol = 0.0
            dups = find_duplicates(sub, "formula", tcol)
            conf = find_conflicts(sub, "formula", "target", tolerance=tol) if len(sub) else dups.iloc[:0]
            conf = _readable_keys(conf, sub["formula"])
            if len(dups):
                sections.append(Section("Repeated compositions", "Compositions that occur more than once (by "
                                        "reduced formula), largest groups first (first 15 shown).",
                                        _readable_keys(dups, sub["formula"]).head(15)))
            figures["duplicate groups"] = float(len(dups))
            figures["conflicting groups"] = float(len(conf))
            figures["rows in duplicate groups"] = float(dups["n"].sum()) if len(dups) else 0.0
            how = ("carry more than one label" if rep_kind == "classification"
                   else f"disagree by more than {tol:.3g} (target units)")
            sections.append(Section("Duplicates and conflicts", f"{len(dups)} composition(s) occur more than once "
                                    f"({int(figures['rows in duplicate groups'])} rows); {len(conf)} of them {how}."
                                    + (" The worst conflicts:" if len(conf) else ""), conf.head(15)))

    recs = _recommend(rep_kind, figures, formula is not None)
    png = _figure(y, rep_kind, target, thresholds) if figure else None
    return Report(source=source, target=target, kind=rep_kind, n_rows=len(df), figures=figures,
                  sections=sections, recommendations=recs, bad_formulas=bad, base_url=base, figure_png=png)


def _readable_keys(table: pd.DataFrame, formulas: pd.Series) -> pd.DataFrame:
    """Replace the composition keys (``Li0.375P0.125S0.5``) by a readable formula (``Li3PS4``)
    made from the first formula of each group as the user wrote it."""
    if "key" not in table.columns:
        return table
    first: dict[str, str] = {}
    for f in formulas:
        first.setdefault(reduced_formula(f), f)
    out = table.copy()
    out.insert(0, "formula", [readable_formula(first[k]) if k in first else k for k in out["key"]])
    return out.drop(columns="key")


def _recommend(kind: str, f: dict[str, float], has_formula: bool) -> list[tuple[str, str]]:
    """Decision rules (the book's framework) applied to the measured figures."""
    recs: list[tuple[str, str]] = []
    ir = f.get("imbalance ratio", 1.0)
    if kind == "classification":
        if ir < 1.5:
            recs.append((f"The classes are close to balanced (ratio {ir:.3g}); imbalance is unlikely to be your "
                         "main problem.", "is-it-imbalance"))
        recs.append((f"Report PR-AUC next to the prevalence ({f['minority share']:.1%}) and balanced accuracy "
                     "next to the trivial model, never accuracy alone.", "metrics"))
        recs.append(("Use stratified (repeated) cross-validation so every fold keeps the rare class.", "splits"))
        if ir >= 1.5:
            recs.append(("Fit the plain model and tune its decision threshold before trying any resampling; "
                         "rebalance only if that measurably helps.", "accept-or-rebalance"))
        if ir >= 5:
            recs.append((f"With an imbalance ratio of {ir:.3g}, compare class weights and balanced ensembles "
                         "against the tuned plain model.", "algorithm-level"))
            recs.append(("Balanced random forests / EasyEnsemble are cheap candidates.", "ensembles"))
        if f.get("minority count", np.inf) < 100:
            recs.append((f"Only {int(f['minority count'])} rows in the rarest class: a test fold holds few of them, "
                         "so quote intervals.", "test-set-size"))
            recs.append(("Consider buying labels where the rare class lives (active learning).", "active-learning"))
    else:
        if f.get("zero share", 0) >= 0.2:
            recs.append((f"{f['zero share']:.1%} of the targets are exactly zero: try a two-stage (classifier + "
                         "regressor) model.", "zero-inflated"))
        if abs(f.get("skewness", 0)) >= 1 or ir >= 20:
            recs.append(("The target is skewed / has sparse bins: expect the model to shrink extremes toward the "
                         "mean.", "extremes-fail"))
            recs.append(("Try inverse-frequency or LDS/DenseWeight sample weights, fitted inside training folds.",
                         "reweighting"))
        recs.append(("Report per-bin errors and the degradation ratio PDR = MAE(tail) / MAE(bulk), not only the "
                     "overall MAE.", "pdr"))
        recs.append(("If the goal is to find record values, evaluate with an extraordinary-material hold-out.",
                     "extraordinary"))
        recs.append(("Use binned-stratified splits so every fold sees the tail.", "splits"))
    if has_formula:
        if f.get("top family share", 0) >= 0.5:
            recs.append((f"One anion family holds {f['top family share']:.0%} of the data: check performance per "
                         "family and with a cluster hold-out.", "sources"))
        if f.get("conflicting groups", 0) > 0:
            recs.append((f"{int(f['conflicting groups'])} repeated composition(s) disagree: decide whether they are "
                         "noise or polymorphs before modelling.", "noise-or-rare"))
        if f.get("duplicate groups", 0) > 0 or f.get("unparsable formulas", 0) > 0:
            recs.append(("Deduplicate by reduced formula (and group CV by composition) so repeated compositions "
                         "do not leak between train and test.", "curation"))
    return recs


def _figure(y: pd.Series, kind: str, label: str, thresholds: Sequence[float]) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .diagnostics import plot_distribution

    if kind == "regression":
        fig = plot_distribution(y.to_numpy(float), label=label, thresholds=thresholds)
    else:
        counts = class_counts(y.astype(str))
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.bar(counts["class"].astype(str), counts["count"], color="#0072B2")
        ax.set_xlabel(label)
        ax.set_ylabel("count")
        fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()
