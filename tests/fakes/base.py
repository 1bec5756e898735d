"""A loopback HTTP server in a thread, with per-key fault injection and a request log."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Faults a test can put on one key (a ticker): what the server does instead of answering.
# "garbage": well-formed answers whose numbers are not values (negative, huge, NaN).
# "maintenance": an HTML page served as 200 where a file was asked for (the Census fake).
FAULTS = (
    "timeout",
    "429",
    "500",
    "403",
    "404",
    "malformed",
    "empty",
    "missing_field",
    "garbage",
    "maintenance",
)


@dataclass(frozen=True)
class Request:
    """One request the fake server received."""

    method: str
    path: str
    query: dict[str, str]  # first value of each query parameter
    kind: str  # what was asked for, e.g. chart, timeseries, earnings, companyfacts
    key: str | None  # the ticker it is about (None for cookie, crumb, ...)
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived
    fault: str | None = None  # the fault served instead of the answer, if any


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Fault:
    key: str
    fault: str
    times: int | None  # None: forever
    kind: str | None  # None: every kind of request about the key


class FakeServer:
    """Base for the fake sources: start on a free loopback port in a thread, as a context manager.

    Subclasses implement `route(method, path, query, headers) -> (kind, key)` and
    `respond(request, fault) -> Response`, where fault is None, "empty" or "missing_field".
    """

    hang_s = 30.0  # a "timeout" fault holds the request this long (or until the server stops)

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._host, self._port = host, port
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[Request] = []
        self._rows_served: list[tuple[str, str | None, int, tuple]] = []
        self._bytes_sent: list[tuple[str, str | None, int]] = []
        self._current = threading.local()  # the request a handler thread is answering

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> FakeServer:
        """Bind a free port on loopback and serve in a daemon thread."""
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer((self._host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True, name=type(self).__name__
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests held by a timeout fault are released."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:40123 (no trailing slash)."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults and the request log -------------------------------------------------------------
    def fail(self, key: str, fault: str, times: int | None = None, kind: str | None = None) -> None:
        """Serve `fault` for requests about `key` (a ticker): the next `times` of them, or all."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of {', '.join(FAULTS)}")
        with self._lock:
            self._faults.append(_Fault(key.upper(), fault, times, kind))

    def heal(self, key: str | None = None) -> None:
        """Remove the faults on `key`, or all faults."""
        with self._lock:
            self._faults = [f for f in self._faults if key is not None and f.key != key.upper()]

    def clear_requests(self) -> None:
        """Forget the logged requests (e.g. between a first load and the refresh under test)."""
        with self._lock:
            self.requests.clear()
            self._rows_served.clear()
            self._bytes_sent.clear()

    def note_rows(self, kind: str, key: str | None, rows: int) -> None:
        """Record that an answer about `key` carried `rows` data rows (subclasses call this)."""
        request = getattr(self._current, "request", None)
        asked = (request.path, tuple(sorted(request.query.items()))) if request else ()
        with self._lock:
            self._rows_served.append((kind, key and key.upper(), rows, asked))

    def rows_served(
        self, kind: str | None = None, key: str | None = None, distinct: bool = False
    ) -> int:
        """Data rows sent in answers since the last clear_requests(), optionally one kind/key.

        distinct=True counts each distinct request once (path and query): what was asked for,
        whatever retries repeated; the default counts every answer sent (what it cost).
        """
        with self._lock:
            seen, total = set(), 0
            for k, t, n, asked in self._rows_served:
                if (kind is None or k == kind) and (key is None or t == key.upper()):
                    if distinct and asked in seen:
                        continue
                    seen.add(asked)
                    total += n
            return total

    def bytes_served(self, kind: str | None = None, key: str | None = None) -> int:
        """Body bytes sent since the last clear_requests(), optionally one kind/key."""
        with self._lock:
            return sum(
                n
                for k, t, n in self._bytes_sent
                if (kind is None or k == kind) and (key is None or t == key.upper())
            )

    def requests_for(self, kind: str | None = None, key: str | None = None) -> list[Request]:
        """Logged requests, optionally only one kind and/or one key."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (kind is None or r.kind == kind) and (key is None or r.key == key.upper())
            ]

    def _take_fault(self, kind: str, key: str | None) -> str | None:
        if key is None:
            return None
        with self._lock:
            for f in self._faults:
                if f.key == key.upper() and (f.kind is None or f.kind == kind) and f.times != 0:
                    if f.times is not None:
                        f.times -= 1
                    return f.fault
        return None

    # -- subclass hooks -------------------------------------------------------------------------
    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[str, str | None]:
        """(kind, key) of a request."""
        raise NotImplementedError

    def respond(self, request: Request, fault: str | None) -> Response:
        """The answer to a request; fault is None, 'empty' or 'missing_field'."""
        raise NotImplementedError

    def malformed(self, request: Request) -> Response:
        """A 200 answer whose body does not parse."""
        return Response(200, b'{"truncated": [1, 2,')

    # -- dispatch -------------------------------------------------------------------------------
    def _handle(self, method: str, raw_path: str, headers: dict[str, str]) -> Response | None:
        parts = urlsplit(raw_path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        kind, key = self.route(method, parts.path, query, headers)
        fault = self._take_fault(kind, key)
        request = Request(
            method, parts.path, query, kind, key and key.upper(), headers, time.monotonic(), fault
        )
        with self._lock:
            self.requests.append(request)
        if fault == "timeout":
            self._stop.wait(self.hang_s)
            return None
        if fault == "429":
            return Response(429, b"Too Many Requests\n", "text/plain", {"Retry-After": "1"})
        if fault == "500":
            return Response(500, b'{"error": "internal server error"}')
        if fault == "403":  # an error page, as a proxy or a block answers
            return Response(403, b"<html><body>Forbidden</body></html>", "text/html")
        if fault == "malformed":
            return self.malformed(request)
        self._current.request = request
        try:
            response = self.respond(request, fault)
        finally:
            self._current.request = None
        with self._lock:
            self._bytes_sent.append((kind, key and key.upper(), len(response.body)))
        return response


def _make_handler(fake: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            headers = {k: v for k, v in self.headers.items()}
            try:
                response = fake._handle(method, self.path, headers)
            except Exception as exc:  # a bug in the fake: answer 599 so the test sees it
                response = Response(599, f"fake server error: {exc!r}".encode(), "text/plain")
            if response is None:
                self.close_connection = True
                return
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._serve("POST")

        def log_message(self, *args):
            pass

    return Handler
