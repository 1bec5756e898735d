"""Empty states: on a warehouse with no data every page says what is missing and how to get it,
in a real browser, with no console errors and no traceback."""

import json

import dash
import plotly
import pytest

from dashboard import ids
from dashboard.app import create_app
from tests.conftest import free_port, module_dash_duo
from warehouse.db import write_session

PATHS = ["/", "/gpu-vendors", "/capex", "/enterprise", "/revenue-gap", "/markets", "/status"]
PAGE_MODULES = [
    "pages.home",
    "pages.gpu_vendors",
    "pages.capex",
    "pages.enterprise",
    "pages.revenue_gap",
    "pages.markets",
    "pages.data_status",
]


@pytest.fixture(scope="module")
def empty_settings(tmp_path_factory):
    """A warehouse with its tables and views but no rows (as after a failed first refresh)."""
    from warehouse.settings import Settings

    settings = Settings.from_env(env={}, db=str(tmp_path_factory.mktemp("empty") / "w.duckdb"))
    with write_session(settings):
        pass
    return settings


@pytest.fixture(scope="module")
def duo(request, tmp_path_factory, empty_settings):
    with module_dash_duo(request, tmp_path_factory) as duo:
        duo.start_server(create_app(empty_settings), port=free_port())
        yield duo


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)


@pytest.mark.parametrize("kind", ["missing file", "no rows"])
def test_every_layout_names_what_is_missing(kind, empty_settings, tmp_path):
    from warehouse.settings import Settings

    settings = (
        Settings.from_env(env={}, db=str(tmp_path / "none.duckdb"))
        if kind == "missing file"
        else empty_settings
    )
    create_app(settings)
    for name in PAGE_MODULES:
        rendered = _text(dash.page_registry[name]["layout"]())
        assert "bubblemeter refresh" in rendered, name


@pytest.mark.browser
@pytest.mark.parametrize("path", PATHS)
def test_empty_pages_render_hints_without_console_errors(duo, path):
    duo.wait_for_page(url=duo.server_url + path, timeout=20)
    duo.wait_for_element("h3", timeout=20)
    body = duo.find_element("#_pages_content").text
    assert "bubblemeter refresh" in body, body[:500]
    assert "Traceback" not in body
    assert "nothing loaded yet" in duo.find_element(f"#{ids.STALE_BANNER}").text
    assert duo.get_logs() == []
