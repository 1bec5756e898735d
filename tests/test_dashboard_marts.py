"""The marts behind the dashboard, checked against figures in ../shared/data (PROVENANCE.md)
and against the tables they are computed from."""

import shutil

import pandas as pd
import pytest

from dashboard import data
from ingest.refresh import import_snapshot
from warehouse.precompute import RANGE_MONTHS, range_start
from warehouse.reader import query_df


def one(settings, sql, params=None):
    return query_df(settings, sql, params).iloc[0]


def test_gpu_vendor_revenue_uses_sec_then_segment_sums(imported):
    # PROVENANCE: Q4 FY2024 total 22,103 M (segment sum); FY2026 Q4 68,127 M (SEC)
    fy24 = one(
        imported,
        "select * from gpu_vendor_quarterly "
        "where ticker='NVDA' and fiscal_year=2024 and fiscal_quarter=4",
    )
    assert fy24.revenue_usd == 22_103_000_000
    assert fy24.revenue_source_kind == "segment_sum" and pd.isna(fy24.gross_margin_pct)
    fy26 = one(
        imported,
        "select * from gpu_vendor_quarterly "
        "where ticker='NVDA' and fiscal_year=2026 and fiscal_quarter=4",
    )
    assert fy26.revenue_usd == 68_127_000_000 and fy26.revenue_source_kind == "sec"
    assert fy26.gross_margin_pct == pytest.approx(fy26.gross_profit_usd / fy26.revenue_usd * 100)
    vendors = query_df(imported, "select distinct ticker from gpu_vendor_quarterly")
    assert set(vendors.ticker) == {"NVDA", "AMD", "INTC", "AVGO"}


def test_platform_mart_keeps_gaps_and_never_double_counts(imported):
    row = one(
        imported,
        "select * from nvda_revenue_by_platform where presentation_group = "
        "'market_platform' and fiscal_label = 'FY2024 Q4' and segment = 'data_center'",
    )
    assert row.revenue_usd == 18_404_000_000 and row.quarter_total_usd == 22_103_000_000
    # FY2026 Q4: only data center was published in this presentation -> no total, no shares
    partial = query_df(
        imported,
        "select * from nvda_revenue_by_platform where "
        "presentation_group = 'market_platform' and fiscal_label = 'FY2026 Q4'",
    )
    assert list(partial.segment) == ["data_center"]
    assert partial.quarter_total_usd.isna().all() and not partial.is_complete.any()
    # fy27 group: hyperscale + AI clouds + edge = total revenue; data_center is not stacked again
    fy27 = query_df(
        imported, "select * from nvda_revenue_by_platform where presentation_group = 'fy27'"
    )
    assert "data_center" not in set(fy27.segment)
    assert fy27.groupby("fiscal_label").presentation.nunique().max() == 1  # never mixed
    q2 = fy27[fy27.fiscal_label == "FY2027 Q2"]
    assert set(q2.presentation) == {"fy27_recast"}
    sec = one(
        imported,
        "select value_usd from quarterly_financials where ticker='NVDA' and "
        "metric='revenue' and fiscal_year=2027 and fiscal_quarter=2",
    )
    assert q2.revenue_usd.sum() == pytest.approx(sec.value_usd)


def test_btos_summary_matches_provenance_and_keeps_xx_apart(imported):
    # PROVENANCE: median across states 3.7% on 2023-09-10 and 5.2% on 2024-02-11
    frame = query_df(
        imported,
        "select * from btos_ai_use_by_period "
        "where indicator = 'btos_ai_use_rate' order by period_date",
    )
    by_date = frame.set_index(frame.period_date.dt.strftime("%Y-%m-%d"))
    assert by_date.loc["2023-09-10", "median_pct"] == pytest.approx(3.7)
    assert by_date.loc["2024-02-11", "median_pct"] == pytest.approx(5.2)
    states = query_df(
        imported,
        "select period_date, count(*) n from adoption_indicators "
        "where indicator = 'btos_ai_use_rate' and length(geography) = 2 "
        "and geography not in ('XX', 'US') "
        "group by 1 order by 1",
    )
    assert list(frame.states_reported) == list(states.n)
    assert (frame.min_pct <= frame.median_pct).all() and (frame.median_pct <= frame.max_pct).all()
    assert set(frame.series_version) == {"2023_goods_or_services"}


