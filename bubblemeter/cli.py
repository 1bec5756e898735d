"""The `bubblemeter` command: parses arguments and calls into ingest, warehouse and dashboard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from warehouse.errors import (  # noqa: F401 (UsageError: importable from here, as before)
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    BubblemeterError,
    UsageError,
)


def _progress(items, total, desc):
    from tqdm import tqdm

    return tqdm(
        items,
        total=total,
        desc=desc,
        unit="item",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )


def _settings(args):
    from warehouse.settings import Settings

    return Settings.from_env(db=args.db)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def cmd_refresh(args) -> int:
    from ingest.live import SourcesUnreachable
    from ingest.policy import refresh

    settings = _settings(args)
    try:
        outcome = refresh(
            settings,
            from_dir=args.from_dir,
            fallback=args.fallback,
            sources=_split(args.source),
            tickers=_split(args.tickers),
            full=args.full,
            trigger=args.trigger,
            progress=_progress,
            say=lambda line: print(line, file=sys.stderr),
        )
    except SourcesUnreachable as exc:
        print(
            f"error: {exc}; no data was changed (use --from DIR to import a snapshot)",
            file=sys.stderr,
        )
        return exc.exit_code
    print("\n".join(outcome.summary.lines()))
    print(f"warehouse: {settings.db} ({outcome.origin})")
    return outcome.exit_code


def cmd_refresh_locked(args) -> int:
    """Refresh while holding the single-writer lock: refused when another writer has it,
    or waited for with --wait."""
    from warehouse.lock import describe_holder, writer_lock

    def waiting(holder):
        print(f"waiting for the warehouse: held by {describe_holder(holder)}", file=sys.stderr)

    if args.wait_timeout is not None and args.wait_timeout < 0:
        raise UsageError("--wait-timeout must be 0 or more seconds")
    wait = args.wait or args.wait_timeout is not None
    with writer_lock(_settings(args), wait=wait, timeout_s=args.wait_timeout, on_wait=waiting):
        return cmd_refresh(args)


def cmd_sql(args) -> int:
    from warehouse.query import (
        QueryError,
        format_frame,
        format_schema,
        schema_rows,
        write_frame,
    )
    from warehouse.sqlworker import run_limited

    settings = _settings(args)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.format == "parquet" and not args.output:
        raise UsageError("--format parquet writes a file: give --output FILE")
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise UsageError(f"--output: directory {Path(args.output).parent} does not exist")
    if args.schema:
        if args.query:
            raise UsageError("give a query or --schema, not both")
        frame = schema_rows(settings)  # rows, not a DataFrame: no pandas to import
        text = format_schema(frame) if args.format == "table" else None
    else:
        if args.query is None:
            raise UsageError('no query given: bubblemeter sql "select ..." (or - for stdin)')
        query = sys.stdin.read() if args.query == "-" else args.query
        if not query.strip():
            raise UsageError("no query given")
        try:
            # this process is the sandbox: OS limits on memory and time (warehouse.sqlworker)
            # rows, not a DataFrame, where the types allow: pandas takes longer to import
            # than most queries take to run (parquet needs the DataFrame)
            frame = run_limited(
                settings, query, timeout_s=args.timeout, rows=args.format != "parquet"
            ).frame
        except QueryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        text = None
    try:
        if args.output:
            if text is not None:
                Path(args.output).write_text(text)
            else:
                write_frame(frame, args.format, args.output)
            print(f"wrote {len(frame)} rows to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text if text is not None else format_frame(frame, args.format))
    except (QueryError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _rows(con, sql: str) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def cmd_status(args) -> int:
    # plain DuckDB and text, no pandas: status is run often and should answer at once
    from warehouse.db import read_connection
    from warehouse.runlog import utcnow
    from warehouse.textformat import age, cell, stale_warnings, table

    settings = _settings(args)
    now = utcnow()
    with read_connection(settings) as con:
        _, freshness = _rows(
            con,
            "select source, table_name, row_count, newest_data_date, last_success_at "
            "from data_freshness",
        )
        columns, runs = _rows(con, "select * from source_last_refresh")
        _, status = _rows(
            con,
            "select newest_price_date, last_success_at, last_failed_started_at, "
            "last_failed_mode, last_failed_status, last_failed_items from warehouse_status",
        )
    if not freshness:
        print("the warehouse is empty: run `bubblemeter refresh`")
    else:
        print(
            table(
                ["source", "table", "rows", "newest data", "last loaded"],
                [(s, t, n, new, age(last, now) or "never") for s, t, n, new, last in freshness],
            )
        )
    _print_source_runs([dict(zip(columns, r)) for r in runs], now, age, cell)
    _print_scheduler_status(settings)
    newest_price, last_success, failed_at, failed_mode, failed_status, failed_items = (
        status[0] if status else (None,) * 6
    )
    warnings = stale_warnings(newest_price, last_success, now) if freshness else []
    if failed_at is not None:
        verb = "failed" if failed_status == "failed" else "partly failed"
        warnings.insert(
            0,
            f"the last {failed_mode} refresh {verb} {age(failed_at, now)} "
            f"({cell(failed_at)} UTC, {failed_items} items failed; reasons above)",
        )
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _print_source_runs(rows: list[dict], now, age, cell) -> None:
    """Each source's last run: its status, and why when items failed or were skipped."""
    if not rows:
        return
    print()
    print("last run per source:")
    for row in rows:
        when = age(row["last_run_started_at"], now)
        print(
            f"  {row['source']:<9} {row['last_run_status']:<8} {when:<15} "
            f"({cell(row['last_run_started_at'])} UTC)  {row['items_ok']} loaded, "
            f"{row['items_failed']} failed, {row['items_skipped']} skipped"
        )
        # each distinct reason once, with its item count (source_last_refresh)
        for status, reasons in (("failed", row["failures"]), ("skipped", row["skips"])):
            for reason in (reasons or "").split(" | ") if reasons else []:
                print(f"            {status}: {reason}")


