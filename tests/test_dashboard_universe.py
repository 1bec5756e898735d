"""The pages read companies by role from the universe file: a company added to a copy of it shows
up on the pages (checkbox, chart caption) through the Dash callbacks over HTTP."""

import threading

import pytest
import requests
from werkzeug.serving import make_server

from dashboard import charts, ids
from dashboard.app import create_app
from ingest.refresh import import_snapshot
from tests.conftest import free_port
from tests.serving import callback_payload, wait_until_serving
from warehouse.reader import query_df
from warehouse.settings import DEFAULT_UNIVERSE, Settings

# CoreWeave: a real company, added as a hyperscaler; the snapshot holds no data for it.
ADDED = """
[[company]]
ticker = "CRWV"
name = "CoreWeave"
role = "hyperscaler"
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, snapshot_dir):
    """An app on a warehouse imported with a copy of the universe that adds CRWV."""
    tmp = tmp_path_factory.mktemp("universe")
    universe = tmp / "universe.toml"
    universe.write_text(DEFAULT_UNIVERSE.read_text() + ADDED)
    settings = Settings.from_env(
        env={"BUBBLEMETER_UNIVERSE": str(universe), "BUBBLEMETER_DB": str(tmp / "w.duckdb")}
    )
    summary = import_snapshot(settings, snapshot_dir)
    assert summary.exit_code == 0, summary.lines()
    app = create_app(settings)
    http = make_server("127.0.0.1", free_port(), app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{http.server_port}"
    try:
        wait_until_serving(url + "/_dash-layout")
        yield settings, url, requests.get(url + "/_dash-dependencies", timeout=60).json()
    finally:
        http.shutdown()
        thread.join()


def call(url: str, deps: list[dict], output_contains: str, values: dict) -> dict:
    """POST one callback as the browser does; values maps 'id.property' to a value."""
    body = callback_payload(deps, output_contains, values)
    answer = requests.post(url + "/_dash-update-component", json=body, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()["response"]


def _find(tree, element_id):
    """The props of the component with this id in a layout tree."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if isinstance(props, dict) and props.get("id") == element_id:
            return props
        children = list(tree.values())
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = _find(child, element_id)
        if found is not None:
            return found
    return None


def test_warehouse_holds_the_added_company(server):
    settings, _url, _deps = server
    roles = query_df(settings, "select role from companies where ticker = 'CRWV'")
    assert list(roles["role"]) == ["hyperscaler"]


def test_added_hyperscaler_gets_a_checkbox_and_is_named_by_the_charts(server):
    _settings, url, deps = server
    page = call(
        url,
        deps,
        "_pages_content.children",
        {"_pages_location.pathname": "/capex", "_pages_location.search": ""},
    )
    checklist = _find(page, ids.CAPEX_TICKERS)
    assert checklist["options"][-1] == "CRWV" and "CRWV" in checklist["value"]

    update = call(
        url,
        deps,
        charts.CAPEX_BY_COMPANY.graph_id,
        {f"{ids.CAPEX_TICKERS}.value": ["MSFT", "CRWV"]},
    )
    assert update[ids.CAPEX_URL]["search"] == "?tickers=MSFT,CRWV"
    intensity = update[charts.CAPEX_INTENSITY.caption_id]["children"]
    assert "No quarter with both capex and revenue loaded for CRWV" in intensity
