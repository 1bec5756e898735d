"""The first page of a visit comes with the layout (dashboard/firstpage.py): the page HTML names
its location on the layout request, the layout holds that page as the router would build it,
and the router is not called until the user moves on. Without the header, or with a value
that is no location, the layout is Dash's empty page container and the router fills it.

On the real snapshot, through the real app (its Flask test client), and in headless chromium.
"""

import json
import urllib.parse

import dash
import flask
import pytest

from dashboard import firstpage, ids
from dashboard.app import create_app
from tests.conftest import free_port, module_dash_duo
from tests.serving import pages_callback_payload, wait_until

ROUTER_IDS = ["_pages_location", "_pages_content", "_pages_store", "_pages_dummy"]


def find(node, component_id: str):
    """The component with this id in a layout's JSON, or None."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        children = node.get("props", {}).get("children")
        return find(children, component_id) if children is not None else None
    if isinstance(node, list):
        for child in node:
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def layout(client, location: str | None = None, raw: str | None = None) -> tuple[dict, object]:
    headers = {}
    if location is not None:
        headers[firstpage.PAGE_HEADER] = urllib.parse.quote(location, safe="")
    if raw is not None:
        headers[firstpage.PAGE_HEADER] = raw
    reply = client.get("/_dash-layout", headers=headers)
    assert reply.status_code == 200
    return reply.get_json(), reply


@pytest.fixture(scope="module")
def client(imported):
    return create_app(imported).server.test_client()


def test_the_layout_holds_the_named_page_as_the_router_builds_it(client):
    body, reply = layout(client, "/markets?range=5y&vs=SPY")
    assert firstpage.PAGE_HEADER in reply.headers.get_all("Vary")
    assert reply.headers["Cache-Control"] == "no-store"
    location = find(body, "_pages_location")["props"]
    assert (location["pathname"], location["search"]) == ("/markets", "?range=5y&vs=SPY")
    assert find(body, "_pages_store")["props"]["data"] == {"title": "Markets · bubblemeter"}
    content = find(body, "_pages_content")["props"]["children"]
    assert find(content, ids.MKT_RANGE)["props"]["value"] == "5y"

    # the router's own answer for the same location is the same page
    dependencies = client.get("/_dash-dependencies").get_json()
    routed = client.post(
        "/_dash-update-component",
        json=pages_callback_payload(dependencies, "/markets", "?range=5y&vs=SPY"),
    ).get_json()["response"]
    assert json.dumps(routed["_pages_content"]["children"], sort_keys=True) == json.dumps(
        content, sort_keys=True
    )
    assert routed["_pages_store"]["data"] == {"title": "Markets · bubblemeter"}


@pytest.mark.parametrize(
    "raw",
    [
        None,  # no header: a client that is not the page HTML
        "",
        "markets",  # no leading slash
        "%2Fmarkets%3F",  # "?" with nothing after it is no location.search
        "%2F%0Amarkets",  # a control character
        "%2F%FF",  # not UTF-8
        "%2F" + "a" * firstpage.MAX_HINT,  # too long
        urllib.parse.quote("/no-such-page", safe=""),  # the router shows its not-found page
    ],
)
def test_without_a_location_the_container_is_left_for_the_router(client, raw):
    body, _reply = layout(client, raw=raw)
    location = find(body, "_pages_location")["props"]
    assert "pathname" not in location and "search" not in location
    assert find(body, "_pages_content")["props"].get("children") is None
    # the nav and the banner are there either way
    assert find(body, ids.NAV_COLLAPSE) is not None


def test_the_filled_container_has_dash_pages_parts(imported):
    app = create_app(imported)
    with app.server.test_request_context(
        "/_dash-layout", headers={firstpage.PAGE_HEADER: urllib.parse.quote("/capex", safe="")}
    ):
        filled = firstpage.page_container()
    shape = [(type(c).__name__, c.id) for c in filled.children]
    assert shape == [(type(c).__name__, c.id) for c in dash.page_container.children]
    assert [c.id for c in filled.children] == ROUTER_IDS
    assert filled.children[0].refresh == dash.page_container.children[0].refresh


# --------------------------------------------------------------------------------------------
# In a real browser


@pytest.fixture(scope="module")
def routed_duo(request, tmp_path_factory, imported):
    """One app server and browser; `routed` lists the router calls the server answered."""
    app = create_app(imported)
    routed: list[tuple[str, str]] = []

    @app.server.before_request
    def record_router_calls():
        if flask.request.path.endswith("/_dash-update-component"):
            body = flask.request.get_json(silent=True) or {}
            if "_pages_content.children" in body.get("output", ""):
                values = {i["property"]: i.get("value") for i in body.get("inputs", [])}
                routed.append((values.get("pathname"), values.get("search")))

    with module_dash_duo(request, tmp_path_factory) as duo:
        duo.start_server(app, port=free_port())
        yield duo, routed


def checked_range(duo) -> str | None:
    return duo.driver.execute_script(
        f"const c = document.querySelector('#{ids.MKT_RANGE} input:checked');"
        " return c ? c.value : null;"
    )


@pytest.mark.browser
def test_a_first_visit_draws_its_page_without_the_router_and_moving_on_uses_it(routed_duo):
    duo, routed = routed_duo
    duo.wait_for_page(url=duo.server_url + "/markets?range=5y", timeout=30)
    duo.wait_for_element(f"#{ids.MKT_PERF_GRAPH} .main-svg", timeout=30)
    assert checked_range(duo) == "5y"
    assert duo.driver.title == "Markets · bubblemeter"
    assert routed == []  # the page came with the layout

    # a link in the app goes through the router, as before
    duo.find_element("a.nav-link[href='/capex']").click()
    wait_until(lambda: ("/capex", "") in routed, 30, f"router not called for /capex: {routed}")
    duo.wait_for_element(f"#{ids.CAPEX_TICKERS}", timeout=30)
    assert duo.driver.execute_script(f"return !document.getElementById('{ids.MKT_RANGE}')")
    # the router's page sets its title
    wait_until(lambda: duo.driver.title == "Big-tech capex · bubblemeter", 30, "capex title")
    # and back again: the router rebuilds markets for its URL
    duo.driver.back()
    wait_until(lambda: checked_range(duo) == "5y", 30, "markets not shown again after back")
    assert ("/markets", "?range=5y") in routed
    wait_until(lambda: duo.driver.title == "Markets · bubblemeter", 30, "markets title")
    assert duo.get_logs() == []


# Added to each new document: lists the output of every callback the renderer asks for, from
# the moment Dash makes its store (window.store).
REQUESTED_JS = """(function () {
  window.__requested = [];
  var kept;
  Object.defineProperty(window, 'store', {configurable: true,
    get: function () { return kept; },
    set: function (store) {
      kept = store;
      store.subscribe(function () {
        var callbacks = store.getState().callbacks || {};
        (callbacks.requested || []).forEach(function (cb) {
          if (window.__requested.indexOf(cb.callback.output) < 0) {
            window.__requested.push(cb.callback.output);
          }
        });
      });
    }});
})();"""


def loading_state(duo) -> dict:
    return duo.driver.execute_script(
        "const s = window.store && window.store.getState();"
        " return {requested: window.__requested, loading: s ? s.isLoading : null,"
        " spinner: !!document.querySelector('._dash-loading-callback'), title: document.title};"
    )


@pytest.mark.browser
def test_a_page_that_comes_with_the_layout_runs_no_callback_and_is_not_left_loading(routed_duo):
    """No callback runs as such a page loads (the title is in the page HTML, the phone menu
    follows the router's location): the renderer's loading state is set off all the same,
    so the tab does not stay titled "Updating..."; a callback later sets it on and off."""
    duo, routed = routed_duo
    script = duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": REQUESTED_JS}
    )["identifier"]
    try:
        for path, title, graph in (
            ("/", dash.get_app().title, ids.HOME_DC_MIX_GRAPH),
            ("/markets?range=5y", "Markets · bubblemeter", ids.MKT_PERF_GRAPH),
        ):
            duo.driver.get(duo.server_url + path)
            duo.wait_for_element(f"#{graph} .main-svg", timeout=30)
            wait_until(lambda: loading_state(duo)["loading"] is False, 30, f"{path} left loading")
            state = loading_state(duo)
            assert state["requested"] == [], (path, state)
            assert not state["spinner"] and state["title"] == title, (path, state)
        # moving on runs the router and the title callback, and ends not loading
        duo.find_element("a.nav-link[href='/capex']").click()
        wait_until(lambda: duo.driver.title == "Big-tech capex · bubblemeter", 30, "capex title")
        wait_until(lambda: loading_state(duo)["loading"] is False, 30, "capex left loading")
        assert {"_pages_dummy.children", "nav-collapse.is_open"} <= set(
            loading_state(duo)["requested"]
        )
        assert duo.get_logs() == []
    finally:
        duo.driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script}
        )


def test_the_page_html_has_its_page_title(client):
    """A tab, a bookmark or a link preview has the page's title before any script has run."""
    for page in dash.page_registry.values():
        html = client.get(page["path"]).get_data(as_text=True)
        assert f"<title>{page['title']}</title>" in html, page["path"]
    html = client.get("/no-such-page").get_data(as_text=True)
    assert f"<title>{dash.get_app().title}</title>" in html


def test_a_page_that_fails_to_build_is_left_for_the_router(imported, monkeypatch, capfd):
    app = create_app(imported)
    [page] = [p for p in dash.page_registry.values() if p["path"] == "/capex"]

    def broken(**_query):
        raise RuntimeError("injected failure")

    monkeypatch.setitem(page, "layout", broken)
    body, _reply = layout(app.server.test_client(), "/capex")
    assert find(body, "_pages_content")["props"].get("children") is None
    assert find(body, ids.NAV_COLLAPSE) is not None  # the app still loads, with its nav
    assert "first page /capex: RuntimeError: injected failure" in capfd.readouterr().err
