"""The dashboard in a real browser (dash[testing] + headless Debian chromium)."""

from dashboard import ids
from dashboard.app import create_app
from tests.conftest import free_port


def test_home_shows_both_charts_with_captions(dash_duo, imported):
    app = create_app(imported)
    dash_duo.start_server(app, port=free_port())
    dash_duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=20)
    dash_duo.wait_for_element(f"#{ids.HOME_DC_VS_CAPEX_GRAPH} .main-svg", timeout=20)
    dc_caption = dash_duo.find_element(f"#{ids.HOME_DC_MIX_CAPTION}").text
    capex_caption = dash_duo.find_element(f"#{ids.HOME_DC_VS_CAPEX_CAPTION}").text
    assert "Source:" in dc_caption and "As of NVIDIA FY2027 Q2" in dc_caption
    assert "SEC EDGAR" in capex_caption and "As of calendar 2026Q1" in capex_caption
    bars = dash_duo.find_elements(f"#{ids.HOME_DC_MIX_GRAPH} .trace.bars")
    assert len(bars) == 4  # hyperscale and AI clouds, in each of two vintages
    assert "Offline snapshot" in dash_duo.find_element(f"#{ids.STALE_BANNER}").text
    assert dash_duo.get_logs() == []