def _print_scheduler_status(settings) -> None:
    from warehouse.lock import current_writer, describe_holder
    from warehouse.scheduler_state import describe_state, read_state

    print()
    print("\n".join(describe_state(read_state(settings))))
    writer = current_writer(settings)
    if writer:
        print(f"refresh running now: {describe_holder(writer)}")


def cmd_schedule(args) -> int:
    from ingest import schedule
    from ingest.policy import check

    settings = _settings(args)
    plan = schedule.parse_plan(
        args.at or schedule.DEFAULT_AT,
        args.tz or schedule.DEFAULT_TZ,
        args.days or schedule.DEFAULT_DAYS,
    )
    if args.next is not None:
        if args.next < 1:
            raise UsageError("--next must be 1 or more")
        sys.stdout.write(schedule.upcoming_text(plan, args.next))
        return EXIT_OK
    if args.wait_timeout is not None and args.wait_timeout < 0:
        raise UsageError("--wait-timeout must be 0 or more seconds")
    # the options each run passes to `bubblemeter refresh`: checked now, not at 18:30
    check(settings, args.from_dir, args.fallback, _split(args.source), _split(args.tickers))
    kind = "cron" if args.print_cron else "systemd" if args.print_systemd else args.trigger
    refresh = schedule.refresh_args(
        settings.db,
        from_dir=args.from_dir,
        fallback=args.fallback,
        source=args.source,
        tickers=args.tickers,
        full=args.full,
        wait_timeout_s=args.wait_timeout,
        trigger=kind,
    )
    if args.print_cron or args.print_systemd:
        sys.stdout.write(
            schedule.system_scheduler_text(kind, plan, settings, refresh, args.on_failure)
        )
        return EXIT_OK
    schedule.setup_logging()
    scheduler = schedule.RefreshScheduler(
        settings, refresh, plan=plan, on_failure=args.on_failure, once=args.once
    )
    if args.once:
        outcome = scheduler.run_once()
        if outcome is None or outcome.exit_code < 0:  # not run, or killed by a signal
            return EXIT_FAILED
        return outcome.exit_code
    scheduler.run_forever()
    return EXIT_OK


