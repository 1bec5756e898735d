"""The `bubblemeter` command: parses arguments and calls into ingest, warehouse and dashboard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: exit status 2."""


def _progress(items, total, desc):
    from tqdm import tqdm
    return tqdm(items, total=total, desc=desc, unit="item", file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False)


def _settings(args):
    from warehouse.settings import Settings
    return Settings.from_env(db=args.db)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def cmd_refresh(args) -> int:
    from ingest.live import LIVE_SOURCES, SourcesUnreachable, refresh_live
    from ingest.refresh import SNAPSHOT_DATASETS, import_snapshot

    settings = _settings(args)
    settings.universe()  # a broken universe file is a config error, before any work
    sources = _split(args.source)
    tickers = _split(args.tickers)

    def from_snapshot(root: str, note: str | None = None) -> int:
        if sources:
            unknown = sorted(set(sources) - set(SNAPSHOT_DATASETS))
            if unknown:
                raise UsageError(f"unknown --source {','.join(unknown)} for a snapshot; "
                                 f"use {','.join(SNAPSHOT_DATASETS)}")
        if not Path(root).is_dir():
            raise UsageError(f"snapshot directory {root} does not exist")
        if note:
            print(note, file=sys.stderr)
        summary = import_snapshot(settings, root, datasets=sources, tickers=tickers,
                                  trigger=args.trigger, progress=_progress)
        print("\n".join(summary.lines()))
        print(f"warehouse: {settings.db} (imported from snapshot {root})")
        return summary.exit_code

    if args.from_dir:
        return from_snapshot(args.from_dir)
    if sources:
        unknown = sorted(set(sources) - set(LIVE_SOURCES))
        if unknown:
            raise UsageError(f"unknown --source {','.join(unknown)}; use {','.join(LIVE_SOURCES)}"
                             f" (or --from DIR for a snapshot)")
    try:
        summary = refresh_live(settings, sources=sources, tickers=tickers, trigger=args.trigger,
                               full=args.full, progress=_progress)
    except SourcesUnreachable as exc:
        if args.fallback:
            return from_snapshot(args.fallback, f"{exc}; importing snapshot {args.fallback}")
        print(f"error: {exc}; nothing was changed (use --from DIR to import a snapshot)",
              file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(summary.lines()))
    print(f"warehouse: {settings.db} (refreshed from live sources)")
    return summary.exit_code


def cmd_sql(args) -> int:
    from warehouse.query import QueryError, format_frame, run_query

    settings = _settings(args)
    query = sys.stdin.read() if args.query == "-" else args.query
    if not query or not query.strip():
        raise UsageError("no query given")
    try:
        frame = run_query(settings, query)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(format_frame(frame, args.format))
    return EXIT_OK


def cmd_status(args) -> int:
    from warehouse.db import query_df

    settings = _settings(args)
    frame = query_df(settings, "select * from data_freshness")
    if frame.empty:
        print("the warehouse is empty: run `bubblemeter refresh`")
        return EXIT_OK
    print(frame.to_string(index=False))
    return EXIT_OK


def cmd_serve(args) -> int:
    from dashboard.app import create_app

    settings = _settings(args)
    app = create_app(settings)
    print(f"serving the dashboard on http://{args.host}:{args.port} (warehouse {settings.db})",
          file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    db_help = ("warehouse file, or md:NAME for MotherDuck "
               "(default: $BUBBLEMETER_DB or data/warehouse.duckdb)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help=db_help)

    parser = argparse.ArgumentParser(
        prog="bubblemeter", parents=[common],
        description="Is AI a bubble or a revolution? Public market data in a DuckDB warehouse.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("refresh", parents=[common], help="load data from live sources or files",
                       description="Refresh the warehouse from the live sources (Yahoo, SEC), "
                                   "or import a snapshot directory with --from.")
    p.add_argument("--from", dest="from_dir", metavar="DIR",
                   help="import a snapshot directory instead of the live sources")
    p.add_argument("--fallback", metavar="DIR",
                   help="import this snapshot if no live source answers")
    p.add_argument("--source", metavar="NAME,...",
                   help="only these sources (live: yahoo,sec; snapshot: prices,corporate_actions,"
                        "financial_facts,segment_revenue,customer_concentration,"
                        "adoption_indicators,earnings_events,sec)")
    p.add_argument("--tickers", metavar="T,...", help="only these tickers")
    p.add_argument("--full", action="store_true", help="re-fetch full history (live only)")
    p.add_argument("--trigger", default="manual", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("sql", parents=[common], help="run a read-only SQL query",
                       description="Run one read-only SQL statement against the warehouse.")
    p.add_argument("query", help="the SQL query, or - to read it from stdin")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("serve", parents=[common], help="serve the dashboard",
                       description="Serve the Dash dashboard.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", parents=[common], help="per-source freshness",
                       description="Show per-source freshness: rows, newest data, last load.")
    p.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a subcommand; one clear line on stderr for any error."""
    from warehouse.db import WarehouseMissing, WarehouseUnreachable
    from warehouse.settings import ConfigError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (WarehouseMissing, WarehouseUnreachable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; the warehouse was left as it was", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("BUBBLEMETER_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
