"""Benchmark 1, bulk load: a SYNTHETIC price universe through the project's load path vs raw DuckDB.

The universe is synthetic (tickers SYN0001..SYNnnnn, a seeded random walk), never market data.
It is loaded three ways in one run, each into a fresh warehouse file with the same schema:

  raw      one `INSERT INTO prices_daily SELECT * FROM df` of the whole frame, then CHECKPOINT
  frame    warehouse.db.write_session + warehouse.load.upsert, the whole frame as one item
           (one transaction), including the session's views, checkpoint and file swap
  items    the same load path with one transaction per ticker, as `bubblemeter refresh --from`
           loads prices/<TICKER>.csv (ingest.runner.run_item, logged in the run log)
  raw-items  raw INSERTs with the same one-transaction-per-ticker split (the floor for `items`)

Run: `make bench` or `.venv/bin/python bench/bulk_load.py [--tickers 1000] [--years 20]`.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ingest.datasets import Item
from ingest.runner import run_item
from warehouse import runlog
from warehouse.db import apply_schema, write_session
from warehouse.load import upsert
from warehouse.settings import Settings

TARGET_ROWS_PER_S = 1_000_000
TARGET_RATIO = 0.7
MODES = ("raw", "frame", "items", "raw-items")


def synthetic_prices(
    n_tickers: int = 1000, years: int = 20, seed: int = 20240607, end=None
) -> pd.DataFrame:
    """A SYNTHETIC prices_daily frame: tickers SYN0001.., weekdays, seeded random-walk prices.

    The weekdays are calendar years 2006..2025 for 20 years, or the `years` up to `end`.
    """
    rng = np.random.default_rng(seed)
    if end is None:
        first, last = f"{2026 - years}-01-01", "2025-12-31"
    else:
        last = pd.Timestamp(end)
        first = last - pd.DateOffset(years=years) + pd.Timedelta(days=1)
    dates = pd.bdate_range(first, last).values.astype("datetime64[s]")
    n_days = len(dates)
    tickers = np.array([f"SYN{i:04d}" for i in range(1, n_tickers + 1)], dtype=object)
    start = rng.uniform(5, 500, size=(n_tickers, 1))
    log_returns = rng.normal(0.0003, 0.02, size=(n_tickers, n_days))
    close = (start * np.exp(np.cumsum(log_returns, axis=1))).ravel()
    del log_returns
    open_ = close * (1 + rng.normal(0, 0.005, size=close.size))
    spread = np.abs(rng.normal(0, 0.01, size=close.size))
    high = np.maximum(open_, close)
    high *= 1 + spread
    low = np.minimum(open_, close)
    low *= 1 - spread
    del spread
    columns = {
        "ticker": np.repeat(tickers, n_days),
        "date": np.tile(dates, n_tickers),
        "open": open_,
        "high": high,
        "low": low,
        "close": close,
        "adj_close": close * 0.97,
        "volume": rng.integers(100_000, 50_000_000, size=close.size),
    }
    frame = pd.DataFrame(columns, copy=False)
    frame["source"] = "synthetic"
    return frame


def ticker_slices(frame: pd.DataFrame) -> list[tuple[str, slice]]:
    """(ticker, row slice) for a frame sorted by ticker."""
    ticker = frame["ticker"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ticker[1:] != ticker[:-1]])
    ends = np.r_[starts[1:], len(frame)]
    return [(ticker[a], slice(a, b)) for a, b in zip(starts, ends)]


def load_raw(path: Path, frame: pd.DataFrame, per_ticker: bool) -> int:
    """Raw DuckDB: a fresh file with the same schema, INSERT ... SELECT * FROM df, CHECKPOINT."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        if per_ticker:
            for _, rows in ticker_slices(frame):
                df = frame.iloc[rows]  # noqa: F841 (read by DuckDB's replacement scan)
                con.begin()
                con.execute("insert into prices_daily select * from df")
                con.commit()
        else:
            df = frame  # noqa: F841
            con.execute("insert into prices_daily select * from df")
        con.execute("checkpoint")
        return con.execute("select count(*) from prices_daily").fetchall()[0][0]
    finally:
        con.close()


def load_frame(path: Path, frame: pd.DataFrame) -> int:
    """The project's load path with the whole frame as one item (one transaction)."""
    with write_session(Settings(db=str(path))) as con:
        con.begin()
        written = upsert(con, "prices_daily", frame)
        con.commit()
    return written


