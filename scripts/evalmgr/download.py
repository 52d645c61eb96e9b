"""Reading an HTTP body from a server that may be slow, endless or huge: a deadline and a size cap.

A per-read timeout is not a deadline: a server that sends one byte every few seconds never trips it. So
the body is read in pieces as they arrive (``read1``: at most one socket read each), and the clock and
the size are checked after each piece.
"""

from __future__ import annotations

import time
from typing import Any

from .errors import SourceError


def read_body(resp: Any, deadline: float, max_bytes: int, what: str, hint: str) -> bytes:
    """The body of a streamed ``requests`` response; SourceError past ``deadline`` (monotonic) or ``max_bytes``."""
    raw = resp.raw
    data = bytearray()
    try:
        while True:
            piece = raw.read1(1 << 16, decode_content=True)  # decoded: a gzip bomb meets the cap too
            if not piece:
                return bytes(data)
            data.extend(piece)
            if len(data) > max_bytes:
                raise SourceError(f"{what} is larger than {max_bytes // 2**20} MB; not read", hint)
            if time.monotonic() > deadline:
                raise SourceError(f"{what} did not arrive within the time budget ({len(data)} bytes received)",
                                  hint + "; EVALMGR_RETRY_BUDGET sets the budget in seconds")
    finally:
        resp.close()
