"""A small Artificial Analysis API emulator for the tests.

Serves ``GET /api/v2/data/llms/models`` from a fixture JSON in the documented shape, checks the
``x-api-key`` header (401 otherwise, like the real API), counts requests (to prove caching) and
can answer the next requests with injected statuses (429 with Retry-After, 500).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "aa"
CURRENT_PATH = "/api/v2/language/models"  # documented now
OLDER_PATH = "/api/v2/data/llms/models"  # what the API served before; still answered by default


@contextmanager
def serving(handle: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """Answer GET requests with ``handle`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handle(self)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def trickle(req: BaseHTTPRequestHandler) -> None:
    """A server that promises 100 KB and sends one byte every half second: per-read timeouts never trip."""
    req.send_response(200)
    req.send_header("Content-Type", "application/json")
    req.send_header("Content-Length", "100000")
    req.end_headers()
    try:
        for _ in range(100_000):
            req.wfile.write(b" ")
            req.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass


class AAEmulator:
    """``with AAEmulator(api_key="k") as aa: fetch_models(api_base=aa.endpoint, api_key="k")``."""

    def __init__(self, api_key: str = "aa-test-key", fixture: str | Path = FIXTURES / "models_v2.json") -> None:
        self.api_key = api_key
        self.payload: Any = json.loads(Path(fixture).read_text(encoding="utf-8"))
        self.request_count = 0
        self.seen_keys: list[str | None] = []
        self.paths = {CURRENT_PATH, OLDER_PATH}  # the model-list paths this API answers (others: 404)
        self.requested: list[str] = []
        self.endpoint = ""
        self._faults: list[tuple[int, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._stack = ExitStack()

    def fail_next(self, status: int, count: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``count`` model requests with ``status`` (and ``headers``)."""
        with self._lock:
            self._faults.extend([(status, headers or {})] * count)

    def __enter__(self) -> AAEmulator:
        self.endpoint = self._stack.enter_context(serving(self._handle))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        path = req.path.split("?")[0]
        with self._lock:
            self.requested.append(path)
        if path not in self.paths:
            return send_json(req, 404, {"status": 404, "message": "Not found"})
        key = req.headers.get("x-api-key")
        with self._lock:
            self.request_count += 1
            self.seen_keys.append(key)
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            status, headers = fault
            return send_json(req, status, {"status": status, "message": "injected failure"}, headers)
        if key != self.api_key:
            return send_json(req, 401, {"status": 401, "message": "Invalid or missing API key"})
        send_json(req, 200, self.payload)


def send_json(req: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body).encode()
    req.send_response(status)
    req.send_header("Content-Type", "application/json")
    req.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        req.send_header(name, value)
    req.end_headers()
    req.wfile.write(data)
