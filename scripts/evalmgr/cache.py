"""A small on-disk cache of JSON payloads with an expiry, for answers that change slowly.

Used for the Artificial Analysis model list (a day: the free API allows ~1,000 requests a day) and for
benchmark datasets' `eval.yaml` (an hour). It lives in the user's cache folder (``$EVALMGR_CACHE_DIR``,
else ``$XDG_CACHE_HOME/evalmgr`` or ``~/.cache/evalmgr``). Callers cache only answers that parsed, and
nothing secret is ever stored: keys are URLs stripped of credentials and query strings, and a payload
that contains a secret of the environment is not written at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@|\?[^\s]*")


def cache_root() -> Path:
    own = os.environ.get("EVALMGR_CACHE_DIR")
    if own:
        return Path(own)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "evalmgr"


def public_key(key: str) -> str:
    """The key as stored: a URL without ``user:password@`` and without a query string."""
    return _CREDENTIALS.sub("", key)


def cache_file(kind: str, key: str, cache_dir: str | Path | None = None) -> Path:
    """One file per key under ``cache_dir`` (default: the user cache dir's ``evalmgr/<kind>``)."""
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / kind
    return folder / f"{hashlib.sha256(public_key(key).encode()).hexdigest()[:16]}.json"


def read_cached(path: Path, max_age: float) -> Any | None:
    """The payload when younger than ``max_age`` seconds and readable; None otherwise (then fetch again)."""
    from .safeload import ParseError, json_load

    try:
        data = json_load(path.read_bytes())
        fetched_at = float(data["fetched_at"])
    except (OSError, ParseError, KeyError, TypeError, ValueError):
        return None
    if not 0 <= time.time() - fetched_at < max_age:
        return None
    return data.get("payload")


def write_cached(path: Path, key: str, payload: Any) -> None:
    """Atomic write, so a concurrent reader never sees half a file; a failure only costs a refetch."""
    from .files import write_text_atomic
    from .render import secrets

    text = json.dumps({"key": public_key(key), "fetched_at": time.time(), "payload": payload})
    if any(s in text for s in secrets()):
        return
    try:
        write_text_atomic(path, text)
    except OSError:
        pass
