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


def setup(app: Any) -> dict:
    # Run after every other extension has added its scripts for the page.
    app.connect("html-page-context", fix_page_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
