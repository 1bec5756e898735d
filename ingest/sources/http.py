"""HTTP plumbing shared by the live sources: retries with backoff, rate limits, plain reasons."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
import tenacity

from warehouse.errors import BubblemeterError

T = TypeVar("T")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_FIELD = re.compile(r"[A-Za-z_][\w .()%-]*")


class SourceError(BubblemeterError):
    """A fetch that failed; the message is the reason a person reads in the run log."""

    def __init__(self, reason: str, network: bool = False):
        super().__init__(reason)
        self.network = network  # the source did not answer (timeout, connection), not bad data


class HTTPStatusError(BubblemeterError, requests.HTTPError):
    """An HTTP error status worth retrying (429 or 5xx)."""

    def __init__(self, status: int, url: str):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.url = url


# A whole request (connect and every read) may take this many times the per-read timeout.
WHOLE_REQUEST_FACTOR = 3
# The largest answer a source may send: generous (a large companyfacts is 4 MB, a full price
# history under 2 MB), far below what would strain the machine.
MAX_BODY_BYTES = 32 * 2**20


class WholeRequestTimeout(requests.Timeout):
    """An answer that did not arrive whole within the whole-request deadline."""


class BodyTooLarge(SourceError):
    """An answer larger than MAX_BODY_BYTES (not retried)."""


class BoundedSession(requests.Session):
    """A requests.Session whose every request has a whole-request deadline and a size cap.

    requests' own timeout bounds each read, so a server that drips a byte every few seconds
    could hold a request (and the refresh's writer lock) for hours; here the body is read in
    chunks against one deadline for the whole request, and no more than max_bytes are kept.
    """

    def __init__(self, timeout_s: float = 10.0, max_bytes: int = MAX_BODY_BYTES):
        super().__init__()
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes

    def request(self, method, url, *args, **kwargs):
        kwargs["timeout"] = self.timeout_s
        kwargs["stream"] = True
        whole_s = WHOLE_REQUEST_FACTOR * self.timeout_s
        started = time.monotonic()
        response = super().request(method, url, *args, **kwargs)
        # A read blocks until its chunk is full, however slowly the bytes come: at the deadline
        # a timer shuts the socket, which ends the read at once.
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            sock = _socket_of(response)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(max(0.0, started + whole_s - time.monotonic()), cut)
        timer.daemon = True
        timer.start()
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.max_bytes:
                raise BodyTooLarge(_too_large(self.max_bytes, declared))
            chunks, size = [], 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise BodyTooLarge(_too_large(self.max_bytes))
                    chunks.append(chunk)
            except requests.RequestException:
                if expired.is_set():
                    raise WholeRequestTimeout(f"no whole answer within {whole_s:g} s") from None
                raise
            if expired.is_set():
                raise WholeRequestTimeout(f"no whole answer within {whole_s:g} s")
            response._content = b"".join(chunks)
        finally:
            timer.cancel()
            response.close()
        return response


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from (urllib3 -> http.client -> socket file)."""
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is None:
        fp = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock


def _too_large(limit: int, declared: int | None = None) -> str:
    size = f" ({declared / 2**20:.1f} MB)" if declared else ""
    return f"answer larger than {limit / 2**20:.0f} MB{size}; not loaded"


@dataclass(frozen=True)
class RetryPolicy:
    tries: int = 4  # attempts in all, the first included
    backoff_s: float = 1.0  # wait before the 2nd attempt; doubles each time
    max_wait_s: float = 30.0
    timeout_s: float = 10.0  # per HTTP request

    @classmethod
    def from_settings(cls, settings) -> RetryPolicy:
        """The policy the settings ask for."""
        return cls(
            tries=max(1, settings.http_tries),
            backoff_s=settings.http_backoff_s,
            timeout_s=settings.http_timeout_s,
        )


DEFAULT_POLICY = RetryPolicy()


def is_retryable(exc: BaseException) -> bool:
    """429, 5xx, timeouts and dropped connections are retried; a bad payload is not."""
    if isinstance(exc, (json.JSONDecodeError, requests.exceptions.InvalidJSONError)):
        return False
    if isinstance(exc, HTTPStatusError):
        return exc.status in RETRY_STATUS
    return isinstance(exc, (requests.Timeout, requests.ConnectionError))


def is_network(exc: BaseException) -> bool:
    """True when the source did not answer at all (as opposed to answering badly)."""
    return isinstance(exc, (requests.Timeout, requests.ConnectionError)) and not isinstance(
        exc, requests.exceptions.InvalidJSONError
    )


def describe(exc: BaseException, timeout_s: float) -> str:
    """A short reason for a failed request, for people."""
    if isinstance(exc, HTTPStatusError):
        return f"HTTP {exc.status}"
    if isinstance(exc, (json.JSONDecodeError, requests.exceptions.InvalidJSONError)):
        return f"malformed JSON ({_first_line(exc)})"
    if isinstance(exc, WholeRequestTimeout):
        return f"timeout (no whole answer within {WHOLE_REQUEST_FACTOR * timeout_s:g} s)"
    if isinstance(exc, requests.Timeout):
        return f"timeout (no answer within {timeout_s:g} s)"
    if isinstance(exc, RecursionError):
        return "malformed JSON (nested deeper than it can be read)"
    if isinstance(exc, requests.ConnectionError):
        return f"connection failed ({_root_cause(exc)})"
    if isinstance(exc, KeyError):
        field = exc.args[0] if exc.args else None
        if isinstance(field, str) and _FIELD.fullmatch(field):
            return f"missing field {field!r}"
        return f"unexpected payload layout (KeyError: {_first_line(exc)})"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return " ".join(text.splitlines()[0].split()) if text else type(exc).__name__


CONNECTION_MARKERS = (
    "Connection refused",
    "Name or service not known",
    "No route to host",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Connection reset",
    "Connection aborted",
    "Remote end closed connection",
    "Broken pipe",
)


def _root_cause(exc: BaseException) -> str:
    """What went wrong with a connection, from anywhere in the exception's chain.

    The deepest exception is not always the cause: http.client retries getresponse() without
    an argument after a TypeError, so a reset can end its chain in "unexpected keyword
    argument 'buffering'". Known causes are looked for in every link's text first.
    """
    chain, seen = [], exc
    while seen is not None and len(chain) < 20:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for link in chain:
        text = str(link)
        for marker in CONNECTION_MARKERS:
            if marker.lower() in text.lower():
                return marker
        if isinstance(link, ConnectionResetError):
            return "Connection reset"
    real = [link for link in chain if not isinstance(link, TypeError)]
    return _first_line(real[-1] if real else chain[-1])


def with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    explain: Callable[[BaseException], str] | None = None,
    retryable: Callable[[BaseException], bool] = is_retryable,
) -> T:
    """Run `call`, retrying transient failures with backoff; SourceError when it gives up.

    The reason says how many tries were made: "HTTP 429 after 4 tries".
    """
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(retryable),
        stop=tenacity.stop_after_attempt(policy.tries),
        wait=tenacity.wait_exponential(multiplier=policy.backoff_s, max=policy.max_wait_s),
        reraise=True,
    )
    explain = explain or (lambda exc: describe(exc, policy.timeout_s))
    try:
        return retrying(call)
    except SourceError:
        raise
    except Exception as exc:
        tries = retrying.statistics.get("attempt_number", 1)
        reason = explain(exc)
        if retryable(exc):
            reason += f" after {tries} {'try' if tries == 1 else 'tries'}"
        raise SourceError(reason, network=is_network(exc)) from exc


class RateLimiter:
    """At most `per_second` calls per second across threads (calls are spaced evenly)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        """Block until the next call may start."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)
