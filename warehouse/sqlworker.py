"""User SQL under limits the operating system enforces, in this process or in a worker process.

DuckDB's memory_limit bounds its buffer manager, not every allocation (a list or string
builder can take 15 GB under a 1 GB limit), and its interrupt() is checked between vectors
only, so a query can run far past its time limit. Two limits hold whatever a query does:

- **Memory**: just before the query runs, the address-space limit (RLIMIT_AS) of the process
  is set to what it uses then plus MEMORY_HEADROOM times the query's memory limit. An
  allocation past it fails inside DuckDB, which reports it as out of memory; the process
  lives on. The limit is lifted again once the result is fetched.
- **Time**: DuckDB's interrupt at the time limit stops most queries; a watchdog thread ends
  the process at the time limit plus HARD_KILL_GRACE_S if the query is still running.

`bubblemeter sql` runs the query in its own process this way (the CLI process is the sandbox).
The dashboard never runs user SQL itself: `WorkerPool.run` hands each query to one of `size`
long-lived worker processes (`python -m warehouse.sqlworker`), so at most `size` run at once;
a worker that timed out, ended, or holds more than RECYCLE_RSS_BYTES afterwards is replaced.
A worker answers with a JSON line and the result frame pickled: it is this package's own
child process, and user SQL cannot run Python in it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import queue
import resource
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING

from warehouse.query import memory_message
from warehouse.settings import Settings

if TYPE_CHECKING:  # the worker's frames only; `bubblemeter sql` runs without pandas
    import pandas as pd

MEMORY_HEADROOM = 1.5  # the address space a query may add, in multiples of its memory limit
HARD_KILL_GRACE_S = 0.5  # past the time limit, the process ends if the query still runs
MAX_RESULT_BYTES = 64 * 2**20  # a result larger than this is cut to the rows that fit
POOL_SIZE = 2  # console queries at once per dashboard process
POOL_WAIT_S = 5.0  # how long a query waits for a free worker before it is refused
RECYCLE_RSS_BYTES = 512 * 2**20  # a worker holding more than this after a query is replaced
_UNITS = {
    "": 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
}


def size_bytes(text: str) -> int:
    """Bytes in a DuckDB size ('1GB', '512MB', '2GiB')."""
    cleaned = text.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGTIB")
    unit = cleaned[len(number) :]
    if not number or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (use e.g. 512MB or 1GB)")
    return int(float(number) * _UNITS[unit])


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_ceiling(settings: Settings):
    """Cap this process's address space for the duration (see the module docstring)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = _address_space_bytes() + int(MEMORY_HEADROOM * size_bytes(settings.sql_memory_limit))
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def hard_deadline(seconds: float, on_expiry: Callable[[], None]):
    """Call on_expiry (which ends the process) if the block is still running after seconds."""
    timer = threading.Timer(seconds, on_expiry)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _die(message: str) -> Callable[[], None]:
    def expire() -> None:
        sys.stderr.write(f"error: {message}\n")
        sys.stderr.flush()
        os._exit(1)

    return expire


def timeout_message(timeout_s: float) -> str:
    """The sentence for a query stopped at its time limit."""
    return (
        f"query stopped after {timeout_s:g} s, the time limit for one query; narrow it, or "
        f"raise the limit (--timeout, BUBBLEMETER_SQL_TIMEOUT)."
    )


def run_limited(
    settings: Settings,
    sql: str,
    *,
    timeout_s: float | None = None,
    row_cap: int | None = None,
    on_timeout: Callable[[], None] | None = None,
    rows: bool = False,
):
    """Run one sandboxed query under the memory ceiling and the hard deadline (rows: as
    run_sandboxed's)."""
    from warehouse.query import run_sandboxed

    timeout = settings.sql_timeout_s if timeout_s is None else timeout_s
    expire = on_timeout or _die(timeout_message(timeout))
    return run_sandboxed(
        settings,
        sql,
        timeout_s=timeout,
        row_cap=row_cap,
        around_execute=lambda: _limits(settings, timeout, expire),
        rows=rows,
    )


@contextmanager
def _limits(settings: Settings, timeout: float, expire: Callable[[], None]):
    with hard_deadline(timeout + HARD_KILL_GRACE_S, expire), memory_ceiling(settings):
        yield


# -- the worker process --------------------------------------------------------------------------


