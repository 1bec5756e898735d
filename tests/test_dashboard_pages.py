"""Every dashboard page in a real browser, on a warehouse imported from the real snapshot.

One app server and one browser for the whole module (tests visit pages in turn).
"""

import base64
import csv
import io
import json
import math
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.keys import Keys

from dashboard import ids
from dashboard.app import create_app
from tests.conftest import free_port, module_dash_duo
from warehouse.reader import query_df

pytestmark = pytest.mark.browser

# path -> graphs that must draw on it
PAGES = {
    "/": [ids.HOME_DC_MIX_GRAPH, ids.HOME_DC_VS_CAPEX_GRAPH, ids.HOME_HISTORY_GRAPH],
    "/gpu-vendors": [
        ids.GPU_REVENUE_GRAPH,
        ids.GPU_MARGIN_GRAPH,
        ids.GPU_PLATFORM_GRAPH,
        ids.GPU_EARNINGS_GRAPH,
        ids.GPU_DC_SPLIT_GRAPH,
    ],
    "/capex": [
        ids.CAPEX_GRAPH,
        ids.CAPEX_INTENSITY_GRAPH,
        ids.CAPEX_DC_SHARE_GRAPH,
        ids.CAPEX_CLOUD_GRAPH,
    ],
    "/enterprise": [
        ids.ENT_MIX_GRAPH,
        ids.ENT_GROWTH_GRAPH,
        ids.ENT_BTOS_NATIONAL_GRAPH,
        ids.ENT_BTOS_SECTOR_GRAPH,
        ids.ENT_BTOS_SIZE_GRAPH,
        ids.ENT_BTOS_GRAPH,
    ],
    "/revenue-gap": [ids.GAP_GRAPH],
    "/markets": [ids.MKT_PERF_GRAPH, ids.MKT_DRAWDOWN_GRAPH],
    "/status": [],
}
CAPTIONS = {
    "/": [ids.HOME_DC_MIX_CAPTION, ids.HOME_DC_VS_CAPEX_CAPTION, ids.HOME_HISTORY_CAPTION],
    "/gpu-vendors": [
        ids.GPU_REVENUE_CAPTION,
        ids.GPU_MARGIN_CAPTION,
        ids.GPU_PLATFORM_CAPTION,
        ids.GPU_EARNINGS_CAPTION,
        ids.GPU_DC_SPLIT_CAPTION,
    ],
    "/capex": [
        ids.CAPEX_CAPTION,
        ids.CAPEX_INTENSITY_CAPTION,
        ids.CAPEX_DC_SHARE_CAPTION,
        ids.CAPEX_CLOUD_CAPTION,
    ],
    "/enterprise": [
        ids.ENT_MIX_CAPTION,
        ids.ENT_GROWTH_CAPTION,
        ids.ENT_BTOS_NATIONAL_CAPTION,
        ids.ENT_BTOS_SECTOR_CAPTION,
        ids.ENT_BTOS_SIZE_CAPTION,
        ids.ENT_BTOS_CAPTION,
        ids.ENT_CONCENTRATION_CAPTION,
    ],
    "/revenue-gap": [ids.GAP_CAPTION],
    "/markets": [ids.MKT_PERF_CAPTION, ids.MKT_DRAWDOWN_CAPTION],
    "/status": [],
}


@pytest.fixture(scope="module")
def duo(request, tmp_path_factory, imported):
    with module_dash_duo(request, tmp_path_factory) as duo:
        duo.start_server(create_app(imported), port=free_port())
        yield duo


def visit(duo, path: str):
    duo.wait_for_page(url=duo.server_url + path, timeout=20)
    for graph in PAGES.get(urlparse(path).path, []):
        duo.wait_for_element(f"#{graph} .main-svg", timeout=20)


def _values(column) -> list:
    """A trace column as sent to plotly: a list, or a base64 typed array."""
    if isinstance(column, dict) and "bdata" in column:
        return np.frombuffer(base64.b64decode(column["bdata"]), dtype=column["dtype"]).tolist()
    return list(column or [])


def traces(duo, graph_id: str) -> list[dict]:
    """The figure data the graph handed to plotly in the browser."""
    raw = duo.driver.execute_script(
        "const el = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return JSON.stringify(el.data.map(t => ({name: t.name, x: t.x, y: t.y})));",
        f"#{graph_id}",
    )
    return [
        {"name": t["name"], "x": _values(t["x"]), "y": _values(t["y"])} for t in json.loads(raw)
    ]


