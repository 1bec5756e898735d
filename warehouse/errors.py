"""One exception hierarchy: every error bubblemeter raises on purpose derives from BubblemeterError.

Two attributes decide what happens, so no caller keeps a list of classes:

- `exit_code`: the status `bubblemeter` exits with (usage, configuration and a busy lock -> 2,
  everything else -> 1);
- `outcome`: what a refresh item that raised it becomes in the run log (`failed`, or `skipped`).

The classes live next to the code that raises them and stay importable from there
(`warehouse.settings.ConfigError`, `ingest.sources.http.SourceError`, ...); this module holds the
base, the categories and the rules.

    BubblemeterError                 exit 1, item failed
    ├── UsageError                   exit 2: bad arguments (bubblemeter.cli)
    │   └── ConfigError              exit 2: a setting or config file to fix (warehouse.settings)
    ├── Busy                         exit 2: another process holds a lock
    │   └── LockBusy                 warehouse.lock
    │       ├── WarehouseBusy        warehouse.lock
    │       └── SchedulerBusy        ingest.schedule
    ├── ItemSkipped                  item skipped: deliberately not loaded
    ├── WarehouseMissing             warehouse.db
    ├── WarehouseUnreachable         warehouse.db
    ├── QueryError                   warehouse.query (QueryRefused, QueryTimeout)
    ├── SourceError                  ingest.sources.http (HTTPStatusError is also requests' own)
    ├── SourcesUnreachable           ingest.live
    ├── PayloadError                 ingest.normalise.sec (also a ValueError)
    └── BadFile                      ingest.normalise.tables (also a ValueError)
"""

from __future__ import annotations

import json

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


class BubblemeterError(Exception):
    """An error a person reads: the message says what went wrong, one line."""

    exit_code = EXIT_FAILED
    outcome = "failed"


class UsageError(BubblemeterError):
    """Bad arguments: exit status 2."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A setting or config file a person has to fix."""


class Busy(BubblemeterError):
    """Another process holds what this one needs: exit status 2 (try again later)."""

    exit_code = EXIT_USAGE


class ItemSkipped(BubblemeterError):
    """An item that is deliberately not loaded; the message says why."""

    outcome = "skipped"


# Errors of the libraries under a load (DuckDB, pandas, files) that fail one item, not the run;
# any other exception still fails the item, named as unexpected.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (ValueError, KeyError, OSError)


def item_outcome(exc: Exception, item: str) -> tuple[str, str]:
    """The run-log status and reason for an item that raised `exc`."""
    if isinstance(exc, BubblemeterError):
        return exc.outcome, str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return "failed", f"{item}:{exc.lineno}: malformed JSON ({exc.msg})"
    if isinstance(exc, LIBRARY_ERRORS) or _is_duckdb_error(exc):
        return "failed", f"{item}: {type(exc).__name__}: {exc}"
    return "failed", f"unexpected error: {type(exc).__name__}: {exc}"


def _is_duckdb_error(exc: Exception) -> bool:
    import duckdb

    return isinstance(exc, duckdb.Error)
