# The two commands of the README:
#   make book   install what is needed and build the HTML book into _build/html
#   make test   install what is needed and run the whole test suite (CI runs this)
PYTHON ?= python3
JOBS ?= 2

.PHONY: install book test sync clean

install:
	$(PYTHON) scripts/install_torch.py
	$(PYTHON) -m pip install -q -r requirements.txt
	$(PYTHON) -m pip install -q --no-deps -e .
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; } || echo "install: Chromium not installed (needs root and apt-get); tests/test_browser.py will be skipped"

book: install
	$(PYTHON) scripts/notebooks.py --check
	jupyter-book build . --warningiserror --nitpick --keep-going

# One thread per worker: $(JOBS) xdist workers already use every core, and OpenMP/torch
# threads on top of that oversubscribe the CPU (HistGradientBoosting slows down badly).
test: install
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PYTHON) -m pytest -n $(JOBS) --dist loadfile

# Regenerate the Colab notebooks (.ipynb) from the MyST sources after editing a chapter.
sync:
	$(PYTHON) scripts/notebooks.py --write

clean:
	rm -rf _build
