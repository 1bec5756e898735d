"""GPU vendors: revenue and gross margin, NVIDIA revenue by platform, earnings events."""

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import chart, charts, components, context, ids, text, universe

dash.register_page(
    __name__, path="/gpu-vendors", name="GPU vendors", order=10, title="GPU vendors · bubblemeter"
)

ROWS = (
    (charts.GPU_REVENUE, charts.GPU_MARGIN),
    (charts.GPU_PLATFORM, charts.GPU_EARNINGS),
    charts.GPU_DC_SPLIT,
)
CHARTS = chart.flat(ROWS)
PRESENTATIONS = {
    "market_platform": "By market platform (data center, gaming, ...)",
    "fy27": "By customer type (hyperscale, AI clouds/industrial/enterprise, edge)",
}


def next_earnings(frame, tickers: list[str]) -> str:
    """A line naming the next scheduled report per vendor, or saying none is loaded."""
    upcoming = frame[frame["is_upcoming"].astype(bool)] if not frame.empty else frame
    if upcoming.empty:
        return (
            "Next report date: none loaded for " + ", ".join(tickers) + " (only reported "
            "quarters are in the warehouse; `bubblemeter refresh --source yahoo` loads "
            "Yahoo's earnings calendar)."
        )
    parts = [
        f"{r.ticker} {text.day(r.report_date)}" + ("" if r.is_confirmed else " (unconfirmed)")
        for r in upcoming.sort_values("report_date").itertuples()
    ]
    return "Next report date: " + ", ".join(parts) + "."


def latest_surprises(drawn) -> str:
    """'Latest reported: NVDA FQ3 FY2026 (2025-11-19) $1.31 vs $1.26 estimate, +3.97%; ...'."""
    if drawn is None or drawn.empty:
        return ""
    latest = drawn.sort_values("report_date").groupby("ticker").tail(1)
    parts = [
        f"{r.ticker} {r.fiscal_period_label} ({text.day(r.report_date)}): "
        f"${r.eps_actual:.2f} vs ${r.eps_estimate:.2f} estimate, surprise "
        f"{r.surprise_pct:+.1f}%"
        for r in latest.itertuples()
    ]
    return "Latest reported: " + "; ".join(parts) + ". "


def render(tickers: list[str], presentation: str, fired=None):
    """The charts' renderings for one choice of filters, by chart key, and the next-report
    line: every chart, or with `fired` (the filters that changed) those that read one of them
    (the line goes with the earnings chart; no_update when that is not redrawn)."""
    settings = context.settings()
    f = chart.filters(tickers=tickers, presentation=presentation, colors=universe.colors(settings))
    out = chart.render_all(chart.redrawn(CHARTS, fired), settings, f)
    if charts.GPU_EARNINGS.key not in out:
        return out, no_update
    next_line = ""
    if tickers:
        events = charts.GPU_EARNINGS.read(settings, f).frame  # cached: the chart's own read
        next_line = latest_surprises(out[charts.GPU_EARNINGS.key].drawn) + next_earnings(
            events, tickers
        )
    return out, next_line


@callback(
    Output(ids.GPU_URL, "search"),
    *chart.outputs(CHARTS),
    Output(ids.GPU_DRAWN_FROM, "data"),
    Output(ids.GPU_NEXT_EARNINGS, "children"),
    Input(ids.GPU_TICKERS, "value"),
    Input(ids.GPU_PRESENTATION, "value"),
    State(ids.GPU_DRAWN_FROM, "data"),
    prevent_initial_call=True,
)
def update(tickers, presentation, drawn_from=None):
    """Redraw the charts that read the filter changed, and put the filters in the URL."""
    vendors = universe.tickers(context.settings(), "gpu_vendor")
    tickers = [t for t in vendors if t in (tickers or [])]
    presentation = components.query_choice(presentation, list(PRESENTATIONS), "market_platform")
    fired = chart.fired_filters(
        {ids.GPU_TICKERS: "tickers", ids.GPU_PRESENTATION: "presentation"}, drawn_from
    )
    out, next_line = render(tickers, presentation, fired)
    search = components.search_string(
        {"tickers": tickers, "presentation": presentation},
        {"tickers": vendors, "presentation": "market_platform"},
    )
    sent = chart.to_send(out, drawn_from)
    return (search, *chart.values(CHARTS, sent), chart.record(out, drawn_from), next_line)


def layout(tickers=None, presentation=None, **_query):
    """The page, with filters read from the URL query string."""
    vendors = universe.tickers(context.settings(), "gpu_vendor")
    tickers = components.query_list(tickers, vendors, vendors)
    presentation = components.query_choice(presentation, list(PRESENTATIONS), "market_platform")
    out, next_line = render(tickers, presentation)
    vendor_picker = html.Div(
        [
            html.Span("Vendors:", className="form-label-inline"),
            dcc.Checklist(
                id=ids.GPU_TICKERS,
                options=vendors,
                value=tickers,
                inline=True,
                className="inline-choices",
            ),
        ],
        className="filters",
    )
    presentation_picker = dcc.RadioItems(
        id=ids.GPU_PRESENTATION,
        value=presentation,
        className="inline-choices mb-2",
        options=[{"label": label, "value": value} for value, label in PRESENTATIONS.items()],
        inline=True,
    )
    next_note = html.P(next_line, id=ids.GPU_NEXT_EARNINGS, className="small mt-2 mb-0")
    return html.Div(
        [
            dcc.Location(id=ids.GPU_URL, refresh=False),
            chart.drawn_from(ids.GPU_DRAWN_FROM, out),
            html.H3("GPU vendors"),
            vendor_picker,
            *chart.grid(
                ROWS,
                out,
                {
                    charts.GPU_PLATFORM.key: {"controls": presentation_picker},
                    charts.GPU_EARNINGS.key: {"note": next_note},
                },
            ),
        ]
    )
