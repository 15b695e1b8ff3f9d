"""Small HTML fixes for the imbalkit book (a local Sphinx extension, see _config.yml).

1. Duplicate scripts. Jupyter Book 1's extension stack (sphinx-thebe and
   sphinx-togglebutton on Sphinx 7.4) registers two of its inline scripts twice on every
   page; the second copy of ``const THEBE_JS_URL = ...`` is a JavaScript SyntaxError in
   every reader's console (and fails tests/test_browser.py). Exact duplicates are dropped.
2. Mermaid without ES-module imports. sphinxcontrib-mermaid renders diagrams from an inline
   ``<script type="module">`` that starts with ``import mermaid from "<url>"``. Browsers
   refuse module imports from ``file://`` pages, so a book opened from disk
   (``_build/html/index.html``) would show no diagrams. On pages with diagrams, the import
   is replaced by the global that Mermaid's classic build (``_static/mermaid/mermaid.min.js``,
   loaded just before with ``defer``, so it runs first) defines. The same page then works
   from disk, from any web server and on GitHub Pages, with no CDN.
3. The root page. ``index.html`` is a redirect to the first chapter; the stub that
   sphinx-external-toc writes has no ``<head>``, so a browser asks the server for
   ``/favicon.ico`` (a 404 in the console, and on GitHub Pages). :func:`write_root_redirect`
   writes a complete page first: the book's favicon, the redirect and a plain link.
"""
from __future__ import annotations

import re
from typing import Any

MERMAID_IMPORT = re.compile(r'import\s+mermaid\s+from\s+"[^"]*mermaid\.min\.js"\s*;?')
MERMAID_CLASSIC = "_static/mermaid/mermaid.min.js"


def _key(script: Any) -> tuple:
    # An inline script is registered once with filename None and once with "" (the cause of
    # the duplicate), so both count as "no file".
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(scripts: list) -> list:
    """Keep the first of any scripts with the same file name and attributes (incl. inline body)."""
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def classic_mermaid(scripts: list) -> list:
    """Load Mermaid as a classic deferred script and let the inline module use its global."""
    out = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        body = attributes.get("body") or ""
        if MERMAID_IMPORT.search(body):
            cls = type(script)
            out.append(cls(MERMAID_CLASSIC, priority=script.priority, defer="defer"))
            new_body = MERMAID_IMPORT.sub("const mermaid = globalThis.mermaid;", body, count=1)
            script = cls(script.filename, priority=script.priority, **{**attributes, "body": new_body})
        out.append(script)
    return out


def fix_page_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = classic_mermaid(dedupe_scripts(list(scripts)))


ROOT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="{favicon}">
<meta http-equiv="Refresh" content="0; url={target}">
</head>
<body><p><a href="{target}">{title}</a></p></body>
</html>
"""


def root_page(title: str, target: str, favicon: str) -> str:
    """The root ``index.html``: a redirect to ``target`` with the book's favicon and a plain link.

    >>> "url=book/intro.html" in root_page("imbalkit", "book/intro.html", "_static/favicon.svg")
    True
    """
    return ROOT_PAGE.format(title=title, target=target, favicon=favicon)


def write_root_redirect(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    from pathlib import Path

    favicon = f"_static/{Path(app.config.html_favicon).name}" if app.config.html_favicon else "data:,"
    target = f"{app.config.root_doc}.html"
    page = root_page(str(app.config.html_title or app.config.project), target, favicon)
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app: Any) -> dict:
    # Run after every other extension has added its scripts for the page.
    app.connect("html-page-context", fix_page_scripts, priority=900)
    # Before sphinx-external-toc (default priority 500), which keeps an existing index.html.
    app.connect("build-finished", write_root_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
