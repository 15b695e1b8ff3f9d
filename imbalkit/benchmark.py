"""``imbalkit benchmark``: which fix works on *your* data, measured with the book's protocol.

The book's evidence protocol (:mod:`imbalkit.protocol`: repeated, leakage-safe CV, the honest
baseline, paired differences with a verdict) run on a user's own table in one call:

1. :func:`prepare` reads the target and the inputs (formulas, featurised, or numeric
   columns), turns a rare-class rule such as ``"> 1e-3"`` into 0/1 labels and refuses bad
   input with a message that names the column, the rows and what to do;
2. :func:`plan` estimates the run time from one timed baseline fold and, given a budget in
   seconds, picks fewer repeats or a stratified subsample (and says so);
3. :func:`run_benchmark` runs every technique on identical folds and returns a
   :class:`BenchmarkReport` that renders to Markdown or one self-contained HTML page.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
>>> df["y"] = df["a"] + rng.normal(size=200)
>>> p = prepare(df, "y", features=["a", "b"], rare="> 1.5")
>>> p.kind, int(p.y.sum()), p.rule
('binary', 28, 'y > 1.5')
"""
from __future__ import annotations

import base64
import html
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .censored import parse_censored
from .diagnose import BOOK_BASE_URL, _HTML_PAGE, _md_table

__all__ = ["BenchmarkInputError", "Prepared", "prepare", "plan", "run_benchmark", "BenchmarkReport",
           "DEFAULT_TECHNIQUES", "TECHNIQUE_CHAPTERS"]


class BenchmarkInputError(ValueError):
    """The data or the options cannot be benchmarked as given; the message says what to fix."""


#: Techniques run by default (the network-based ones need torch and minutes: ask for them by name).
DEFAULT_TECHNIQUES: dict[str, tuple[str, ...]] = {
    "binary": ("plain", "class weights", "random oversampling", "random undersampling", "SMOTE", "SMOTENC",
               "balanced random forest", "EasyEnsemble"),
    "multiclass": ("plain", "class weights", "random oversampling", "random undersampling", "SMOTE",
                   "balanced random forest"),
    "regression": ("plain", "inverse-frequency weights", "LDS weights", "DenseWeight", "hurdle"),
}

#: The chapter that explains each technique (paths of the built book).
TECHNIQUE_CHAPTERS: dict[str, tuple[str, str]] = {
    "plain": ("book/part3/04-accept-or-rebalance", "Accept or rebalance?"),
    "class weights": ("book/part3/02-algorithm-level", "Class weights and cost-sensitive losses"),
    "random oversampling": ("book/part3/01-data-level", "Resampling (data level)"),
    "random undersampling": ("book/part3/01-data-level", "Resampling (data level)"),
    "SMOTE": ("book/part3/01-data-level", "Resampling (data level)"),
    "SMOTENC": ("book/part3/01-data-level", "Resampling (data level)"),
    "balanced random forest": ("book/part3/03-ensembles", "Balanced ensembles"),
    "EasyEnsemble": ("book/part3/03-ensembles", "Balanced ensembles"),
    "MLP (cross-entropy)": ("book/part3/02-algorithm-level", "Class weights and cost-sensitive losses"),
    "MLP focal loss": ("book/part3/02-algorithm-level", "Class weights and cost-sensitive losses"),
    "MLP logit-adjusted": ("book/part3/02-algorithm-level", "Class weights and cost-sensitive losses"),
    "inverse-frequency weights": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "LDS weights": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "DenseWeight": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "MLP (MSE)": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "MLP Balanced MSE": ("book/part4/02-reweighting", "Re-weighting rare target values"),
    "hurdle": ("book/part4/03-zero-inflated", "Zero-inflated targets"),
}

# Rough cost of one fit relative to the baseline's, for the run-time estimate only.
_COST = {"random oversampling": 1.5, "SMOTE": 1.7, "SMOTENC": 2.0, "random undersampling": 0.6,
         "balanced random forest": 2.5, "EasyEnsemble": 4.0, "hurdle": 2.0}
