"""Figure builders, text, the revenue-gap method and page callbacks, called as plain functions."""

import datetime as dt
import sys
import threading

import dash
import pandas as pd
import pytest

from dashboard import components, data, figures, revenue_gap, text
from dashboard.app import create_app
from ingest.refresh import import_snapshot


@pytest.fixture(scope="module")
def pages(imported):
    """The page modules as the app loaded them (dash pages need an app to register)."""
    create_app(imported)
    return {name.split(".", 1)[1]: sys.modules[name] for name in dash.page_registry}


# --- figure builders --------------------------------------------------------------------------


def test_platform_figure_draws_nvidia_data_center(imported):
    chart = data.nvda_revenue_by_platform(imported, "market_platform")
    drawn = figures.platform_drawn(chart.frame)
    fig = figures.platform_figure(drawn)
    names = [t.name for t in fig.data]
    assert sorted(names) == [
        "Automotive",
        "Data center",
        "Gaming",
        "OEM & other",
        "Professional visualization",
    ]
    dc = next(t for t in fig.data if t.name == "Data center")
    assert dc.y[list(dc.x).index("FY2024 Q4")] == pytest.approx(18.404)
    assert "B (" in dc.hovertemplate  # USD billions with the share on hover
    cap = figures.platform_caption(drawn)
    assert cap.startswith("Source:") and "As of NVIDIA FY2026 Q4" in cap
    assert "FY2026 Q4: only some segments" in cap


def test_btos_figure_marks_the_question_change_and_never_says_us(imported):
    chart = data.btos_ai_use_by_period(imported, "btos_ai_use_rate")
    fig = figures.btos_figure(figures.btos_drawn(chart.frame, show_xx=True))
    assert any(s.type == "line" and str(s.x0).startswith("2025-11-01") for s in fig.layout.shapes)
    assert any("Census changed the AI question" in a.text for a in fig.layout.annotations)
    names = [t.name for t in fig.data if t.name]
    assert any("not verified as national" in n for n in names)
    assert not any(n == "US" or "national rate" in n for n in names)
    without = figures.btos_figure(figures.btos_drawn(chart.frame, show_xx=False))
    assert not any("XX" in (t.name or "") for t in without.data)
    # the axis runs past the change so the missing post-change series shows as a gap
    assert pd.Timestamp(fig.layout.xaxis.range[1]) > pd.Timestamp("2025-11-01")


def test_gpu_revenue_marks_segment_sums_and_margin_names_gaps(imported):
    chart = data.gpu_vendor_quarterly(imported, ["NVDA", "AMD"])
    drawn = figures.gpu_revenue_drawn(chart.frame)
    fig = figures.gpu_revenue_figure(drawn)
    nvda = next(t for t in fig.data if t.name == "NVDA")
    assert "circle-open" in nvda.marker.symbol and "circle" in nvda.marker.symbol
    margin = figures.gpu_margin_drawn(chart.frame)
    assert margin[margin.ticker == "NVDA"].fiscal_label.iloc[0] == "FY2026 Q1"
    cap = figures.gpu_margin_caption(margin, ["NVDA", "AMD", "INTC"])
    assert "No gross profit loaded for INTC" in cap and "gap, not zero" in cap


def test_capex_drawn_shows_the_total_only_for_every_company(imported):
    chart = data.hyperscaler_capex_quarterly(imported, ["MSFT"])
    drawn = figures.capex_drawn(chart.frame, ["MSFT"], ["MSFT", "GOOGL"])
    assert set(drawn.ticker) == {"MSFT"}
    everyone = ["MSFT", "GOOGL", "AMZN", "META", "ORCL"]
    chart = data.hyperscaler_capex_quarterly(imported, everyone)
    drawn = figures.capex_drawn(chart.frame, everyone, everyone)
    assert "ALL" in set(drawn.ticker)


