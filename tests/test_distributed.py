"""Dask runs give the serial results, number for number, and leave no process behind."""
from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from imbalkit import distributed as dd
from imbalkit import streaming as st
from imbalkit.cv import repeated_cv
from imbalkit.featurize import magpie_features


@pytest.fixture(scope="module")
def tasks():
    df = next(st.iter_dataset_chunks("oqmd_hf", 1500, limit=1500))
    X = magpie_features(df["formula"]).to_numpy()
    y = df["target"].to_numpy()
    return {"dHf < -1.9": (X, (y < -1.9).astype(int)), "dHf > 0.8": (X, (y > 0.8).astype(int))}


TECHNIQUES = {
    "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)),
    "logistic balanced": make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, class_weight="balanced")),
    "tree": DecisionTreeClassifier(max_depth=4, random_state=0),
}
SCORERS = {"PR-AUC": average_precision_score, "ROC-AUC": roc_auc_score}


@pytest.fixture(scope="module")
def client():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with dd.local_cluster(n_workers=2) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c
    # Python's own multiprocessing resource tracker (one per interpreter, not a Dask
    # process) may stay; every scheduler, nanny and worker process must be gone.
    leftover = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
                and p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]
    assert not leftover, f"processes left after closing the cluster: {leftover}"


def test_serial_benchmark_matches_repeated_cv(tasks):
    serial = dd.run_benchmark(TECHNIQUES, tasks, SCORERS, n_splits=3, n_repeats=2, seed=7)
    assert len(serial) == len(TECHNIQUES) * len(tasks) * 3 * 2
    X, y = tasks["dHf < -1.9"]
    ref = repeated_cv(TECHNIQUES["tree"], X, y, SCORERS, n_splits=3, n_repeats=2, seed=7, stratify=y,
                      method="predict_proba")
    got = serial[(serial["task"] == "dHf < -1.9") & (serial["technique"] == "tree")].reset_index(drop=True)
    pd.testing.assert_frame_equal(got[["repeat", "fold", "PR-AUC", "ROC-AUC"]], ref[["repeat", "fold", "PR-AUC", "ROC-AUC"]])


def test_dask_benchmark_identical_to_serial(tasks, client):
    serial = dd.run_benchmark(TECHNIQUES, tasks, SCORERS, n_splits=3, n_repeats=2, seed=3)
    remote = dd.run_benchmark(TECHNIQUES, tasks, SCORERS, n_splits=3, n_repeats=2, seed=3, client=client)
    pd.testing.assert_frame_equal(remote, serial, check_exact=True)
    # the work really ran in other processes
    pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2 and multiprocessing.current_process().pid not in pids


def test_dask_featurisation_identical_to_serial(tmp_path, client):
    df = next(st.iter_dataset_chunks("oqmd_hf", 2000, limit=2000))
    serial = st.featurize_to_parquet(st.chunks_of(df, 600), tmp_path / "serial.parquet")
    remote = dd.featurize_to_parquet_dask(client, st.chunks_of(df, 600), tmp_path / "parts", in_flight=2)
    assert remote["rows"] == serial["rows"] == 2000 and remote["parts"] == 4
    a = pd.concat(st.iter_batches(serial["path"]), ignore_index=True)
    b = pd.concat(st.iter_batches(remote["folder"]), ignore_index=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert st.parquet_rows(remote["folder"]) == 2000
    # the statistics stream from the folder of parts as from the single file
    sa = st.stream_stats(serial["path"], label=lambda y: y < -1.9, kde_grid=None)
    sb = st.stream_stats(remote["folder"], label=lambda y: y < -1.9, kde_grid=None)
    assert sa.class_counts == sb.class_counts and np.array_equal(sa.hist, sb.hist)
    with pytest.raises(ValueError, match="already holds 4 part files"):
        dd.featurize_to_parquet_dask(client, st.chunks_of(df, 600), tmp_path / "parts")


def test_errors_name_the_argument(tasks):
    with pytest.raises(ValueError, match="techniques is empty"):
        dd.run_benchmark({}, tasks, SCORERS)
    with pytest.raises(ValueError, match="scorers is empty"):
        dd.run_benchmark(TECHNIQUES, tasks, {})
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        dd.benchmark_units({"t": (np.zeros((3, 1)), [0, 1])}, {"a": None})
    with pytest.raises(ValueError, match="method must be"):
        dd.run_benchmark(TECHNIQUES, tasks, SCORERS, method="score")
    with pytest.raises(ValueError, match="n_workers must be a positive integer, got 0"):
        with dd.local_cluster(n_workers=0):
            pass