_RULE = re.compile(r"^\s*(>=|<=|>|<|==)\s*(\S.*)$")


@dataclass
class Prepared:
    """Inputs ready for :func:`imbalkit.protocol.compare`."""

    X: pd.DataFrame
    y: np.ndarray
    kind: str
    rule: str
    categorical: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def prevalence(self) -> float | None:
        """Share of the rare class (binary) or of the rarest class (multiclass); None for regression."""
        if self.kind == "binary":
            return float(np.mean(self.y))
        if self.kind == "multiclass":
            return float(pd.Series(self.y).value_counts(normalize=True).min())
        return None


def _rows(index: Sequence[Any], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in list(index)[:limit])
    return shown + (f" … ({len(index)} in all)" if len(index) > limit else "")


def _columns(df: pd.DataFrame, names: Sequence[str], option: str) -> None:
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise BenchmarkInputError(f"{option}: column(s) {missing} not in the data; its columns are {list(df.columns)}")


def _threshold_labels(col: pd.Series, op: str, bound: float, target: str) -> tuple[np.ndarray, list[str]]:
    """0/1 labels for ``target op bound``; censored values decide only when their bound does."""
    cens = parse_censored(col, name=target) if not pd.api.types.is_numeric_dtype(col) else \
        pd.DataFrame({"value": col.astype(float).to_numpy(), "censored": ""}, index=col.index)
    v, side = cens["value"].to_numpy(float), cens["censored"].to_numpy()
    compare = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal,
               "==": np.equal}[op]
    labels = compare(v, bound).astype(int)
    notes, ambiguous = [], []
    for i in np.flatnonzero(side != ""):
        # '<b' means the true value is below b; it is certainly in the class for '<'/'<=' rules
        # when b <= bound, certainly outside for '>'/'>=' rules when b <= bound; else unknown.
        below = side[i] == "<"
        if op in (">", ">=") and below and v[i] <= bound:
            labels[i] = 0
        elif op in ("<", "<=") and below and v[i] <= bound:
            labels[i] = 1
        elif op in (">", ">=") and not below and v[i] >= bound:
            labels[i] = 1
        elif op in ("<", "<=") and not below and v[i] >= bound:
            labels[i] = 0
        else:
            ambiguous.append(col.index[i])
    if ambiguous:
        raise BenchmarkInputError(
            f"--rare '{op} {bound:g}': censored value(s) of {target!r} at row(s) {_rows(ambiguous)} could lie on "
            "either side of the cut; remove those rows or move the cut")
    n_cens = int((side != "").sum())
    if n_cens:
        notes.append(f"{n_cens} censored value(s) of {target!r} (such as '<1E-10') lie wholly on one side of the "
                     "cut and were labelled accordingly")
    return labels, notes


