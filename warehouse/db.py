"""Opening DuckDB: connections (local files, MotherDuck), and the writer that swaps a copy in.

The read path that the dashboard and the CLI use, one in-memory instance with the file attached
per query or per request, and its results cache, is warehouse/reader.py. These two modules are
the only ones that call duckdb.connect.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse.crashpoints import crash_point
from warehouse.errors import BubblemeterError
from warehouse.lock import pid_alive, writer_lock
from warehouse.precompute import build_markets_ranges
from warehouse.settings import PACKAGE_DIR, ConfigError, Settings

SCHEMA_FILE = PACKAGE_DIR / "schema.sql"
MACROS_FILE = PACKAGE_DIR / "macros.sql"
MODEL_LAYERS = ("staging", "marts")
TMP_MARK = ".tmp-"
# Files are written in the storage format of DuckDB 1.2, which every DuckDB client from 1.2 on
# opens (the DuckDB CLI, notebooks pinned to an older duckdb); DuckDB's default for a new file
# is its own newest format, which older clients refuse.
STORAGE_COMPATIBILITY = "v1.2.0"
STORAGE_VERSIONS_READABLE = (64, 65)  # the header's version numbers DuckDB 1.2 reads
WRITE_COPY_CONFIG = {"fsync_mode": "none", "storage_compatibility_version": STORAGE_COMPATIBILITY}


def sql_string(text: str) -> str:
    """A SQL string literal holding text (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


class WarehouseMissing(BubblemeterError):
    """The warehouse file does not exist yet."""


class WarehouseUnreachable(BubblemeterError):
    """A MotherDuck warehouse that did not answer: offline, extension not installable, timeout."""


def _motherduck_config(settings: Settings, config: dict | None = None) -> dict:
    """Connect config for md:NAME; the token comes from settings, never the connection string."""
    if not settings.motherduck_token:
        raise ConfigError(
            f"{settings.db} is a MotherDuck database: set the motherduck_token "
            f"environment variable to a MotherDuck access token"
        )
    extra = {"motherduck_token": settings.motherduck_token}
    if settings.duckdb_extension_repository:
        # a mirror for the motherduck extension (proxies, air-gapped networks, tests)
        extra["custom_extension_repository"] = settings.duckdb_extension_repository
    return {**(config or {}), **extra}


def _with_params(db: str, params: dict[str, str]) -> str:
    """Append MotherDuck connection-string parameters that the string does not set already."""
    missing = {k: v for k, v in params.items() if f"{k}=" not in db}
    if not missing:
        return db
    joined = "&".join(f"{k}={v}" for k, v in missing.items())
    return f"{db}{'&' if '?' in db else '?'}{joined}"


def _unreachable_message(exc: BaseException) -> str:
    """One line saying why MotherDuck could not be opened."""
    text = " ".join(str(exc).split())
    if "Failed to download extension" in text:
        reason = re.search(r"\((?:ERROR )?([^()]*)\)\s*$", text)
        return "cannot install DuckDB's motherduck extension" + (
            f" ({reason.group(1)})" if reason else ""
        )
    return text.split(" For more info")[0]


_remote_bases: dict[tuple, duckdb.DuckDBPyConnection] = {}
_remote_lock = threading.Lock()


def _connect_remote(settings: Settings, db: str, config: dict) -> duckdb.DuckDBPyConnection:
    """duckdb.connect to MotherDuck within settings.remote_connect_timeout_s.

    Offline, DuckDB first tries to download the motherduck extension, and against a network
    that drops packets that download (and the extension's own connect) can hang for minutes;
    the connect runs in a daemon thread so the caller gets a clear error after the deadline.
    """
    box: dict = {}
    abandoned = threading.Event()

    def attempt():
        try:
            con = duckdb.connect(db, config=config)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
            return
        if abandoned.is_set():
            con.close()
        else:
            box["con"] = con

    worker = threading.Thread(target=attempt, name="motherduck-connect", daemon=True)
    worker.start()
    worker.join(settings.remote_connect_timeout_s)
    if worker.is_alive():
        abandoned.set()
        raise WarehouseUnreachable(
            f"MotherDuck unreachable: {settings.db} did not answer within "
            f"{settings.remote_connect_timeout_s:g} s (BUBBLEMETER_MD_CONNECT_TIMEOUT)"
        )
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, (duckdb.IOException, duckdb.HTTPException, duckdb.ConnectionException)):
            raise WarehouseUnreachable(
                f"MotherDuck unreachable: {_unreachable_message(exc)}"
            ) from None
        raise exc
    return box["con"]


