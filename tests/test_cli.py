"""End-to-end tests of `imbalkit diagnose` on small files, through main(argv) and once
through the installed console script."""
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from imbalkit.cli import main


@pytest.fixture
def csv(tmp_path):
    df = pd.DataFrame({
        "formula": ["NaCl", "MgO", "Fe", "GaN", "NaCl", "Xx3", "ZnO", "Cu"] * 3,
        "gap": [8.5, 7.8, 0.0, 3.4, 8.6, 1.0, 3.3, 0.0] * 3,
        "label": ["ins", "ins", "met", "ins", "ins", "ins", "ins", "met"] * 3,
    })
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    return path


def test_markdown_to_stdout(csv, capsys):
    assert main(["diagnose", str(csv), "--target", "gap", "--formula", "formula", "--threshold", "4"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Imbalance report: gap")
    assert "| y > 4 |" in out and "## Recommended next steps" in out
    assert "rows [5, 13, 21]" in err  # the unparsable formula, by row, not fatal


def test_html_and_md_files(csv, tmp_path, capsys):
    html = tmp_path / "r.html"
    assert main(["diagnose", str(csv), "--target", "label", "--formula", "formula", "--out", str(html)]) == 0
    text = html.read_text()
    assert "<!DOCTYPE html>" in text and "data:image/png;base64," in text and "classification" in text
    md = tmp_path / "r.md"
    assert main(["diagnose", str(csv), "--target", "gap", "--out", str(md)]) == 0
    assert md.read_text().startswith("# Imbalance report: gap")


def test_parquet_input(csv, tmp_path, capsys):
    pq = tmp_path / "d.parquet"
    pd.read_csv(csv).to_parquet(pq)
    assert main(["diagnose", str(pq), "--target", "gap"]) == 0
    assert "regression" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["--target", "band_gap"], "target column 'band_gap' not found; the columns are: formula, gap, label"),
    (["--target", "gap", "--formula", "comp"], "formula column 'comp' not found"),
    (["--target", "gap", "--out", "report.pdf"], "must end in .html or .md"),
    (["--target", "label", "--kind", "regression"], "needs a numeric target"),
])
def test_bad_arguments(csv, capsys, args, message):
    assert main(["diagnose", str(csv), *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_and_empty_files(tmp_path, capsys):
    assert main(["diagnose", str(tmp_path / "nope.csv"), "--target", "y"]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "e.csv").write_text("")
    assert main(["diagnose", str(tmp_path / "e.csv"), "--target", "y"]) == 2
    assert "is empty" in capsys.readouterr().err
    (tmp_path / "h.csv").write_text("formula,y\n")
    assert main(["diagnose", str(tmp_path / "h.csv"), "--target", "y"]) == 2
    assert "no data rows" in capsys.readouterr().err


def test_non_numeric_target_that_should_be_numeric(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("formula,y\nNaCl,8.5\nMgO,7.8\nFe,metal\nGaN,3.4\n")
    assert main(["diagnose", str(p), "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert "looks numeric" in err and "row(s) [2]" in err and "'metal'" in err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "diagnose" in capsys.readouterr().err


def test_console_script(csv, tmp_path):
    exe = shutil.which("imbalkit")
    cmd = [exe] if exe else [sys.executable, "-m", "imbalkit.cli"]
    out = tmp_path / "r.md"
    res = subprocess.run([*cmd, "diagnose", str(csv), "--target", "gap", "--out", str(out)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert out.exists() and "wrote" in res.stderr
    bad = subprocess.run([*cmd, "diagnose", str(csv), "--target", "nope"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "not found" in bad.stderr
