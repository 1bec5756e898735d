"""Enterprise adoption: NVIDIA's customer mix, the adopters' growth, Census BTOS, concentration."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import components, context, data, figures, ids, text

dash.register_page(
    __name__,
    path="/enterprise",
    name="Enterprise adoption",
    order=30,
    title="Enterprise adoption · bubblemeter",
)

ADOPTERS = ["NOW", "CRM", "SNOW", "PLTR", "ADBE"]
VINTAGES = {
    "current": "Current basis (recast where published)",
    "original": "As first published with Q1 FY2027",
}
BTOS_INDICATORS = {
    "btos_ai_use_rate": "Used AI in the last two weeks",
    "btos_ai_use_expected_rate": "Expect to use AI in the next six months",
}
DEFAULTS = {"vintage": "current", "tickers": ADOPTERS, "btos": "btos_ai_use_rate", "xx": False}
CONCENTRATION_COLUMNS = {
    "period_end": "Period ended",
    "customer_label": "Customer",
    "share_pct": "Share",
    "basis": "Basis",
    "quote": "Wording",
    "source": "Source",
}


def render(vintage: str, tickers: list[str], btos: str, show_xx: bool):
    """Every chart's (figure, caption, drawn rows) for one choice of filters."""
    settings = context.settings()
    out = {
        "mix": components.chart_body(
            data.nvda_data_center_mix_all(settings, vintage),
            figures.dc_mix_drawn,
            figures.dc_mix_figure,
            figures.dc_mix_caption,
        ),
        "growth": components.chart_body(
            data.enterprise_adopters_growth(settings, tickers),
            figures.growth_drawn,
            figures.growth_figure,
            figures.growth_caption,
        ),
        "btos": components.chart_body(
            data.btos_ai_use_by_period(settings, btos),
            lambda frame: figures.btos_drawn(frame, show_xx),
            figures.btos_figure,
            figures.btos_caption,
        ),
    }
    return out


@callback(
    Output(ids.ENT_URL, "search"),
    *components.chart_outputs(ids.ENT_MIX_GRAPH, ids.ENT_MIX_CAPTION, "ent-mix"),
    *components.chart_outputs(ids.ENT_GROWTH_GRAPH, ids.ENT_GROWTH_CAPTION, "ent-growth"),
    *components.chart_outputs(ids.ENT_BTOS_GRAPH, ids.ENT_BTOS_CAPTION, "ent-btos"),
    Input(ids.ENT_VINTAGE, "value"),
    Input(ids.ENT_TICKERS, "value"),
    Input(ids.ENT_BTOS_INDICATOR, "value"),
    Input(ids.ENT_XX, "value"),
    prevent_initial_call=True,
)
def update(vintage, tickers, btos, xx):
    """Redraw the charts for the chosen filters and put them in the URL."""
    vintage = components.query_choice(vintage, list(VINTAGES), "current")
    tickers = [t for t in ADOPTERS if t in (tickers or [])]
    btos = components.query_choice(btos, list(BTOS_INDICATORS), "btos_ai_use_rate")
    show_xx = "xx" in (xx or [])
    out = render(vintage, tickers, btos, show_xx)
    values = [
        components.search_string(
            {"vintage": vintage, "tickers": tickers, "btos": btos, "xx": show_xx}, DEFAULTS
        )
    ]
    for key in ("mix", "growth", "btos"):
        fig, cap, drawn = out[key]
        values += [
            fig,
            cap,
            components.csv_payload(drawn, f"bubblemeter-ent-{key}.csv"),
            drawn is None,
        ]
    return tuple(values)


def layout(vintage=None, tickers=None, btos=None, xx=None, **_query):
    """The page, with filters read from the URL query string."""
    vintage = components.query_choice(vintage, list(VINTAGES), "current")
    tickers = components.query_list(tickers, ADOPTERS, ADOPTERS)
    btos = components.query_choice(btos, list(BTOS_INDICATORS), "btos_ai_use_rate")
    show_xx = components.query_flag(xx)
    out = render(vintage, tickers, btos, show_xx)
    settings = context.settings()
    concentration = data.customer_concentration(settings)

    def card(key, title, graph_id, caption_id, controls=None):
        fig, cap, drawn = out[key]
        return components.chart_card(
            f"ent-{key}", title, graph_id, caption_id, fig, cap, drawn, controls=controls
        )

    vintage_picker = dcc.RadioItems(
        id=ids.ENT_VINTAGE,
        value=vintage,
        inline=True,
        className="inline-choices mb-2",
        options=[{"label": label, "value": value} for value, label in VINTAGES.items()],
    )
    adopter_picker = dcc.Checklist(
        id=ids.ENT_TICKERS,
        options=ADOPTERS,
        value=tickers,
        inline=True,
        className="inline-choices mb-2",
    )
    btos_picker = html.Div(
        [
            dcc.RadioItems(
                id=ids.ENT_BTOS_INDICATOR,
                value=btos,
                inline=True,
                className="inline-choices",
                options=[
                    {"label": label, "value": value} for value, label in BTOS_INDICATORS.items()
                ],
            ),
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
        formats={"period_end": text.day, "share_pct": text.pct},
        links=("source",),
    )
    return html.Div(
        [
            dcc.Location(id=ids.ENT_URL, refresh=False),
            html.H3("Enterprise adoption"),
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            "mix",
                            "NVIDIA data-center revenue: hyperscale vs AI clouds, "
                            "industrial & enterprise",
                            ids.ENT_MIX_GRAPH,
                            ids.ENT_MIX_CAPTION,
                            controls=vintage_picker,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        card(
                            "growth",
                            "Enterprise adopters: revenue growth on a year earlier",
                            ids.ENT_GROWTH_GRAPH,
                            ids.ENT_GROWTH_CAPTION,
                            controls=adopter_picker,
                        ),
                        lg=6,
                    ),
                ]
            ),
            card(
                "btos",
                "Census BTOS: share of firms using AI, across states",
                ids.ENT_BTOS_GRAPH,
                ids.ENT_BTOS_CAPTION,
                controls=btos_picker,
            ),
            concentration_card,
        ]
    )