def prepare(
    df: pd.DataFrame,
    target: str,
    *,
    formula: str | None = None,
    features: Sequence[str] | None = None,
    rare: str | None = None,
    categorical: Sequence[str] = (),
    n_splits: int = 5,
) -> Prepared:
    """Turn a user's table into features ``X`` and a target ``y`` for the protocol.

    Parameters
    ----------
    df : the user's table (rows = materials).
    target : target column.
    formula : column of chemical formulas, featurised with Magpie statistics.
    features : numeric input columns (used instead of, or next to, the formula features).
    rare : ``"> 1e-3"`` style rule on a numeric target, or a class label; ``None`` means a
        regression benchmark (numeric target) or a multiclass one (labels).
    categorical : input columns holding categories (label-encoded; used by SMOTENC).
    n_splits : folds per repeat; the rare class needs at least that many members.

    Raises
    ------
    BenchmarkInputError
        missing columns, no inputs, a non-numeric target without ``rare``, unparsable
        formulas (listed by row), non-numeric or missing feature values (listed), censored
        values that a rule cannot place, a rare class with fewer members than folds.
    """
    from .composition import parse_formula
    from .featurize import magpie_features

    if target not in df.columns:
        raise BenchmarkInputError(f"--target {target!r} is not a column of the data; its columns are {list(df.columns)}")
    features = list(features or [])
    categorical = list(categorical)
    if formula is None and not features and not categorical:
        raise BenchmarkInputError("give the inputs: --formula COLUMN (chemical formulas) and/or --features COLUMN ...")
    _columns(df, ([formula] if formula else []) + features + categorical, "--formula/--features/--categorical")
    if target in features or target == formula or target in categorical:
        raise BenchmarkInputError(f"the target {target!r} is also listed as an input; that would leak the answer")
    col = df[target]
    missing = col.isna() | col.astype(str).str.strip().eq("")
    if missing.any():
        raise BenchmarkInputError(f"--target {target!r} is empty at row(s) {_rows(df.index[missing])}; "
                                  "fill or remove those rows")
    notes: list[str] = []
    if rare is not None and (m := _RULE.match(rare)) and m[1] != "==":
        try:
            bound = float(m[2])
        except ValueError:
            raise BenchmarkInputError(f"--rare {rare!r}: {m[2]!r} is not a number") from None
        y, more = _threshold_labels(col, m[1], bound, target)
        notes += more
        kind, rule = "binary", f"{target} {m[1]} {bound:g}"
    elif rare is not None:
        label = _RULE.match(rare)[2].strip() if _RULE.match(rare) else rare.strip()
        values = col.astype(str).str.strip()
        if label not in set(values):
            known = values.value_counts().index[:10].tolist()
            raise BenchmarkInputError(f"--rare {rare!r}: no row of {target!r} has the label {label!r}; "
                                      f"its most common labels are {known}")
        y, kind, rule = values.eq(label).astype(int).to_numpy(), "binary", f"{target} == {label}"
    elif pd.api.types.is_numeric_dtype(col):
        y, kind, rule = col.astype(float).to_numpy(), "regression", f"{target} (regression, upper tail)"
    else:
        try:
            cens = parse_censored(col, name=target)
        except ValueError:
            cens = None
        if cens is not None:
            n_cens = int((cens["censored"] != "").sum())
            if n_cens:
                raise BenchmarkInputError(
                    f"--target {target!r} has {n_cens} censored value(s) (such as '<1E-10') at row(s) "
                    f"{_rows(df.index[(cens['censored'] != '').to_numpy()])}: a regression cannot use a bound as a value; "
                    "give --rare '> VALUE' for a rare-class benchmark, or remove those rows")
            y, kind, rule = cens["value"].to_numpy(float), "regression", f"{target} (regression, upper tail)"
        else:
            y = col.astype(str).str.strip().to_numpy()
            kind, rule = "multiclass", f"{target} (all classes)"
            if len(set(y)) < 3:
                raise BenchmarkInputError(f"--target {target!r} holds two labels; name the rare one with --rare LABEL")

    blocks = []
    if formula is not None:
        bad = []
        for row, f in df[formula].items():
            try:
                parse_formula(str(f))
            except ValueError as exc:
                bad.append(f"row {row} ({f!r}: {exc})")
        if bad:
            raise BenchmarkInputError(f"--formula {formula!r}: {len(bad)} formula(s) cannot be read: "
                                      + "; ".join(bad[:10]) + (" …" if len(bad) > 10 else ""))
        blocks.append(magpie_features(df[formula].astype(str)))
    if features:
        num = df[features].apply(pd.to_numeric, errors="coerce")
        bad_cells = num.isna() & df[features].notna()
        if bad_cells.any().any():
            cols = bad_cells.any()[lambda s: s].index.tolist()
            raise BenchmarkInputError(f"--features: column(s) {cols} hold text that is not a number at row(s) "
                                      f"{_rows(df.index[bad_cells.any(axis=1)])}")
        if num.isna().any().any():
            raise BenchmarkInputError(f"--features: missing values at row(s) {_rows(df.index[num.isna().any(axis=1)])}; "
                                      "fill or remove them")
        blocks.append(num.reset_index(drop=True))
    for c in categorical:
        codes = pd.Series(pd.factorize(df[c].astype(str), sort=True)[0], name=c)
        blocks.append(codes.to_frame())
    if kind != "regression":
        counts = pd.Series(y).value_counts()
        if kind == "binary" and counts.get(1, 0) == 0:
            raise BenchmarkInputError(f"--rare {rare!r} selects no row of {target!r}; check the cut or the label")
        if counts.min() < n_splits:
            raise BenchmarkInputError(
                f"the rarest class has {int(counts.min())} member(s), fewer than the {n_splits} folds: every test fold "
                "needs at least one; use fewer folds (--folds) or a looser --rare rule")
    X = pd.concat(blocks, axis=1)
    return Prepared(X, np.asarray(y), kind, rule, categorical, notes)


