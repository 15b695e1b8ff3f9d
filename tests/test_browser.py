"""The book as a reader meets it: the full built HTML in a real (headless) Chromium, offline.

`make test` runs `make book` first, so this checks the book that was just built, every page
of it, in ``_build/html`` (``$IMBALKIT_HTML`` names another folder holding ``index.html``).
Without a build of the current sources the test fails and says to run `make book`:
it never falls back to a reduced book.

The HTML is served on 127.0.0.1 by a thread running ``http.server`` on a free port, and
Chromium (Debian's ``chromium`` + ``chromium-driver``, driven by Selenium) runs with the
network cut off: every host name resolves to nothing and every non-loopback request goes to
a proxy that does not exist, as for a reader on a train (test_network_is_cut_off proves it).
On every page, at desktop and phone width: no JavaScript console error, every ``<img>``
loaded (``naturalWidth > 0``), no horizontal overflow; every internal link (and
``#anchor``) resolves; every formula is typeset by the book's own MathJax (an
``mjx-container`` in every ``.math`` element, no raw ``$$``/``\\(``/``\\[`` TeX left in the
text) and every Mermaid diagram is drawn as SVG. Without a browser,
test_no_page_loads_external_assets reads every built page and stylesheet and fails on any
script, stylesheet, font, image or frame that would come from another host (plain
hyperlinks are fine). Chapters' Binder and Colab launch buttons point at the chapter's
``.ipynb`` in the repository named in ``_config.yml``; a search returns results;
screenshots of the home page and one chapter at desktop and phone width go to
``_build/screenshots/`` for review.

The browser tests are skipped, with the reason, where Chromium, its driver or Selenium is
missing (``make install`` installs them where it can).
"""
from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import shutil
import socketserver
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
STAMP = ".imbalkit-built"  # written by scripts/build_book.py after a successful build
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
    # Offline: no name resolves (loopback excepted), and anything else that tries the
    # network (an IP literal) is sent to a proxy on a closed local port. Chromium never
    # proxies loopback addresses, so the book's own server on 127.0.0.1 stays reachable.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]
# Not pages of the book: Sphinx's machinery and the execution reports.
NOT_PAGES = ("_static", "_sources", "_images", "_sphinx_design_static", "reports")

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- which HTML
def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _sources() -> list[Path]:
    """Everything a build of the book depends on (the paired .ipynb are generated)."""
    files = [ROOT / "_config.yml", ROOT / "_toc.yml"]
    files += [p for p in (ROOT / "book").rglob("*") if p.is_file() and p.suffix != ".ipynb"]
    files += [p for p in (ROOT / "imbalkit").rglob("*.py")]
    return files


@pytest.fixture(scope="module")
def html_dir() -> Path:
    if os.environ.get("IMBALKIT_HTML"):
        return Path(os.environ["IMBALKIT_HTML"]).resolve()
    html = ROOT / "_build/html"
    stamp = html / STAMP
    if not stamp.exists():
        pytest.fail("no complete build in _build/html: run `make book` (or `make test`, which builds it first)")
    newer = [p for p in _sources() if p.stat().st_mtime > stamp.stat().st_mtime]
    if newer:
        pytest.fail(f"_build/html is older than {len(newer)} source file(s), e.g. "
                    f"{newer[0].relative_to(ROOT)}: run `make book` (or `make test`)")
    return html


def book_pages(html_dir: Path) -> list[str]:
    """Every page of the built book, as paths relative to html_dir (search page excluded)."""
    pages = []
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir)
        if rel.parts[0] in NOT_PAGES or rel.name == "search.html":
            continue
        pages.append(rel.as_posix())
    return pages


def source_pages() -> list[Path]:
    """Every markdown page in book/ that the toc picks up (what must have been built)."""
    return sorted(p for p in (ROOT / "book").rglob("*.md") if not set(p.relative_to(ROOT / "book").parts[0:1]) & {"_static", "_ext"})


