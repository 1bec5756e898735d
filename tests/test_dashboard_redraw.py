"""A filter change redraws only the charts that read that filter: each chart's `uses` is checked
against what it draws on the real snapshot, and the page callbacks are called through Dash's
own request path (Flask's test client), where a chart not redrawn is left out of the answer.
A page drawn from another warehouse file (a refresh has landed since) is redrawn whole."""

import json
import sys

import dash
import plotly.io as pio
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import chart, universe
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


def test_a_page_drawn_from_another_warehouse_file_is_redrawn_whole(app, imported):
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
    # drawn from a file that is gone (a refresh swapped it), or recorded by no file at all
    for drawn_from in ("0123456789abcdef", None):
        out = post(
            client,
            deps,
            "ent-mix-graph",
            {**ent, "ent-drawn-from.data": drawn_from},
            "ent-vintage.value",
        )
        assert sorted(k for k in out if k.endswith("-graph")) == six
        assert out["ent-drawn-from"]["data"] == version