def test_dc_vs_capex_figure_has_bars_and_share(imported):
    chart = data.hyperscaler_capex_panel(imported)
    drawn = figures.dc_vs_capex_drawn(chart.frame)
    fig = figures.dc_vs_capex_figure(drawn)
    assert [t.type for t in fig.data] == ["bar", "bar", "scatter"]
    assert fig.data[2].yaxis == "y2"
    assert "As of calendar 2026Q1" in figures.dc_vs_capex_caption(drawn)


def test_performance_figure_log_scale_and_benchmark(imported):
    chart = data.relative_performance(imported, "2025-06-01", ["NVDA", "gpu_vendor"], "QQQ")
    drawn = figures.performance_drawn(chart.frame, "QQQ")
    fig = figures.performance_figure(drawn, "QQQ", log_scale=True)
    assert fig.layout.yaxis.type == "log"
    assert {t.name for t in fig.data} == {"NVDA", "GPU vendors (group)"}
    assert "relative to QQQ" in fig.layout.yaxis.title.text


def test_empty_figure_says_what_is_missing():
    fig = figures.empty_figure(
        "no SEC data yet: run `bubblemeter refresh --source sec` and "
        "then reload this page to see the chart"
    )
    assert "bubblemeter refresh" in fig.layout.annotations[0].text
    assert "<br>" in fig.layout.annotations[0].text  # wrapped, not cut off
    assert fig.layout.xaxis.visible is False


# --- text -------------------------------------------------------------------------------------


def test_number_formats():
    assert text.usd_billions(89_023_000_000) == "$89.0B"
    assert text.pct(45.2838) == "45.3%"
    assert text.pp(4.09) == "+4.1 pp" and text.pp(-0.25) == "-0.2 pp"
    assert text.usd_billions(None) == text.pct(float("nan")) == "–"


def test_thesis_sentences_come_from_the_numbers(imported):
    card = data.thesis_scorecard(imported).frame
    sentences = text.thesis_sentences(card)
    share = card.set_index("indicator").loc["nvda_enterprise_share"]
    assert f"{share.value_pct:.1f}%" in sentences[-1] and share.period_label in sentences[-1]
    # change the numbers (synthetic) and the words follow; only current readings count
    flipped = card.copy()
    flipped["points_to"] = "capex-led"
    n = text._number_word(int(card.is_current.sum()))
    assert (
        f"none of the {n} current readings (of six indicators) point toward enterprise-led "
        f"growth and {n} toward capex-led" in text.thesis_sentences(flipped)[0]
    )


def _status(**values):
    """A synthetic one-row warehouse_status frame."""
    row = {
        "newest_price_date": pd.Timestamp("2026-11-27"),
        "last_success_at": pd.Timestamp("2026-11-28 06:00"),
        "snapshot_only": False,
    }
    row.update(values)
    return pd.DataFrame([row])


def test_banner_messages_for_snapshot_and_staleness():
    now = dt.datetime(2026, 11, 30, 12, 0)  # a Monday
    assert text.banner_messages(_status(), now) == []
    stale = text.banner_messages(_status(newest_price_date=pd.Timestamp("2026-11-20")), now)
    assert (
        stale[0][0] == "warning" and "2026-11-20" in stale[0][1] and "6 trading days" in stale[0][1]
    )
    old_load = text.banner_messages(_status(last_success_at=pd.Timestamp("2026-11-20 06:00")), now)
    assert "10 days ago" in old_load[0][1]
    snap = text.banner_messages(_status(snapshot_only=True), now)
    assert snap[0][0] == "info" and "Offline snapshot" in snap[0][1]
    assert "No successful load" in text.banner_messages(_status(last_success_at=pd.NaT), now)[0][1]


def test_trading_days_skip_weekends():
    assert text.trading_days_between("2026-11-27", "2026-11-30") == 1  # Friday -> Monday
    assert text.trading_days_between("2026-11-30", "2026-11-30") == 0


# --- the revenue-gap method -------------------------------------------------------------------


def test_revenue_gap_arithmetic():
    gap = revenue_gap.compute(50e9, 2, 2, earned_usd=100e9)  # synthetic inputs
    assert gap.run_rate_usd == 200e9 and gap.data_center_cost_usd == 400e9
    assert gap.required_revenue_usd == 800e9 and gap.gap_usd == 700e9
    assert revenue_gap.compute(50e9, 2, 2).gap_usd is None


