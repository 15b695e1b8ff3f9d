"""Re-read the pages whose chapter was executed after Sphinx last read them (a local
Sphinx extension, see _config.yml).

``make book`` executes the chapters into the jupyter-cache before Sphinx starts
(scripts/execute_chapters.py). Sphinx decides what to re-read from the source files'
modification times only, so a chapter executed again with unchanged source (because
imbalkit, the data or a package changed) would keep its old outputs in the HTML. This hook
compares each cached notebook's creation time with the time Sphinx last read its page and
asks for a re-read where the cache is newer.
"""
from __future__ import annotations

from datetime import timezone
from pathlib import Path
from typing import Any


def _microseconds(read_time: float) -> float:
    # Sphinx >= 7.3 stores microseconds since the epoch, older versions seconds.
    return read_time if read_time > 1e11 else read_time * 1e6


def executed_since_read(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    config = getattr(env, "mystnb_config", None)
    path = getattr(config, "execution_cache_path", None)
    if getattr(config, "execution_mode", None) != "cache" or not path or not (Path(path) / "global.db").exists():
        return []
    from jupyter_cache import get_cache

    outdated = []
    for record in get_cache(str(path)).list_cache_records():
        docname = env.path2doc(record.uri)
        if docname is None or docname not in env.all_docs or docname in changed or docname in added:
            continue
        created = record.created
        if created.tzinfo is None:  # jupyter-cache stores naive UTC times
            created = created.replace(tzinfo=timezone.utc)
        if created.timestamp() * 1e6 > _microseconds(env.all_docs[docname]):
            outdated.append(docname)
    return outdated


def setup(app: Any) -> dict:
    app.connect("env-get-outdated", executed_since_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
