"""The dashboard in a real browser: what the status page and the banner say after a failed
live refresh, the bytes a visit moves (compression, cache headers, the partial plotly.js, the
grid on /sql only), and the phone layout.

One warehouse for the module: the real snapshot imported, then a live refresh with Yahoo
unreachable (a closed loopback port) and no SEC user agent (SEC skipped). One app server and
one browser for the module.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dash
import flask
import pytest
import requests
from dash.fingerprint import check_fingerprint

from dashboard import ids, vendor
from dashboard.app import create_app
from tests.conftest import REPO, free_port, module_dash_duo
from tests.serving import wait_until
from warehouse.reader import query_df

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def failed(imported, tmp_path_factory):
    """Settings of a warehouse whose last live refresh failed (Yahoo) and skipped (SEC)."""
    db = tmp_path_factory.mktemp("failed") / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env["BUBBLEMETER_YAHOO_URL"] = "http://127.0.0.1:9"  # nothing listens: refused at once
    env["BUBBLEMETER_CENSUS_URL"] = "http://127.0.0.1:9"
    result = subprocess.run(
        [sys.executable, "-m", "bubblemeter", "refresh", "--db", str(db)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    return imported.with_(db=str(db))


@pytest.fixture(scope="module")
def duo(request, tmp_path_factory, failed):
    with module_dash_duo(request, tmp_path_factory) as duo:
        duo.start_server(create_app(failed), port=free_port())
        yield duo


def last_run_items(settings):
    return query_df(
        settings,
        "select source, item, status, error from ingest_run_items "
        "where run_id = (select last_run_id from warehouse_status)",
    )


def grouped_reason(items):
    """How the views write items that share one reason: the reason, a count, the first names."""
    shown = ", ".join(sorted(items.item)[:3]) + (", ..." if len(items) > 3 else "")
    return f"{items.error.iloc[0]} ({len(items)} items: {shown})"


def test_views_group_identical_reasons_and_call_an_empty_run_failed(failed):
    items = last_run_items(failed)
    yahoo = items[items.source == "yahoo"]
    assert len(yahoo) > 3 and (yahoo.status == "failed").all()
    reasons = yahoo.error.unique()
    assert len(reasons) == 1  # one cause for every Yahoo item: the refused connection
    run = query_df(failed, "select * from ingest_run_summary").iloc[0]
    assert run.status == "failed" and run.items_ok == 0
    grouped = f"{reasons[0]} ({len(yahoo)} items: " + ", ".join(sorted(yahoo.item)[:3]) + ", ...)"
    census = items[items.source == "census"]
    assert len(census) > 1 and (census.status == "failed").all()
    assert census.error.nunique() == 1
    assert set(run.failures.split(" | ")) == {grouped, grouped_reason(census)}
    sources = query_df(failed, "select * from source_last_refresh").set_index("source")
    assert sources.loc["yahoo", "last_run_status"] == "failed"
    assert sources.loc["yahoo", "failures"] == grouped
    assert sources.loc["census", "failures"] == grouped_reason(census)
    sec = items[items.source == "sec"]
    assert (sec.status == "skipped").all()
    assert sources.loc["sec", "last_run_status"] == "skipped"
    assert sec.error.nunique() == 1
    assert sources.loc["sec", "skips"] == (
        grouped_reason(sec) if len(sec) > 1 else f"{sec.item.iloc[0]}: {sec.error.iloc[0]}"
    )
    status = query_df(failed, "select * from warehouse_status").iloc[0]
    assert status.last_failed_run_id == run.run_id
    assert status.last_failed_items == len(yahoo) + len(census)
    assert status.last_success_at < status.last_failed_started_at


def test_status_page_and_banner_tell_the_failure(duo, failed):
    items = last_run_items(failed)
    yahoo = items[items.source == "yahoo"]
    reason = yahoo.error.iloc[0]
    duo.wait_for_page(url=duo.server_url + "/status", timeout=20)
    duo.wait_for_element(f"#{ids.STATUS_SOURCES_TABLE} table", timeout=20)
    sources = duo.find_element(f"#{ids.STATUS_SOURCES_TABLE}").text
    assert sources.count(reason) == 1 and f"({len(yahoo)} items:" in sources
    rows = {
        row.text.split()[0]: row.text
        for row in duo.find_elements(f"#{ids.STATUS_SOURCES_TABLE} tbody tr")
    }
    assert " failed " in rows["yahoo"]
    assert " skipped " in rows["sec"] and " ok " not in rows["sec"]
    assert "BUBBLEMETER_SEC_USER_AGENT" in rows["sec"]  # the skip's reason
    runs = duo.find_element(f"#{ids.STATUS_RUNS_TABLE} tbody tr").text
    assert " failed " in runs and " partial " not in runs and runs.count(reason) == 1
    banner = duo.find_element(f"#{ids.STALE_BANNER}").text
    status = query_df(failed, "select * from warehouse_status").iloc[0]
    assert "Last refresh failed" in banner
    assert f"{status.last_failed_started_at:%Y-%m-%d %H:%M} UTC" in banner
    assert f"No successful load since {status.last_success_at:%Y-%m-%d %H:%M} UTC" in banner
    assert duo.get_logs() == []


# --------------------------------------------------------------------------------------------
# Bytes: compression, cache headers, the partial plotly.js, the grid on /sql only


def script_urls(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


def test_responses_are_compressed_and_fingerprinted_files_cached_a_year(duo):
    page = requests.get(duo.server_url + "/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert page.headers["Content-Encoding"] == "gzip" and "<html" in page.text.lower()
    assert "immutable" not in page.headers.get("Cache-Control", "")
    renderer = next(u for u in script_urls(page.text) if "dash_renderer" in u)
    expected = (
        Path(dash.__file__).parent / "dash-renderer/build/dash_renderer.min.js"
    ).read_bytes()
    for encoding in ("br", "gzip"):
        response = requests.get(
            duo.server_url + renderer, headers={"Accept-Encoding": encoding}, timeout=30
        )
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert int(response.headers["Content-Length"]) < len(expected) / 2
        assert response.content == expected  # requests decodes both
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
    css = re.search(r'href="(/assets/bubblemeter\.css\?m=[^"]+)"', page.text).group(1)
    response = requests.get(duo.server_url + css, headers={"Accept-Encoding": "br"}, timeout=30)
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    # a callback's answer (JSON) is compressed too
    layout = requests.get(
        duo.server_url + "/_dash-layout", headers={"Accept-Encoding": "gzip"}, timeout=30
    )
    assert layout.headers["Content-Encoding"] == "gzip" and layout.json()


def test_the_partial_plotly_bundle_matches_the_installed_plotly():
    from plotly.offline import get_plotlyjs_version

    head = (Path(vendor.__file__).parent / "plotly-basic.min.js").read_text()[:200]
    assert head.startswith("//# allFunctionsCalledOnLoad\n")  # V8 compiles it all as it loads
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in head
    assert vendor.__version__ == get_plotlyjs_version()


def resources(duo) -> list[str]:
    return duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )


def test_graphs_draw_with_the_partial_plotly_and_the_grid_loads_on_sql_only(duo):
    duo.wait_for_page(url=duo.server_url + "/", timeout=20)
    duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=30)
    loaded = resources(duo)
    # fetched once, as the layout request went out (not a second time by dcc.Graph)
    assert sum("dashboard.vendor/plotly-basic" in url for url in loaded) == 1
    assert not any("package_data/plotly.min.js" in url for url in loaded)
    assert not any("dash_ag_grid" in url for url in loaded)
    assert not any("dash_table" in url for url in loaded)  # no page draws a DataTable
    # no babel polyfill; dcc's lazy chunk loader finds regeneratorRuntime (from dbc's bundle)
    assert not any("polyfill@" in url for url in loaded)
    assert duo.driver.execute_script("return typeof window.regeneratorRuntime") == "object"
    # dcc.Graph's chunk was fetched once, with plotly.js and under its fingerprinted URL (kept
    # a year), not again by the graph under the chunk loader's own
    assert sum("/dcc/async-graph" in url for url in loaded) == 1
    [chunk] = [url for url in loaded if "/dcc/async-graph" in url]
    assert check_fingerprint(chunk.rsplit("/", 1)[-1]) == ("async-graph.js", True)
    assert duo.driver.execute_script("return typeof window.dash_ag_grid") == "undefined"
    traces = duo.driver.execute_script("return Object.keys(window.Plotly.PlotSchema.get().traces)")
    assert {"scatter", "bar"} <= set(traces) and not {"scatter3d", "heatmap", "box"} & set(traces)
    # the navbar's SQL link loads the page, grid bundle included
    duo.find_element("a.nav-link[href='/sql']").click()
    duo.wait_for_element(f"#{ids.SQL_GRID} .ag-root", timeout=30)
    assert any("dash_ag_grid" in url for url in resources(duo))
    assert not any("plotly-basic" in url for url in resources(duo))  # no chart there
    # and back to a page without the grid, then forward again: the grid page still works
    duo.driver.back()
    duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=30)
    duo.driver.forward()
    duo.wait_for_element(f"#{ids.SQL_GRID} .ag-root", timeout=30)
    # an in-app step back to /sql from a document loaded without the grid reloads the page:
    # leave /sql in-app, reload there (no grid bundle now), then step back
    duo.find_element("a.nav-link[href='/']").click()
    duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=30)
    duo.driver.refresh()
    duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=30)
    assert duo.driver.execute_script("return typeof window.dash_ag_grid") == "undefined"
    duo.driver.back()
    duo.wait_for_element(f"#{ids.SQL_GRID} .ag-root", timeout=30)
    assert duo.get_logs() == []


# --------------------------------------------------------------------------------------------
# A chart drawn again with the same figure at the same size is laid out once
# (dashboard/plotmargins.py)

# Added to each new document before its scripts run: as the page's own margin memory wraps
# Plotly.react, it is wrapped once more, and the state of each graph is read the moment its
# draw has finished (before dcc.Graph's resize, 100 ms later, draws it again).
DRAWS_HOOK_JS = """
window.__draws = [];
(function () {
  var wrap;
  Object.defineProperty(window, '__bubblemeterMargins', {configurable: true,
    get: function () { return wrap; },
    set: function (own) {
      wrap = function (Plotly) {
        own(Plotly);
        var react = Plotly.react;
        Plotly.react = function (gd) {
          return react.apply(this, arguments).then(function (out) {
            var full = gd._fullLayout, size = full._size;
            window.__draws.push({id: gd.parentElement.id,
                                 grown: '_redrawFromAutoMarginCount' in full,
                                 size: [size.l, size.r, size.t, size.b],
                                 margin: gd.layout.margin});
            return out;
          });
        };
        return Plotly;
      };
    }});
})();
"""
THESIS_GRAPHS = (ids.HOME_DC_MIX_GRAPH, ids.HOME_DC_VS_CAPEX_GRAPH, ids.HOME_HISTORY_GRAPH)


def thesis_draws(duo) -> dict[str, dict]:
    """Open the thesis page; per graph, how its one draw went."""
    duo.wait_for_page(url=duo.server_url + "/", timeout=20)
    wait_until(
        lambda: (
            {d["id"] for d in duo.driver.execute_script("return window.__draws")}
            >= set(THESIS_GRAPHS)
        ),
        30,
        "the thesis graphs did not draw",
    )
    draws = duo.driver.execute_script("return window.__draws")
    assert len(draws) == len({d["id"] for d in draws}), draws  # one draw per graph
    return {d["id"]: d for d in draws}


def test_a_chart_drawn_again_at_the_same_size_is_laid_out_once(duo):
    hook = duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": DRAWS_HOOK_JS}
    )["identifier"]
    try:
        duo.wait_for_page(url=duo.server_url + "/status", timeout=20)
        duo.driver.execute_script("window.localStorage.clear()")
        sizes = {}
        for width in (1280, 390):
            duo.driver.set_window_size(width, 1000)
            first = thesis_draws(duo)
            # the figures ask for small margins: plotly.js grows some of them, drawing twice
            assert any(d["grown"] for d in first.values()), first
            again = thesis_draws(duo)
            for graph in THESIS_GRAPHS:
                assert not again[graph]["grown"], (width, graph)
                # the same margins, to within plotly.js's own tolerance (1 px: the room kept
                # for a legend at the figure's edge is fractional)
                assert again[graph]["size"] == pytest.approx(first[graph]["size"], abs=1), (
                    width,
                    graph,
                )
                # the figure's own margins are back on the graph for a later resize or update
                assert again[graph]["margin"] == first[graph]["margin"], (width, graph)
            sizes[width] = {g: first[g]["size"] for g in THESIS_GRAPHS}
        # what was kept at one width was not used at the other (the legend wraps at 390 px)
        assert sizes[1280] != sizes[390]
        kept = duo.driver.execute_script(
            "return JSON.parse(window.localStorage.getItem('bubblemeter:plot-margins'))"
        )
        assert len(kept) == 2 * len(THESIS_GRAPHS)
        assert duo.get_logs() == []
    finally:
        duo.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": hook})
        duo.driver.set_window_size(1280, 1000)


# --------------------------------------------------------------------------------------------
# The phone layout (390 x 844, an iPhone 12-14's viewport)

PHONE_PAGES = ["/", "/gpu-vendors", "/capex", "/enterprise", "/revenue-gap", "/markets", "/status"]


def visible(duo, css: str) -> bool:
    return duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); if (!e) { return false; }"
        "const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        "return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'"
        " && r.left >= 0 && r.right <= document.documentElement.clientWidth;",
        css,
    )


def overflow(duo) -> tuple[int, int]:
    return tuple(
        duo.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    )


# Per chart with a legend: [its id, its legend's top, the plot area's bottom, its lowest x tick
# label's bottom], once every graph of the page has drawn
LEGENDS_JS = """
const graphs = Array.from(document.querySelectorAll('.dash-graph'));
if (graphs.some(g => !g.querySelector('.main-svg'))) { return null; }
const bottom = els => Math.max(...els.map(e => e.getBoundingClientRect().bottom));
return graphs.filter(g => g.querySelector('.legend')).map(g => [
    g.id, g.querySelector('.legend').getBoundingClientRect().top,
    g.querySelector('.nsewdrag').getBoundingClientRect().bottom,
    bottom(Array.from(g.querySelectorAll('.xtick text')))]);
