"""The Census BTOS charts of the Enterprise adoption page in a real browser (headless chromium)."""

import os

import pytest
from dash.testing.wait import until

from dashboard import ids
from dashboard.app import create_app
from tests.conftest import free_port

pytestmark = pytest.mark.browser


def test_enterprise_page_draws_the_census_charts(dash_duo, imported):
    dash_duo.start_server(create_app(imported), port=free_port())
    dash_duo.driver.get(dash_duo.server_url + "/enterprise")
    national = f"#{ids.ENT_BTOS_NATIONAL_GRAPH}"
    dash_duo.wait_for_element(f"{national} .main-svg", timeout=30)
    dash_duo.wait_for_element(f"#{ids.ENT_BTOS_SECTOR_GRAPH} .trace.bars", timeout=30)
    dash_duo.wait_for_element(f"#{ids.ENT_BTOS_SIZE_GRAPH} .trace.bars", timeout=30)

    # two wordings, two lines (never one), each with its band; the change drawn as a break
    legend = dash_duo.find_element(f"{national} .legend").text
    assert "in producing goods or services" in legend
    assert "in any of its business functions" in legend
    assert len(dash_duo.find_elements(f"{national} .scatterlayer .trace")) == 6
    fills = dash_duo.find_elements(f"{national} .scatterlayer .js-fill")
    assert len([f for f in fills if f.get_attribute("d")]) == 2
    assert dash_duo.find_elements(f"{national} .shapelayer path")
    assert "question changed" in dash_duo.find_element(f"{national} .annotation").text

    # one group of bars per wording, by sector and by size
    sector_bars = dash_duo.find_elements(f"#{ids.ENT_BTOS_SECTOR_GRAPH} .trace.bars")
    size_bars = dash_duo.find_elements(f"#{ids.ENT_BTOS_SIZE_GRAPH} .trace.bars")
    assert len(sector_bars) == len(size_bars) == 2
    sectors = dash_duo.find_element(f"#{ids.ENT_BTOS_SECTOR_GRAPH} .yaxislayer-above").text
    for name in ("Manufacturing", "Transportation and warehousing", "Information"):
        assert name in sectors
    assert "250+ employees" in dash_duo.find_element(f"#{ids.ENT_BTOS_SIZE_GRAPH}").text

    # every figure with its source and as-of date
    for caption, workbook in (
        (ids.ENT_BTOS_NATIONAL_CAPTION, "National.xlsx"),
        (ids.ENT_BTOS_SECTOR_CAPTION, "Sector.xlsx"),
        (ids.ENT_BTOS_SIZE_CAPTION, "Employment Size Class.xlsx"),
    ):
        text = dash_duo.find_element(f"#{caption}").text
        assert text.startswith("Source: US Census Bureau") and workbook in text
        assert "As of survey period ending 2025-11-30 (new wording)" in text
    assert "by state" in dash_duo.find_element(f"#{ids.ENT_BTOS_CAPTION}").text

    # the question choice redraws the national chart with the expected-use series
    dash_duo.find_element(
        f"#{ids.ENT_BTOS_INDICATOR} input[value='btos_ai_use_expected_rate']"
    ).click()
    until(lambda: "btos=btos_ai_use_expected_rate" in dash_duo.driver.current_url, timeout=30)
    if os.environ.get("BUBBLEMETER_SCREENSHOTS"):
        dash_duo.driver.set_window_size(1400, 3000)
        dash_duo.driver.save_screenshot(os.environ["BUBBLEMETER_SCREENSHOTS"])
    assert dash_duo.get_logs() == []