def test_revenue_gap_rejects_bad_assumptions():
    with pytest.raises(revenue_gap.BadAssumption, match="1 or more"):
        revenue_gap.check_multiplier(0.5, "cost multiplier")
    with pytest.raises(revenue_gap.BadAssumption, match="empty"):
        revenue_gap.check_multiplier(None, "margin multiplier")
    with pytest.raises(revenue_gap.BadAssumption, match="negative"):
        revenue_gap.check_earned(-1)
    assert revenue_gap.check_earned("") is None and revenue_gap.check_earned(600) == 600e9


# --- components -------------------------------------------------------------------------------


def test_search_string_keeps_only_what_differs():
    defaults = {"tickers": ["A", "B"], "presentation": "market_platform", "log": False}
    assert (
        components.search_string(
            {"tickers": ["A", "B"], "presentation": "market_platform", "log": False}, defaults
        )
        == ""
    )
    assert (
        components.search_string({"tickers": ["A"], "presentation": "fy27", "log": True}, defaults)
        == "?tickers=A&presentation=fy27&log=1"
    )
    assert components.query_list("B,Z,A", ["A", "B"], []) == ["A", "B"]
    assert components.query_list(None, ["A", "B"], ["A"]) == ["A"]
    assert components.query_choice("evil", ["x"], "x") == "x"
    assert components.query_flag("1") is True and components.query_flag(None) is False


def test_download_sends_exactly_the_stored_rows():
    frame = pd.DataFrame({"a": [1, 2]})
    payload = components.csv_payload(frame, "x.csv")
    sent = components.download_csv(1, payload)
    assert sent["content"] == "a\n1\n2\n" and sent["filename"] == "x.csv"
    assert components.download_csv(None, payload) is None
    assert components.download_csv(1, None) is None


# --- page callbacks ---------------------------------------------------------------------------


def test_gpu_vendors_callback(pages):
    out = pages["gpu_vendors"].update(["NVDA"], "fy27")
    assert out[0] == "?tickers=NVDA&presentation=fy27"
    platform_fig, platform_csv = out[9], out[11]
    assert {t.name for t in platform_fig.data} == {
        "Hyperscale",
        "Edge computing",
        "AI clouds, industrial & enterprise",
    }
    assert "fy27_recast" in platform_csv["csv"]
    assert "Next report date: none loaded" in out[-1] and "Latest reported: NVDA" in out[-1]
    empty = pages["gpu_vendors"].update([], "market_platform")
    assert "no vendor chosen" in empty[2] and empty[4] is True  # CSV button disabled


def test_capex_callback(pages):
    out = pages["capex"].update(["MSFT", "GOOGL"], "cash")
    assert out[0] == "?tickers=MSFT,GOOGL"
    assert {t.name for t in out[1].data} == {"MSFT", "GOOGL"}
    assert "cash capex (purchases of property and equipment) (the default)" in out[2]
    intensity = out[5]
    assert {t.name for t in intensity.data} == {"MSFT", "GOOGL"}
    leases = pages["capex"].update(["AMZN", "META"], "leases")
    assert leases[0] == "?tickers=AMZN,META&definition=leases"
    # Amazon has no finance-lease figure loaded: left out, and said so
    assert {t.name for t in leases[1].data} == {"META"}
    assert "including finance leases" in leases[2] and "AMZN" in leases[2]


def test_enterprise_callback(pages):
    out = pages["enterprise"].update("original", ["PLTR"], "btos_ai_use_expected_rate", ["xx"])
    assert out[0] == ("?vintage=original&tickers=PLTR&btos=btos_ai_use_expected_rate&xx=1")
    assert "As first published" in out[2]
    assert {t.name for t in out[5].data} == {"PLTR", "Basket (fixed panel)"}


