"""Enterprise adoption: NVIDIA's customer mix, the adopters' growth, Census BTOS (national, by
sector, by size; states as a secondary view), concentration."""

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import chart, charts, components, context, data, figures, ids, text, universe

dash.register_page(
    __name__,
    path="/enterprise",
    name="Enterprise adoption",
    order=30,
    title="Enterprise adoption · bubblemeter",
)

ROWS = (
    (charts.ENT_MIX, charts.ENT_GROWTH),
    charts.ENT_BTOS_NATIONAL,
    (charts.ENT_BTOS_SECTOR, charts.ENT_BTOS_SIZE),
    charts.ENT_BTOS,
)
CHARTS = chart.flat(ROWS)
VINTAGES = {
    "both": "Both vintages, side by side",
    "original": "As first published with Q1 FY2027",
    "recast": "Recast with Q2 FY2027",
}
BTOS_INDICATORS = {
    "btos_ai_use_rate": "Used AI in the last two weeks",
    "btos_ai_use_expected_rate": "Expect to use AI in the next six months",
}
DEFAULTS = {"vintage": "both", "btos": "btos_ai_use_rate", "xx": False}
CONCENTRATION_COLUMNS = {
    "period_end": "Period ended",
    "customer_label": "Customer",
    "share_pct": "Share",
    "basis": "Basis",
    "origin": "Read from",
    "accession": "Accession",
    "filed_at": "Filed",
    "quote": "Wording",
    "source": "Source",
}


def render(vintage: str, tickers: list[str], btos: str, show_xx: bool, fired=None):
    """The charts' renderings for one choice of filters, by chart key: every chart, or with
    `fired` (the filters that changed) those that read one of them."""
    settings = context.settings()
    f = chart.filters(
        vintage=vintage,
        tickers=tickers,
        btos=btos,
        show_xx=show_xx,
        colors=universe.colors(settings),
    )
    return chart.render_all(chart.redrawn(CHARTS, fired), settings, f)


@callback(
    Output(ids.ENT_URL, "search"),
    *chart.outputs(CHARTS),
    Output(ids.ENT_DRAWN_FROM, "data"),
    Input(ids.ENT_VINTAGE, "value"),
    Input(ids.ENT_TICKERS, "value"),
    Input(ids.ENT_BTOS_INDICATOR, "value"),
    Input(ids.ENT_XX, "value"),
    State(ids.ENT_DRAWN_FROM, "data"),
    prevent_initial_call=True,
)
def update(vintage, tickers, btos, xx, drawn_from=None):
    """Redraw the charts that read the filter changed, and put the filters in the URL."""
    adopters = universe.tickers(context.settings(), "enterprise_adopter")
    vintage = components.query_choice(vintage, list(VINTAGES), "both")
    tickers = [t for t in adopters if t in (tickers or [])]
    btos = components.query_choice(btos, list(BTOS_INDICATORS), "btos_ai_use_rate")
    show_xx = "xx" in (xx or [])
    search = components.search_string(
        {"vintage": vintage, "tickers": tickers, "btos": btos, "xx": show_xx},
        {**DEFAULTS, "tickers": adopters},
    )
    fired = chart.fired_filters(
        {
            ids.ENT_VINTAGE: "vintage",
            ids.ENT_TICKERS: "tickers",
            ids.ENT_BTOS_INDICATOR: "btos",
            ids.ENT_XX: "show_xx",
        },
        drawn_from,
    )
    out = render(vintage, tickers, btos, show_xx, fired)
    sent = chart.to_send(out, drawn_from)
    return (search, *chart.values(CHARTS, sent), chart.record(out, drawn_from))


def layout(vintage=None, tickers=None, btos=None, xx=None, **_query):
    """The page, with filters read from the URL query string."""
    vintage = components.query_choice(vintage, list(VINTAGES), "both")
    adopters = universe.tickers(context.settings(), "enterprise_adopter")
    tickers = components.query_list(tickers, adopters, adopters)
    btos = components.query_choice(btos, list(BTOS_INDICATORS), "btos_ai_use_rate")
    show_xx = components.query_flag(xx)
    out = render(vintage, tickers, btos, show_xx)
    settings = context.settings()
    concentration = data.customer_concentration(settings)

    vintage_picker = dcc.RadioItems(
        id=ids.ENT_VINTAGE,
        value=vintage,
        inline=True,
        className="inline-choices mb-2",
        options=[{"label": label, "value": value} for value, label in VINTAGES.items()],
    )
    adopter_picker = dcc.Checklist(
        id=ids.ENT_TICKERS,
        options=adopters,
        value=tickers,
        inline=True,
        className="inline-choices mb-2",
    )
    indicator_picker = dcc.RadioItems(
        id=ids.ENT_BTOS_INDICATOR,
        value=btos,
        inline=True,
        className="inline-choices mb-2",
        options=[{"label": label, "value": value} for value, label in BTOS_INDICATORS.items()],
    )
    xx_picker = html.Div(
        [
            dcc.Checklist(
                id=ids.ENT_XX,
                value=["xx"] if show_xx else [],
                inline=True,
                className="inline-choices",
                options=[
                    {
                        "label": "show 'XX' as labelled by the source (not verified as national)",
                        "value": "xx",
                    }
                ],
            ),
        ],
        className="mb-2",
    )
    frame = None if concentration.empty_reason else concentration.frame
    concentration_card = components.table_card(
        "ent-concentration",
        "NVIDIA customer concentration, in its own words",
        ids.ENT_CONCENTRATION_TABLE,
        ids.ENT_CONCENTRATION_CAPTION,
        frame,
        CONCENTRATION_COLUMNS,
        "" if frame is None else figures.concentration_caption(frame),
        empty_reason=concentration.empty_reason,
        formats={"period_end": text.day, "share_pct": text.pct, "filed_at": text.day},
        links=("source",),
    )
    return html.Div(
        [
            dcc.Location(id=ids.ENT_URL, refresh=False),
            chart.drawn_from(ids.ENT_DRAWN_FROM, out),
            html.H3("Enterprise adoption"),
            *chart.grid(
                ROWS,
                out,
                {
                    charts.ENT_MIX.key: {"controls": vintage_picker},
                    charts.ENT_GROWTH.key: {"controls": adopter_picker},
                    charts.ENT_BTOS_NATIONAL.key: {"controls": indicator_picker},
                    charts.ENT_BTOS.key: {"controls": xx_picker},
                },
            ),
            concentration_card,
        ]
    )