def _remote_reader(settings: Settings, config: dict | None) -> duckdb.DuckDBPyConnection:
    """A cursor on one cached MotherDuck connection per process and config.

    Opening MotherDuck costs a network round trip or more, so readers share one connection
    and each gets its own cursor; there is no file to swap, so no reason to reconnect.
    User queries ask for enable_external_access=false, which would also stop the motherduck
    extension: on MotherDuck the same intent is saas_mode=true (no local files).
    """
    config = dict(config or {})
    db = settings.db
    if config.pop("enable_external_access", True) is False:
        db = _with_params(db, {"saas_mode": "true"})
    config = _motherduck_config(settings, config)
    key = (db, tuple(sorted((k, str(v)) for k, v in config.items())))
    with _remote_lock:
        base = _remote_bases.get(key)
        if base is None:
            base = _remote_bases[key] = _connect_remote(settings, db, config)
    return base.cursor()


def read_connection(settings: Settings, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open a read-only connection; the caller closes it (use as a context manager).

    A local file opens read_only; a MotherDuck database has no such mode (give readers a
    read-scaling token, which MotherDuck serves read-only).
    """
    if settings.is_motherduck:
        return _remote_reader(settings, config)
    if settings.is_local_file:
        path = Path(settings.db)
        if not path.exists():
            raise WarehouseMissing(
                f"no warehouse at {path}: run `bubblemeter refresh` "
                f"(or `bubblemeter refresh --from DIR` offline) first"
            )
    return duckdb.connect(settings.db, read_only=True, config=config or {})


def attached_reader(settings: Settings, config: dict) -> duckdb.DuckDBPyConnection:
    """Open an in-memory instance with its own config and attach the warehouse read-only.

    DuckDB shares one instance per file path and refuses a second connection with a different
    config ("Can't open a connection to same database file with a different configuration"),
    so a limited reader opened on the path itself would break every other reader in the
    process while it runs. Attaching gives the limited reader an instance of its own. The
    catalog is named after the file, as the DuckDB CLI names it.
    """
    if not settings.is_local_file:
        return read_connection(settings, config=config)
    path = Path(settings.db)
    if not path.exists():
        raise WarehouseMissing(
            f"no warehouse at {path}: run `bubblemeter refresh` "
            f"(or `bubblemeter refresh --from DIR` offline) first"
        )
    alias = path.stem.replace('"', '""')
    if alias.lower() in ("", "memory", "system", "temp", "main"):
        alias = "warehouse"  # names DuckDB keeps for itself
    con = duckdb.connect(":memory:", config=config)
    try:
        con.execute(f'attach {sql_string(str(path))} as "{alias}" (read_only)')
        con.execute(f'use "{alias}"')
    except BaseException:
        con.close()
        raise
    return con


def _tmp_path(live: Path) -> Path:
    return live.with_name(f"{live.name}{TMP_MARK}{os.getpid()}")


def remove_stale_copies(live: Path) -> list[Path]:
    """Delete working copies left by writers that died (their pid is gone)."""
    removed = []
    for tmp in live.parent.glob(f"{live.name}{TMP_MARK}*"):
        pid = tmp.name.rsplit(TMP_MARK, 1)[-1].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextlib.contextmanager
def write_session(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a copy of the warehouse; swap it in only on success.

    Readers keep reading the old file until os.replace(); a crash leaves the old file intact.
    Holds the single-writer lock throughout (WarehouseBusy if another writer has it).
    """
    with writer_lock(settings):
        crash_point("lock taken")
        with _write_session_locked(settings) as con:
            yield con


@contextlib.contextmanager
def _write_session_locked(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """write_session's work, once the lock is held."""
    if not settings.is_local_file:
        # MotherDuck (or :memory:): no file to copy and swap; each item's transaction
        # commits straight to the database, so readers see items as they land.
        if settings.is_motherduck:
            con = _connect_remote(settings, settings.db, _motherduck_config(settings))
        else:
            con = duckdb.connect(settings.db)
        try:
            apply_schema(con)
            apply_models(con)  # loads that derive rows read views (ingest.datasets.Derived)
            yield con
            apply_models(con)
            build_markets_ranges(con)
        finally:
            con.close()
        return

    live = Path(settings.db)
    live.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(live)
    tmp = _tmp_path(live)
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)
    migrate = live.exists() and storage_version(live) not in STORAGE_VERSIONS_READABLE
    if live.exists() and not migrate:
        shutil.copyfile(live, tmp)
        if Path(f"{live}.wal").exists():
            shutil.copyfile(f"{live}.wal", f"{tmp}.wal")
    # The copy only counts once it is swapped in, and a crash before that discards it: so no
    # fsync per item commit; the checkpoint and the fsync below make the copy durable.
    con = duckdb.connect(str(tmp), config=WRITE_COPY_CONFIG)
    try:
        if migrate:  # written in a newer storage format: copy its tables into the 1.2 format
            _copy_tables(con, live)
        crash_point("copy made")
        apply_schema(con)
        apply_models(con)  # loads that derive rows read views (ingest.datasets.Derived)
        yield con
        apply_models(con)
        build_markets_ranges(con)
        con.execute("checkpoint")
        con.close()
        crash_point("finishing")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, live)
        crash_point("just swapped in")
        Path(f"{live}.wal").unlink(missing_ok=True)
        _fsync_dir(live.parent)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise


