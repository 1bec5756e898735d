"""The read path: one Reader per process reads warehouse files read-only, cheaply and consistently.

    from warehouse.reader import READER

    READER.query(settings, "select * from thesis_scorecard")     # one query, the file as it is now
    with READER.request(settings):                               # a dashboard request:
        READER.cached(settings, key, lambda: READER.query(...))  # every query reads one file

The protocol (warehouse/db.py owns the write path: copy, load, checkpoint, os.replace):

1. **One in-memory DuckDB instance per process.** Creating an instance costs ~20 ms (an empty
   :memory: one costs the same), so the Reader keeps one, made again after a fork (gunicorn
   workers), and hands out cursors on it.
2. **One attachment per query, or per request.** A query attaches the warehouse file read-only
   under a fresh alias (~3 ms) and detaches it when done. Inside `request(settings)` (or
   between `hold(settings)` and `release()`, which the dashboard calls from Flask's
   before_request / teardown_request), every query on that thread shares the first query's
   attachment: a refresh that swaps a new file in meanwhile never gives one answer parts of two
   warehouses. An attachment opens the file the path names at that moment; duckdb.connect(path)
   would hand out the instance of any connection still open on the path, possibly a file a
   refresh has replaced.
3. **Identity.** A file's content is identified by device, inode, mtime and size of the file
   and of its WAL (`file_identity`). A held attachment's identity is taken before and after it
   opens; if a swap landed in between it is tried again, and after three tries it has none
   (read, but nothing cached). MotherDuck and :memory: have no identity.
4. **Cache.** `cached(settings, key, compute)` keeps results per (warehouse, identity, key):
   a result is filed under the identity read before the query ran, and results of a file's
   earlier content are dropped as soon as a newer content is cached. Least recently used
   results go first past `max_cache_bytes`; a result larger than an eighth of it is not kept.

MotherDuck warehouses and :memory: get a plain reader (warehouse.db.read_connection) instead of
an attachment; they are never cached.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.db import WarehouseMissing, read_connection, sql_string
from warehouse.settings import Settings

if TYPE_CHECKING:  # only annotations here: the DataFrames come from DuckDB's .df()
    import pandas as pd


def file_identity(settings: Settings) -> tuple | None:
    """What identifies the warehouse file's content: device, inode, mtime and size of the file
    and of its WAL; None for MotherDuck, :memory: and a missing file.

    Every write changes it: a refresh swaps in a new file (a new inode, and a later mtime even
    if the inode number is reused), and a writer that opens the file in place changes its WAL
    or, at a checkpoint, the file itself.
    """
    if not settings.is_local_file:
        return None
    try:
        st = os.stat(settings.db)
    except FileNotFoundError:
        return None
    try:
        wal = os.stat(f"{settings.db}.wal")
        wal_id = (wal.st_ino, wal.st_mtime_ns, wal.st_size)
    except FileNotFoundError:
        wal_id = None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size, wal_id)


class Reader:
    """Read-only access to warehouse files for one process (see the module docstring)."""

    def __init__(self, max_cache_bytes: int = 64 * 2**20):
        self.max_cache_bytes = max_cache_bytes
        self._base: duckdb.DuckDBPyConnection | None = None
        self._base_pid: int | None = None
        self._base_lock = threading.Lock()
        self._aliases = itertools.count(1)
        self._held = threading.local()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
        self._cache_bytes = 0

    # -- cursors and attachments -----------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on this process's in-memory instance (made again after a fork)."""
        with self._base_lock:
            if self._base is None or self._base_pid != os.getpid():
                self._base = duckdb.connect(":memory:")
                self._base_pid = os.getpid()
            return self._base.cursor()

    @contextlib.contextmanager
    def attached(self, settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor with the warehouse file as it is now attached read-only; detached on exit."""
        if not settings.is_local_file:
            with read_connection(settings) as con:
                yield con
            return
        path = Path(settings.db)
        if not path.exists():
            raise WarehouseMissing(
                f"no warehouse at {path}: run `bubblemeter refresh` "
                f"(or `bubblemeter refresh --from DIR` offline) first"
            )
        alias = f"warehouse_{next(self._aliases)}"
        con = self._cursor()
        try:
            con.execute(f"attach {sql_string(str(path))} as {alias} (read_only)")
            try:
                con.execute(f"use {alias}")
                yield con
            finally:
                with contextlib.suppress(duckdb.Error):
                    con.execute("use memory")
                    con.execute(f"detach {alias}")
        finally:
            con.close()

    # -- request scope ---------------------------------------------------------------------------
    def hold(self, settings: Settings) -> None:
        """Make this thread's queries share one attachment (opened on first use) until release()."""
        self.release()
        held = self._held
        held.settings, held.cm, held.con, held.identity = settings, None, None, None

    def release(self) -> None:
        """Close this thread's held attachment, if one was opened."""
        held = self._held
        cm = getattr(held, "cm", None)
        held.settings = held.cm = held.con = held.identity = None
        if cm is not None:
            cm.__exit__(None, None, None)

    @contextlib.contextmanager
    def request(self, settings: Settings) -> Iterator[None]:
        """hold() for the duration of a with block."""
        self.hold(settings)
        try:
            yield
        finally:
            self.release()

    def _held_connection(self, settings: Settings):
        """(connection, identity) of this thread's held attachment, opened on first use."""
        held = self._held
        if getattr(held, "settings", None) != settings:
            return None
        if held.con is None:
            for _ in range(3):
                before = file_identity(settings)
                cm = self.attached(settings)
                con = cm.__enter__()
                # The identity names what was attached only if no swap landed meanwhile.
                if file_identity(settings) == before:
                    break
                cm.__exit__(None, None, None)
            else:
                before = None  # kept changing: read it, but cache nothing
            held.cm, held.con, held.identity = cm, con, before
        return held.con, held.identity

    def identity(self, settings: Settings) -> tuple | None:
        """The identity of what this thread reads: the held attachment's, else the file's now."""
        held = self._held_connection(settings)
        return held[1] if held else file_identity(settings)

    # -- queries and results ---------------------------------------------------------------------
    def query(
        self, settings: Settings, sql: str, params: list | dict | None = None
    ) -> pd.DataFrame:
        """Run one read-only query (on this thread's held attachment, if any)."""
        held = self._held_connection(settings)
        if held is not None:
            return held[0].execute(sql, params).df()
        with self.attached(settings) as con:
            return con.execute(sql, params).df()

    def cached(
        self, settings: Settings, key: tuple, compute: Callable[[], pd.DataFrame]
    ) -> pd.DataFrame:
        """The kept result for key (a copy), or compute() for the file this thread reads."""
        identity = self.identity(settings)
        if identity is None:
            return compute()
        full_key = (settings.db, identity, key)
        with self._cache_lock:
            hit = self._cache.get(full_key)
            if hit is not None:
                self._cache.move_to_end(full_key)
                return hit[0].copy()
        frame = compute()
        if self.identity(settings) != identity:
            return frame  # the file changed while it was read: keep nothing
        size = int(frame.memory_usage(index=True, deep=True).sum())
        if size > self.max_cache_bytes // 8:
            return frame  # too large to be worth keeping
        with self._cache_lock:
            stale = [k for k in self._cache if k[0] == settings.db and k[1] != identity]
            for old in stale:
                self._cache_bytes -= self._cache.pop(old)[1]
            if full_key not in self._cache:
                self._cache[full_key] = (frame.copy(), size)
                self._cache_bytes += size
            while self._cache_bytes > self.max_cache_bytes:
                self._cache_bytes -= self._cache.popitem(last=False)[1][1]
        return frame

    def kept(self, settings: Settings, identity: tuple | None = None) -> int:
        """How many results are kept for this warehouse's content (its identity now, or the
        one given)."""
        identity = identity if identity is not None else file_identity(settings)
        with self._cache_lock:
            return sum(1 for k in self._cache if k[0] == settings.db and k[1] == identity)

    def clear_cache(self) -> None:
        """Forget every kept result."""
        with self._cache_lock:
            self._cache.clear()
            self._cache_bytes = 0


# The process's reader: the dashboard, the CLI and the SQL console's schema browser share it.
READER = Reader()


def query_df(settings: Settings, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """READER.query: one read-only query, returned as a DataFrame."""
    return READER.query(settings, sql, params)
