"""`bubblemeter sql` without pandas: fetched rows written as the DataFrame path writes them."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import REPO
from tests.test_cli import run
from warehouse import rowformat
from warehouse.query import Rows, format_frame, run_sandboxed

HEAVY = ("pandas", "numpy", "pyarrow")
# Real queries over the imported snapshot, covering every type the rows path takes: dates,
# doubles, bigints, HUGEINT sums, booleans, nulls, strings with '/' and non-ASCII text.
QUERIES = [
    "select * from prices_daily order by ticker, date limit 3000",
    "select ticker, max(date) as last, sum(volume) as volume, avg(close) as mean "
    "from prices_daily group by ticker order by ticker",
    "select * from hyperscaler_capex_quarterly order by ticker, period_end",
    "select * from adoption_indicators order by all",
    "select * from companies order by all",
    "select * from thesis_scorecard",
    "select * from ingest_runs order by all",
    "select close / 7 as seventh, -close * 1e-12 as tiny, close * 1e14 as huge, "
    "date::timestamp + interval 90 minute as at from prices_daily where ticker = 'NVDA' "
    "order by date limit 500",
]

# Imports the CLI's module and runs one query in this process, then names the heavy modules
# loaded on the way (the CLI's own path, not only its top-level imports).
IMPORT_CHECK = """
import sys
from bubblemeter.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nLOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""


def _cli_in_process(*args):
    return subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def _loaded(result) -> set[str]:
    line = next(x for x in result.stderr.splitlines() if x.startswith("LOADED:"))
    return set(filter(None, line.removeprefix("LOADED:").split(",")))


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_runs_without_pandas(imported, fmt):
    result = _cli_in_process("sql", QUERIES[1], "--format", fmt, "--db", imported.db)
    assert result.returncode == 0, result.stderr
    assert "NVDA" in result.stdout
    assert _loaded(result) == set()


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_schema_lists_without_pandas_as_the_frame_wrote_it(imported, fmt):
    from warehouse.query import schema_frame

    result = _cli_in_process("sql", "--schema", "--format", fmt, "--db", imported.db)
    assert result.returncode == 0, result.stderr
    assert _loaded(result) == set()
    frame = schema_frame(imported)  # what the listing was written from before, and the console
    if fmt == "table":  # per table or view: its name line, a line per column, a blank line
        objects = frame[["object_type", "object_name"]].drop_duplicates()
        lines = result.stdout.split("\n")
        assert len(lines) == len(frame) + 2 * len(objects)
        heads = {line.split(" (")[0] for line in lines if line and not line.startswith(" ")}
        assert heads == set(objects.object_name)
    else:
        assert result.stdout.rstrip("\n") == format_frame(frame, fmt).rstrip("\n")


def test_a_type_the_rows_path_does_not_write_falls_back_to_the_frame(imported):
    # MAP columns (filing_facts.dimensions) are written from a DataFrame, as before
    sql = "select dimensions from filing_facts limit 5"
    result = _cli_in_process("sql", sql, "--format", "json", "--db", imported.db)
    assert result.returncode == 0, result.stderr
    assert "pandas" in _loaded(result)
    assert result.stdout == format_frame(run_sandboxed(imported, sql).frame, "json")


@pytest.mark.parametrize("sql", QUERIES)
def test_rows_write_the_same_bytes_as_the_frame(imported, sql):
    rows = run_sandboxed(imported, sql, rows=True).frame
    frame = run_sandboxed(imported, sql).frame
    assert isinstance(rows, Rows) and len(rows) == len(frame) > 0
    for fmt in ("table", "csv", "json"):
        assert format_frame(rows, fmt) == format_frame(frame, fmt), fmt


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_output_is_the_frame_output(imported, fmt):
    sql = QUERIES[2]
    result = run("sql", sql, "--format", fmt, "--db", imported.db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == format_frame(run_sandboxed(imported, sql).frame, fmt)


def test_output_file_holds_the_same_text(imported, tmp_path):
    out = tmp_path / "prices.json"
    result = run("sql", QUERIES[1], "--format", "json", "--output", str(out), "--db", imported.db)
    assert result.returncode == 0, result.stderr
    assert out.read_text() == format_frame(run_sandboxed(imported, QUERIES[1]).frame, "json")


def test_row_cap_and_truncation_match_the_frame(imported):
    total = len(run_sandboxed(imported, "select * from prices_daily", rows=True).frame)
    for cap, cut in ((100, True), (total, False), (total + 1, False)):
        rows = run_sandboxed(imported, "select * from prices_daily", rows=True, row_cap=cap)
        frame = run_sandboxed(imported, "select * from prices_daily", row_cap=cap)
        assert (len(rows.frame), rows.truncated) == (min(cap, total), cut)
        assert (len(frame.frame), frame.truncated) == (len(rows.frame), rows.truncated)
    empty = run_sandboxed(imported, "select * from companies where false", rows=True, row_cap=10)
    assert len(empty.frame) == 0 and not empty.truncated
    assert format_frame(empty.frame, "json") == "[]\n"


# Synthetic values at the edges of to_json's number and string rules.
SYNTHETIC_DOUBLES = [
    0.0,
    -0.0,
    0.1,
    1 / 3,
    -2.5,
    0.99999999999,
    9.99999999995,
    1e-11,
    -4e-11,
    6e-11,
    1e-15,
    1e-16,
    5e-324,
    123456789.123456789,
    1e16,
    1e16 + 2,
    1.5e16,
    -1e17,
    1.23456789012345e20,
    1e300,
    0.00001234,
    2.5e-10,
    0.5e-10,
]
SYNTHETIC_STRINGS = ["a/b", "é", "\u2028", 'q"x', "\x01\x7f\t\n\r\b\f", "\\u007f", "😀", ""]


def test_json_numbers_and_strings_as_pandas_writes_them():
    frame = pd.DataFrame({"x": SYNTHETIC_DOUBLES})
    ours = rowformat.to_json(["x"], [(v,) for v in SYNTHETIC_DOUBLES])
    assert ours == frame.to_json(orient="records") + "\n"
    strings = pd.DataFrame({"s/é": SYNTHETIC_STRINGS})
    ours = rowformat.to_json(["s/é"], [(v,) for v in SYNTHETIC_STRINGS])
    assert ours == strings.to_json(orient="records") + "\n"
    assert json.loads(ours) == [{"s/é": v} for v in SYNTHETIC_STRINGS]
