"""Big-tech capex: per hyperscaler and in total, capex intensity, NVIDIA's share of it."""

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import chart, charts, components, context, figures, ids, universe

dash.register_page(
    __name__, path="/capex", name="Big-tech capex", order=20, title="Big-tech capex · bubblemeter"
)

ROWS = (
    charts.CAPEX_BY_COMPANY,
    (charts.CAPEX_INTENSITY, charts.CAPEX_DC_SHARE),
    charts.CAPEX_CLOUD,
)
CHARTS = chart.flat(ROWS)
DEFINITIONS = list(figures.CAPEX_DEFINITIONS)


def render(tickers: list[str], definition: str = "cash", fired=None):
    """The charts' renderings for the chosen hyperscalers and capex definition, by chart key:
    every chart, or with `fired` (the filters that changed) those that read one of them."""
    settings = context.settings()
    f = chart.filters(
        tickers=tickers,
        definition=definition,
        all_tickers=universe.tickers(settings, "hyperscaler"),
        colors=universe.colors(settings),
    )
    return chart.render_all(chart.redrawn(CHARTS, fired), settings, f)


@callback(
    Output(ids.CAPEX_URL, "search"),
    *chart.outputs(CHARTS),
    Output(ids.CAPEX_DRAWN_FROM, "data"),
    Input(ids.CAPEX_TICKERS, "value"),
    Input(ids.CAPEX_DEFINITION, "value"),
    State(ids.CAPEX_DRAWN_FROM, "data"),
    prevent_initial_call=True,
)
def update(tickers, definition, drawn_from=None):
    """Redraw the charts that read the filter changed; put the filters in the URL."""
    hyperscalers = universe.tickers(context.settings(), "hyperscaler")
    tickers = [t for t in hyperscalers if t in (tickers or [])]
    definition = components.query_choice(definition, DEFINITIONS, "cash")
    search = components.search_string(
        {"tickers": tickers, "definition": definition},
        {"tickers": hyperscalers, "definition": "cash"},
    )
    fired = chart.fired_filters(
        {ids.CAPEX_TICKERS: "tickers", ids.CAPEX_DEFINITION: "definition"}, drawn_from
    )
    out = render(tickers, definition, fired)
    sent = chart.to_send(out, drawn_from)
    return (search, *chart.values(CHARTS, sent), chart.record(out, drawn_from))


def layout(tickers=None, definition=None, **_query):
    """The page, with the chosen hyperscalers and definition read from the URL query string."""
    hyperscalers = universe.tickers(context.settings(), "hyperscaler")
    tickers = components.query_list(tickers, hyperscalers, hyperscalers)
    definition = components.query_choice(definition, DEFINITIONS, "cash")
    out = render(tickers, definition)
    return html.Div(
        [
            dcc.Location(id=ids.CAPEX_URL, refresh=False),
            chart.drawn_from(ids.CAPEX_DRAWN_FROM, out),
            html.H3("Big-tech capex"),
            html.Div(
                [
                    html.Span("Hyperscalers:", className="form-label-inline"),
                    dcc.Checklist(
                        id=ids.CAPEX_TICKERS,
                        options=hyperscalers,
                        value=tickers,
                        inline=True,
                        className="inline-choices",
                    ),
                ],
                className="filters",
            ),
            html.Div(
                [
                    html.Span("Capex:", className="form-label-inline"),
                    dcc.RadioItems(
                        id=ids.CAPEX_DEFINITION,
                        value=definition,
                        inline=True,
                        className="inline-choices",
                        options=[
                            {"label": label, "value": value}
                            for value, label in figures.CAPEX_DEFINITIONS.items()
                        ],
                    ),
                ],
                className="filters",
            ),
            *chart.grid(ROWS, out),
        ]
    )
