"""The SQL console in a real browser (dash[testing] + headless Debian chromium)."""

import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pandas as pd
import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from tests.conftest import free_port
from tests.serving import serving
from warehouse.reader import query_df

EXAMPLE = "hyperscaler_capex_vs_nvda_data_center"
RUNAWAY = "select count(*) from range(100000000) a, range(100000000) b"


def _console(dash_duo, settings, query: str | None = None):
    dash_duo.start_server(create_app(settings), port=free_port())
    suffix = f"?q={quote(query)}" if query else ""
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/sql{suffix}", timeout=20)
    dash_duo.wait_for_element(f"#{ids.SQL_EDITOR}", timeout=20)


def _type_query(dash_duo, sql: str):
    editor = dash_duo.find_element(f"#{ids.SQL_EDITOR}")
    dash_duo.clear_input(editor)
    editor.send_keys(sql)
    dash_duo.wait_for_text_to_equal(f"#{ids.SQL_EDITOR}", sql, timeout=5)


def _cell(dash_duo, row: int, column: str) -> str:
    selector = (
        f"#{ids.SQL_GRID} .ag-center-cols-container .ag-row[row-index='{row}'] [col-id='{column}']"
    )
    return dash_duo.wait_for_element(selector, timeout=20).text


def test_example_query_runs_and_shows_rows_count_link_and_csv(dash_duo, imported):
    expected = query_df(imported, "select * from nvda_dc_vs_capex order by calendar_quarter_start")
    _console(dash_duo, imported)
    dash_duo.find_element(f"button[title='warehouse/examples/{EXAMPLE}.sql']").click()
    dash_duo.wait_for_contains_text(f"#{ids.SQL_EDITOR}", "from nvda_dc_vs_capex", timeout=10)
    dash_duo.find_element(f"#{ids.SQL_RUN}").click()

    dash_duo.wait_for_contains_text(f"#{ids.SQL_STATUS}", f"{len(expected)} rows in", timeout=20)
    assert _cell(dash_duo, 0, "calendar_label") == expected["calendar_label"][0]
    assert (
        _cell(dash_duo, 0, "nvda_data_center_revenue_usd")
        == f"{expected['nvda_data_center_revenue_usd'][0]:,.0f}"
    )
    assert dash_duo.find_elements(f"#{ids.SQL_ERROR}") == []  # closed alerts render nothing
    assert dash_duo.find_elements(f"#{ids.SQL_TRUNCATED}") == []

    # The URL carries the query: opening it elsewhere runs the same SQL.
    editor_sql = dash_duo.find_element(f"#{ids.SQL_EDITOR}").get_attribute("value")
    carried = parse_qs(urlparse(dash_duo.driver.current_url).query)["q"][0]
    assert carried == editor_sql

    # CSV download: the grid writes the result in the browser.
    dash_duo.find_element(f"#{ids.SQL_DOWNLOAD}").click()
    target = Path(dash_duo.download_path) / "bubblemeter-query.csv"
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _: target.exists() and target.stat().st_size > 0
    )
    csv = pd.read_csv(target, encoding="utf-8-sig")
    assert list(csv.columns)[:2] == ["calendar_label", "nvda_data_center_revenue_usd"]
    assert len(csv) == len(expected)
    # raw numbers, not the grid's thousands separators
    assert (
        csv["nvda_data_center_revenue_usd"].tolist()
        == expected["nvda_data_center_revenue_usd"].tolist()
    )
    assert dash_duo.get_logs() == []


def test_hostile_query_shows_the_refusal_in_place(dash_duo, imported):
    _console(dash_duo, imported)
    _type_query(dash_duo, "select * from read_csv('/etc/passwd')")
    dash_duo.find_element(f"#{ids.SQL_RUN}").click()
    dash_duo.wait_for_contains_text(f"#{ids.SQL_ERROR}", "read_csv() refused", timeout=20)
    assert "queries may only read the warehouse" in dash_duo.find_element(f"#{ids.SQL_ERROR}").text
    assert dash_duo.find_elements(f"#{ids.SQL_GRID} .ag-center-cols-container .ag-row") == []

    _type_query(dash_duo, "select 1; drop table companies")
    dash_duo.find_element(f"#{ids.SQL_RUN}").click()
    dash_duo.wait_for_contains_text(f"#{ids.SQL_ERROR}", "2 statements refused", timeout=20)

    _type_query(dash_duo, "selec nonsense")
    dash_duo.find_element(f"#{ids.SQL_RUN}").click()
    dash_duo.wait_for_contains_text(f"#{ids.SQL_ERROR}", "Parser Error", timeout=20)
    assert dash_duo.get_logs() == []


def test_shared_link_runs_its_query(dash_duo, imported):
    sql = "select ticker, name from companies where role = 'hyperscaler' order by ticker"
    expected = query_df(imported, sql)
    _console(dash_duo, imported, sql)
    dash_duo.wait_for_contains_text(f"#{ids.SQL_STATUS}", f"{len(expected)} rows in", timeout=20)
    assert dash_duo.find_element(f"#{ids.SQL_EDITOR}").get_attribute("value") == sql
    assert _cell(dash_duo, 0, "ticker") == expected["ticker"][0]
    assert dash_duo.get_logs() == []


def test_truncated_result_is_flagged(dash_duo, imported):
    _console(dash_duo, imported.with_(sql_row_cap=50), "select * from prices_daily")
    dash_duo.wait_for_contains_text(f"#{ids.SQL_STATUS}", "first 50 rows", timeout=20)
    dash_duo.wait_for_contains_text(
        f"#{ids.SQL_TRUNCATED}", "Showing the first 50 rows", timeout=10
    )


def test_schema_browser_lists_tables_views_and_descriptions(dash_duo, imported):
    _console(dash_duo, imported)
    schema = dash_duo.find_element(f"#{ids.SQL_SCHEMA}")
    summaries = [s.text for s in schema.find_elements(By.TAG_NAME, "summary")]
    assert any(s.startswith("companies table One row per tracked company") for s in summaries)
    assert any(s.startswith("nvda_dc_vs_capex view grain:") for s in summaries)
    assert dash_duo.get_logs() == []


@pytest.fixture
def served(imported):
    """`bubblemeter serve` as users run it (its own process), with a 15 s query time limit.

    The limit leaves room for the other page to render on a busy machine while the runaway
    query keeps both cores of its sandbox busy.
    """
    with serving(imported.db, BUBBLEMETER_SQL_TIMEOUT="15") as (url, _):
        yield url


def test_runaway_query_does_not_stop_other_pages(dash_duo, served):
    driver = dash_duo.driver
    driver.get(f"{served}/sql?q={quote(RUNAWAY)}")  # the link runs the query on load
    WebDriverWait(driver, 20).until(lambda d: d.title == "Updating...")
    started = time.monotonic()
    console_tab = driver.current_window_handle

    # Meanwhile another page, which reads the warehouse, renders in a second tab.
    assert requests.get(served, timeout=5).status_code == 200
    driver.switch_to.new_window("tab")
    driver.get(served)
    dash_duo.wait_for_element(f"#{ids.HOME_DC_VS_CAPEX_GRAPH} .main-svg", timeout=20)
    rendered_after = time.monotonic() - started
    driver.close()
    driver.switch_to.window(console_tab)
    assert driver.title == "Updating...", (
        f"the query still ran meanwhile (home rendered after {rendered_after:.1f} s)"
    )

    dash_duo.wait_for_contains_text(f"#{ids.SQL_ERROR}", "query stopped after 15 s", timeout=30)
    assert dash_duo.get_logs() == []
