"""A filter change redraws only the charts that read that filter: each chart's `uses` is checked
against what it draws on the real snapshot, and the page callbacks are called through Dash's
own request path (Flask's test client), where a chart not redrawn is left out of the answer.
A page drawn from another warehouse file (a refresh has landed since) has every chart rendered
again, and is sent those that come out otherwise than the page's record of them says."""

import dataclasses
import json
import shutil
import sys

import dash
import plotly.io as pio
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import chart, charts, pagecache, universe
from dashboard.app import create_app
from tests.serving import callback_payload, pages_callback_payload


@pytest.fixture(scope="module")
def app(imported):
    return create_app(imported)


@pytest.fixture(scope="module")
def pages(app):
    return {name.split(".", 1)[1]: sys.modules[name] for name in dash.page_registry}


def fingerprint(rendered) -> tuple:
    """What a chart shows: its figure and caption as sent, and the rows of its CSV."""
    return (
        pio.to_json(rendered.figure, validate=False),
        json.dumps(rendered.caption, cls=PlotlyJSONEncoder),
        None if rendered.drawn is None else rendered.drawn.to_csv(index=False),
    )


def page_cases(pages, settings):
    """Per page: its render(**filters) by chart key, the filters a bare URL shows, and one
    other value for each filter."""
    adopters = universe.tickers(settings, "enterprise_adopter")
    vendors = universe.tickers(settings, "gpu_vendor")
    hyperscalers = universe.tickers(settings, "hyperscaler")
    return {
        "enterprise": (
            pages["enterprise"].render,
            {"vintage": "both", "tickers": adopters, "btos": "btos_ai_use_rate", "show_xx": False},
            {
                "vintage": "original",
                "tickers": adopters[:1],
                "btos": "btos_ai_use_expected_rate",
                "show_xx": True,
            },
        ),
        "gpu_vendors": (
            lambda **f: pages["gpu_vendors"].render(**f)[0],
            {"tickers": vendors, "presentation": "market_platform"},
            {"tickers": ["NVDA"], "presentation": "fy27"},
        ),
        "capex": (
            pages["capex"].render,
            {"tickers": hyperscalers, "definition": "cash"},
            {"tickers": hyperscalers[:2], "definition": "leases"},
        ),
    }


@pytest.mark.parametrize("page", ["enterprise", "gpu_vendors", "capex"])
def test_each_chart_reads_the_filters_it_declares_and_no_other(pages, imported, page):
    render, defaults, others = page_cases(pages, imported)[page]
    charts = pages[page].CHARTS
    base = {key: fingerprint(r) for key, r in render(**defaults).items()}
    assert set(base) == {c.key for c in charts}  # outside a callback: every chart
    for name, value in others.items():
        changed = render(**{**defaults, name: value})
        for c in charts:
            if name in c.uses:  # the other value shows something else, so the check can fail
                assert fingerprint(changed[c.key]) != base[c.key], (c.key, name)
            else:  # left as it is when that filter changes: it must not depend on it
                assert fingerprint(changed[c.key]) == base[c.key], (c.key, name)


def post(client, deps, graph_id: str, values: dict, changed: str) -> dict:
    """POST the callback that draws graph_id as the browser does; values maps 'id.property' to
    a value; changed is the input that fired. Returns the answer's outputs by element id."""
    body = callback_payload(deps, f"..{graph_id}.figure..", values, changed)
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return {
        json.dumps(ident) if isinstance(ident, dict) else ident: props
        for ident, props in answer.get_json()["response"].items()
    }


