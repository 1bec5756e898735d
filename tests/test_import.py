"""Import of the real snapshot into a real DuckDB file (figures: ../shared/data/PROVENANCE.md)."""

import shutil

import duckdb
import pandas as pd
import pytest

from ingest.refresh import import_snapshot
from warehouse.db import write_session
from warehouse.reader import query_df


def one(settings, sql, params=None):
    frame = query_df(settings, sql, params)
    assert len(frame) == 1, frame
    return frame.iloc[0]


def test_nvidia_q4_fy2024_data_center_and_total(imported):
    row = one(
        imported,
        """
        select sum(revenue_usd) filter (where segment = 'data_center') as dc,
               sum(revenue_usd) as total
        from segment_revenue
        where ticker = 'NVDA' and presentation = 'market_platform'
          and fiscal_year = 2024 and fiscal_quarter = 4""",
    )
    assert row.dc == 18_404_000_000
    assert row.total == 22_103_000_000


def test_nvidia_q4_fy2026_revenue_from_sec(imported):
    row = one(
        imported,
        """select value_usd, source_kind from quarterly_financials
                           where ticker='NVDA' and metric='revenue'
                             and fiscal_year=2026 and fiscal_quarter=4""",
    )
    assert row.value_usd == 68_127_000_000 and row.source_kind == "sec"


@pytest.mark.parametrize(
    "ticker, label, expected",
    [
        ("META", "2026Q1", 18_997_000_000),
        ("MSFT", "2026Q1", 30_876_000_000),  # Microsoft fiscal Q3 2026
        ("GOOGL", "2026Q1", 35_674_000_000),
        ("AMZN", "2025Q3", 35_095_000_000),
        ("AMZN", "2025Q4", 39_522_000_000),
        ("ORCL", "2025Q3", 8_502_000_000),  # Oracle fiscal Q1 2026 (ends August 31)
    ],
)
def test_hyperscaler_capex_by_calendar_quarter(imported, ticker, label, expected):
    row = one(
        imported,
        "select capex_usd from hyperscaler_capex_quarterly where ticker = ? and calendar_label = ?",
        [ticker, label],
    )
    assert row.capex_usd == expected


def test_capex_total_is_the_fixed_panel_and_growth_only_when_complete(imported):
    frame = query_df(imported, "select * from hyperscaler_capex_quarterly where ticker = 'ALL'")
    members = frame.members.iloc[0].split(",")
    assert frame.members.nunique() == 1  # one panel at every quarter
    row = frame[frame.calendar_label == "2026Q1"].iloc[0]
    parts = query_df(
        imported,
        "select sum(capex_usd) s from hyperscaler_capex_quarterly "
        "where ticker in (select unnest(?)) and calendar_label = '2026Q1'",
        [members],
    ).s[0]
    assert row.capex_usd == parts and row.is_complete
    # 2025Q3 has Oracle, a company outside the panel: the total leaves it out
    q3 = frame[frame.calendar_label == "2025Q3"].iloc[0]
    assert "ORCL" not in q3.tickers_reported.split(",") and "ORCL" not in members
    # growth only where the whole panel reported both quarters
    assert frame[~frame.is_complete].capex_yoy_pct.isna().all()


def test_data_center_mix_marks_vintage_and_recast_sums(imported):
    frame = query_df(imported, "select * from nvda_data_center_mix")
    recast = frame[frame.presentation == "fy27_recast"]
    assert len(recast) == 3
    assert (
        recast.hyperscale_usd + recast.ai_clouds_industrial_enterprise_usd == recast.data_center_usd
    ).all()
    current = frame[frame.is_current_basis]
    assert not current.duplicated(["fiscal_year", "fiscal_quarter"]).any()
    q2fy26 = frame[(frame.fiscal_year == 2026) & (frame.fiscal_quarter == 2)]
    assert set(q2fy26.presentation) == {"fy27_original", "fy27_recast"}
    assert q2fy26.set_index("presentation").is_current_basis.to_dict() == {
        "fy27_original": False,
        "fy27_recast": True,
    }
    shares = current.hyperscale_share_pct + current.ai_clouds_industrial_enterprise_share_pct
    assert ((shares - 100).abs() < 1e-9).all()


def test_dc_vs_capex_uses_calendar_quarter(imported):
    row = one(imported, "select * from nvda_dc_vs_capex where calendar_label = '2023Q4'")
    assert (row.nvda_fiscal_year, row.nvda_fiscal_quarter) == (2024, 4)
    assert row.nvda_data_center_revenue_usd == 18_404_000_000
    assert row.dc_share_of_capex_pct == pytest.approx(
        row.nvda_data_center_revenue_usd / row.hyperscaler_capex_usd * 100
    )