def plan(prepared: Prepared, *, techniques: Sequence[str], n_splits: int, n_repeats: int, budget: float | None,
         seed: int = 0, max_rows_hint: int | None = None) -> tuple[int, np.ndarray, float, list[str]]:
    """Estimate the run time and fit it into ``budget`` seconds.

    Times one baseline fold for real, scales it by the number of folds and a rough relative
    cost per technique, then drops repeats (down to one) and, if still too slow, draws a
    stratified subsample (seeded). Returns ``(n_repeats, rows_used, estimate_seconds, notes)``.
    """
    from sklearn.model_selection import train_test_split

    from .protocol import base_classifier, base_regressor

    n = len(prepared.y)
    rng_idx = np.arange(n)
    tr, _ = train_test_split(rng_idx, test_size=1 / n_splits, random_state=seed,
                             stratify=None if prepared.kind == "regression" else prepared.y)
    model = base_regressor(seed) if prepared.kind == "regression" else base_classifier(seed)
    start = time.perf_counter()
    model.fit(prepared.X.iloc[tr], prepared.y[tr])
    one = time.perf_counter() - start
    per_fold = one * sum(_COST.get(t, 1.0) for t in techniques)
    estimate = per_fold * n_splits * n_repeats
    notes: list[str] = []
    rows = rng_idx
    if budget is not None and estimate > budget:
        asked = n_repeats
        while n_repeats > 1 and per_fold * n_splits * n_repeats > budget:
            n_repeats -= 1
        if n_repeats < asked:
            notes.append(f"--budget {budget:g} s: repeats reduced from {asked} to {n_repeats}")
        full = per_fold * n_splits * n_repeats
        if full > budget:
            keep = max(int(n * budget / full), 20 * n_splits)
            if keep < n:
                rows, _ = train_test_split(rng_idx, train_size=keep, random_state=seed,
                                           stratify=None if prepared.kind == "regression" else prepared.y)
                rows = np.sort(rows)
                notes.append(f"--budget {budget:g} s: a stratified subsample of {keep} of {n} rows (seed {seed}) is used")
        estimate = per_fold * n_splits * n_repeats * len(rows) / n
    return n_repeats, rows, estimate, notes