def test_a_filter_change_sends_only_the_charts_that_read_it(app, imported):
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    version = chart.warehouse_version(imported)  # what the pages record as they are drawn
    assert version
    role = lambda name: universe.tickers(imported, name)  # noqa: E731
    ent = {
        "ent-vintage.value": "original",
        "ent-tickers.value": role("enterprise_adopter"),
        "ent-btos-indicator.value": "btos_ai_use_rate",
        "ent-xx.value": ["xx"],
        "ent-drawn-from.data": version,
    }
    gpu = {"gpu-tickers.value": role("gpu_vendor"), "gpu-presentation.value": "fy27"}
    gpu["gpu-drawn-from.data"] = version
    capex = {"capex-tickers.value": role("hyperscaler"), "capex-definition.value": "leases"}
    capex["capex-drawn-from.data"] = version
    btos = ["ent-btos-graph", "ent-btos-national-graph", "ent-btos-sector-graph"]
    cases = {  # (a graph of the callback, its inputs, the input that fired): the graphs sent
        ("ent-mix-graph", "vintage"): (ent, ["ent-mix-graph"]),
        ("ent-mix-graph", "btos-indicator"): (ent, [*btos, "ent-btos-size-graph"]),
        ("ent-mix-graph", "xx"): (ent, ["ent-btos-graph"]),
        ("gpu-platform-graph", "presentation"): (gpu, ["gpu-platform-graph"]),
        ("gpu-platform-graph", "tickers"): (
            gpu,
            ["gpu-earnings-graph", "gpu-margin-graph", "gpu-revenue-graph"],
        ),
        ("capex-by-company-graph", "definition"): (capex, ["capex-by-company-graph"]),
        ("capex-by-company-graph", "tickers"): (
            capex,
            ["capex-by-company-graph", "capex-cloud-graph", "capex-intensity-graph"],
        ),
    }
    out = {}
    for (graph, fired), (values, sent) in cases.items():
        prefix = graph.split("-", 1)[0]
        out[prefix, fired] = post(client, deps, graph, values, f"{prefix}-{fired}.value")
        assert sorted(k for k in out[prefix, fired] if k.endswith("-graph")) == sent, fired
    assert "vintage=original" in out["ent", "vintage"]["ent-url"]["search"]
    assert "As first published" in json.dumps(out["ent", "vintage"]["ent-mix-caption"])
    assert "gpu-next-earnings" not in out["gpu", "presentation"]  # goes with the earnings chart
    assert "Latest reported" in out["gpu", "tickers"]["gpu-next-earnings"]["children"]


def test_a_page_recorded_by_no_drawings_is_redrawn_whole(app, imported):
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    version = chart.warehouse_version(imported)
    # the page records the file it was drawn from
    answer = client.post(
        "/_dash-update-component", json=pages_callback_payload(deps, "/enterprise")
    )
    assert answer.status_code == 200
    layout = answer.get_data(as_text=True)
    assert json.dumps(version)[1:-1] in layout
    ent = {
        "ent-vintage.value": "original",
        "ent-tickers.value": universe.tickers(imported, "enterprise_adopter"),
        "ent-btos-indicator.value": "btos_ai_use_rate",
        "ent-xx.value": [],
    }
    six = [
        "ent-btos-graph",
        "ent-btos-national-graph",
        "ent-btos-sector-graph",
        "ent-btos-size-graph",
        "ent-growth-graph",
        "ent-mix-graph",
    ]
    # drawn from a file that is gone (a refresh swapped it), recorded by the file alone (as
    # pages drawn before drawings were recorded hold it), or recorded by nothing at all
    for drawn_from in ({"file": "0123456789abcdef", "drawings": {}}, "0123456789abcdef", None):
        out = post(
            client,
            deps,
            "ent-mix-graph",
            {**ent, "ent-drawn-from.data": drawn_from},
            "ent-vintage.value",
        )
        assert sorted(k for k in out if k.endswith("-graph")) == six
        record = out["ent-drawn-from"]["data"]
        assert record["file"] == version
        assert sorted(record["drawings"]) == sorted(g.removesuffix("-graph") for g in six)
        assert all(record["drawings"].values())