def test_dc_vs_capex_gives_the_panels_answer(imported):
    dc = query_df(imported, "select * from nvda_dc_vs_capex").set_index("calendar_label")
    panel = query_df(imported, "select * from hyperscaler_capex_panel").set_index("calendar_label")
    complete = dc[dc.is_complete]
    assert list(complete.index) == list(panel.index[panel.nvda_data_center_revenue_usd.notna()])
    assert (complete.hyperscaler_capex_usd == panel.capex_usd[complete.index]).all()
    assert (complete.dc_share_of_capex_pct == panel.dc_share_of_capex_pct[complete.index]).all()
    partial = dc[~dc.is_complete]
    assert len(partial) > 0
    assert partial.dc_share_of_capex_pct.isna().all() and partial.hyperscaler_capex_usd.isna().all()


def test_dc_vs_capex_quarter_with_part_of_the_panel_has_no_ratio(imported):
    members = query_df(imported, "select tickers from hyperscaler_capex_panel").tickers[0]
    members = members.split(",")
    reported = query_df(
        imported,
        "select ticker from hyperscaler_capex_quarterly "
        "where calendar_label = '2026Q2' and ticker <> 'ALL' order by ticker",
    ).ticker
    reported = [t for t in reported if t in members]
    assert 0 < len(reported) < len(members)  # the case: part of the panel has reported
    row = one(imported, "select * from nvda_dc_vs_capex where calendar_label = '2026Q2'")
    assert not row.is_complete
    assert row.panel_reported == f"{len(reported)} of {len(members)} reported"
    assert row.tickers_reported == ",".join(reported)
    assert pd.isna(row.dc_share_of_capex_pct) and pd.isna(row.hyperscaler_capex_usd)


def test_relative_performance_starts_at_100(imported):
    frame = query_df(
        imported,
        """select series, index_value from relative_performance
                                  where date = base_date and series_kind = 'ticker'""",
    )
    assert len(frame) == 18
    assert (frame.index_value == 100).all()
    since = one(
        imported,
        "select count(distinct series) n from "
        "relative_performance_since(DATE '2024-06-10') where series_kind='group'",
    )
    assert since.n == 5


def test_data_freshness_and_run_log(imported):
    fresh = query_df(imported, "select * from data_freshness")
    assert set(fresh.source) == {"sec", "snapshot"}
    prices = fresh[fresh.table_name == "prices_daily"].iloc[0]
    assert pd.Timestamp(prices.newest_data_date) == pd.Timestamp("2026-08-21")  # SPY, SMH (README)
    items = query_df(imported, "select status, count(*) n from ingest_run_items group by 1")
    assert set(items.status) == {"ok"}


def _table_snapshot(settings):
    tables = [
        "prices_daily",
        "corporate_actions",
        "financial_facts",
        "segment_revenue",
        "customer_concentration",
        "adoption_indicators",
        "earnings_events",
        "companies",
    ]
    return {t: query_df(settings, f"select * from {t} order by all") for t in tables}


def test_importing_twice_changes_nothing(fresh_settings, snapshot_dir):
    first = import_snapshot(fresh_settings, snapshot_dir)
    before = _table_snapshot(fresh_settings)
    second = import_snapshot(fresh_settings, snapshot_dir)
    after = _table_snapshot(fresh_settings)
    assert first.exit_code == second.exit_code == 0
    assert sum(i.rows_written for i in second.items) == 0
    for table, frame in before.items():
        assert frame.equals(after[table]), table


@pytest.fixture
def broken_snapshot(tmp_path, snapshot_dir):
    """A copy of the snapshot in a temp dir with four bad files."""
    root = tmp_path / "snap"
    shutil.copytree(snapshot_dir, root)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    # missing column
    text = (
        (root / "corporate_actions.csv")
        .read_text()
        .replace("ticker,date,action,value", "ticker,day,action,value", 1)
    )
    (root / "corporate_actions.csv").write_text(text)
    # unparsable number on data line 3 (file line 4)
    lines = (root / "customer_concentration.csv").read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(",14.0,", ",fourteen,", 1)
    (root / "customer_concentration.csv").write_text("".join(lines))
    # unknown ticker on file line 2
    lines = (root / "segment_revenue.csv").read_text().splitlines(keepends=True)
    lines[1] = "ZZZZ" + lines[1][4:]
    (root / "segment_revenue.csv").write_text("".join(lines))
    # malformed JSON
    meta = root / "sec" / "companyfacts" / "CIK0001326801.json"
    meta.write_text(meta.read_text()[:500])
    return root


