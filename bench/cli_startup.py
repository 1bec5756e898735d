"""Benchmark: how long `bubblemeter --help`, `status` and `sql` take to start and answer.

Each command runs as a fresh process (`python -m bubblemeter ...`) against the real sample
snapshot imported into a temporary warehouse; wall seconds, median and min of --repeat runs.
With --before REF (e.g. 04abfc0) the same commands also run from a temporary git worktree of
that commit, with the same interpreter, so before and after come from one run. Then the
modules that cost most to import for `sql` (python -X importtime, cumulative).

Run: `.venv/bin/python bench/cli_startup.py [--repeat 7] [--before 04abfc0]`. Prints figures;
asserts nothing. Target: under 0.5 s for each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("BUBBLEMETER_SNAPSHOT", REPO.parent / "shared" / "data"))
COMMANDS = {
    "--help": ["--help"],
    "status": ["status"],
    "sql": ["sql", "select ticker, max(date) from prices_daily group by ticker"],
    "sql --schema": ["sql", "--schema"],
}


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}


def time_command(cwd: Path, args: list[str], db: str, repeat: int) -> list[float]:
    """Wall seconds of `python -m bubblemeter ARGS --db DB`, run from `cwd`, `repeat` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bubblemeter", *args, "--db", db],
            cwd=cwd,
            env=_env(),
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return times


def import_costs(cwd: Path, args: list[str], db: str, top: int = 6) -> list[tuple[str, float]]:
    """The modules with the largest cumulative import time (seconds) for one command."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bubblemeter", *args, "--db", db],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    costs = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if not name.startswith("  "):  # top-level imports only (nested ones are inside them)
            costs.append((name.strip(), int(cumulative) / 1e6))
    return sorted(costs, key=lambda c: -c[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", metavar="REF", help="also time this commit (git ref)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "warehouse.duckdb")
        subprocess.run(
            [sys.executable, "-m", "bubblemeter", "refresh", "--from", str(SNAPSHOT), "--db", db],
            cwd=REPO,
            env=_env(),
            capture_output=True,
            check=True,
        )
        trees = {"after": REPO}
        if args.before:
            before = Path(tmp) / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(before), args.before],
                cwd=REPO,
                capture_output=True,
                check=True,
            )
            trees = {f"before ({args.before})": before, **trees}
        try:
            print(
                f"wall seconds, median (min) of {args.repeat} runs, python {sys.version.split()[0]}"
            )
            print(f"{'command':<12} " + " ".join(f"{name:>20}" for name in trees))
            for command, argv in COMMANDS.items():
                cells = []
                for tree in trees.values():
                    times = time_command(tree, argv, db, args.repeat)
                    cells.append(f"{statistics.median(times):.2f} ({min(times):.2f})")
                print(f"{command:<12} " + " ".join(f"{c:>20}" for c in cells))
            for name, tree in trees.items():
                for command in ("status", "sql"):
                    costs = import_costs(tree, COMMANDS[command], db)
                    listed = ", ".join(f"{m} {s:.2f}" for m, s in costs)
                    print(f"imports of {command}, {name}: {listed}")
        finally:
            if args.before:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(before)],
                    cwd=REPO,
                    capture_output=True,
                    check=False,
                )


if __name__ == "__main__":
    main()
