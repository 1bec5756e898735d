"""Answers kept small and ready: the markets cards hold their filters and read their CSV when
asked, and the pages are built (their query results kept) when the server starts and again
after a refresh has swapped in a new warehouse file.

On the real snapshot, imported once for the session; the app and the Reader are the real ones.
"""

import io
import json
import os
import shutil
import sys

import dash
import pandas as pd
from dash import dcc
from plotly.io.json import to_json_plotly as to_json

from dashboard import chart, charts, components, universe
from dashboard.app import create_app
from dashboard.warm import Watcher
from tests.serving import wait_until
from warehouse import precompute
from warehouse.reader import READER, file_identity, query_df


def graphs_in(layout) -> list:
    """Every dcc.Graph in a built layout."""
    found, stack = [], [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dcc.Graph):
            found.append(node)
        elif hasattr(node, "children"):
            stack.append(node.children)
    return found


def test_markets_cards_hold_their_filters_and_the_csv_is_the_rows_drawn(imported):
    create_app(imported)
    markets = sys.modules["pages.markets"]  # as the app loaded it (dash pages need an app)

    series = markets.defaults(imported)["series"]
    out = markets.update("5y", series, "none", [])
    figure, _caption, store, disabled = out[1:5]
    assert not disabled
    # the store holds the filters, not five years of daily rows
    assert "csv" not in store and store["chart"] == charts.MKT_PERFORMANCE.key
    assert len(json.dumps(store)) < 4_000
    got = components.download_csv(1, store)
    assert got["filename"] == "bubblemeter-mkt-performance.csv"
    rows = pd.read_csv(io.StringIO(got["content"]))
    assert len(rows) > 5 * 200  # five years of trading days, and more than one series

    # the same rows, read straight from the table the refresh wrote
    newest = query_df(imported, "select max(date) as d from prices_daily")["d"][0]
    start = precompute.range_start(newest, "5y").strftime("%Y-%m-%d")
    expected = query_df(
        imported,
        "select series, date, index_value from markets_performance_ranges "
        "where start_date = ?::date and list_contains(?, series) "
        "order by series_kind, series, date",
        [start, series],
    )
    assert list(rows["series"]) == list(expected["series"])
    assert list(rows["date"]) == list(expected["date"].dt.strftime("%Y-%m-%d"))
    assert list(rows["index_value"]) == list(expected["index_value"])
    # and they are the points drawn: one trace per series, dates as days
    sent = json.loads(to_json(figure))["data"]
    assert sum(len(trace["x"]) for trace in sent) == len(rows)
    assert sorted({day for trace in sent for day in trace["x"]}) == sorted(set(rows["date"]))


def test_other_cards_still_carry_their_rows_and_a_made_up_payload_gets_nothing(imported):
    create_app(imported)
    rendered = charts.HOME_DC_MIX.render(imported)
    payload = charts.HOME_DC_MIX.payload(rendered)
    assert payload["csv"] == rendered.drawn.to_csv(index=False)
    assert components.download_csv(1, payload)["content"] == payload["csv"]
    for made_up in (
        {"chart": "no-such-chart", "filters": {}},
        {"chart": charts.HOME_DC_MIX.key, "filters": {}},  # not an on-demand chart
        {"chart": charts.MKT_PERFORMANCE.key, "filters": {"start": "2025-01-01"}},
        {"chart": charts.MKT_PERFORMANCE.key, "filters": "select 1"},
    ):
        assert components.download_csv(1, made_up) is None
    assert chart.REGISTRY[charts.MKT_DRAWDOWN.key].csv_on_demand


