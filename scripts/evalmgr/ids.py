"""What a Hub repo id and a benchmark task id may look like, and safe names made from free text.

Ids come from command lines, mapping files, ``eval.yaml`` files and API answers, and end up in URLs,
file names and YAML written into other people's repos: ``../``, newlines, 500 characters or three
path parts are refused where they enter, with the value shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# The Hub's rule: letters, digits, '-', '_', '.'; no '--' or '..'; no leading/trailing '-' or '.'; 96 chars a part.
_PART = r"(?!.*(?:--|\.\.))[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"{_PART}/{_PART}")
# Some eval.yaml files name a task like their dataset (``MathArena/aime_2026``): one '/' between two parts.
_TASK_ID = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}(?:/[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127})?")


def is_repo_id(text: object) -> bool:
    """``owner/name`` as the Hub accepts it."""
    return isinstance(text, str) and _REPO_ID.fullmatch(text) is not None


def is_task_id(text: object) -> bool:
    """A task id of a benchmark's ``eval.yaml``: a short token (at most one inner '/'), no ``..`` or line breaks."""
    return isinstance(text, str) and _TASK_ID.fullmatch(text) is not None


def slug(text: str, max_len: int = 48) -> str:
    """ASCII ``a-z0-9_`` slug, safe as a file name part; long or non-ASCII text keeps a short hash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not out and text.strip():
        return f"n{digest}"
    return out if len(out) <= max_len else f"{out[:max_len - 9].rstrip('_')}_{digest}"
