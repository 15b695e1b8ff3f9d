"""Small HTML fixes for the imbalkit book (a local Sphinx extension, see _config.yml).

Jupyter Book 1's extension stack (sphinx-thebe and sphinx-togglebutton on Sphinx 7.4)
registers two of its inline scripts twice on every page; the second copy of
``const THEBE_JS_URL = ...`` is a JavaScript SyntaxError in every reader's console (and
fails the browser test, tests/test_browser.py). This extension drops exact duplicate
scripts from each page before it is written. Nothing else is changed.
"""
from __future__ import annotations

from typing import Any


def _key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    # An inline script is registered once with filename None and once with "" (the cause of
    # the duplicate), so both count as "no file".
    filename = getattr(script, "filename", script) or ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Keep the first of any scripts with the same file name and attributes (incl. inline body)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict:
    # Run after every other extension has added its scripts for the page.
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
