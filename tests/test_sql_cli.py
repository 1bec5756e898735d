"""`bubblemeter sql`: formats, --output, --timeout, --schema, refusals, through the real CLI."""

import io
import json

import pandas as pd

from tests.test_cli import run

# PROVENANCE.md: Meta Q1 2026 capex 18,997 M; Microsoft fiscal Q3 2026 (calendar Q1) 30,876 M;
# Alphabet Q1 2026 35,674 M - each checked against an independent table.
CAPEX_Q1_2026 = (
    "select ticker, capex_usd::bigint as capex_usd from hyperscaler_capex_quarterly "
    "where calendar_year = 2026 and calendar_quarter = 1 "
    "and ticker in ('GOOGL', 'META', 'MSFT') order by ticker"
)
EXPECTED = [("GOOGL", 35_674_000_000), ("META", 18_997_000_000), ("MSFT", 30_876_000_000)]


def test_table_format(imported):
    result = run("sql", CAPEX_Q1_2026, "--db", imported.db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ticker", "capex_usd"]
    # numbers for people: thousands separators (the same values as csv/json carry raw)
    assert [tuple(line.split()) for line in lines[1:4]] == [(t, f"{v:,}") for t, v in EXPECTED]
    assert lines[-1] == "(3 rows)"


def test_csv_format(imported):
    result = run("sql", CAPEX_Q1_2026, "--format", "csv", "--db", imported.db)
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.itertuples(index=False, name=None)) == EXPECTED


def test_json_format(imported):
    result = run("sql", CAPEX_Q1_2026, "--format", "json", "--db", imported.db)
    assert json.loads(result.stdout) == [{"ticker": t, "capex_usd": v} for t, v in EXPECTED]


def test_json_dates_are_iso_dates(imported):
    result = run(
        "sql",
        "select date, close from prices_daily where ticker = 'NVDA' and date = '2024-06-10'",
        "--format",
        "json",
        "--db",
        imported.db,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == ["2024-06-10"]
    stamps = run(
        "sql",
        "select timestamp '2024-06-10 09:30:00' as at, null::date as d",
        "--format",
        "json",
        "--db",
        imported.db,
    )
    assert json.loads(stamps.stdout) == [{"at": "2024-06-10T09:30:00.000", "d": None}]


def test_parquet_needs_output_and_round_trips(imported, tmp_path):
    no_file = run("sql", CAPEX_Q1_2026, "--format", "parquet", "--db", imported.db)
    assert no_file.returncode == 2 and "--output" in no_file.stderr
    out = tmp_path / "capex.parquet"
    result = run(
        "sql", CAPEX_Q1_2026, "--format", "parquet", "--output", str(out), "--db", imported.db
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "wrote 3 rows" in result.stderr
    frame = pd.read_parquet(out)
    assert list(frame.itertuples(index=False, name=None)) == EXPECTED


def test_parquet_keeps_dates_and_types(imported, tmp_path):
    out = tmp_path / "dc.parquet"
    result = run(
        "sql",
        "select * from nvda_dc_vs_capex",
        "--format",
        "parquet",
        "--output",
        str(out),
        "--db",
        imported.db,
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out)
    row = frame[frame["calendar_label"] == "2023Q4"].iloc[0]
    # PROVENANCE.md: NVIDIA Q4 FY2024 (calendar 2023 Q4) data center 18,404 M.
    assert row["nvda_data_center_revenue_usd"] == 18_404_000_000
    assert pd.api.types.is_datetime64_any_dtype(frame["nvda_period_end"])


def test_output_file_for_text_formats(imported, tmp_path):
    out = tmp_path / "capex.csv"
    result = run("sql", CAPEX_Q1_2026, "--format", "csv", "--output", str(out), "--db", imported.db)
    assert result.returncode == 0 and result.stdout == ""
    assert out.read_text().splitlines()[0] == "ticker,capex_usd"


def test_query_from_stdin(imported):
    result = run("sql", "-", "--format", "json", "--db", imported.db, stdin=CAPEX_Q1_2026)
    assert [r["ticker"] for r in json.loads(result.stdout)] == ["GOOGL", "META", "MSFT"]


def test_refusal_is_exit_1_with_one_line(imported, tmp_path):
    target = tmp_path / "stolen.csv"
    result = run(
        "sql", f"copy (select * from read_csv('/etc/passwd')) to '{target}'", "--db", imported.db
    )
    assert result.returncode == 1
    assert result.stdout == "" and not target.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: COPY refused:")


def test_multi_statement_is_refused(imported):
    result = run("sql", "select 1; drop table companies", "--db", imported.db)
    assert result.returncode == 1 and "2 statements refused" in result.stderr


def test_timeout_option_stops_a_runaway_query(imported):
    result = run(
        "sql",
        "select count(*) from range(100000000) a, range(100000000) b",
        "--timeout",
        "1",
        "--db",
        imported.db,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: query stopped after 1 s, the time limit for one query; narrow it, or raise the "
        "limit (--timeout, BUBBLEMETER_SQL_TIMEOUT)."
    )


def test_bad_timeout_is_a_usage_error(imported):
    assert run("sql", "select 1", "--timeout", "0", "--db", imported.db).returncode == 2
    assert run("sql", "--db", imported.db).returncode == 2


def test_schema_lists_tables_views_columns_and_descriptions(imported):
    result = run("sql", "--schema", "--db", imported.db)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "companies (table): One row per tracked company" in text
    assert "nvda_dc_vs_capex (view): grain: one row per calendar quarter" in text
    ticker_line = next(line for line in text.splitlines() if line.strip().startswith("ticker "))
    assert ticker_line.split()[:2] == ["ticker", "VARCHAR"]
    assert "Ticker symbol as Yahoo Finance lists it" in ticker_line


def test_schema_as_json(imported):
    result = run("sql", "--schema", "--format", "json", "--db", imported.db)
    rows = json.loads(result.stdout)
    value = next(
        r for r in rows if r["object_name"] == "financial_facts" and r["column_name"] == "value_usd"
    )
    assert value["object_type"] == "table" and value["data_type"] == "DOUBLE"
    assert "de-cumulated" in value["column_description"]


def test_schema_and_query_together_is_a_usage_error(imported):
    assert run("sql", "select 1", "--schema", "--db", imported.db).returncode == 2
