"""The book as a reader meets it: the built HTML in a real (headless) Chromium.

The HTML is served on 127.0.0.1 by a thread running ``http.server`` on a free port, and
Chromium (Debian's ``chromium`` + ``chromium-driver``, driven by Selenium) visits the home
page, the first chapter of every Part that exists, the appendices and the search page. On
every page: no JavaScript console error, every ``<img>`` loaded (``naturalWidth > 0``),
every internal link (and ``#anchor``) resolves, no horizontal overflow at phone width. On
chapters: the Binder and Colab launch buttons point at the chapter's ``.ipynb`` in the
repository named in ``_config.yml``. Mermaid diagrams must render to SVG (they are served
from the book, not a CDN), and a search must return results. Screenshots of the home page
and one chapter at desktop and phone width go to ``_build/screenshots/`` for review.

Which HTML is tested (CI has 90 minutes on 2 cores and already runs every chapter through
nbmake, so a full ``jupyter-book build`` here would run them all a second time):

* ``$IMBALKIT_HTML`` if set (a folder holding ``index.html``);
* otherwise ``_build/html`` when it is up to date, i.e. newer than every file of
  ``book/``, ``_config.yml`` and ``_toc.yml`` (after ``make book``);
* otherwise a *reduced book* built into a temporary folder: the home page, the first
  chapter of each Part that exists and the appendices (not the chapter template). To stay
  within a few minutes of CI time, only the first chapter of Part I and the generated
  appendix pages are executed (their figures, tables and outputs are what the image and
  overflow checks see); the other Parts' chapters are rendered without running them, which
  is enough for launch buttons, links, scripts and layout. ``IMBALKIT_BROWSER_EXECUTE=all``
  executes every chapter of the reduced book. It is built with the Makefile's
  ``jupyter-book build`` flags except ``--warningiserror``: the reduced book leaves most
  chapters out (and some unexecuted), so cross-references and glued values warn there by
  design; Sphinx warnings of the full book are the business of ``make book`` and
  tests/test_book_infra.py. A reference to a chapter that is left out renders as plain
  text, so the link checks below stay exact.

Skipped, with the reason, where Chromium, its driver or Selenium is missing
(``make install`` installs them where it can).
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socketserver
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
DESKTOP = (1366, 900)
PHONE = (390, 844)
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- which HTML
def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def first_chapters() -> list[Path]:
    """The lowest-numbered real chapter (not ``00-overview``) of every Part that has one."""
    found = []
    for part in sorted((ROOT / "book").glob("part*")):
        chapters = sorted(p for p in part.glob("[0-9][0-9]-*.md") if not p.name.startswith("00-"))
        if chapters:
            found.append(chapters[0])
    return found


def appendix_pages() -> list[Path]:
    return sorted(p for p in (ROOT / "book/appendix").glob("*.md") if p.name != "chapter-template.md")


def _newest_source_mtime() -> float:
    files = [ROOT / "_config.yml", ROOT / "_toc.yml"]
    files += [p for p in (ROOT / "book").rglob("*") if p.is_file() and p.suffix != ".ipynb"]
    return max(p.stat().st_mtime for p in files)


def _full_build_is_current() -> bool:
    index = ROOT / "_build/html/index.html"
    return index.exists() and index.stat().st_mtime >= _newest_source_mtime()


def _build_flags() -> list[str]:
    """The Makefile's `jupyter-book build .` flags, without --warningiserror (see above)."""
    line = next(l.strip() for l in (ROOT / "Makefile").read_text().splitlines() if "jupyter-book build" in l)
    args = line.split()
    assert args[:3] == ["jupyter-book", "build", "."], line
    return [a for a in args[3:] if a not in ("--warningiserror", "-W")]


def _is_notebook(md: Path) -> bool:
    """A MyST notebook (jupytext header), as opposed to a plain markdown page."""
    text = md.read_text()
    return text.startswith("---") and "jupytext:" in text.split("---", 2)[1]