def test_bad_files_are_reported_and_the_rest_load(fresh_settings, broken_snapshot):
    summary = import_snapshot(fresh_settings, broken_snapshot)
    assert summary.exit_code == 1
    errors = {i.item: i.error for i in summary.failed}
    assert set(errors) == {
        "corporate_actions.csv",
        "customer_concentration.csv",
        "segment_revenue.csv",
        "sec/companyfacts/CIK0001326801.json",
    }
    assert "missing column(s) date" in errors["corporate_actions.csv"]
    assert "customer_concentration.csv:4:" in errors["customer_concentration.csv"]
    assert "'fourteen'" in errors["customer_concentration.csv"]
    assert "segment_revenue.csv:2:" in errors["segment_revenue.csv"]
    assert "unknown ticker 'ZZZZ'" in errors["segment_revenue.csv"]
    assert "malformed JSON" in errors["sec/companyfacts/CIK0001326801.json"]
    # everything else loaded
    counts = query_df(
        fresh_settings,
        """
        select (select count(*) from prices_daily) prices,
               (select count(*) from segment_revenue where filed_at is null) segments,
               (select count(*) from financial_facts where ticker = 'MSFT') msft,
               (select count(*) from financial_facts where ticker = 'META') meta""",
    ).iloc[0]
    assert counts.prices > 100_000 and counts.msft > 0
    assert counts.segments == 0 and counts.meta == 0
    logged = query_df(
        fresh_settings,
        "select item, status, error from ingest_run_items where status = 'failed' order by item",
    )
    assert list(logged["item"]) == sorted(errors)


def test_a_crash_mid_write_leaves_the_warehouse_intact(imported, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(imported.db, copy)
    settings = imported.with_(db=str(copy))
    before = query_df(settings, "select count(*) n from prices_daily").n[0]
    with pytest.raises(RuntimeError):
        with write_session(settings) as con:
            con.execute("delete from prices_daily")
            raise RuntimeError("simulated crash")
    assert query_df(settings, "select count(*) n from prices_daily").n[0] == before
    assert list(tmp_path.glob("w.duckdb.tmp-*")) == []


def test_readers_are_not_blocked_by_a_writer(imported, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(imported.db, copy)
    settings = imported.with_(db=str(copy))
    with write_session(settings) as con:
        con.execute("delete from prices_daily where ticker = 'SPY'")
        # a reader opens the live file while the writer holds its copy
        with duckdb.connect(str(copy), read_only=True) as reader:
            assert (
                reader.execute("select count(*) from prices_daily where ticker='SPY'").fetchall()[
                    0
                ][0]
                > 0
            )
    assert query_df(settings, "select count(*) n from prices_daily where ticker='SPY'").n[0] == 0


def test_garbage_in_snapshot_files_is_refused_naming_file_and_line(tmp_path, snapshot_dir):
    """Bad closes, a repeated key and two files for one ticker: each file fails, by name and
    line, and loads nothing (copies of the real files, with the changes made here)."""
    import csv
    import shutil

    from ingest.refresh import import_snapshot
    from warehouse.settings import Settings

    snap = tmp_path / "snap"
    (snap / "prices").mkdir(parents=True)
    rows = list(csv.reader(open(snapshot_dir / "prices" / "AMD.csv")))
    close = rows[0].index("Close")
    rows[5][close], rows[9][close] = "-5", "inf"
    csv.writer(open(snap / "prices" / "AMD.csv", "w", newline="")).writerows(rows)
    shutil.copyfile(snapshot_dir / "prices" / "NVDA.csv", snap / "prices" / "NVDA.csv")
    shutil.copyfile(snapshot_dir / "prices" / "NVDA.csv", snap / "prices" / "nvda.csv")
    facts = list(csv.reader(open(snapshot_dir / "financial_facts.csv")))
    value = facts[0].index("value_usd")
    repeated = list(facts[1])
    repeated[value] = "1"
    csv.writer(open(snap / "financial_facts.csv", "w", newline="")).writerows(
        [facts[0], facts[1], facts[2], repeated]
    )
    settings = Settings.from_env(env={}, db=str(tmp_path / "w.duckdb"))

    summary = import_snapshot(settings, snap, datasets=["prices", "financial_facts"])

    failed = {i.item: i.error for i in summary.failed}
    assert failed["prices/AMD.csv"].endswith(
        "AMD.csv:6: 2 close values ≤ 0, missing or non-finite (first here)"
    )
    for name in ("prices/NVDA.csv", "prices/nvda.csv"):
        assert "prices/NVDA.csv, prices/nvda.csv all hold NVDA" in failed[name]
    assert failed["financial_facts.csv"].endswith(
        "financial_facts.csv:4: repeats the key of line 2 (ticker, metric, fiscal_year, "
        "fiscal_quarter, source); one row per key"
    )
    stored = query_df(settings, "select count(*) as n from prices_daily")["n"][0]
    facts_stored = query_df(settings, "select count(*) as n from financial_facts")["n"][0]
    assert stored == 0 and facts_stored == 0


def test_a_nested_json_file_fails_naming_it(tmp_path):
    """A companyfacts file nested 100,000 levels deep (synthetic) is one failed item."""
    from ingest.refresh import import_snapshot
    from warehouse.settings import Settings

    folder = tmp_path / "snap" / "sec" / "companyfacts"
    folder.mkdir(parents=True)
    (folder / "CIK0001045810.json").write_text("[" * 100_000 + "]" * 100_000)
    settings = Settings.from_env(env={}, db=str(tmp_path / "w.duckdb"))

    summary = import_snapshot(settings, tmp_path / "snap", datasets=["sec"])

    [failed] = summary.failed
    assert failed.error.endswith(
        "CIK0001045810.json: malformed JSON (nested deeper than it can be read)"
    )