def test_the_whole_book_was_built(html_dir: Path) -> None:
    built = set(book_pages(html_dir))
    missing = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in source_pages()]
    missing = [p for p in missing if p not in built]
    assert not missing, f"pages missing from {html_dir}: {missing}"


def test_root_page_redirects_with_the_favicon(html_dir: Path) -> None:
    """index.html names the book's favicon (else browsers ask for /favicon.ico: a 404) and
    redirects to a page that exists."""
    text = (html_dir / "index.html").read_text(encoding="utf-8")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
    target = re.search(r'content="0; url=([^"]+)"', text)
    assert icon and (html_dir / icon.group(1)).is_file(), text
    assert target and (html_dir / target.group(1)).is_file(), text


# --------------------------------------------------------------------------- no CDN
class _AssetParser(html.parser.HTMLParser):
    """Collects every URL a browser fetches by itself (not hyperlinks) from one page."""

    FETCHED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                         "apple-touch-icon", "manifest", "mask-icon"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_code = False  # inside <script> or <style>

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._in_code = tag in ("script", "style")
        if tag in ("script", "img", "iframe", "embed", "source", "audio", "video", "track", "input") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & self.FETCHED_LINK_RELS:
            self.urls.append(a.get("href", ""))
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])
        for srcset in (a.get("srcset"), a.get("imagesrcset")):
            if srcset:
                self.urls += [part.strip().split(" ")[0] for part in srcset.split(",")]
        self.urls += _css_urls(a.get("style", ""))

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.urls += _css_urls(data) + re.findall(r"""import\s[^;]*?from\s*["']([^"']+)["']""", data)
            self.urls += re.findall(r"""import\(\s*["']([^"']+)["']""", data)


def _css_urls(css: str) -> list[str]:
    return re.findall(r"""url\(\s*["']?([^"')]+)""", css) + re.findall(r"""@import\s+["']([^"']+)""", css)


def _external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), flags=re.I))


def test_no_page_loads_external_assets(html_dir: Path) -> None:
    """No built page or stylesheet pulls a script, stylesheet, font, image or frame from
    another host (a CDN): offline they would fail, and math would show as raw TeX."""
    problems = []
    for rel in book_pages(html_dir) + ["search.html"]:
        parser = _AssetParser()
        parser.feed((html_dir / rel).read_text(errors="replace"))
        problems += [f"{rel}: {url}" for url in parser.urls if _external(url)]
    for css in sorted((html_dir / "_static").rglob("*.css")):
        problems += [f"{css.relative_to(html_dir)}: {url}" for url in _css_urls(css.read_text(errors="replace")) if _external(url)]
    assert not problems, "external assets:\n" + "\n".join(problems)


def test_asset_parser_sees_cdn_assets() -> None:
    """The check above can fail: each kind of external asset is found, hyperlinks are not."""
    page = """<html><head>
      <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">
      <link rel="canonical" href="https://example.org/page.html">
      <style>@font-face { src: url("https://example.org/f.woff2") }</style>
      <script type="module">import mermaid from "https://cdn.example/mermaid.esm.min.mjs";</script>
      </head><body><a href="https://doi.org/10.1/x">paper</a><img src="_images/a.png">
      <img src="http://example.org/b.png"></body></html>"""
    parser = _AssetParser()
    parser.feed(page)
    external = [u for u in parser.urls if _external(u)]
    assert external == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js", "//fonts.googleapis.com/css?family=Lato",
                        "https://example.org/f.woff2", "https://cdn.example/mermaid.esm.min.mjs", "http://example.org/b.png"]


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
        # (index.html only redirects to the home page: it may have no body yet)
        "if (document.body) { window.scrollTo(0, document.body.scrollHeight); window.scrollTo(0, 0); }"
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


def _page_url(base: str, page: str | Path) -> str:
    """URL of a page given as a path relative to the html folder, or as a book/ source file."""
    if isinstance(page, Path):
        page = page.relative_to(ROOT).with_suffix(".html").as_posix()
    return urljoin(base, page)


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


