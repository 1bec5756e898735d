"""Big-tech capex: per hyperscaler and in total, capex intensity, NVIDIA's share of it."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import components, context, data, figures, ids

dash.register_page(
    __name__, path="/capex", name="Big-tech capex", order=20, title="Big-tech capex · bubblemeter"
)

HYPERSCALERS = ["MSFT", "GOOGL", "AMZN", "META", "ORCL"]
DEFAULTS = {"tickers": HYPERSCALERS}


def render(tickers: list[str]):
    """Every chart's (figure, caption, drawn rows) for the chosen hyperscalers."""
    settings = context.settings()
    out = {}
    if not tickers:
        reason = "no hyperscaler chosen: tick at least one above"
        out["capex"] = out["intensity"] = (figures.empty_figure(reason), reason, None)
    else:
        out["capex"] = components.chart_body(
            data.hyperscaler_capex_by_company(settings, tickers),
            lambda frame: figures.capex_drawn(frame, tickers, HYPERSCALERS),
            figures.capex_figure,
            figures.capex_caption,
        )
        out["intensity"] = components.chart_body(
            data.hyperscaler_capex_intensity(settings, tickers),
            figures.intensity_drawn,
            figures.intensity_figure,
            lambda drawn: figures.intensity_caption(drawn, tickers),
        )
    out["share"] = components.chart_body(
        data.hyperscaler_capex_panel(settings),
        figures.dc_vs_capex_drawn,
        figures.dc_share_figure,
        figures.dc_vs_capex_caption,
    )
    return out


@callback(
    Output(ids.CAPEX_URL, "search"),
    *components.chart_outputs(ids.CAPEX_GRAPH, ids.CAPEX_CAPTION, "capex-by-company"),
    *components.chart_outputs(
        ids.CAPEX_INTENSITY_GRAPH, ids.CAPEX_INTENSITY_CAPTION, "capex-intensity"
    ),
    Input(ids.CAPEX_TICKERS, "value"),
    prevent_initial_call=True,
)
def update(tickers):
    """Redraw the per-company charts for the chosen hyperscalers and put them in the URL."""
    tickers = [t for t in HYPERSCALERS if t in (tickers or [])]
    out = render(tickers)
    values = [components.search_string({"tickers": tickers}, DEFAULTS)]
    for key, name in (("capex", "capex-by-company"), ("intensity", "capex-intensity")):
        fig, cap, drawn = out[key]
        values += [
            fig,
            cap,
            components.csv_payload(drawn, f"bubblemeter-{name}.csv"),
            drawn is None,
        ]
    return tuple(values)


def layout(tickers=None, **_query):
    """The page, with the chosen hyperscalers read from the URL query string."""
    tickers = components.query_list(tickers, HYPERSCALERS, HYPERSCALERS)
    out = render(tickers)

    def card(key, name, title, graph_id, caption_id):
        fig, cap, drawn = out[key]
        return components.chart_card(name, title, graph_id, caption_id, fig, cap, drawn)

    return html.Div(
        [
            dcc.Location(id=ids.CAPEX_URL, refresh=False),
            html.H3("Big-tech capex"),
            html.Div(
                [
                    html.Span("Hyperscalers:", className="form-label-inline"),
                    dcc.Checklist(
                        id=ids.CAPEX_TICKERS,
                        options=HYPERSCALERS,
                        value=tickers,
                        inline=True,
                        className="inline-choices",
                    ),
                ],
                className="filters",
            ),
            card(
                "capex",
                "capex-by-company",
                "Capex per hyperscaler by calendar quarter (total line when all are chosen)",
                ids.CAPEX_GRAPH,
                ids.CAPEX_CAPTION,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            "intensity",
                            "capex-intensity",
                            "Capex intensity: capex ÷ revenue",
                            ids.CAPEX_INTENSITY_GRAPH,
                            ids.CAPEX_INTENSITY_CAPTION,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        card(
                            "share",
                            "capex-dc-share",
                            "NVIDIA data-center revenue as a share of hyperscaler capex",
                            ids.CAPEX_DC_SHARE_GRAPH,
                            ids.CAPEX_DC_SHARE_CAPTION,
                        ),
                        lg=6,
                    ),
                ]
            ),
        ]
    )
