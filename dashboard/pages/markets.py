"""Markets: relative performance per ticker and per group vs SPY, QQQ, SMH; drawdowns."""

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import components, context, data, figures, ids

dash.register_page(
    __name__, path="/markets", name="Markets", order=50, title="Markets · bubblemeter"
)

RANGES = {"3m": "3M", "6m": "6M", "ytd": "YTD", "1y": "1Y", "3y": "3Y", "5y": "5Y"}
BENCHMARKS = ["SPY", "QQQ", "SMH"]
GROUPS = ["gpu_vendor", "hyperscaler", "enterprise_adopter", "supply_chain", "benchmark"]
DEFAULT_SERIES = ["NVDA", "gpu_vendor", "hyperscaler", "enterprise_adopter", "SPY", "QQQ", "SMH"]
DEFAULTS = {"range": "1y", "series": DEFAULT_SERIES, "vs": "none", "log": False}


def range_start(newest, key: str) -> pd.Timestamp:
    """First day of a range that ends on the newest price date."""
    newest = pd.Timestamp(newest)
    if key == "ytd":
        return pd.Timestamp(newest.year, 1, 1)
    months = {"3m": 3, "6m": 6, "1y": 12, "3y": 36, "5y": 60}[key]
    return newest - pd.DateOffset(months=months)


def series_options(settings) -> list[dict]:
    """Groups first, then every ticker with prices."""
    tickers = data.market_series(settings)
    options = [{"label": f"{figures.ROLE_NAMES[g]} (group)", "value": g} for g in GROUPS]
    if not tickers.empty_reason:
        options += [
            {"label": f"{r.ticker} · {r.name}", "value": r.ticker}
            for r in tickers.frame.itertuples()
        ]
    return options


def render(range_key: str, series: list[str], vs: str, log_scale: bool):
    """(performance chart, drawdown chart) as (figure, caption, drawn rows) each."""
    settings = context.settings()
    status = data.warehouse_status(settings)
    newest = None if status.empty_reason else status.frame["newest_price_date"].iloc[0]
    if newest is None or pd.isna(newest):
        reason = "no prices yet: " + data.PRICES_HINT
        empty = (figures.empty_figure(reason), reason, None)
        return empty, empty
    if not series:
        reason = "no series chosen: pick at least one above"
        empty = (figures.empty_figure(reason), reason, None)
        return empty, empty
    start = range_start(newest, range_key).strftime("%Y-%m-%d")
    benchmark = vs if vs in BENCHMARKS else None
    drawn_series = [s for s in series if s != benchmark]
    if not drawn_series:
        reason = f"only {benchmark} chosen: relative to itself it is flat at 100"
        perf = (figures.empty_figure(reason), reason, None)
    else:
        perf = components.chart_body(
            data.relative_performance(settings, start, drawn_series, benchmark),
            lambda frame: figures.performance_drawn(frame, benchmark),
            lambda drawn: figures.performance_figure(drawn, benchmark, log_scale),
            lambda drawn: figures.performance_caption(drawn, benchmark),
        )
    drawdown = components.chart_body(
        data.relative_performance(settings, start, series, None),
        figures.drawdown_drawn,
        figures.drawdown_figure,
        lambda drawn: figures.performance_caption(drawn, None),
    )
    return perf, drawdown


@callback(
    Output(ids.MKT_URL, "search"),
    *components.chart_outputs(ids.MKT_PERF_GRAPH, ids.MKT_PERF_CAPTION, "mkt-performance"),
    *components.chart_outputs(ids.MKT_DRAWDOWN_GRAPH, ids.MKT_DRAWDOWN_CAPTION, "mkt-drawdown"),
    Input(ids.MKT_RANGE, "value"),
    Input(ids.MKT_SERIES, "value"),
    Input(ids.MKT_VS, "value"),
    Input(ids.MKT_LOG, "value"),
    prevent_initial_call=True,
)
def update(range_key, series, vs, log_value):
    """Redraw both charts for the chosen range, series and comparison; keep them in the URL."""
    range_key = components.query_choice(range_key, list(RANGES), "1y")
    series = list(series or [])
    vs = components.query_choice(vs, ["none", *BENCHMARKS], "none")
    log_scale = "log" in (log_value or [])
    perf, drawdown = render(range_key, series, vs, log_scale)
    values = [
        components.search_string(
            {"range": range_key, "series": series, "vs": vs, "log": log_scale}, DEFAULTS
        )
    ]
    for (fig, cap, drawn), name in ((perf, "mkt-performance"), (drawdown, "mkt-drawdown")):
        values += [
            fig,
            cap,
            components.csv_payload(drawn, f"bubblemeter-{name}.csv"),
            drawn is None,
        ]
    return tuple(values)


def layout(range=None, series=None, vs=None, log=None, **_query):  # names from the URL
    """The page, with filters read from the URL query string."""
    settings = context.settings()
    options = series_options(settings)
    range_key = components.query_choice(range, list(RANGES), "1y")
    chosen = components.query_list(series, [o["value"] for o in options], DEFAULT_SERIES)
    vs = components.query_choice(vs, ["none", *BENCHMARKS], "none")
    log_scale = components.query_flag(log)
    perf, drawdown = render(range_key, chosen, vs, log_scale)

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
                        + [{"label": f"relative to {b}", "value": b} for b in BENCHMARKS],
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

    def card(result, key, title, graph_id, caption_id):
        fig, cap, drawn = result
        return components.chart_card(key, title, graph_id, caption_id, fig, cap, drawn)

    return html.Div(
        [
            dcc.Location(id=ids.MKT_URL, refresh=False),
            html.H3("Markets"),
            controls,
            card(
                perf,
                "mkt-performance",
                "Relative performance",
                ids.MKT_PERF_GRAPH,
                ids.MKT_PERF_CAPTION,
            ),
            card(
                drawdown,
                "mkt-drawdown",
                "Drawdown from the peak within the range",
                ids.MKT_DRAWDOWN_GRAPH,
                ids.MKT_DRAWDOWN_CAPTION,
            ),
        ]
    )