def test_revenue_gap_callback_recomputes(pages, imported):
    out = pages["revenue_gap"].update("FY2024Q4", 3, 2, 600)
    assert out[0] == "?quarter=FY2024Q4&cost=3&earned=600"
    rendered = str(out[1].to_plotly_json())
    assert "$18.4B" in rendered  # NVIDIA data center, fiscal Q4 2024 (18,404 M)
    assert text.usd_billions(18_404_000_000 * 4 * 3 * 2) in rendered
    assert text.usd_billions(abs(18_404_000_000 * 4 * 3 * 2 - 600e9)) in rendered
    bad = pages["revenue_gap"].update("FY2024Q4", 0.5, 2, None)
    assert "must be 1 or more" in bad[3] and bad[5] is True


def test_markets_callback(pages):
    out = pages["markets"].update("3y", ["NVDA", "SMH"], "SMH", ["log"])
    assert out[0] == "?range=3y&series=NVDA,SMH&vs=SMH&log=1"
    # the figures as sent (kept answers hold them as JSON: pagecache.KeptFigure)
    first, second = out[1].to_plotly_json(), out[5].to_plotly_json()
    assert [t["name"] for t in first["data"]] == ["NVDA"]  # SMH relative to itself is not drawn
    assert first["layout"]["yaxis"]["type"] == "log"
    assert {t["name"] for t in second["data"]} == {"NVDA", "SMH"}


def test_status_callback(pages):
    out = pages["data_status"].update(["failed"])
    assert out[0] == "?failed=1"
    assert "no failed runs" in str(out[1].to_plotly_json())


# --- reading while a refresh swaps the file ---------------------------------------------------


def test_pages_keep_reading_while_a_refresh_swaps_the_warehouse(fresh_settings, snapshot_dir):
    assert import_snapshot(fresh_settings, snapshot_dir).exit_code == 0
    errors, reads = [], []
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                chart = data.thesis_scorecard(fresh_settings)
                assert chart.empty_reason is None, chart.empty_reason
                reads.append(len(chart.frame))
            except Exception as exc:  # noqa: BLE001 (collect and report every failure)
                errors.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert import_snapshot(fresh_settings, snapshot_dir).exit_code == 0
    finally:
        done.set()
        thread.join()
    assert errors == [] and len(reads) > 0 and set(reads) == {6}


def test_lines_stop_at_a_missing_period():
    rows = pd.DataFrame(
        {"d": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-10-01"]), "v": [1.0, 2.0, 3.0]}
    )  # synthetic: 2024Q3 missing
    broken = figures._break_gaps(rows, "d", figures.QUARTER_GAP_DAYS)
    assert len(broken) == 4 and broken["v"].isna().sum() == 1
    assert list(broken["v"].iloc[[0, 1, 3]]) == [1.0, 2.0, 3.0]
    assert len(figures._break_gaps(rows.iloc[:2], "d", figures.QUARTER_GAP_DAYS)) == 2


def test_scheduler_block(pages):
    status = pages["data_status"]
    assert "No scheduler running" in str(status.scheduler_block(None).to_plotly_json())
    alive = {
        "pid": 123,
        "alive": True,
        "last_run_at": "2026-11-28T06:00:00",  # synthetic
        "last_status": "ok",
        "last_summary": "28 loaded",
        "next_run_at": "2026-11-29T06:00:00",
    }
    shown = str(status.scheduler_block(alive).to_plotly_json())
    assert "Scheduler running" in shown and "2026-11-29 06:00 UTC" in shown
    stopped = str(status.scheduler_block({**alive, "alive": False}).to_plotly_json())
    assert "No scheduler running" in stopped and "none scheduled" in stopped


def test_gpu_page_names_latest_surprise_per_vendor(pages, imported):
    chart = data.earnings_surprises(imported, ["NVDA"])
    line = pages["gpu_vendors"].latest_surprises(figures.earnings_drawn(chart.frame))
    latest = chart.frame.dropna(subset=["report_date"]).sort_values("report_date").iloc[-1]
    assert f"NVDA {latest.fiscal_period_label}" in line
    assert f"{latest.surprise_pct:+.1f}%" in line