"""


def legends_not_under(duo, path: str) -> list[str]:
    """The charts of the page whose legend is not under the plot and its tick labels (turned
    to fit a phone), or covers them."""
    seen = []
    wait_until(
        lambda: seen.append(duo.driver.execute_script(LEGENDS_JS)) or seen[-1] is not None,
        30,
        f"{path}: graphs did not draw",
    )
    return [
        f"{path} {graph}"
        for graph, legend_top, plot_bottom, labels_bottom in seen[-1]
        if not plot_bottom <= labels_bottom <= legend_top
    ]


@pytest.fixture
def phone(duo):
    duo.driver.set_window_size(390, 844)
    yield duo
    duo.driver.set_window_size(1280, 1000)


def test_phone_layout_has_no_sideways_scroll_a_folded_menu_and_the_verdict_on_screen(phone, failed):
    duo = phone
    duo.wait_for_page(url=duo.server_url + "/", timeout=20)
    duo.wait_for_element(f"#{ids.HOME_DC_MIX_GRAPH} .main-svg", timeout=30)
    width, client = overflow(duo)
    assert width <= client, f"the thesis page scrolls sideways at 390 px: {width} > {client}"
    # the menu is folded: the toggler shows, the links do not
    assert visible(duo, ".navbar-toggler")
    assert not visible(duo, "a.nav-link[href='/markets']")
    # the scorecard: one card per indicator, its verdict on screen
    verdicts = duo.find_elements(".scorecard td[data-label='Points to']")
    scorecard = query_df(failed, "select indicator, points_to from thesis_scorecard")
    assert len(verdicts) == len(scorecard) > 0
    for row in scorecard.itertuples():
        cell = f"#scorecard-{row.indicator} td[data-label='Points to']"
        duo.driver.execute_script("document.querySelector(arguments[0]).scrollIntoView()", cell)
        assert visible(duo, cell), f"{row.indicator}: verdict off screen"
        if isinstance(row.points_to, str):
            assert row.points_to in duo.find_element(cell).text
    assert not visible(duo, ".scorecard thead")
    assert legends_not_under(duo, "/") == []
    # the toggler opens the menu; choosing a page closes it again
    duo.driver.execute_script("window.scrollTo(0, 0)")
    duo.find_element(".navbar-toggler").click()
    wait_until(lambda: visible(duo, "a.nav-link[href='/markets']"), 10, "menu did not open")
    duo.find_element("a.nav-link[href='/markets']").click()
    duo.wait_for_element(f"#{ids.MKT_PERF_GRAPH} .main-svg", timeout=30)
    wait_until(lambda: not visible(duo, "a.nav-link[href='/status']"), 10, "menu stayed open")
    for path in PHONE_PAGES[1:]:
        duo.wait_for_page(url=duo.server_url + path, timeout=20)
        duo.wait_for_element("#_pages_content > *", timeout=30)
        width, client = overflow(duo)
        assert width <= client, f"{path} scrolls sideways at 390 px: {width} > {client}"
        assert legends_not_under(duo, path) == []
    assert duo.get_logs() == []


def test_made_up_fingerprints_share_one_compressed_copy(failed):
    from dashboard.app import _compression_cache_key

    server = create_app(failed).server
    keys = set()
    for fingerprint in ("v4_4_1m1796127532", "v0_0_1m1", "v9_9_9m123456789"):
        url = f"/_dash-component-suites/dash/dash-renderer/build/dash_renderer.{fingerprint}.min.js"
        with server.test_request_context(url):
            keys.add(_compression_cache_key(flask.request))
    assert keys == {"/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js"}
    with server.test_request_context("/_dash-update-component", method="POST"):
        assert _compression_cache_key(flask.request) == ""  # answers are never stored
    with server.test_request_context("/assets/bubblemeter.css?m=1"):
        assert _compression_cache_key(flask.request) == "/assets/bubblemeter.css"