def _port(value: str) -> int:
    """A TCP port number, 1 to 65535."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range: use 1 to 65535")
    return port


def cmd_serve(args) -> int:
    from dashboard.app import create_app

    settings = _settings(args)
    app = create_app(settings)
    # the SQL console's worker processes start now, while the pages are built, not on the
    # first request, where their start-up would compete with the first visitor's page
    from warehouse.sqlworker import SQL_WORKERS

    SQL_WORKERS.start()
    if not args.no_warm:
        from dashboard.warm import Watcher

        watcher = Watcher(app, settings)
        pages, seconds = watcher.warm_now()
        print(f"{pages} pages built and their data kept in {seconds:.1f} s", file=sys.stderr)
        watcher.ensure_running()
    print(
        f"serving the dashboard on http://{args.host}:{args.port} (warehouse {settings.db})",
        file=sys.stderr,
    )
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: {args.host} is not loopback: anyone who can reach this machine can use "
            f"the dashboard and its SQL console (there is no authentication)",
            file=sys.stderr,
        )
    app.run(host=args.host, port=args.port, debug=False)
    return EXIT_OK


def _help_values() -> dict[str, str]:
    """Names and defaults some help texts show, from the modules that own them.

    Imported only when help is printed: those modules pull in pandas, DuckDB and APScheduler,
    which `bubblemeter --help`, `status` and `sql` do not need.
    """
    from ingest.datasets import LIVE_SOURCES, SNAPSHOT_DATASETS
    from ingest.schedule import DEFAULT_AT, DEFAULT_DAYS, DEFAULT_TZ

    return {
        "live_sources": ",".join(LIVE_SOURCES),
        "snapshot_datasets": ",".join(SNAPSHOT_DATASETS),
        "default_at": DEFAULT_AT,
        "default_tz": DEFAULT_TZ,
        "default_days": DEFAULT_DAYS,
    }


class _Formatter(argparse.HelpFormatter):
    """Help that fills `{name}` from _help_values when it is printed."""

    def _expand_help(self, action):
        text = super()._expand_help(action)
        return text.format_map(_help_values()) if "{" in text else text


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, where to read more."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(EXIT_USAGE, f"error: {message} (see `{self.prog} --help`)\n")


class _Version(argparse.Action):
    """--version: the installed package's version, read only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("bubblemeter")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown (not installed)"
        print(f"bubblemeter {number}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    db_help = (
        "warehouse file, or md:NAME for MotherDuck "
        "(default: $BUBBLEMETER_DB or data/warehouse.duckdb)"
    )
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", help=db_help)

    parser = _Parser(
        prog="bubblemeter",
        parents=[common],
        description="Is AI a bubble or a revolution? Public market data in a DuckDB warehouse.",
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "refresh",
        parents=[common],
        help="load data from live sources or files",
        description="Refresh the warehouse from the live sources (Yahoo, SEC, Census), "
        "or import a snapshot directory with --from.",
    )
    p.add_argument(
        "--from",
        dest="from_dir",
        metavar="DIR",
        help="import a snapshot directory instead of the live sources",
    )
    p.add_argument(
        "--fallback", metavar="DIR", help="import this snapshot if no live source answers"
    )
    p.add_argument(
        "--source",
        metavar="NAME,...",
        help="only these sources (live: {live_sources}; snapshot: {snapshot_datasets})",
    )
    p.add_argument("--tickers", metavar="T,...", help="only these tickers")
    p.add_argument("--full", action="store_true", help="re-fetch full history (live only)")
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another refresh is writing the warehouse, wait for it to finish "
        "(default: exit 2 naming it)",
    )
    p.add_argument(
        "--wait-timeout",
        type=float,
        metavar="SECONDS",
        help="with --wait, give up (exit 2) after this many seconds",
    )
    p.add_argument("--trigger", default="manual", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_refresh_locked)

    p = sub.add_parser(
        "sql",
        parents=[common],
        help="run a read-only SQL query",
        description="Run one read-only SQL statement against the warehouse, in "
        "a sandbox: no files, no network, no settings changes, a "
        "time and a memory limit.",
    )
    p.add_argument("query", nargs="?", help="the SQL query, or - to read it from stdin")
    p.add_argument(
        "--format",
        choices=("table", "csv", "json", "parquet"),
        default="table",
        help="output format (parquet needs --output)",
    )
    p.add_argument("--output", metavar="FILE", help="write the result to FILE, not stdout")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop the query after this long (default $BUBBLEMETER_SQL_TIMEOUT or 5)",
    )
    p.add_argument(
        "--schema",
        action="store_true",
        help="list tables and views with their columns, types and descriptions",
    )
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="serve the dashboard",
        description="Serve the Dash dashboard.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8050, help="TCP port, 1 to 65535 (default 8050)")
    p.add_argument(
        "--no-warm",
        action="store_true",
        help="answer at once, without building every page first (and after each refresh) "
        "to keep their query results ready",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "schedule",
        parents=[common],
        help="refresh every weekday after the US close",
        description="Run `bubblemeter refresh` on a schedule in a time zone (right across "
        "daylight-saving changes), keep running after a failed refresh, log each "
        "run and say when the next is. Or print the same schedule for cron or "
        "systemd.",
    )
    p.add_argument(
        "--at",
        metavar="HH:MM",
        help="local time of day in --tz (default {default_at}, after the US close)",
    )
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help="IANA time zone of --at (default {default_tz})",
    )
    p.add_argument(
        "--days",
        metavar="DAYS",
        help="weekdays: {default_days} (default), mon,wed,fri, sat-sun or daily",
    )
    p.add_argument(
        "--from",
        dest="from_dir",
        metavar="DIR",
        help="each run imports this snapshot directory instead of the live sources",
    )
    p.add_argument(
        "--fallback", metavar="DIR", help="each run imports this snapshot if no live source answers"
    )
    p.add_argument("--source", metavar="NAME,...", help="passed to refresh: only these sources")
    p.add_argument("--tickers", metavar="T,...", help="passed to refresh: only these tickers")
    p.add_argument("--full", action="store_true", help="passed to refresh: full history")
    p.add_argument(
        "--on-failure",
        metavar="CMD",
        help="shell command run with a short summary on stdin when a refresh fails",
    )
    p.add_argument(
        "--wait-timeout",
        type=float,
        default=3600,
        metavar="SECONDS",
        help="a run waits this long for a refresh already writing (default 3600)",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument(
        "--print-cron", action="store_true", help="print a crontab line for this schedule and exit"
    )
    what.add_argument(
        "--print-systemd",
        action="store_true",
        help="print a systemd service + timer pair for this schedule and exit",
    )
    what.add_argument(
        "--once",
        action="store_true",
        help="run one refresh now as a scheduled run would (log, --on-failure) "
        "and exit with its status",
    )
    what.add_argument("--next", type=int, metavar="N", help="print the next N run times and exit")
    p.add_argument("--trigger", default="schedule", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser(
        "status",
        parents=[common],
        help="per-source freshness",
        description="Show per-source freshness: rows, newest data, last load.",
    )
    p.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a subcommand; one clear line on stderr for any error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `bubblemeter`: what it can do
        parser.print_help()
        return EXIT_OK
    try:
        return args.func(args)
    except BubblemeterError as exc:  # the class says the exit status (warehouse.errors)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; the warehouse was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("BUBBLEMETER_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