def _fit(frame: pd.DataFrame, max_bytes: int) -> tuple[bytes, bool]:
    """The frame pickled (this package's own child to its parent), cut to the leading rows
    that fit in max_bytes."""
    data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) <= max_bytes or frame.empty:
        return data, False
    rows = max(1, int(len(frame) * max_bytes / len(data) * 0.9))
    while True:
        data = pickle.dumps(frame.iloc[:rows].copy(), protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) <= max_bytes or rows == 1:
            return data, True
        rows //= 2


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker_main() -> int:
    """Answer requests on stdin (JSON lines), each with a JSON line and a pickled frame."""
    from warehouse.query import QueryError, QueryRefused, QueryTimeout  # imported while idle

    out = sys.stdout.buffer

    def reply(header: dict, body: bytes = b"") -> None:
        header = {**header, "bytes": len(body), "rss_bytes": _rss_bytes()}
        out.write((json.dumps(header) + "\n").encode())
        out.write(body)
        out.flush()

    for line in sys.stdin:
        request = json.loads(line)
        settings = Settings(
            db=request["db"],
            sql_timeout_s=request["timeout_s"],
            sql_memory_limit=request["memory_limit"],
        )

        def expired(timeout_s=request["timeout_s"]) -> None:
            reply({"error": "QueryTimeout", "message": timeout_message(timeout_s)})
            os._exit(0)  # the query is still running: this process goes, the pool replaces it

        try:
            result = run_limited(
                settings,
                request["sql"],
                timeout_s=request["timeout_s"],
                row_cap=request.get("row_cap"),
                on_timeout=expired,
            )
        except QueryError as exc:
            kind = next(
                k.__name__ for k in (QueryTimeout, QueryRefused, QueryError) if isinstance(exc, k)
            )
            reply({"error": kind, "message": str(exc)})
            continue
        body, cut = _fit(result.frame, request.get("max_bytes", MAX_RESULT_BYTES))
        reply(
            {
                "elapsed_s": result.elapsed_s,
                "truncated": result.truncated or cut,
                "date_columns": result.frame.attrs.get("date_columns", []),
            },
            body,
        )
    return 0


class _Worker:
    """One worker process and its pipes."""

    def __init__(self):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "warehouse.sqlworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )

    def ask(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        """Send one request; (header, body) of the answer, TimeoutError past the deadline,
        EOFError if the process ended without one."""
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        fd = self.proc.stdout.fileno()
        buffer = b""
        header = None
        while True:
            if header is None and b"\n" in buffer:
                line, _, buffer = buffer.partition(b"\n")
                header = json.loads(line)
            if header is not None and len(buffer) >= header["bytes"]:
                return header, buffer[: header["bytes"]]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                buffer += chunk

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


class WorkerPool:
    """At most `size` user queries at once, each in one of `size` long-lived worker processes;
    a worker that timed out, died or grew past RECYCLE_RSS_BYTES is replaced."""

    def __init__(self, size: int = POOL_SIZE, wait_s: float = POOL_WAIT_S):
        self.size, self.wait_s = size, wait_s
        self._slots = threading.BoundedSemaphore(size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Start the workers (once per process), so queries do not wait for their imports."""
        with self._lock:
            self._forget_after_fork()
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._idle.put(_Worker())

    def _forget_after_fork(self) -> None:
        """In a forked child (a gunicorn worker) the idle workers are the parent's: start anew."""
        if self._pid != os.getpid():
            self._idle, self._pid, self._started = queue.Queue(), os.getpid(), False

    def _take(self) -> _Worker:
        with self._lock:
            self._forget_after_fork()
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            return _Worker()
        return worker if worker.proc.poll() is None else _Worker()

    def run(
        self,
        settings: Settings,
        sql: str,
        *,
        timeout_s: float | None = None,
        row_cap: int | None = None,
    ):
        """Run one query in a worker; QueryError (or a subclass) on any failure."""
        from warehouse.query import QueryError, QueryRefused, QueryResult, QueryTimeout

        timeout = settings.sql_timeout_s if timeout_s is None else timeout_s
        if not self._slots.acquire(timeout=self.wait_s):
            raise QueryRefused(
                f"the SQL console is busy ({self.size} queries are running); try again in a moment."
            )
        worker, keep = None, False
        try:
            worker = self._take()
            request = {
                "db": settings.db,
                "sql": sql,
                "timeout_s": timeout,
                "memory_limit": settings.sql_memory_limit,
                "row_cap": row_cap,
                "max_bytes": MAX_RESULT_BYTES,
            }
            started = time.perf_counter()
            # The worker's own watchdog answers at the deadline; this one covers a worker
            # that cannot (stuck outside the query, or still importing under heavy load).
            deadline = time.monotonic() + timeout + HARD_KILL_GRACE_S + 30
            try:
                header, body = worker.ask(request, deadline)
            except TimeoutError:
                raise QueryTimeout(timeout_message(timeout)) from None
            except (EOFError, BrokenPipeError):
                code = worker.proc.wait()
                raise QueryError(
                    memory_message(settings)
                    if code and code < 0
                    else f"the query's worker process ended without an answer (exit {code})"
                ) from None
            keep = (
                header.get("rss_bytes", 0) <= RECYCLE_RSS_BYTES
                and header.get("error") != "QueryTimeout"
            )
            if "error" in header:
                kind = {"QueryTimeout": QueryTimeout, "QueryRefused": QueryRefused}.get(
                    header["error"], QueryError
                )
                error = kind(header["message"])
                if isinstance(error, QueryTimeout):
                    error.elapsed_s = time.perf_counter() - started
                raise error
            frame = pickle.loads(body)
            frame.attrs["date_columns"] = header.get("date_columns", [])
            return QueryResult(frame, header["elapsed_s"], header["truncated"], row_cap)
        finally:
            if worker is not None:
                if keep and worker.proc.poll() is None:
                    self._idle.put(worker)
                else:
                    worker.close()
            self._slots.release()


# The dashboard's pool (dashboard.app starts it; dashboard.data runs console queries on it).
SQL_WORKERS = WorkerPool()


if __name__ == "__main__":
    raise SystemExit(worker_main())
