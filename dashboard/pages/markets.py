"""Markets: relative performance per ticker and per role group vs the benchmarks; drawdowns."""

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import chart, charts, components, context, data, figures, ids, pagecache, universe
from warehouse import precompute
from warehouse.settings import ROLES

dash.register_page(
    __name__, path="/markets", name="Markets", order=50, title="Markets · bubblemeter"
)

RANGES = {"3m": "3M", "6m": "6M", "ytd": "YTD", "1y": "1Y", "3y": "3Y", "5y": "5Y"}
ROWS = (charts.MKT_PERFORMANCE, charts.MKT_DRAWDOWN)
CHARTS = chart.flat(ROWS)
SUBJECT = "NVDA"  # the tracker's subject, drawn by default beside the groups and benchmarks
DEFAULT_GROUPS = ["gpu_vendor", "hyperscaler", "enterprise_adopter"]


def defaults(settings) -> dict:
    """The filters a bare /markets shows: NVIDIA, three role groups and every benchmark."""
    series = [SUBJECT, *DEFAULT_GROUPS, *universe.tickers(settings, "benchmark")]
    return {"range": "1y", "series": series, "vs": "none", "log": False}


def range_start(newest, key: str) -> pd.Timestamp:
    """First day of a range that ends on the newest price date (as the refresh precomputes)."""
    return precompute.range_start(newest, key)


def series_options(settings) -> list[dict]:
    """Groups first, then every ticker with prices."""
    tickers = data.market_series(settings)
    options = [{"label": f"{figures.ROLE_NAMES[g]} (group)", "value": g} for g in ROLES]
    if not tickers.empty_reason:
        options += [
            {"label": f"{r.ticker} · {r.name}", "value": r.ticker}
            for r in tickers.frame.itertuples()
        ]
    return options


def render(range_key: str, series: list[str], vs: str, log_scale: bool):
    """Both charts' renderings for the chosen range, series and comparison, by chart key."""
    settings = context.settings()
    status = data.warehouse_status(settings)
    newest = None if status.empty_reason else status.frame["newest_price_date"].iloc[0]
    reason, start = None, None
    if newest is None or pd.isna(newest):
        reason = "no prices yet: " + data.PRICES_HINT
    elif not series:
        reason = "no series chosen: pick at least one above"
    else:
        start = range_start(newest, range_key).strftime("%Y-%m-%d")
    f = chart.filters(
        reason=reason,
        start=start,
        series=series,
        benchmark=vs if vs in universe.tickers(settings, "benchmark") else None,
        log_scale=log_scale,
        colors=universe.colors(settings),
    )
    return chart.render_all(CHARTS, settings, f)


def answer(range_key: str, series: list[str], vs: str, log_scale: bool):
    """render(), kept per warehouse file and filters (pagecache.ANSWERS): a range chosen again,
    or by another visitor, is not drawn again until a refresh swaps in a new file."""
    args = (range_key, tuple(series), vs, log_scale)
    return pagecache.ANSWERS.keep(
        ("markets",), args, lambda: render(range_key, list(series), vs, log_scale)
    )


def warm(settings) -> None:
    """Draw every range with the default series (what the range buttons ask for first), when
    the server starts and after each refresh (dashboard/warm.py)."""
    series = defaults(settings)["series"]
    for range_key in RANGES:
        answer(range_key, series, "none", False)


@callback(
    Output(ids.MKT_URL, "search"),
    *chart.outputs(CHARTS),
    Input(ids.MKT_RANGE, "value"),
    Input(ids.MKT_SERIES, "value"),
    Input(ids.MKT_VS, "value"),
    State(ids.MKT_LOG, "value"),  # the log scale alone is switched in the browser (below)
    prevent_initial_call=True,
)
def update(range_key, series, vs, log_value):
    """Redraw both charts for the chosen range, series and comparison; keep them in the URL."""
    settings = context.settings()
    range_key = components.query_choice(range_key, list(RANGES), "1y")
    series = list(series or [])
    vs = components.query_choice(vs, ["none", *universe.tickers(settings, "benchmark")], "none")
    log_scale = "log" in (log_value or [])
    search = components.search_string(
        {"range": range_key, "series": series, "vs": vs, "log": log_scale}, defaults(settings)
    )
    return (search, *chart.values(CHARTS, answer(range_key, series, vs, log_scale)))


# The log scale changes only the y axis: switched in the browser, no request (the URL too)
clientside_callback(
    """function (logValue, figure, search) {
        const log = (logValue || []).indexOf('log') >= 0;
        const params = new URLSearchParams(search || '');
        if (log) { params.set('log', '1'); } else { params.delete('log'); }
        const query = params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
        if (!figure || !figure.layout) {
            return [query ? '?' + query : '', window.dash_clientside.no_update];
        }
        const yaxis = Object.assign({}, figure.layout.yaxis, {type: log ? 'log' : 'linear'});
        const layout = Object.assign({}, figure.layout, {yaxis: yaxis});
        return [query ? '?' + query : '', Object.assign({}, figure, {layout: layout})];
    }""",
    Output(ids.MKT_URL, "search", allow_duplicate=True),
    Output(charts.MKT_PERFORMANCE.graph_id, "figure", allow_duplicate=True),
    Input(ids.MKT_LOG, "value"),
    State(charts.MKT_PERFORMANCE.graph_id, "figure"),
    State(ids.MKT_URL, "search"),
    prevent_initial_call=True,
)


def layout(range=None, series=None, vs=None, log=None, **_query):  # names from the URL
    """The page, with filters read from the URL query string."""
    settings = context.settings()
    options = series_options(settings)
    range_key = components.query_choice(range, list(RANGES), "1y")
    benchmarks = universe.tickers(settings, "benchmark")
    chosen = components.query_list(
        series, [o["value"] for o in options], defaults(settings)["series"]
    )
    vs = components.query_choice(vs, ["none", *benchmarks], "none")
    log_scale = components.query_flag(log)
    out = answer(range_key, chosen, vs, log_scale)

    controls = html.Div(
        [
            html.Div(
                [
                    html.Span("Range:", className="form-label-inline"),
                    dcc.RadioItems(
                        id=ids.MKT_RANGE,
                        value=range_key,
                        inline=True,
                        className="inline-choices",
                        options=[{"label": v, "value": k} for k, v in RANGES.items()],
                    ),
                ],
                className="d-flex align-items-center gap-2",
            ),
            html.Div(
                [
                    html.Span("Show:", className="form-label-inline"),
                    dcc.RadioItems(
                        id=ids.MKT_VS,
                        value=vs,
                        inline=True,
                        className="inline-choices",
                        options=[{"label": "index (100 = start)", "value": "none"}]
                        + [{"label": f"relative to {b}", "value": b} for b in benchmarks],
                    ),
                    dcc.Checklist(
                        id=ids.MKT_LOG,
                        value=["log"] if log_scale else [],
                        inline=True,
                        className="inline-choices",
                        options=[{"label": "log scale", "value": "log"}],
                    ),
                ],
                className="d-flex align-items-center gap-2 flex-wrap",
            ),
            dcc.Dropdown(
                id=ids.MKT_SERIES,
                options=options,
                value=chosen,
                multi=True,
                placeholder="pick tickers or groups",
                className="mb-2",
            ),
        ],
        className="filters",
    )

    return html.Div(
        [
            dcc.Location(id=ids.MKT_URL, refresh=False),
            html.H3("Markets"),
            controls,
            *chart.grid(ROWS, out),
        ]
    )
