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


# A small file shaped like a real ionic-conductivity table (values as OBELiX writes them):
# censored bounds, the same composition written three ways, a conflicting repeat.
CONDUCTIVITY_CSV = """composition,Ionic conductivity (S cm-1)
Li3PS4,1.6e-4
Li6P2S8,3.2e-4
Li0.375P0.125S0.5,2.0e-2
Li7La3Zr2O12,2.4e-4
Li14La6Zr4O24,1.0e-6
Li10GeP2S12,1.2e-2
Li2S,<1E-10
LiI,<1E-10
Li3N,< 0.001
Li3OCl,>5
Li3YCl6,5.1e-4
Li3InCl6,1.49e-3
"""


@pytest.fixture
def conductivity_csv(tmp_path):
    path = tmp_path / "sigma.csv"
    path.write_text(CONDUCTIVITY_CSV)
    return path


def test_censored_targets_are_reported_not_fatal(conductivity_csv, capsys):
    # before: exit 2, "looks numeric but 4 value(s) are not numbers"
    code = main(["diagnose", str(conductivity_csv), "--target", "Ionic conductivity (S cm-1)", "--formula",
                 "composition"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "## Censored target values" in out
    assert "4 value(s) are reported only as a bound (3 below a bound" in out and "1 above one" in out
    assert "| < | 1e-10 | 2 |" in out and "| < | 0.001 | 1 |" in out and "| > | 5 | 1 |" in out
    # the figures describe the 8 exactly measured values only
    assert "| n | 8 |" in out


def test_duplicate_and_conflict_tables_show_readable_formulas(conductivity_csv, capsys):
    assert main(["diagnose", str(conductivity_csv), "--target", "Ionic conductivity (S cm-1)", "--formula",
                 "composition"]) == 0
    out = capsys.readouterr().out
    dup_section = out.split("## Repeated compositions")[1].split("## Duplicates and conflicts")[0]
    conf_section = out.split("## Duplicates and conflicts")[1].split("## Recommended")[0]
    assert "| Li3PS4 | 3 |" in dup_section and "| Li7La3Zr2O12 | 2 |" in dup_section
    assert "| Li3PS4 | 3 |" in conf_section  # 1.6e-4 .. 2e-2 disagree
    assert "0.375" not in out and "Li0.3" not in out and "O0.5" not in out  # no fractional keys


def test_markdown_ends_with_exactly_one_newline(conductivity_csv, tmp_path, capsys):
    args = ["diagnose", str(conductivity_csv), "--target", "Ionic conductivity (S cm-1)", "--formula", "composition"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n") and not out.endswith("\n\n")
    md = tmp_path / "r.md"
    assert main([*args, "--out", str(md)]) == 0
    text = md.read_text()
    assert text.endswith(".html).\n") and not text.endswith("\n\n")


def test_values_that_are_neither_numbers_nor_bounds_still_stop_the_run(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("formula,sigma\nLi3PS4,1e-4\nLi2S,<1E-10\nLiI,~3e-7\nLi3N,2e-3\n")
    assert main(["diagnose", str(p), "--target", "sigma"]) == 2
    err = capsys.readouterr().err
    assert "row(s) [2] (['~3e-7'])" in err and "'<1E-10' or '>5' are fine" in err


def test_text_placeholder_is_a_stray_word_not_a_missing_value(tmp_path, capsys):
    # the book's "broken file" example (Part VI, diagnose chapter): 'n/a' must still be named
    p = tmp_path / "text.csv"
    p.write_text("formula,gap_eV\nNaCl,8.5\nMgO,n/a\n")
    assert main(["diagnose", str(p), "--target", "gap_eV"]) == 2
    assert "row(s) [1] (['n/a'])" in capsys.readouterr().err
