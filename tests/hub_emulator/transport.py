"""HTTP plumbing: request/response objects, Hub-shaped errors, the threaded handler and paging helpers."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlencode

if TYPE_CHECKING:
    from .emulator import HubEmulator
    from .state import Token


class HttpError(Exception):
    """An error answer shaped like the Hub's: JSON ``{"error": ...}`` plus ``X-Error-Code`` / ``X-Error-Message``."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}
        self.body = body

    def response(self) -> Response:
        one_line = " ".join(self.message.split()).encode("ascii", "backslashreplace").decode()  # a valid header
        headers = {"X-Error-Message": one_line, **self.headers}
        if self.code:
            headers["X-Error-Code"] = self.code
        body = self.body if self.body is not None else {"error": self.message}
        return Response.json(body, status=self.status, headers=headers)


class NotEmulated(Exception):
    """A request the emulator has no route for: the test needs an endpoint added to the emulator."""


@dataclass
class Request:
    method: str
    path: str  # raw path, still percent-encoded
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    token: Token | None
    endpoint: str

    @property
    def user(self) -> str | None:
        return self.token.user if self.token else None

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def params(self, *names: str) -> list[str]:
        return [v for name in names for v in self.query.get(name, [])]

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() in ("1", "true")

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except json.JSONDecodeError as exc:
            raise HttpError(400, f"Invalid JSON body: {exc}") from exc


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None  # server-sent events: written as produced, connection closed after

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, json.dumps(data).encode(), headers)


Handler = Callable[..., Any]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


def route(method: str, pattern: str, handler: Handler) -> Route:
    return Route(method, re.compile(pattern), handler)


def dispatch(routes: list[Route], emu: HubEmulator, req: Request) -> Response:
    """Find the route for ``req`` and turn its return value (Response, JSON-able) into a Response."""
    method = "GET" if req.method == "HEAD" else req.method
    for candidate in routes:
        match = candidate.pattern.fullmatch(req.path)
        if match and candidate.method == method:
            groups = [unquote(g) if g is not None else None for g in match.groups()]
            result = candidate.handler(emu, req, *groups)
            return result if isinstance(result, Response) else Response.json(result)
    raise NotEmulated(f"Route not emulated: {req.method} {req.path}")


def paged(req: Request, items: list[Any], page_size: int) -> Response:
    """One page of ``items`` with a GitHub-style ``Link: <...>; rel="next"`` header, cursor = opaque offset."""
    cursor = req.param("cursor")
    start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
    page = items[start : start + page_size]
    headers = {}
    if start + page_size < len(items):
        query = [(k, v) for k, values in req.query.items() if k != "cursor" for v in values]
        query.append(("cursor", base64.urlsafe_b64encode(str(start + page_size).encode()).decode()))
        headers["Link"] = f'<{req.endpoint}{req.path}?{urlencode(query)}>; rel="next"'
    return Response.json(page, headers=headers)


def make_handler(emu: HubEmulator) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one emulator (HTTP/1.1 keep-alive, as httpx expects)."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            """Silent: the emulator keeps its own request log (without credentials)."""

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            query_params = parse_qs(query, keep_blank_values=True)
            self._write(emu.handle(self.command, path, query_params, self.headers, self._body()))

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = _serve

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _write(self, response: Response) -> None:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            if response.stream is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    for chunk in response.stream:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (no-follow log fetch): nothing left to do
                return
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

    return _Handler
