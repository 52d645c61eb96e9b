"""A small on-disk cache of JSON payloads with an expiry, for answers that change slowly.

Used for the Artificial Analysis model list (a day: the free API allows ~1,000 requests a day) and for
benchmark datasets' `eval.yaml` (an hour). Nothing secret is ever stored: keys are URLs or repo paths.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any


def cache_root() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "evalmgr"


def cache_file(kind: str, key: str, cache_dir: str | Path | None = None) -> Path:
    """One file per key under ``cache_dir`` (default: the user cache dir's ``evalmgr/<kind>``)."""
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / kind
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def read_cached(path: Path, max_age: float) -> Any | None:
    """The payload when younger than ``max_age`` seconds and readable; None otherwise (then fetch again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fetched_at = float(data["fetched_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not 0 <= time.time() - fetched_at < max_age:
        return None
    return data.get("payload")


def write_cached(path: Path, key: str, payload: Any) -> None:
    """Atomic write, so a concurrent reader never sees half a file; a failure only costs a refetch."""
    from .files import write_text_atomic

    try:
        write_text_atomic(path, json.dumps({"key": key, "fetched_at": time.time(), "payload": payload}))
    except OSError:
        pass