def storage_version(path: Path) -> int | None:
    """The storage version number in a DuckDB file's header (None if it is not one)."""
    with open(path, "rb") as fh:
        header = fh.read(20)
    if len(header) < 20 or header[8:12] != b"DUCK":
        return None
    return int.from_bytes(header[12:20], "little")


def _copy_tables(con: duckdb.DuckDBPyConnection, source: Path) -> None:
    """Fill a new warehouse with every table of `source` (by column name)."""
    apply_schema(con)
    con.execute(f"attach {sql_string(str(source))} as migrate_source (read_only)")
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'migrate_source' "
                "and schema_name = 'main'"
            ).fetchall()
        ]
        ours = set(main_tables(con))
        for table in tables:
            if table in ours:
                con.execute(
                    f'insert into main."{table}" by name '
                    f'select * from migrate_source.main."{table}"'
                )
    finally:
        con.execute("detach migrate_source")


def main_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the connection's main schema."""
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main'"
        ).fetchall()
    ]


def _fsync_dir(path: Path) -> None:
    """Make a rename in this directory durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def primary_keys() -> dict[str, list[str]]:
    """Each table's primary-key columns, as schema.sql declares them."""
    keys = {}
    for name, body in re.findall(
        r"create table if not exists (\w+) \((.*?)\n\);", SCHEMA_FILE.read_text(), re.S
    ):
        declared = re.search(r"primary key \(([^)]*)\)", body)
        if declared:
            keys[name] = [c.strip() for c in declared.group(1).split(",")]
        else:
            keys[name] = re.findall(r"^\s*(\w+) \w+ primary key", body, re.M)
    return keys


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables (idempotent)."""
    con.execute(SCHEMA_FILE.read_text())


def model_files() -> list[Path]:
    """SQL model files in build order: staging first, then marts; file name = view name."""
    files = []
    for layer in MODEL_LAYERS:
        files.extend(sorted((PACKAGE_DIR / "models" / layer).glob("*.sql")))
    return files


def model_description(path: Path) -> str:
    """The first comment line of a model file (it states the grain)."""
    for line in path.read_text().splitlines():
        if line.startswith("--"):
            return line.lstrip("-").strip()
    return ""


_COLUMN_LINE = re.compile(r"^-- column (\w+): (.+)$")


def column_comments(path: Path) -> list[tuple[str, str]]:
    """(column, description) from a model file's `-- column NAME: text` lines."""
    return [
        (m.group(1), m.group(2).strip())
        for m in map(_COLUMN_LINE.match, path.read_text().splitlines())
        if m
    ]


def apply_models(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every view, retrying those whose dependencies come later."""
    if MACROS_FILE.exists():
        con.execute(MACROS_FILE.read_text())
    pending = model_files()
    while pending:
        failed, last_error = [], None
        for path in pending:
            name = path.stem
            try:
                con.execute(f"create or replace view {name} as\n{path.read_text()}")
                con.execute(f"comment on view {name} is {sql_string(model_description(path))}")
                for column, text in column_comments(path):
                    con.execute(f"comment on column {name}.{column} is {sql_string(text)}")
            except duckdb.CatalogException as exc:
                failed.append(path)
                last_error = exc
        if len(failed) == len(pending):
            raise RuntimeError(f"cannot build views {[p.stem for p in failed]}: {last_error}")
        pending = failed


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> DuckDB type for a table."""
    if not _IDENT.match(table):
        raise ValueError(f"bad table name {table!r}")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return dict(rows)


def table_info(con: duckdb.DuckDBPyConnection, table: str) -> tuple[dict[str, str], list[str]]:
    """Column name -> DuckDB type, and the primary-key columns, of a table (one cheap pragma)."""
    if not _IDENT.match(table):
        raise ValueError(f"bad table name {table!r}")
    rows = con.execute(f"pragma table_info('{table}')").fetchall()
    if not rows:
        raise duckdb.CatalogException(f"Table with name {table} does not exist!")
    return {r[1]: r[2] for r in rows}, [r[1] for r in rows if r[5]]