def search_params(duo) -> dict:
    return parse_qs(urlparse(duo.driver.current_url).query)


def wait_until(predicate, timeout=10, message="condition not met"):
    """Poll until predicate() is truthy; an element missing or replaced meanwhile (a callback
    redrawing it) counts as 'not yet'."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
        except (NoSuchElementException, StaleElementReferenceException):
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(message)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_with_captions_and_no_console_errors(duo, path):
    visit(duo, path)
    assert duo.find_element("h3").text
    for caption_id in CAPTIONS[path]:
        caption = duo.find_element(f"#{caption_id}").text
        assert "Source:" in caption and "As of" in caption, (caption_id, caption)
    assert "Offline snapshot" in duo.find_element(f"#{ids.STALE_BANNER}").text
    assert duo.get_logs() == []


def test_nav_lists_every_page_in_order(duo):
    visit(duo, "/")
    names = [a.text for a in duo.find_elements(".navbar .nav-link")]
    expected = [
        "Thesis",
        "GPU vendors",
        "Big-tech capex",
        "Enterprise adoption",
        "AI revenue gap",
        "Markets",
        "Data status",
    ]
    assert [n for n in names if n in expected] == expected


def test_scorecard_reads_the_warehouse(duo, imported):
    visit(duo, "/")
    latest = query_df(imported, "select indicator, value_pct, points_to from thesis_scorecard")
    for row in latest.itertuples():
        cells = duo.find_element(f"#scorecard-{row.indicator}").text
        assert f"{row.value_pct:.1f}%" in cells and row.points_to in cells
    summary = duo.find_element(f"#{ids.HOME_SUMMARY}").text
    share = latest.set_index("indicator").loc["nvda_enterprise_share", "value_pct"]
    assert f"{share:.1f}%" in summary
    assert duo.get_logs() == []


def test_thesis_page_greys_stale_readings_and_draws_the_history(duo, imported):
    visit(duo, "/")
    card = query_df(imported, "select * from thesis_scorecard")
    for row in card.itertuples():
        element = duo.find_element(f"#scorecard-{row.indicator}")
        cells = element.text
        assert row.reading_rule in cells
        greyed = "not-current" in (element.get_attribute("class") or "")
        assert greyed == (not row.is_current)
        assert ("not counted" in cells) == (not row.is_current)
    summary = duo.find_element(f"#{ids.HOME_SUMMARY}").text
    current = int(card.is_current.sum())
    assert "current readings" in summary and "The oldest reading counted is" in summary
    assert ["one", "two", "three", "four", "five", "six"][current - 1] in summary
    history = query_df(imported, "select distinct as_of from thesis_history")
    verdict = next(t for t in traces(duo, ids.HOME_HISTORY_GRAPH) if t["name"] == "verdict")
    assert len(_values(verdict["x"])) == len(history)
    mix = {t["name"] for t in traces(duo, ids.HOME_DC_MIX_GRAPH)}
    assert "Hyperscale (as first published)" in mix and "Hyperscale (recast)" in mix
    assert duo.get_logs() == []


def test_capex_page_switches_definition_and_marks_incomplete_totals(duo):
    visit(duo, "/capex")
    caption = duo.find_element(f"#{ids.CAPEX_CAPTION}").text
    assert "cash capex (purchases of property and equipment) (the default)" in caption
    names = {t["name"] for t in traces(duo, ids.CAPEX_GRAPH)}
    assert "Panel total, incomplete (not all reported)" in names
    duo.find_element(f"#{ids.CAPEX_DEFINITION} input[value='leases']").click()
    wait_until(
        lambda: search_params(duo).get("definition") == ["leases"],
        10,
        f"URL not updated: {duo.driver.current_url}",
    )
    wait_until(
        lambda: "including finance leases" in duo.find_element(f"#{ids.CAPEX_CAPTION}").text,
        10,
        "caption not redrawn",
    )
    assert "AMZN" not in {t["name"] for t in traces(duo, ids.CAPEX_GRAPH)}
    assert duo.get_logs() == []


def test_gpu_vendors_draws_nvidia_data_center_fy2024_q4(duo):
    """NVIDIA data-center revenue, fiscal Q4 2024: 18,404 M USD (PROVENANCE.md, checked)."""
    visit(duo, "/gpu-vendors")
    data_center = next(t for t in traces(duo, ids.GPU_PLATFORM_GRAPH) if t["name"] == "Data center")
    value = data_center["y"][data_center["x"].index("FY2024 Q4")]
    assert value * 1e9 == pytest.approx(18_404_000_000)

    duo.find_element("button[id*='gpu-platform'][id*='csv-button']").click()
    path = Path(duo.download_path) / "bubblemeter-gpu-platform.csv"
    wait_until(lambda: path.exists() and path.stat().st_size > 0, 15, "CSV not downloaded")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    row = next(
        r for r in rows if r["fiscal_label"] == "FY2024 Q4" and r["segment"] == "data_center"
    )
    assert float(row["revenue_usd"]) == 18_404_000_000
    drawn_points = sum(
        len([y for y in t["y"] if y is not None and not math.isnan(y)])
        for t in traces(duo, ids.GPU_PLATFORM_GRAPH)
    )
    assert len(rows) == drawn_points  # exactly the data drawn
    assert duo.get_logs() == []


def test_filing_charts_cite_accession_and_filing_date(duo, imported):
    """The segment, data-center split, customer and cloud charts say which filing they read."""
    filings = query_df(
        imported,
        "select ticker, accession, max(filed_at) as filed_at from filing_facts group by all",
    )
    nvda_10q = query_df(
        imported,
        "select distinct accession, filed_at from nvda_data_center_split",
    ).iloc[0]
    cited = f"{nvda_10q.accession} filed {nvda_10q.filed_at:%Y-%m-%d}"

    visit(duo, "/gpu-vendors")
    assert cited in duo.find_element(f"#{ids.GPU_PLATFORM_CAPTION}").text
    assert cited in duo.find_element(f"#{ids.GPU_DC_SPLIT_CAPTION}").text
    split = {t["name"]: t for t in traces(duo, ids.GPU_DC_SPLIT_GRAPH)}
    stored = query_df(imported, "select * from nvda_data_center_split order by period_end")
    assert [v * 1e9 for v in _values(split["Networking"]["y"])] == pytest.approx(
        list(stored["networking_usd"])
    )

    visit(duo, "/enterprise")
    assert cited in duo.find_element(f"#{ids.ENT_CONCENTRATION_CAPTION}").text
    assert nvda_10q.accession in duo.find_element(f"#{ids.ENT_CONCENTRATION_TABLE}").text

    visit(duo, "/capex")
    caption = duo.find_element(f"#{ids.CAPEX_CLOUD_CAPTION}").text
    for ticker in ("GOOGL", "AMZN"):
        row = filings[filings["ticker"] == ticker].iloc[0]
        assert f"{row.accession} filed {row.filed_at:%Y-%m-%d}" in caption
    ratios = query_df(imported, "select * from cloud_revenue_vs_capex order by ticker, period_end")
    drawn = {
        t["name"].split(" ")[0]: t
        for t in traces(duo, ids.CAPEX_CLOUD_GRAPH)
        if "next four" not in t["name"]
    }
    for ticker, rows in ratios.groupby("ticker"):
        assert _values(drawn[ticker]["y"]) == pytest.approx(
            list(rows["cloud_revenue_per_capex_usd"])
        )
    assert duo.get_logs() == []


def test_filter_change_updates_url_and_the_link_restores_it(duo):
    visit(duo, "/gpu-vendors")
    duo.find_element(f"#{ids.GPU_PRESENTATION} input[value='fy27']").click()
    wait_until(
        lambda: search_params(duo).get("presentation") == ["fy27"],
        10,
        f"URL not updated: {duo.driver.current_url}",
    )
    wait_until(
        lambda: any(t["name"] == "Hyperscale" for t in traces(duo, ids.GPU_PLATFORM_GRAPH)),
        10,
        "platform chart not redrawn",
    )
    duo.find_element(f"#{ids.GPU_TICKERS} input[value='INTC']").click()
    wait_until(
        lambda: search_params(duo).get("tickers") == ["NVDA,AMD,AVGO"],
        10,
        f"URL not updated: {duo.driver.current_url}",
    )
    assert "INTC" not in {t["name"] for t in traces(duo, ids.GPU_REVENUE_GRAPH)}

    shared = duo.driver.current_url
    duo.wait_for_page(url=shared, timeout=20)
    duo.wait_for_element(f"#{ids.GPU_PLATFORM_GRAPH} .main-svg", timeout=20)
    assert duo.find_element(f"#{ids.GPU_PRESENTATION} input[value='fy27']").is_selected()
    assert not duo.find_element(f"#{ids.GPU_TICKERS} input[value='INTC']").is_selected()
    assert {t["name"] for t in traces(duo, ids.GPU_REVENUE_GRAPH)} == {"NVDA", "AMD", "AVGO"}
    assert duo.get_logs() == []


def _set_number(duo, input_id: str, value: str):
    box = duo.find_element(f"#{input_id}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(value)


def test_revenue_gap_recomputes_when_an_assumption_changes(duo, imported):
    latest = query_df(
        imported,
        "select data_center_revenue_usd from stg_nvda_data_center "
        "order by fiscal_year desc, fiscal_quarter desc limit 1",
    )
    dc = float(latest.iloc[0, 0])
    visit(duo, "/revenue-gap")
    assert duo.find_element(f"#{ids.GAP_REQUIRED}").text == f"${dc * 4 * 2 * 2 / 1e9:,.1f}B"
    assert "enter your own estimate" in duo.find_element(f"#{ids.GAP_RESULT}").text

    _set_number(duo, ids.GAP_COST_MULTIPLIER, "3")
    expected = f"${dc * 4 * 3 * 2 / 1e9:,.1f}B"
    wait_until(
        lambda: duo.find_element(f"#{ids.GAP_REQUIRED}").text == expected,
        10,
        "required revenue not recomputed",
    )
    wait_until(lambda: search_params(duo).get("cost") == ["3"], 10, "URL not updated")

    _set_number(duo, ids.GAP_EARNED, "600")
    gap = f"${abs(dc * 4 * 3 * 2 - 600e9) / 1e9:,.1f}B"
    wait_until(
        lambda: gap in duo.find_element(f"#{ids.GAP_RESULT}").text,
        10,
        "gap not computed from the estimate",
    )
    names = {t["name"] for t in traces(duo, ids.GAP_GRAPH)}
    assert "Your estimate of AI revenue earned" in names
    assert duo.get_logs() == []


def test_markets_range_and_log_scale_go_to_the_url(duo):
    visit(duo, "/markets")
    duo.find_element(f"#{ids.MKT_RANGE} input[value='3y']").click()
    wait_until(lambda: search_params(duo).get("range") == ["3y"], 10, "range not in URL")
    duo.find_element(f"#{ids.MKT_LOG} input[value='log']").click()
    wait_until(lambda: search_params(duo).get("log") == ["1"], 10, "log not in URL")
    layout_type = duo.driver.execute_script(
        f"return document.querySelector('#{ids.MKT_PERF_GRAPH} .js-plotly-plot').layout.yaxis.type"
    )
    assert layout_type == "log"
    duo.find_element(f"#{ids.MKT_VS} input[value='SMH']").click()
    wait_until(lambda: search_params(duo).get("vs") == ["SMH"], 10, "benchmark not in URL")
    wait_until(
        lambda: "SMH" not in {t["name"] for t in traces(duo, ids.MKT_PERF_GRAPH)},
        10,
        "relative chart still draws its own benchmark",
    )
    assert duo.get_logs() == []


def test_status_page_shows_runs_and_freshness(duo, imported):
    visit(duo, "/status")
    runs = query_df(imported, "select run_id from ingest_runs")
    assert len(runs) >= 1
    text = duo.find_element(f"#{ids.STATUS_RUNS_TABLE}").text
    assert "snapshot" in text and "ok" in text
    freshness = duo.find_element(f"#{ids.STATUS_FRESHNESS_TABLE}").text
    assert "prices_daily" in freshness and "2026-08-21" in freshness
    assert "No scheduler running" in duo.find_element(f"#{ids.STATUS_SCHEDULER}").text
    duo.find_element(f"#{ids.STATUS_FAILED_ONLY} input[value='failed']").click()
    wait_until(lambda: search_params(duo).get("failed") == ["1"], 10, "filter not in URL")
    wait_until(
        lambda: "no failed runs" in duo.find_element(f"#{ids.STATUS_RUNS_TABLE}").text,
        10,
        "failed-only filter not applied",
    )
    assert duo.get_logs() == []


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/revenue-gap?cost=abc&margin=0.5", "cost multiplier 'abc' is not a number"),
        ("/markets?range=zzz&series=NOPE", "no series chosen"),
        ("/gpu-vendors?tickers=&presentation=nope", "no vendor chosen"),
    ],
)
def test_bad_query_strings_explain_themselves(duo, path, expected):
    duo.wait_for_page(url=duo.server_url + path, timeout=20)
    wait_until(
        lambda: expected in duo.find_element("#_pages_content").text,
        15,
        f"{expected!r} not shown on {path}",
    )
    assert duo.get_logs() == []