@dataclass
class BenchmarkReport:
    """What :func:`run_benchmark` measured; renders to Markdown or HTML (:meth:`save`)."""

    source: str
    prepared: Prepared
    result: Any  # imbalkit.protocol.ComparisonResult
    rows_used: int
    seconds: float
    notes: list[str]
    base_url: str = BOOK_BASE_URL

    @property
    def primary_metric(self) -> str:
        return "tail MAE" if self.prepared.kind == "regression" else "PR-AUC"

    def table(self) -> pd.DataFrame:
        """One row per technique: mean ± sd of each metric, paired difference to its
        baseline on the primary metric ± SE, the verdict and the run time."""
        scores, paired = self.result.scores, self.result.paired
        rows = []
        for tech, g in scores.groupby("technique", sort=False):
            row: dict[str, Any] = {"technique": tech}
            for metric, m in g.groupby("metric", sort=False):
                row[metric] = f"{m['value'].mean():.3f} ± {m['value'].std(ddof=1):.3f}"
            p = paired[(paired["technique"] == tech) & (paired["metric"] == self.primary_metric)]
            if len(p):
                p = p.iloc[0]
                row["vs"] = p["reference"]
                row[f"Δ {self.primary_metric}"] = "—" if p["reference"] == tech else f"{p['mean_diff']:+.3f} ± {p['se']:.3f}"
                row["verdict"] = "baseline" if p["reference"] == tech else p["verdict"]
            row["seconds"] = round(float(g.drop_duplicates(["repeat", "fold"])["fit_seconds"].sum()), 1)
            rows.append(row)
        return pd.DataFrame(rows)

    def winners(self) -> list[str]:
        """Techniques whose verdict on the primary metric is 'better' than their baseline."""
        p = self.result.paired
        return p[(p["metric"] == self.primary_metric) & (p["verdict"] == "better")]["technique"].tolist()

    def _summary(self) -> str:
        prep, s = self.prepared, self.result.settings
        base = (f"prevalence of the rare class {prep.prevalence:.3f} (the PR-AUC of a random ranking)"
                if prep.kind == "binary" else
                f"rarest class {prep.prevalence:.3f} of the rows" if prep.kind == "multiclass" else
                "regression; tail = top 10 % of each training fold's targets")
        won = self.winners()
        verdict = (f"Beat the baseline on {self.primary_metric}: {', '.join(won)}." if won else
                   f"No technique beat the baseline on {self.primary_metric} on this data.")
        return (f"{self.rows_used} rows, target {prep.rule}; {base}. Protocol: {s['n_repeats']} × {s['n_splits']}-fold CV "
                f"(seed {s['seed']}), resampling and weights inside training folds only"
                + (", threshold tuned inside each training fold" if prep.kind == "binary" else "")
                + f"; verdict by the corrected resampled t-test at alpha = {s['alpha']}. {verdict}")

    def _links(self) -> list[tuple[str, str, str]]:
        seen, out = set(), []
        for tech in self.result.scores["technique"].unique():
            if tech in TECHNIQUE_CHAPTERS and TECHNIQUE_CHAPTERS[tech][0] not in seen:
                path, title = TECHNIQUE_CHAPTERS[tech]
                seen.add(path)
                out.append((tech, title, self.base_url.rstrip("/") + "/" + path + ".html"))
        return out

    def figure_png(self) -> bytes:
        """Paired difference ± SE per technique on the primary metric (a PNG)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        p = self.result.paired
        p = p[(p["metric"] == self.primary_metric) & (p["technique"] != p["reference"])]
        fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(p), 2) + 1.2))
        colours = {"better": "#1b7837", "worse": "#b2182b", "indistinguishable": "#777777"}
        ax.barh(p["technique"], p["mean_diff"], xerr=p["se"], color=[colours[v] for v in p["verdict"]])
        ax.axvline(0, color="black", lw=1)
        ax.invert_yaxis()
        better = "higher is better" if self.primary_metric != "tail MAE" else "lower is better"
        ax.set_xlabel(f"Δ {self.primary_metric} vs baseline ({better}), mean ± SE")
        ax.set_title("Each technique against its honest baseline")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, facecolor="white")
        plt.close(fig)
        return buf.getvalue()

    def to_markdown(self, figure_name: str | None = None) -> str:
        lines = [f"# Benchmark report: {self.prepared.rule}", "", f"Source: `{self.source}`", "",
                 self._summary(), ""]
        if figure_name:
            lines += [f"![paired differences]({figure_name})", ""]
        lines += ["## Every technique against its baseline", "", _md_table(self.table()), ""]
        if self.result.skipped:
            lines += ["Not run: " + "; ".join(f"{k} ({v})" for k, v in self.result.skipped.items()), ""]
        if self.notes or self.prepared.notes:
            lines += ["## Notes", ""] + [f"- {n}" for n in self.prepared.notes + self.notes] + [""]
        lines += ["## Read more", ""] + [f"- {t}: [{title}]({url})" for t, title, url in self._links()]
        lines += ["", f"Run time {self.seconds:.1f} s."]
        return "\n".join(lines).rstrip("\n") + "\n"

    def to_html(self) -> str:
        b64 = base64.b64encode(self.figure_png()).decode()
        parts = [f"<h1>Benchmark report: {html.escape(self.prepared.rule)}</h1>",
                 f"<p>Source: <code>{html.escape(self.source)}</code></p>",
                 f"<p>{html.escape(self._summary())}</p>",
                 f'<img alt="paired differences per technique" src="data:image/png;base64,{b64}">',
                 "<h2>Every technique against its baseline</h2>",
                 self.table().to_html(index=False, border=0)]
        if self.result.skipped:
            parts.append("<p>Not run: " + html.escape("; ".join(f"{k} ({v})" for k, v in self.result.skipped.items()))
                         + "</p>")
        notes = self.prepared.notes + self.notes
        if notes:
            parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        parts.append("<h2>Read more</h2><ul>" + "".join(
            f'<li>{html.escape(t)}: <a href="{url}">{html.escape(title)}</a></li>' for t, title, url in self._links())
            + "</ul>")
        parts.append(f"<p>Run time {self.seconds:.1f} s.</p>")
        return _HTML_PAGE.format(title=html.escape(f"Benchmark report: {self.prepared.rule}"), body="\n".join(parts))

    def save(self, path: str | Path) -> list[Path]:
        """Write the report (``.html`` or ``.md``; a Markdown report gets its figure as a PNG
        beside it). Files appear only when complete (written to a temporary file, then renamed)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".html", ".htm", ".md", ".markdown"):
            raise BenchmarkInputError(f"--out {str(path)!r} must end in .html or .md")
        outputs: list[tuple[Path, bytes]] = []
        if suffix in (".html", ".htm"):
            outputs.append((p, self.to_html().encode("utf-8")))
        else:
            png = p.with_suffix(".png")
            outputs.append((png, self.figure_png()))
            outputs.append((p, self.to_markdown(png.name).encode("utf-8")))
        written = []
        for target, data in outputs:
            fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=".imbalkit-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            written.append((Path(tmp), target))
        for tmp, target in written:
            os.replace(tmp, target)
        return [t for _, t in written]