# --------------------------------------------------------------------------- math, diagrams
# Sphinx wraps every formula in an element of class "math"; MathJax puts its rendering in an
# <mjx-container> inside it. Text outside code that still looks like TeX was not typeset.
_MATH_STATE = r"""
const math = Array.from(document.querySelectorAll('.math'));
const done = math.filter(m => m.querySelector('mjx-container')).length;
const main = (document.querySelector('main') || document.body).cloneNode(true);
main.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight').forEach(e => e.remove());
const text = main.textContent;
const raw = [];
for (const re of [/\$\$/, /\\\(/, /\\\[/, /\\begin\{/, /\$[^$\n]{0,80}\\[a-zA-Z]+[^$\n]{0,80}\$/]) {
  const m = text.match(re);
  if (m) raw.push(text.substr(Math.max(0, m.index - 30), 90).replace(/\s+/g, ' '));
}
return [math.length, done, raw, typeof window.MathJax === 'object' && !!window.MathJax.startup];
"""


def _math_problems(driver) -> list[str]:
    """Wait for MathJax to typeset the page; describe what is not rendered."""
    deadline = time.time() + 30
    while True:
        n_math, n_done, raw, loaded = driver.execute_script(_MATH_STATE)
        if (n_done == n_math and not raw) or time.time() > deadline:
            break
        time.sleep(0.3)
    problems = []
    if n_math and not loaded:
        problems.append(f"{n_math} formulas but MathJax did not load")
    if n_done < n_math:
        problems.append(f"only {n_done} of {n_math} formulas typeset by MathJax")
    problems += [f"raw TeX in the text: ...{r}..." for r in raw]
    return problems


def _rendered_diagrams(driver, expected: int) -> int:
    deadline = time.time() + 20
    rendered = 0
    while time.time() < deadline:
        rendered = driver.execute_script("return document.querySelectorAll('pre.mermaid svg').length;")
        if rendered >= expected:
            break
        time.sleep(0.3)
    return rendered


# --------------------------------------------------------------------------- the tests
def test_network_is_cut_off(browser, server: str) -> None:
    """The browser really is offline (so the clean pages below prove the book needs no network)."""
    _open(browser, urljoin(server, "search.html"))
    outcome = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js', {mode: 'no-cors'})"
        ".then(() => done('reached'), e => done('failed: ' + e));"
        "setTimeout(() => done('timeout'), 15000);"
    )
    assert outcome.startswith("failed"), outcome
    browser.get_log("browser")  # the failed fetch logs an error: not a page's fault


def test_every_page_loads_cleanly(browser, server: str, html_dir: Path) -> None:
    """Every page of the full book, offline: no console error, images loaded, no sideways
    scroll (desktop and phone), internal links resolve, math typeset, diagrams drawn."""
    problems = []
    pages = book_pages(html_dir)
    assert len(pages) >= len(source_pages()), f"too few pages built in {html_dir}: {pages}"
    n_math_pages = 0
    for page in pages:
        for size, mobile in ((DESKTOP, False), (PHONE, True)):
            _set_viewport(browser, size, mobile)
            log = _open(browser, _page_url(server, page))
            where = f"{page} @{size[0]}px"
            if not mobile:
                math = _math_problems(browser)
                n_math_pages += bool(browser.execute_script("return document.querySelectorAll('.math').length;"))
                problems += [f"{where}: {m}" for m in math]
                n_diagrams = browser.execute_script("return document.querySelectorAll('pre.mermaid').length;")
                if n_diagrams:
                    drawn = _rendered_diagrams(browser, n_diagrams)
                    if drawn != n_diagrams:
                        problems.append(f"{where}: {drawn} of {n_diagrams} Mermaid diagrams drawn")
                log += browser.get_log("browser")
                problems += [f"{page}: broken link {l}" for l in _unresolved(_internal_links(browser, server), server, html_dir)]
            problems += [f"{where}: console error: {m}" for m in _errors(log)]
            problems += [f"{where}: image not loaded: {s}" for s in _broken_images(browser)]
            overflow = _horizontal_overflow(browser)
            if overflow > 1:
                problems.append(f"{where}: page is {overflow}px wider than the viewport")
    assert n_math_pages >= 1, "no page with math: the MathJax checks did not run"
    assert not problems, "\n".join(problems)


