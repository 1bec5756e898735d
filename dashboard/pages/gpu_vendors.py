"""GPU vendors: revenue and gross margin, NVIDIA revenue by platform, earnings events."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import components, context, data, figures, ids, text

dash.register_page(
    __name__, path="/gpu-vendors", name="GPU vendors", order=10, title="GPU vendors · bubblemeter"
)

VENDORS = ["NVDA", "AMD", "INTC", "AVGO"]
PRESENTATIONS = {
    "market_platform": "By market platform (data center, gaming, ...)",
    "fy27": "By customer type (hyperscale, AI clouds/industrial/enterprise, edge)",
}
DEFAULTS = {"tickers": VENDORS, "presentation": "market_platform"}


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


def render(tickers: list[str], presentation: str):
    """Every chart's (figure, caption, csv payload) for one choice of filters."""
    settings = context.settings()
    out = {}
    if not tickers:
        reason = "no vendor chosen: tick at least one above"
        for key in ("revenue", "margin", "earnings"):
            out[key] = (figures.empty_figure(reason), reason, None)
        out["next"] = ""
    else:
        quarterly = data.gpu_vendor_quarterly(settings, tickers)
        out["revenue"] = components.chart_body(
            quarterly,
            figures.gpu_revenue_drawn,
            figures.gpu_revenue_figure,
            figures.gpu_revenue_caption,
        )
        out["margin"] = components.chart_body(
            quarterly,
            figures.gpu_margin_drawn,
            figures.gpu_margin_figure,
            lambda drawn: figures.gpu_margin_caption(drawn, tickers),
        )
        events = data.earnings_surprises(settings, tickers)
        undated = (
            events.frame[events.frame["report_date"].isna()] if not events.empty_reason else None
        )
        out["earnings"] = components.chart_body(
            events,
            figures.earnings_drawn,
            figures.earnings_figure,
            lambda drawn: figures.earnings_caption(drawn, undated),
        )
        if not events.empty_reason:
            absent = [t for t in tickers if t not in set(events.frame["ticker"])]
            if absent:
                fig, cap, drawn = out["earnings"]
                out["earnings"] = (
                    fig,
                    cap + f" No earnings events loaded for {', '.join(absent)}.",
                    drawn,
                )
        out["next"] = latest_surprises(out["earnings"][2]) + next_earnings(events.frame, tickers)
    platform = data.nvda_revenue_by_platform(settings, presentation)
    out["platform"] = components.chart_body(
        platform, figures.platform_drawn, figures.platform_figure, figures.platform_caption
    )
    return out


def _payload(key: str, drawn):
    return components.csv_payload(drawn, f"bubblemeter-{key}.csv")


@callback(
    Output(ids.GPU_URL, "search"),
    *components.chart_outputs(ids.GPU_REVENUE_GRAPH, ids.GPU_REVENUE_CAPTION, "gpu-revenue"),
    *components.chart_outputs(ids.GPU_MARGIN_GRAPH, ids.GPU_MARGIN_CAPTION, "gpu-margin"),
    *components.chart_outputs(ids.GPU_PLATFORM_GRAPH, ids.GPU_PLATFORM_CAPTION, "gpu-platform"),
    *components.chart_outputs(ids.GPU_EARNINGS_GRAPH, ids.GPU_EARNINGS_CAPTION, "gpu-earnings"),
    Output(ids.GPU_NEXT_EARNINGS, "children"),
    Input(ids.GPU_TICKERS, "value"),
    Input(ids.GPU_PRESENTATION, "value"),
    prevent_initial_call=True,
)
def update(tickers, presentation):
    """Redraw every chart for the chosen vendors and presentation, and put them in the URL."""
    tickers = [t for t in VENDORS if t in (tickers or [])]
    presentation = components.query_choice(presentation, list(PRESENTATIONS), "market_platform")
    out = render(tickers, presentation)
    values = [
        components.search_string({"tickers": tickers, "presentation": presentation}, DEFAULTS)
    ]
    for key in ("revenue", "margin", "platform", "earnings"):
        fig, cap, drawn = out[key]
        values += [fig, cap, _payload(f"gpu-{key}", drawn), drawn is None]
    values.append(out["next"])
    return tuple(values)


def layout(tickers=None, presentation=None, **_query):
    """The page, with filters read from the URL query string."""
    tickers = components.query_list(tickers, VENDORS, VENDORS)
    presentation = components.query_choice(presentation, list(PRESENTATIONS), "market_platform")
    out = render(tickers, presentation)

    def card(key, title, graph_id, caption_id, controls=None, note=None):
        fig, cap, drawn = out[key]
        return components.chart_card(
            f"gpu-{key}", title, graph_id, caption_id, fig, cap, drawn, controls=controls, note=note
        )

    vendor_picker = html.Div(
        [
            html.Span("Vendors:", className="form-label-inline"),
            dcc.Checklist(
                id=ids.GPU_TICKERS,
                options=VENDORS,
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
    return html.Div(
        [
            dcc.Location(id=ids.GPU_URL, refresh=False),
            html.H3("GPU vendors"),
            vendor_picker,
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            "revenue",
                            "Revenue by quarter",
                            ids.GPU_REVENUE_GRAPH,
                            ids.GPU_REVENUE_CAPTION,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        card(
                            "margin",
                            "Gross margin by quarter",
                            ids.GPU_MARGIN_GRAPH,
                            ids.GPU_MARGIN_CAPTION,
                        ),
                        lg=6,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            "platform",
                            "NVIDIA revenue by platform",
                            ids.GPU_PLATFORM_GRAPH,
                            ids.GPU_PLATFORM_CAPTION,
                            controls=presentation_picker,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        card(
                            "earnings",
                            "Earnings: EPS estimate vs actual",
                            ids.GPU_EARNINGS_GRAPH,
                            ids.GPU_EARNINGS_CAPTION,
                            note=html.P(
                                out["next"], id=ids.GPU_NEXT_EARNINGS, className="small mt-2 mb-0"
                            ),
                        ),
                        lg=6,
                    ),
                ]
            ),
        ]
    )
