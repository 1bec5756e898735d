"""The single-writer lock: an OS file lock plus a small JSON record of who holds it.

The kernel drops an flock when its process dies, so a lock left by a killed refresh never
blocks the next one; the record only serves to name the holder in messages.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from warehouse.errors import Busy
from warehouse.settings import Settings

LOCK_SUFFIX = ".lock"


class LockBusy(Busy):
    """Another process holds the lock (and we were not asked to wait, or waited too long)."""

    hint = "try again when it has finished"

    def __init__(self, what: str, path: Path, holder: dict | None, waited_s: float | None = None):
        self.what, self.path, self.holder, self.waited_s = what, path, holder, waited_s
        super().__init__(self.message())

    def message(self) -> str:
        """One line: what is busy, who holds it, what to do."""
        who = describe_holder(self.holder)
        if self.waited_s is not None:
            return f"{self.what} (still, after waiting {self.waited_s:g} s): {who}"
        return f"{self.what}: {who}; {self.hint}"


class WarehouseBusy(LockBusy):
    """Another refresh or import is writing this warehouse."""

    hint = "use --wait to wait for it"


def describe_holder(holder: dict | None) -> str:
    """'pid 123 on host since 2026-... UTC (bubblemeter refresh ...)' from a holder record."""
    if not holder:
        return "another process (it has not written its name yet)"
    text = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
    if holder.get("started_at"):
        text += f" since {holder['started_at']}"
    if holder.get("command"):
        text += f" ({holder['command']})"
    return text


def current_command() -> str:
    """This process's command line, shortened, for the holder record."""
    argv = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]]
    if argv[0] in ("__main__.py", "-m"):
        argv[0] = "bubblemeter"
    text = shlex.join(argv)
    return text if len(text) <= 200 else text[:197] + "..."


def writer_lock_path(settings: Settings) -> Path:
    """The lock file for a warehouse: `<db>.lock` beside a local file, else in data/."""
    if settings.is_local_file:
        db = Path(settings.db)
        return db.with_name(db.name + LOCK_SUFFIX)
    safe = "".join(c if c.isalnum() else "_" for c in settings.db)
    return Path("data") / f"{safe}{LOCK_SUFFIX}"


def read_holder(path: Path) -> dict | None:
    """The holder record in a lock file, with 'alive' (its pid runs on this host), or None."""
    try:
        record = json.loads(Path(path).read_text() or "null")
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict):
        return None
    pid = record.get("pid")
    same_host = record.get("host") == socket.gethostname()
    record["alive"] = (not same_host) or (isinstance(pid, int) and pid_alive(pid))
    return record


def pid_alive(pid: int) -> bool:
    """True while a process with this pid exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Locks this process holds, by (path, thread): the same thread may re-enter (the CLI takes the
# lock for a whole refresh, then write_session takes it again); other threads are refused like
# other processes, because flock is per open file and they open their own.
_held: dict[tuple[str, int], list] = {}
_held_guard = threading.Lock()


def _holder_for_message(path: Path, tries: int = 5) -> dict | None:
    """Read the holder record, giving a holder that just took the lock a moment to write it."""
    record = None
    for _ in range(tries):
        record = read_holder(path)
        if record and record.get("alive"):
            return record
        time.sleep(0.05)
    return record if record and record.get("alive") else None


@contextlib.contextmanager
def file_lock(
    path: Path,
    what: str,
    *,
    wait: bool = False,
    timeout_s: float | None = None,
    command: str | None = None,
    on_wait: Callable[[dict | None], None] | None = None,
    busy: type[LockBusy] = LockBusy,
    poll_s: float = 0.1,
) -> Iterator[dict]:
    """Hold an exclusive flock on path for the block and write the holder record into it.

    Raises `busy` when another process holds it, unless wait=True (then polls until it is
    free, or until timeout_s seconds have passed).
    """
    path = Path(path).absolute()
    key = (str(path), threading.get_ident())
    with _held_guard:
        mine = _held.get(key)
        if mine is not None:
            mine[1] += 1
    if mine is not None:
        try:
            yield mine[2]
        finally:
            with _held_guard:
                mine[1] -= 1
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if not wait:
                    raise busy(what, path, _holder_for_message(path)) from None
                if timeout_s is not None and waited >= timeout_s:
                    raise busy(what, path, _holder_for_message(path), waited_s=timeout_s) from None
                if not told and on_wait is not None:
                    on_wait(_holder_for_message(path))
                    told = True
                time.sleep(poll_s)
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": command or current_command(),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        with _held_guard:
            _held[key] = [fd, 1, record]
        try:
            yield record
        finally:
            with _held_guard:
                _held.pop(key, None)
            # Empty the record before unlocking, so nobody reads a finished holder as current.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def writer_lock(
    settings: Settings,
    *,
    wait: bool = False,
    timeout_s: float | None = None,
    command: str | None = None,
    on_wait: Callable[[dict | None], None] | None = None,
):
    """The single-writer lock of a warehouse; WarehouseBusy when another writer holds it."""
    return file_lock(
        writer_lock_path(settings),
        f"another refresh is writing {settings.db}",
        wait=wait,
        timeout_s=timeout_s,
        command=command,
        on_wait=on_wait,
        busy=WarehouseBusy,
    )


def current_writer(settings: Settings) -> dict | None:
    """The holder record of a writer that is running now, or None (a dead holder's is ignored)."""
    record = read_holder(writer_lock_path(settings))
    return record if record and record.get("alive") else None