def load_items(path: Path, frame: pd.DataFrame) -> int:
    """The project's load path with one logged transaction per ticker, as a snapshot import."""
    written = 0
    with write_session(Settings(db=str(path))) as con:
        run_id = runlog.start_run(con, "bench", "snapshot", "synthetic")
        for ticker, rows in ticker_slices(frame):
            part = frame.iloc[rows]
            item = Item("snapshot", "prices", f"synthetic/{ticker}")
            result, _ = run_item(con, run_id, item, lambda part=part: [("prices_daily", part)])
            if result.status != "ok":
                raise RuntimeError(f"{ticker}: {result.error}")
            written += result.rows_written
        runlog.finish_run(con, run_id)
    return written


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_mode(
    mode: str, workdir: Path, frame: pd.DataFrame, attempt: int
) -> tuple[float, float, int]:
    """Load the frame one way into a fresh file; return (wall s, CPU s, rows in or written)."""
    path = workdir / f"{mode}-{attempt}.duckdb"
    gc.collect()
    cpu_started = time.process_time()
    started = time.perf_counter()
    if mode == "raw":
        rows = load_raw(path, frame, per_ticker=False)
    elif mode == "raw-items":
        rows = load_raw(path, frame, per_ticker=True)
    elif mode == "frame":
        rows = load_frame(path, frame)
    else:
        rows = load_items(path, frame)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    for leftover in workdir.glob(f"{path.name}*"):
        leftover.unlink()
    return seconds, cpu_seconds, rows


def main(argv: list[str] | None = None) -> int:
    """Generate the synthetic universe, load it each way, print rows/s, ratios and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", type=int, default=1000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240607)
    parser.add_argument(
        "--modes", default=",".join(MODES), help=f"comma-separated, from {','.join(MODES)}"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="load each way N times and keep the fastest (shared machines)",
    )
    parser.add_argument("--dir", help="where the warehouse files go (default: a temp dir)")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if set(modes) - set(MODES):
        parser.error(f"unknown mode(s) {set(modes) - set(MODES)}")

    print("=" * 78)
    print("SYNTHETIC DATA - bulk-load benchmark (tickers SYN0001.., seeded random walk;")
    print("not market data)")
    print("=" * 78)
    started = time.perf_counter()
    frame = synthetic_prices(args.tickers, args.years, args.seed)
    print(
        f"synthetic universe: {args.tickers:,} tickers x {args.years} years of weekdays = "
        f"{len(frame):,} rows, generated in {time.perf_counter() - started:.1f} s "
        f"(seed {args.seed}); peak RSS so far {peak_rss_mb():,.0f} MB"
    )
    print(
        f"duckdb {duckdb.__version__}, pandas {pd.__version__}, python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, repeat {args.repeat} "
        f"(fastest kept); load average {os.getloadavg()[0]:.1f}"
    )

    best: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bubblemeter-bench-", dir=args.dir) as tmp:
        for attempt in range(args.repeat):
            for mode in modes:
                seconds, cpu_seconds, rows = run_mode(mode, Path(tmp), frame, attempt)
                if rows != len(frame):
                    raise SystemExit(f"{mode}: {rows:,} rows instead of {len(frame):,}")
                if seconds < best.get(mode, float("inf")):
                    best[mode], cpu[mode] = seconds, cpu_seconds
                print(
                    f"  {mode:<9} run {attempt + 1}: {seconds:6.2f} s "
                    f"({cpu_seconds:6.2f} s CPU) {len(frame) / seconds:>12,.0f} rows/s"
                )

    print("-" * 78)
    print(f"{'way':<10} {'seconds':>8} {'CPU s':>7} {'rows/s':>12} {'vs raw':>7}  target")
    raw = best.get("raw")
    for mode in modes:
        rate = len(frame) / best[mode]
        ratio = raw / best[mode] if raw else float("nan")
        target = ""
        if mode in ("frame", "items"):
            ok = rate >= TARGET_ROWS_PER_S and ratio >= TARGET_RATIO
            target = (
                f"{'met' if ok else 'MISSED'} (>= {TARGET_ROWS_PER_S:,} rows/s "
                f"and >= {TARGET_RATIO}x raw)"
            )
        print(
            f"{mode:<10} {best[mode]:8.2f} {cpu[mode]:7.2f} {rate:12,.0f} {ratio:6.2f}x  {target}"
        )
    if "items" in best and "raw-items" in best:
        print(
            f"items vs raw-items (same per-ticker transactions): "
            f"{best['raw-items'] / best['items']:.2f}x"
        )
    print(
        f"peak RSS of this process: {peak_rss_mb():,.0f} MB; "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
