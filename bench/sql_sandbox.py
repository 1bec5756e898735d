"""Print what the SQL sandbox costs per query and how closely it keeps its time limit.

.venv/bin/python bench/sql_sandbox.py --db data/warehouse.duckdb
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warehouse.query import QueryTimeout, run_sandboxed  # noqa: E402
from warehouse.reader import query_df  # noqa: E402
from warehouse.settings import Settings  # noqa: E402
from warehouse.sqlworker import WorkerPool, run_limited  # noqa: E402

RUNAWAY = "select count(*) from range(100000000) a, range(100000000) b"
SMALL = "select count(*) as n from companies"
TYPICAL = "select * from nvda_dc_vs_capex order by calendar_quarter_start"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(fn, runs: int) -> list[float]:
    """Wall time of fn over several runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/warehouse.duckdb")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    settings = Settings.from_env(db=args.db)

    plain = timed(lambda: query_df(settings, TYPICAL), args.runs)
    boxed = timed(lambda: run_sandboxed(settings, TYPICAL, row_cap=settings.sql_row_cap), args.runs)
    print(f"typical query, plain read-only connection: median {_ms(statistics.median(plain))}")
    print(
        f"typical query, sandbox (connect, attach, lock, check, run): "
        f"median {_ms(statistics.median(boxed))}, max {_ms(max(boxed))}"
    )

    # The console's path: a worker process under OS limits (warehouse/sqlworker.py).
    pool = WorkerPool()
    pool.start()
    pool.run(settings, SMALL)  # both workers have imported and connected once
    pool.run(settings, SMALL)
    for name, sql in (("small", SMALL), ("typical", TYPICAL)):
        here = timed(lambda sql=sql: run_sandboxed(settings, sql), args.runs)
        limited = timed(lambda sql=sql: run_limited(settings, sql), args.runs)
        worker = timed(lambda sql=sql: pool.run(settings, sql), args.runs)
        extra = statistics.median(worker) - statistics.median(here)
        print(
            f"{name} query: sandbox in this process median {_ms(statistics.median(here))}; "
            f"with OS limits in this process (bubblemeter sql) "
            f"{_ms(statistics.median(limited))}; in a console worker "
            f"{_ms(statistics.median(worker))} (+{_ms(extra)})"
        )

    for limit in (0.5, 1.0, 2.0):
        total, landing = [], []
        for _ in range(3):
            started = time.perf_counter()
            try:
                run_sandboxed(settings, RUNAWAY, timeout_s=limit)
            except QueryTimeout as exc:
                landing.append(exc.elapsed_s - limit)
            total.append(time.perf_counter() - started - limit)
        print(
            f"runaway query, limit {limit:g} s: interrupt landed "
            f"{_ms(statistics.median(landing))} after the limit (max {_ms(max(landing))}); "
            f"the call returned {_ms(statistics.median(total))} after it, set-up included "
            f"(median of 3)"
        )


if __name__ == "__main__":
    main()