def _chapter_pages(html_dir: Path) -> list[Path]:
    """Chapter sources (MyST notebooks with a paired .ipynb) whose page was built."""
    return [md for md in sorted((ROOT / "book").rglob("*.md"))
            if md.with_suffix(".ipynb").exists() and (html_dir / md.relative_to(ROOT).with_suffix(".html")).exists()]


def test_launch_buttons_point_at_the_chapter_notebook(html_dir: Path) -> None:
    """Every chapter's Binder and Colab buttons open that chapter's .ipynb (read from the HTML)."""
    config = _config()
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    binder_url, colab_url = config["launch_buttons"]["binderhub_url"], config["launch_buttons"]["colab_url"]
    chapters = _chapter_pages(html_dir)
    assert len(chapters) >= 4, f"too few chapters built in {html_dir}"
    problems = []
    for md in chapters:
        notebook = md.with_suffix(".ipynb").relative_to(ROOT).as_posix()
        text = (html_dir / md.relative_to(ROOT).with_suffix(".html")).read_text()
        hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', text)]
        binder = sorted({h for h in hrefs if h.startswith(binder_url)})
        colab = sorted({h for h in hrefs if h.startswith(colab_url)})
        if binder != [f"{binder_url}/v2/gh/{repo}/{branch}?urlpath=lab/tree/{notebook}"]:
            problems.append(f"{notebook}: binder {binder}")
        if colab != [f"{colab_url}/github/{repo}/blob/{branch}/{notebook}"]:
            problems.append(f"{notebook}: colab {colab}")
    assert not problems, "\n".join(problems)


def test_diagrams_and_math_render_from_disk(browser, server: str, html_dir: Path) -> None:
    """Opened from disk (file://), as after `make book` with a double click: diagrams and math
    still render from the book's own Mermaid and MathJax (browsers block ES-module imports
    there, which is why the book loads Mermaid as a classic script)."""
    page = ROOT / "book/appendix/03-diagrams.md"
    n_blocks = page.read_text().count("```{mermaid}")
    assert n_blocks >= 6
    _set_viewport(browser, DESKTOP, False)
    log = _open(browser, _page_url(server, page))
    assert _rendered_diagrams(browser, n_blocks) == n_blocks, _errors(log + browser.get_log("browser"))
    sources = browser.execute_script("return Array.from(document.scripts).map(s => s.src).filter(s => s);")
    assert any(urlparse(s).path.endswith("/_static/mermaid/mermaid.min.js") for s in sources), sources
    assert all(s.startswith(server) for s in sources), [s for s in sources if not s.startswith(server)]
    log = _open(browser, (html_dir / page.relative_to(ROOT).with_suffix(".html")).as_uri())
    assert _rendered_diagrams(browser, n_blocks) == n_blocks, _errors(log + browser.get_log("browser"))
    # the first page with display math, from disk
    with_math = next(p for p in book_pages(html_dir) if 'class="math notranslate nohighlight"' in (html_dir / p).read_text())
    log = _open(browser, (html_dir / with_math).as_uri())
    problems = _math_problems(browser)
    assert not problems and not _errors(log + browser.get_log("browser")), (with_math, problems, _errors(log))
    sources = browser.execute_script("return Array.from(document.scripts).map(s => s.src).filter(s => s);")
    assert any(urlparse(s).path.endswith("/_static/mathjax/tex-svg-full.js") for s in sources), sources


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


def test_screenshots(browser, server: str, html_dir: Path) -> None:
    """Home page and one chapter at desktop and phone width, into _build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chapter = _chapter_pages(html_dir)[0] if _chapter_pages(html_dir) else ROOT / "book/appendix/05-datasets.md"
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