def build_reduced_book(out: Path) -> Path:
    """Build home + first chapter per Part + appendices into ``out``; return the html folder."""
    for item in ("book", "imbalkit", "data"):
        (out / item).symlink_to(ROOT / item)
    pages = [*first_chapters(), *appendix_pages()]
    config = _config()
    if os.environ.get("IMBALKIT_BROWSER_EXECUTE", "first") != "all":
        executed = set(first_chapters()[:1]) | {p for p in appendix_pages() if _is_notebook(p)}
        config["execute"]["exclude_patterns"] = [
            p.relative_to(ROOT / "book").as_posix() for p in pages if _is_notebook(p) and p not in executed
        ]
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "chapters": [{"file": p.relative_to(ROOT).with_suffix("").as_posix()} for p in pages],
    }
    (out / "_toc.yml").write_text(yaml.safe_dump(toc))
    cmd = [shutil.which("jupyter-book") or "jupyter-book", "build", str(out), *_build_flags()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    html = out / "_build/html"
    assert (html / "index.html").exists(), (result.stdout + result.stderr)[-4000:]
    # Pages that raised are a build failure whatever the flags.
    assert "Executing notebook failed" not in result.stdout + result.stderr, (result.stdout + result.stderr)[-4000:]
    return html


@pytest.fixture(scope="module")
def html_dir() -> Iterator[Path]:
    if os.environ.get("IMBALKIT_HTML"):
        yield Path(os.environ["IMBALKIT_HTML"]).resolve()
    elif _full_build_is_current():
        yield ROOT / "_build/html"
    else:
        with tempfile.TemporaryDirectory(prefix="imbalkit-browser-") as tmp:
            yield build_reduced_book(Path(tmp))


# --------------------------------------------------------------------------- server
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # ES modules must be served with a JavaScript MIME type (Python < 3.12 does not know .mjs).
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".js": "text/javascript"}

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server(html_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --------------------------------------------------------------------------- browser
def _find(*names: str) -> str | None:
    return next((path for n in names if (path := shutil.which(n))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    driver_path = _find("chromedriver", "chromium-driver")
    if chromium is None or driver_path is None:
        pytest.skip("Chromium or chromedriver not found: install Debian's `chromium chromium-driver` "
                    "(make install does so when run as root) to run the browser test")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (it is in requirements.txt): pip install selenium")
    profile = tempfile.mkdtemp(prefix="imbalkit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={DESKTOP[0]},{DESKTOP[1]}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _set_viewport(driver, size: tuple[int, int], mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile},
    )


def _open(driver, url: str) -> list[dict]:
    """Load url, scroll through it (so lazy content loads) and return the console log."""
    driver.get_log("browser")  # drop entries of the previous page
    driver.get(url)
    driver.execute_script(
        "window.scrollTo(0, document.body.scrollHeight); window.scrollTo(0, 0);"
    )
    deadline = time.time() + 15
    while time.time() < deadline:
        if driver.execute_script("return document.readyState") == "complete" and driver.execute_script(
            "return Array.from(document.images).every(i => i.complete)"
        ):
            break
        time.sleep(0.2)
    time.sleep(0.5)  # let module scripts (Mermaid) run and report
    return driver.get_log("browser")


def _page_url(base: str, md: Path) -> str:
    return urljoin(base, md.relative_to(ROOT).with_suffix(".html").as_posix())


def _errors(log: list[dict]) -> list[str]:
    return [entry["message"] for entry in log if entry.get("level") == "SEVERE"]


def _broken_images(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src);"
    )


def _internal_links(driver, base: str) -> list[str]:
    hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
    return sorted({h for h in hrefs if h.startswith(base)})


def _unresolved(links: list[str], base: str, html_dir: Path) -> list[str]:
    """Links whose file does not exist or whose #anchor is not an id in the target page."""
    bad = []
    texts: dict[Path, str] = {}
    for link in links:
        parsed = urlparse(link)
        rel = unquote(parsed.path)[len(urlparse(base).path):]
        target = html_dir / rel
        if target.is_dir() or rel == "":
            target = target / "index.html"
        if not target.is_file():
            bad.append(link)
            continue
        if parsed.fragment and target.suffix == ".html":
            text = texts.setdefault(target, target.read_text(errors="replace"))
            if not re.search(rf'id=["\']{re.escape(unquote(parsed.fragment))}["\']', text):
                bad.append(link)
    return bad


def _horizontal_overflow(driver) -> int:
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )


# --------------------------------------------------------------------------- the tests
def _pages_under_test() -> list[Path]:
    return [ROOT / "book/intro.md", *first_chapters(), *appendix_pages()]


def test_every_page_loads_cleanly(browser, server: str, html_dir: Path) -> None:
    """No console error, every image loaded, every internal link resolves, no sideways scroll."""
    problems = []
    pages = [p for p in _pages_under_test() if (html_dir / p.relative_to(ROOT).with_suffix(".html")).exists()]
    assert len(pages) >= 2 + len(appendix_pages()) - 1, f"too few pages built in {html_dir}: {pages}"
    for md in pages:
        name = md.relative_to(ROOT).as_posix()
        for size, mobile in ((DESKTOP, False), (PHONE, True)):
            _set_viewport(browser, size, mobile)
            log = _open(browser, _page_url(server, md))
            problems += [f"{name} @{size[0]}px: console error: {m}" for m in _errors(log)]
            problems += [f"{name} @{size[0]}px: image not loaded: {s}" for s in _broken_images(browser)]
            overflow = _horizontal_overflow(browser)
            if overflow > 1:
                problems.append(f"{name} @{size[0]}px: page is {overflow}px wider than the viewport")
        problems += [f"{name}: broken link {l}" for l in _unresolved(_internal_links(browser, server), server, html_dir)]
    assert not problems, "\n".join(problems)


def test_launch_buttons_point_at_the_chapter_notebook(browser, server: str, html_dir: Path) -> None:
    config = _config()
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    chapters = [md for md in first_chapters() if (html_dir / md.relative_to(ROOT).with_suffix(".html")).exists()]
    if not chapters:
        pytest.skip(f"no chapter is built in {html_dir}")
    _set_viewport(browser, DESKTOP, False)
    for md in chapters:
        notebook = md.with_suffix(".ipynb").relative_to(ROOT).as_posix()
        assert (ROOT / notebook).exists(), f"{notebook} is missing: run `make sync`"
        _open(browser, _page_url(server, md))
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
        binder = [h for h in hrefs if "mybinder.org" in h or config["launch_buttons"]["binderhub_url"] in h]
        colab = [h for h in hrefs if h.startswith(config["launch_buttons"]["colab_url"])]
        assert binder == [f"{config['launch_buttons']['binderhub_url']}/v2/gh/{repo}/{branch}?urlpath=lab/tree/{notebook}"], (md, binder)
        assert colab == [f"{config['launch_buttons']['colab_url']}/github/{repo}/blob/{branch}/{notebook}"], (md, colab)


def _rendered_diagrams(driver, expected: int) -> int:
    deadline = time.time() + 20
    rendered = 0
    while time.time() < deadline:
        rendered = driver.execute_script("return document.querySelectorAll('pre.mermaid svg').length;")
        if rendered >= expected:
            break
        time.sleep(0.3)
    return rendered


def test_mermaid_diagrams_render_offline(browser, server: str, html_dir: Path) -> None:
    """Diagrams render from the book's own copy of Mermaid, over HTTP and from disk (file://)."""
    page = ROOT / "book/appendix/03-diagrams.md"
    n_blocks = page.read_text().count("```{mermaid}")
    assert n_blocks >= 6
    _set_viewport(browser, DESKTOP, False)
    log = _open(browser, _page_url(server, page))
    rendered = _rendered_diagrams(browser, n_blocks)
    assert rendered == n_blocks, (rendered, n_blocks, _errors(log + browser.get_log("browser")))
    sources = browser.execute_script("return Array.from(document.scripts).map(s => s.src).filter(s => s);")
    assert any(urlparse(s).path.endswith("/_static/mermaid/mermaid.min.js") for s in sources), sources
    assert all(s.startswith(server) for s in sources), [s for s in sources if not s.startswith(server)]
    # Opened from disk, as after `make book` with a double click: browsers block ES-module
    # imports there, which is why the book loads Mermaid as a classic script.
    local = (html_dir / page.relative_to(ROOT).with_suffix(".html")).as_uri()
    log = _open(browser, local)
    assert _rendered_diagrams(browser, n_blocks) == n_blocks, _errors(log + browser.get_log("browser"))


def test_search_finds_pages(browser, server: str) -> None:
    _set_viewport(browser, DESKTOP, False)
    log = _open(browser, urljoin(server, "search.html?q=imbalance"))
    deadline = time.time() + 20
    hits = 0
    while time.time() < deadline:
        hits = browser.execute_script("return document.querySelectorAll('#search-results li').length;")
        if hits:
            break
        time.sleep(0.3)
    assert hits > 0, _errors(log)
    assert not _errors(log + browser.get_log("browser"))


def test_screenshots(browser, server: str) -> None:
    """Home page and one chapter at desktop and phone width, into _build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chapter = (first_chapters() or [ROOT / "book/appendix/05-datasets.md"])[0]
    written = []
    for label, md in (("home", ROOT / "book/intro.md"), ("chapter", chapter)):
        for width_label, size, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
            _set_viewport(browser, size, mobile)
            _open(browser, _page_url(server, md))
            path = SCREENSHOTS / f"{label}-{width_label}.png"
            assert browser.save_screenshot(str(path)), path
            written.append(path)
    for path in written:
        assert path.stat().st_size > 10_000, f"{path} looks empty"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