def test_pages_are_built_at_start_and_again_after_a_refresh_swaps_the_file(imported, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    settings = imported.with_(db=str(db))
    app = create_app(settings)
    READER.clear_cache()
    watcher = Watcher(app, settings, interval_s=0.2)
    pages, seconds = watcher.warm_now()
    assert pages == len(dash.page_registry) and seconds > 0
    before = file_identity(settings)
    assert watcher.warmed_identity == before and READER.kept(settings) > 5
    watcher.ensure_running()
    try:
        # a refresh writes a copy and swaps it in (warehouse/db.py): a new file at the path
        new = tmp_path / "new.duckdb"
        shutil.copyfile(db, new)
        os.replace(new, db)
        after = file_identity(settings)
        assert after != before
        wait_until(lambda: watcher.warmed_identity == after, 120, "not rebuilt after the swap")
        assert READER.kept(settings) > 5
    finally:
        watcher.stop()


def test_every_chart_draws_only_trace_types_its_slim_template_styles(imported):
    import plotly.io as pio

    from dashboard import figures

    create_app(imported)
    white = pio.templates["plotly_white"].to_plotly_json()
    slim = pio.templates[pio.templates.default].to_plotly_json()
    assert pio.templates.default == "bubblemeter"
    assert set(slim["data"]) == set(figures.TEMPLATE_TRACES)
    for key, value in slim["layout"].items():
        assert value == white["layout"][key]  # plotly_white's look, entry for entry
    drawn, graphs = set(), 0
    for page in dash.page_registry.values():  # every page as a bare URL draws it
        for graph in graphs_in(page["layout"]()):
            graphs += 1
            drawn |= {trace["type"] for trace in graph.figure.to_plotly_json()["data"]}
    assert graphs >= 20 and drawn <= set(figures.TEMPLATE_TRACES), (graphs, drawn)
    assert drawn == set(figures.TEMPLATE_TRACES)


def test_a_built_page_is_handed_out_again_until_the_file_changes(imported, tmp_path):
    from dashboard import pagecache

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    settings = imported.with_(db=str(db))
    create_app(settings)
    pages = {p["path"]: p["layout"] for p in dash.page_registry.values()}
    first = pages["/markets"](range="5y")
    assert pages["/markets"](range="5y") is first  # kept for this file and query
    assert pages["/markets"](range="1y") is not first
    assert pages["/status"]() is not pages["/status"]()  # ages against the clock: built anew
    assert pages["/sql"](q="select 1") is pages["/sql"](q="select 1")  # no query in it
    new = tmp_path / "new.duckdb"
    shutil.copyfile(db, new)
    os.replace(new, db)  # a refresh swaps a new file in
    again = pages["/markets"](range="5y")
    assert again is not first and to_json(again) == to_json(first)  # same content, rebuilt
    assert len(pagecache.PAGES) <= pagecache.MAX_PAGES


def kept_figures(node) -> list:
    """Every graph's figure in a built layout, each a KeptFigure."""
    from dashboard import pagecache

    found = [graph.figure for graph in graphs_in(node)]
    assert all(isinstance(f, pagecache.KeptFigure) for f in found), found
    return found


def test_a_kept_page_sends_its_figures_as_built_byte_for_byte(imported):
    """Kept pages hold their figures as the JSON plotly.js receives (pagecache.KeptFigure):
    what is sent is exactly what the page built anew would send."""
    create_app(imported)
    for page in dash.page_registry.values():
        if page["path"] in ("/status", "/sql"):
            continue
        kept = page["layout"]()
        assert kept_figures(kept), page["path"]
        fresh = page["layout"].__wrapped__()  # the page's own layout function, not kept
        assert to_json(kept) == to_json(fresh), page["path"]


def test_markets_answers_are_kept_per_file_and_every_range_is_drawn_at_start(imported, tmp_path):
    from dashboard import pagecache

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    settings = imported.with_(db=str(db))
    app = create_app(settings)
    markets = sys.modules["pages.markets"]
    series = markets.defaults(settings)["series"]
    pagecache.ANSWERS.clear()
    Watcher(app, settings).warm_now()
    assert len(pagecache.ANSWERS) == len(markets.RANGES)  # every range, the default series

    out = markets.update("5y", series, "none", [])
    kept = markets.answer("5y", series, "none", False)
    assert out[1] is kept[charts.MKT_PERFORMANCE.key].figure  # the kept drawing, not a new one
    assert isinstance(out[1], pagecache.KeptFigure)
    fresh = markets.render("5y", series, "none", False)
    assert to_json(out[1]) == to_json(fresh[charts.MKT_PERFORMANCE.key].figure)
    # another choice is drawn, then kept; a refresh's new file draws again
    vs = universe.tickers(settings, "benchmark")[0]
    other = markets.answer("5y", series[:2], vs, True)
    assert other is not kept and markets.answer("5y", series[:2], vs, True) is other
    new = tmp_path / "new.duckdb"
    shutil.copyfile(db, new)
    os.replace(new, db)
    again = markets.answer("5y", series, "none", False)
    assert again is not kept
    assert to_json(again[charts.MKT_DRAWDOWN.key].figure) == to_json(
        kept[charts.MKT_DRAWDOWN.key].figure
    )
    assert len(pagecache.ANSWERS) <= pagecache.MAX_ANSWERS