def test_capex_panel_sums_the_same_companies_every_quarter(imported):
    panel = query_df(imported, "select * from hyperscaler_capex_panel")
    assert set(panel.tickers) == {"AMZN,GOOGL,META,MSFT"}
    assert "2026Q2" not in set(panel.calendar_label)  # AMZN and META had not reported
    per_company = query_df(
        imported,
        """
        select calendar_label, sum(capex_usd) s from hyperscaler_capex_quarterly
        where ticker in ('AMZN','GOOGL','META','MSFT') group by 1""",
    ).set_index("calendar_label")
    for row in panel.itertuples():
        assert row.capex_usd == pytest.approx(per_company.loc[row.calendar_label, "s"])
    q = panel.set_index("calendar_label").loc["2026Q1"]
    assert q.capex_yoy_pct == pytest.approx(
        (q.capex_usd / panel.set_index("calendar_label").loc["2025Q1", "capex_usd"] - 1) * 100
    )


def test_enterprise_basket_is_a_fixed_panel(imported):
    frame = query_df(imported, "select * from enterprise_adopters_growth")
    basket = frame[frame.ticker == "BASKET"]
    assert basket.members.nunique() == 1
    panel = basket.members.iloc[0].split(",")
    for label, rows in frame.groupby("calendar_label"):
        b = rows[rows.ticker == "BASKET"]
        members = rows[rows.ticker.isin(panel) & rows.revenue_usd_year_ago.notna()]
        if b.empty:
            assert members.empty, label
            continue
        b = b.iloc[0]
        assert b.tickers_reported == ",".join(sorted(members.ticker))
        assert b.is_complete == (len(members) == len(panel))
        if not b.is_complete:
            assert pd.isna(b.revenue_yoy_pct), label  # part of the panel: no growth figure
            continue
        assert b.revenue_yoy_pct == pytest.approx(
            (members.revenue_usd.sum() / members.revenue_usd_year_ago.sum() - 1) * 100
        )


def test_scorecard_compares_like_with_like(imported):
    card = query_df(imported, "select * from thesis_scorecard").set_index("indicator")
    assert list(card.index) == [
        "nvda_enterprise_share",
        "hyperscaler_capex_yoy",
        "nvda_dc_share_of_capex",
        "enterprise_adopters_growth",
        "btos_ai_use_rate",
        "nvda_top_customer_share",
    ]
    share = card.loc["nvda_enterprise_share"]
    seg = query_df(
        imported,
        """
        select fiscal_year, fiscal_quarter,
               sum(revenue_usd) filter (where segment = 'ai_clouds_industrial_enterprise')
               / sum(revenue_usd) filter (where segment = 'data_center') * 100 as pct
        from segment_revenue where presentation = 'fy27_recast' group by 1, 2""",
    )
    pct = {(r.fiscal_year, r.fiscal_quarter): r.pct for r in seg.itertuples()}
    assert share.period_label == "FY2027 Q2" and share.value_pct == pytest.approx(pct[(2027, 2)])
    assert share.year_ago_label == "FY2026 Q2"
    assert share.change_on_year_pp == pytest.approx(pct[(2027, 2)] - pct[(2026, 2)])
    assert share.points_to == ("enterprise-led" if share.change_on_year_pp > 0 else "capex-led")
    # the top customer had no like-for-like prior-quarter disclosure: no change is invented
    top = card.loc["nvda_top_customer_share"]
    assert top.value_pct == 23.0 and pd.isna(top.change_on_quarter_pp)
    assert top.year_ago_value_pct == 14.0 and top.points_to == "capex-led"
    btos = card.loc["btos_ai_use_rate"]
    # the newest wording's national rate, never chained to the old wording's readings
    assert (btos.basis, btos.members) == ("2025_any_business_function", "US")
    assert pd.isna(btos.year_ago_value_pct) and btos.points_to == "no year-ago reading"
    assert set(card.points_to) <= {
        "enterprise-led",
        "capex-led",
        "unchanged",
        "no year-ago reading",
    }