def find_store(tree, store_id: str):
    """The data of the dcc.Store with this id in a layout tree (JSON as Dash sends it)."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if tree.get("type") == "Store" and props.get("id") == store_id:
            return props.get("data")
        children = list(tree.values())
    else:
        children = tree if isinstance(tree, list) else []
    for child in children:
        found = find_store(child, store_id)
        if found is not None:
            return found
    return None


def test_after_a_refresh_only_the_charts_drawn_otherwise_are_sent(app, imported):
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    answer = client.post(
        "/_dash-update-component", json=pages_callback_payload(deps, "/enterprise")
    )
    assert answer.status_code == 200
    record = find_store(answer.get_json(), "ent-drawn-from")
    assert record["file"] == chart.warehouse_version(imported)
    assert len(record["drawings"]) == 6 and all(record["drawings"].values())
    ent = {  # the filters as the page shows them, then the vintage changed
        "ent-vintage.value": "original",
        "ent-tickers.value": universe.tickers(imported, "enterprise_adopter"),
        "ent-btos-indicator.value": "btos_ai_use_rate",
        "ent-xx.value": [],
    }
    # the page drawn from a file a refresh has replaced, from the same rows: every chart is
    # rendered again, and only the one the change draws otherwise is sent
    before = {**record, "file": "0123456789abcdef"}
    values = {**ent, "ent-drawn-from.data": before}
    out = post(client, deps, "ent-mix-graph", values, "ent-vintage.value")
    assert sorted(k for k in out if k.endswith("-graph")) == ["ent-mix-graph"]
    after = out["ent-drawn-from"]["data"]
    assert after["file"] == record["file"]
    assert after["drawings"]["ent-mix"] != record["drawings"]["ent-mix"]
    assert {k: v for k, v in after["drawings"].items() if k != "ent-mix"} == {
        k: v for k, v in record["drawings"].items() if k != "ent-mix"
    }
    # a chart the page shows otherwise (its rows changed in that refresh) is sent again
    before["drawings"] = {**record["drawings"], "ent-growth": "drawn-from-other-rows"}
    out = post(client, deps, "ent-mix-graph", values, "ent-vintage.value")
    assert sorted(k for k in out if k.endswith("-graph")) == ["ent-growth-graph", "ent-mix-graph"]
    # the same file: only the charts of the filter that fired are rendered, and the record
    # keeps the others' drawings
    values["ent-drawn-from.data"] = record
    out = post(client, deps, "ent-mix-graph", values, "ent-vintage.value")
    assert sorted(k for k in out if k.endswith("-graph")) == ["ent-mix-graph"]
    assert out["ent-drawn-from"]["data"]["drawings"] == after["drawings"]


def test_a_chart_is_drawn_once_for_the_same_rows_and_filters(imported, tmp_path):
    # a copy of the warehouse file: another file (as a refresh swaps in) with the same rows
    copy = dataclasses.replace(imported, db=str(tmp_path / "copy.duckdb"))
    shutil.copyfile(imported.db, copy.db)
    f = chart.filters(
        tickers=universe.tickers(imported, "enterprise_adopter"),
        colors=universe.colors(imported),
    )
    first = charts.ENT_GROWTH.render(imported, f)
    again = charts.ENT_GROWTH.render(copy, f)
    assert first.drawing and again.drawing == first.drawing
    assert again is first  # handed out again, not drawn anew
    # other filters, or rows that differ in one value, are another drawing
    fewer = chart.filters(tickers=f.tickers[:1], colors=f.colors)
    assert charts.ENT_GROWTH.render(copy, fewer).drawing != first.drawing
    chosen = charts.ENT_GROWTH.drawn_for(f)
    # a filter the chart does not read is not part of what it is drawn for
    assert charts.ENT_GROWTH.drawn_for(chart.filters(**vars(f), vintage="original")) == chosen
    rows = first.frame.copy()
    assert pagecache.drawing_id("ent-growth", chosen, rows) == first.drawing
    column = rows.select_dtypes("number").columns[0]
    rows.loc[rows.index[0], column] = rows[column].iloc[0] + 1
    assert pagecache.drawing_id("ent-growth", chosen, rows) != first.drawing