def run_benchmark(
    df: pd.DataFrame,
    target: str,
    *,
    formula: str | None = None,
    features: Sequence[str] | None = None,
    rare: str | None = None,
    categorical: Sequence[str] = (),
    techniques: Sequence[str] | None = None,
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
    budget: float | None = None,
    n_jobs: int = 1,
    source: str = "(data frame)",
    progress: Callable[[str], None] | None = None,
) -> BenchmarkReport:
    """Prepare, plan and run the benchmark; see the module docstring.

    Deterministic for a given ``seed``: the folds, every sampler and every model are seeded.
    """
    from . import protocol

    prepared = prepare(df, target, formula=formula, features=features, rare=rare, categorical=categorical,
                       n_splits=n_splits)
    wanted = list(techniques) if techniques else [
        t for t in DEFAULT_TECHNIQUES[prepared.kind] if t in protocol.techniques_for(prepared.kind)]
    unknown = [t for t in wanted if t not in protocol.techniques_for(prepared.kind)]
    if unknown:
        raise BenchmarkInputError(f"--techniques: unknown for a {prepared.kind} task: {unknown}; "
                                  f"choose from {protocol.techniques_for(prepared.kind)}")
    n_rep, rows, estimate, notes = plan(prepared, techniques=wanted, n_splits=n_splits, n_repeats=n_repeats,
                                        budget=budget, seed=seed)
    if progress:
        progress(f"estimated run time {estimate:.0f} s ({len(wanted)} techniques × {n_splits * n_rep} folds)")
    if len(rows) < len(prepared.y):
        prepared = Prepared(prepared.X.iloc[rows].reset_index(drop=True), prepared.y[rows], prepared.kind,
                            prepared.rule, prepared.categorical, prepared.notes)
    start = time.perf_counter()
    kwargs = {"n_jobs": n_jobs} if n_jobs != 1 else {}
    result = protocol.compare(prepared.X, prepared.y, kind=prepared.kind, techniques=wanted,
                              categorical=prepared.categorical or None, n_splits=n_splits, n_repeats=n_rep,
                              seed=seed, progress=progress, **kwargs)
    seconds = time.perf_counter() - start
    return BenchmarkReport(source, prepared, result, len(rows), seconds, notes)
