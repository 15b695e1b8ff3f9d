"""The hidden first cell of every chapter, run as Colab would run it.

The cell (``SETUP_TEMPLATE`` in scripts/notebooks.py) does something only when
``google.colab`` is imported: it clones the repository, pip-installs it in editable mode
(plus myst-nb, which the chapters' ``glue`` needs) and puts the clone on ``sys.path``. Here
it runs in a **fresh virtual environment**, with a stand-in ``google.colab`` module in
``sys.modules`` and ``IMBALKIT_REPO`` pointing at the local checkout (a ``file://`` URL, so
``git clone --depth 1`` takes the committed tree exactly as it would from GitHub; nothing
leaves the machine). The test then checks that ``imbalkit`` is imported from the clone,
installed into the venv by pip, and that the bundled data loads with its checksum verified
— i.e. what a chapter needs after the cell.

The venv is made with ``--system-site-packages``: numpy, pandas, scikit-learn, IPython
etc. come from the machine, as on Colab, where they are preinstalled; so pip has nothing to
download and the test stays fast, while imbalkit itself must still be installed by the
cell: the venv's own site-packages (where pip puts the editable install) and the clone on
``sys.path[0]`` come before the system's copy, and the test asserts that both point at the
clone, not at this checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import notebooks  # noqa: E402

pytestmark = pytest.mark.slow

PROBE = '''
import json, sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab has imported
exec(compile(open(sys.argv[1]).read(), "setup-cell", "exec"))

import imbalkit
from imbalkit import datasets
from myst_nb import glue

glass = datasets.load("glass")  # verifies the file's sha256 against the manifest
print(json.dumps({
    "imbalkit_file": imbalkit.__file__,
    "data_dir": str(datasets.data_dir()),
    "glass_rows": len(glass),
    "glass_manifest_rows": datasets.info("glass")["rows"],
    "sys_path0": sys.path[0],
}))
'''


def _setup_cell_of_a_chapter() -> str:
    """The setup cell as shipped in a paired notebook (what Colab actually opens)."""
    chapter = notebooks.chapters()[0]
    nb = nbformat.read(chapter.with_suffix(".ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    assert cell.source.strip().startswith(notebooks.SETUP_MARKER), chapter
    return cell.source


def test_shipped_setup_cell_is_the_template() -> None:
    assert _setup_cell_of_a_chapter().strip() == notebooks.setup_source().strip()


def test_setup_cell_does_nothing_outside_colab() -> None:
    """Locally (no google.colab) the cell only imports imbalkit: no clone, no pip."""
    source = notebooks.setup_source()
    code = f"import sys\nassert 'google.colab' not in sys.modules\n{source}\nprint('ok')"
    env = {k: v for k, v in os.environ.items() if k not in ("IMBALKIT_REPO", "IMBALKIT_HOME")}
    env["IMBALKIT_HOME"] = "/nonexistent/must-not-be-created"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert not Path("/nonexistent/must-not-be-created").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to clone the checkout")
def test_setup_cell_installs_from_the_repository_in_a_fresh_venv(tmp_path: Path) -> None:
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("the checkout has no commit to clone")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # pip comes from the system site-packages; the venv starts without imbalkit of its own.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert not any(Path(site).glob("*imbalkit*")), "the fresh venv must not contain imbalkit yet"

    cell = tmp_path / "setup_cell.py"
    cell.write_text(_setup_cell_of_a_chapter())
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    home = tmp_path / "content" / "imbalkit"
    env = {k: v for k, v in os.environ.items() if k not in ("IMBALKIT_DATA", "PYTHONPATH")}
    env.update({"IMBALKIT_REPO": ROOT.as_uri(), "IMBALKIT_HOME": str(home)})

    result = subprocess.run([str(python), str(probe), str(cell)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])

    assert (home / ".git").is_dir() and (home / "data" / "manifest.json").exists()
    assert Path(facts["imbalkit_file"]).resolve().is_relative_to(home.resolve()), facts
    assert Path(facts["data_dir"]).resolve() == (home / "data").resolve(), facts
    assert facts["sys_path0"] == str(home)
    assert facts["glass_rows"] == facts["glass_manifest_rows"] > 0
    # pip put an editable imbalkit into the venv itself (not only the sys.path entry).
    assert list(Path(site).glob("*imbalkit*")), "pip did not install imbalkit into the venv"

    # Running the cell a second time (Colab users re-run cells) reuses the clone.
    again = subprocess.run([str(python), str(probe), str(cell)], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=600)
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]