def test_drawdown_and_relative_to_benchmark(imported):
    perf = query_df(imported, "select * from relative_performance_since(DATE '2025-01-02')")
    assert (perf.drawdown_pct <= 1e-9).all()
    nvda = perf[perf.series == "NVDA"].sort_values("date")
    peak = nvda.index_value.cummax()
    assert nvda.drawdown_pct.to_numpy() == pytest.approx(
        ((nvda.index_value / peak - 1) * 100).to_numpy()
    )
    # a group is drawn only on days every member traded (ORCL's prices end before MSFT's)
    hyper = perf[(perf.series_kind == "group") & (perf.series == "hyperscaler")]
    orcl_last = perf[perf.series == "ORCL"].date.max()
    assert hyper.date.max() == orcl_last
    vs = query_df(
        imported,
        "select * from relative_performance_vs(DATE '2025-01-02', 'SPY') "
        "where series = 'NVDA' order by date",
    )
    spy = perf[perf.series == "SPY"].set_index("date").index_value
    row = vs.iloc[-1]
    assert row.relative_index == pytest.approx(row.index_value / spy.loc[row.date] * 100)


MARKETS_SERIES = ["NVDA", "AMD", "gpu_vendor", "hyperscaler", "SPY"]


@pytest.mark.parametrize("key", sorted(RANGE_MONTHS))
@pytest.mark.parametrize("benchmark", [None, "SPY"])
def test_markets_ranges_table_holds_the_macros_figures(imported, key, benchmark):
    newest = one(imported, "select max(date) as d from prices_daily").d
    start = range_start(newest, key).strftime("%Y-%m-%d")
    held = one(
        imported,
        "select count(*) as n from markets_performance_ranges where start_date = ?::date",
        [start],
    ).n
    assert held > 0  # the refresh wrote this range: the page reads the table, not the macro
    got = data.relative_performance(imported, start, MARKETS_SERIES, benchmark).frame
    if benchmark:
        sql = (
            "select * from relative_performance_vs(?::date, ?) where list_contains(?, series) "
            "order by series_kind, series, date"
        )
        params = [start, benchmark, MARKETS_SERIES]
    else:
        sql = (
            "select * from relative_performance_since(?::date) where list_contains(?, series) "
            "order by series_kind, series, date"
        )
        params = [start, MARKETS_SERIES]
    want = query_df(imported, sql, params)
    assert list(got.columns) == list(want.columns)
    assert (got.dtypes == want.dtypes).all()
    assert len(got) == len(want) > 0
    for column in want.columns:
        if pd.api.types.is_float_dtype(want[column]):
            # a group's mean is summed in parallel: the macro itself differs run to run in
            # the last bits, so equal to 1e-12 relative
            assert got[column].to_numpy() == pytest.approx(
                want[column].to_numpy(), rel=1e-12, nan_ok=True
            )
        else:
            assert got[column].tolist() == want[column].tolist(), column


def test_markets_start_not_precomputed_reads_the_macro(imported):
    start = "2024-06-10"  # not a range start for the snapshot's newest price date
    held = one(
        imported,
        "select count(*) as n from markets_performance_ranges where start_date = ?::date",
        [start],
    ).n
    assert held == 0
    got = data.relative_performance(imported, start, ["NVDA", "gpu_vendor"], None).frame
    want = query_df(
        imported,
        "select * from relative_performance_since(DATE '2024-06-10') "
        "where series in ('NVDA', 'gpu_vendor') order by series_kind, series, date",
    )
    assert len(got) == len(want) > 0
    assert got.index_value.to_numpy() == pytest.approx(want.index_value.to_numpy(), rel=1e-12)


def test_run_summary_and_source_status_show_failures_with_reasons(imported, tmp_path, snapshot_dir):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(imported.db, db)
    settings = imported.with_(db=str(db))
    snap = tmp_path / "snap"
    snap.mkdir()
    text = (snapshot_dir / "corporate_actions.csv").read_text()
    (snap / "corporate_actions.csv").write_text(text.replace("ticker,date,", "ticker,day,", 1))
    assert import_snapshot(settings, snap).exit_code == 1
    runs = query_df(settings, "select * from ingest_run_summary")
    latest = runs.iloc[0]
    assert latest.status == "failed"  # nothing loaded: one file failed, the rest were skipped
    assert latest.items_failed == 1 and latest.items_ok == 0 and latest.items_skipped > 0
    assert "corporate_actions.csv: " in latest.failures and "missing column" in latest.failures
    source = query_df(settings, "select * from source_last_refresh where source = 'snapshot'").iloc[
        0
    ]
    assert source.last_run_status == "failed" and "missing column" in source.failures
    assert source.last_success_at < source.last_run_started_at  # the earlier import
    status = query_df(settings, "select * from warehouse_status").iloc[0]
    assert status.last_run_status == "failed"
    assert status.last_success_at == runs.iloc[1].finished_at
